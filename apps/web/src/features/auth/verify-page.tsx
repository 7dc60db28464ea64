import { CODE_TTL_MINUTES, VerifyEmailInput } from "@chorus/contracts";
import { type FormEvent, useRef, useState } from "react";
import { Link, useLocation, useSearchParams } from "react-router";
import { CodeField, FormAlert, SubmitButton, useFieldError } from "../../components/form";
import { signIn } from "../../lib/auth";
import { asFormError, check, noErrors, readError } from "../../lib/errors";
import { trpc } from "../../lib/trpc";
import { AuthCard } from "./auth-card";
import { useNextPath, withNext } from "./gates";
import { ResendButton } from "./resend-button";

/** What the sign-up screen hands over (lost on reload, which is fine: resend works either way). */
export interface VerifyState {
  resendAfterSeconds: number;
}

export function VerifyPage() {
  const [params] = useSearchParams();
  const email = params.get("email") ?? "";
  const next = useNextPath();
  const state = useLocation().state as VerifyState | null;
  const [code, setCode] = useState("");
  const [errors, setErrors] = useState(noErrors);
  const [notice, setNotice] = useState<string | null>(null);
  const verify = trpc.auth.verifyEmail.useMutation();
  const resend = trpc.auth.resendVerification.useMutation();
  const lastSubmitted = useRef<string | null>(null);
  const codeError = useFieldError(errors, "code");

  if (!email) {
    return (
      <AuthCard title="Verify your email" subtitle="Which address should we verify?">
        <p className="muted">
          Open the link from the sign-up screen, or <Link to="/signup">sign up</Link> to get a code.
        </p>
      </AuthCard>
    );
  }

  function submit(value: string) {
    const checked = check(VerifyEmailInput, { email, code: value });
    if (checked.errors) return setErrors(checked.errors);
    lastSubmitted.current = value;
    setErrors(noErrors);
    setNotice(null);
    // Success signs in; GuestOnly then moves on to `next`.
    verify.mutate(checked.data, { onSuccess: signIn, onError: (err) => setErrors(readError(err)) });
  }

  function onChange(value: string) {
    setCode(value);
    if (errors.fields.code) setErrors(noErrors);
    // The sixth digit submits, once per distinct code (no loop on a wrong one).
    if (value.length === 6 && value !== lastSubmitted.current && !verify.isPending) submit(value);
  }

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    submit(code);
  }

  return (
    <AuthCard
      title="Check your email"
      subtitle={
        <>
          We sent a 6-digit code to <strong className="email">{email}</strong>. It works for{" "}
          {CODE_TTL_MINUTES} minutes.
        </>
      }
      footer={
        <>
          Wrong address? <Link to={withNext("/signup", next)}>Sign up again</Link>
        </>
      }
    >
      <form className="form" onSubmit={onSubmit} noValidate>
        <FormAlert errors={errors} />
        <CodeField
          value={code}
          onChange={onChange}
          error={codeError}
          autoFocus
          hint="Can't find it? Look in spam. On a server without mail set up, the code is in its log."
        />
        <SubmitButton pending={verify.isPending} pendingLabel="Verifying…" disabled={code.length !== 6}>
          Verify and continue
        </SubmitButton>
        {notice ? (
          <p className="form-notice" role="status">
            {notice}
          </p>
        ) : null}
        <ResendButton
          initialSeconds={state?.resendAfterSeconds ?? 0}
          pending={resend.isPending}
          onResend={(startCooldown) =>
            resend.mutate(
              { email },
              {
                onSuccess: (r) => {
                  setNotice(r.message);
                  startCooldown(r.resendAfterSeconds);
                },
                onError: (err) => {
                  const e = asFormError(readError(err));
                  if (e.retryAfterSeconds) startCooldown(e.retryAfterSeconds);
                  setErrors(e);
                },
              },
            )
          }
        />
      </form>
    </AuthCard>
  );
}
