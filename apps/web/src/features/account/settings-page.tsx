import { ChangePasswordInput, PASSWORD_MIN } from "@chorus/contracts";
import { type FormEvent, useRef, useState } from "react";
import {
  CodeField,
  FormAlert,
  PasswordField,
  SubmitButton,
  useFieldError,
  useFocusFirstInvalid,
} from "../../components/form";
import { signIn, signOutLocally } from "../../lib/auth";
import { check, type FormErrors, noErrors, readError } from "../../lib/errors";
import { trpc } from "../../lib/trpc";
import { PageLoader } from "../auth/gates";
import { useLogout } from "../auth/use-logout";
import { PreferencesForm } from "./preferences-form";
import { useSavedFlag } from "./use-saved-flag";

export function SettingsPage() {
  const settings = trpc.user.settings.useQuery();
  return (
    <section className="page narrow-page">
      <header className="page-header">
        <h1>Settings</h1>
        <p className="muted">Sound, look and account. Saved to your account, on every device.</p>
      </header>
      {settings.isPending ? (
        <PageLoader label="Loading your settings…" />
      ) : settings.isError ? (
        <div className="card error" role="alert">
          <strong>Your settings did not load.</strong>
          <p>{settings.error.message}</p>
          <button type="button" className="retry" onClick={() => void settings.refetch()}>
            Try again
          </button>
        </div>
      ) : (
        <PreferencesForm saved={settings.data} />
      )}
      <ChangePasswordCard />
      <SessionsCard />
      <DeleteAccountCard />
    </section>
  );
}

function ChangePasswordCard() {
  const formRef = useRef<HTMLFormElement>(null);
  const [currentPassword, setCurrent] = useState("");
  const [newPassword, setNew] = useState("");
  const [errors, setErrors] = useState(noErrors);
  const [saved, flashSaved] = useSavedFlag(6000);
  const change = trpc.user.changePassword.useMutation();
  const currentError = useFieldError(errors, "currentPassword");
  useFocusFirstInvalid(formRef, errors);

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    const checked = check(ChangePasswordInput, { currentPassword, newPassword });
    if (checked.errors) return setErrors(checked.errors);
    setErrors(noErrors);
    change.mutate(checked.data, {
      onSuccess: (result) => {
        // The other sessions were revoked; this one carries on with the new token.
        signIn(result);
        setCurrent("");
        setNew("");
        flashSaved();
      },
      onError: (err) => setErrors(readError(err)),
    });
  }

  return (
    <form
      ref={formRef}
      className="card form"
      onSubmit={onSubmit}
      noValidate
      aria-labelledby="password-heading"
    >
      <div>
        <h2 id="password-heading">Password</h2>
        <p className="muted small">Changing it logs you out on your other devices.</p>
      </div>
      <FormAlert errors={errors} />
      <div className="field-row">
        <PasswordField
          label="Current password"
          value={currentPassword}
          onChange={setCurrent}
          error={currentError}
          autoComplete="current-password"
        />
        <PasswordField
          label="New password"
          value={newPassword}
          onChange={setNew}
          error={errors.fields.newPassword}
          autoComplete="new-password"
          hint={`At least ${PASSWORD_MIN} characters`}
        />
      </div>
      <div className="form-actions">
        <SubmitButton
          pending={change.isPending}
          pendingLabel="Changing…"
          disabled={!currentPassword || !newPassword}
        >
          Change password
        </SubmitButton>
        {saved ? (
          <span className="saved" role="status">
            ✓ Password changed. Your other devices were logged out.
          </span>
        ) : null}
      </div>
    </form>
  );
}

function SessionsCard() {
  const logout = useLogout();
  const [confirming, setConfirming] = useState(false);
  const [pending, setPending] = useState(false);
  const [errors, setErrors] = useState<FormErrors>(noErrors);
  return (
    <section className="card form" aria-labelledby="sessions-heading">
      <div>
        <h2 id="sessions-heading">Devices</h2>
        <p className="muted small">
          Lost a phone, or used a shared computer? Log out everywhere, this browser included.
        </p>
      </div>
      <FormAlert errors={errors} />
      {confirming ? (
        <div className="confirm-row">
          <span>Log out on every device?</span>
          <button type="button" className="ghost" onClick={() => setConfirming(false)} disabled={pending}>
            Cancel
          </button>
          <button
            type="button"
            className="primary"
            disabled={pending}
            aria-busy={pending || undefined}
            onClick={async () => {
              setPending(true);
              try {
                await logout({ everywhere: true });
              } catch (err) {
                setErrors(readError(err));
                setPending(false);
              }
            }}
          >
            {pending ? "Logging out…" : "Yes, log out everywhere"}
          </button>
        </div>
      ) : (
        <div>
          <button type="button" onClick={() => setConfirming(true)}>
            Log out everywhere
          </button>
        </div>
      )}
    </section>
  );
}

function DeleteAccountCard() {
  const [open, setOpen] = useState(false);
  const [method, setMethod] = useState<"password" | "code">("password");
  const [password, setPassword] = useState("");
  const [code, setCode] = useState("");
  const [errors, setErrors] = useState(noErrors);
  const [notice, setNotice] = useState<string | null>(null);
  const formRef = useRef<HTMLFormElement>(null);
  const requestCode = trpc.user.requestDeleteCode.useMutation();
  const del = trpc.user.deleteAccount.useMutation();
  const passwordError = useFieldError(errors, "password");
  const codeError = useFieldError(errors, "code");
  useFocusFirstInvalid(formRef, errors);

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    if (method === "password" && !password)
      return setErrors({ ...noErrors, fields: { password: "Enter your password" } });
    if (method === "code" && code.length !== 6) {
      return setErrors({ ...noErrors, fields: { code: "The code is the 6 digits from the email" } });
    }
    setErrors(noErrors);
    del.mutate(method === "password" ? { password } : { code }, {
      // RequireAuth then leaves for the home screen.
      onSuccess: () => signOutLocally(),
      onError: (err) => setErrors(readError(err)),
    });
  }

  function sendCode() {
    setErrors(noErrors);
    requestCode.mutate(undefined, {
      onSuccess: (r) => {
        setMethod("code");
        setNotice(r.message);
      },
      onError: (err) => setErrors({ ...readError(err), fields: {} }),
    });
  }

  return (
    <form
      ref={formRef}
      className="card form danger-zone"
      onSubmit={onSubmit}
      noValidate
      aria-labelledby="delete-heading"
    >
      <div>
        <h2 id="delete-heading">Delete account</h2>
        <p className="muted small">
          Deletes your profile, your settings and any music you uploaded. This cannot be undone.
        </p>
      </div>
      {!open ? (
        <div>
          <button type="button" className="danger" onClick={() => setOpen(true)}>
            Delete account…
          </button>
        </div>
      ) : (
        <>
          <FormAlert errors={errors} />
          {method === "password" ? (
            <PasswordField
              label="Confirm with your password"
              value={password}
              onChange={setPassword}
              error={passwordError}
              autoComplete="current-password"
              autoFocus
              aside={
                <button
                  type="button"
                  className="link-button small"
                  onClick={sendCode}
                  disabled={requestCode.isPending}
                >
                  {requestCode.isPending ? "Sending…" : "Email me a code instead"}
                </button>
              }
            />
          ) : (
            <>
              {notice ? (
                <p className="form-notice" role="status">
                  {notice}
                </p>
              ) : null}
              <CodeField
                value={code}
                onChange={setCode}
                error={codeError}
                label="Code from the email"
                autoFocus
              />
            </>
          )}
          <div className="form-actions">
            <SubmitButton pending={del.isPending} pendingLabel="Deleting…" className="danger">
              Delete my account
            </SubmitButton>
            <button
              type="button"
              className="ghost"
              onClick={() => {
                setOpen(false);
                setPassword("");
                setCode("");
                setMethod("password");
                setErrors(noErrors);
              }}
            >
              Cancel
            </button>
          </div>
        </>
      )}
    </form>
  );
}
