import { CODE_RESEND_SECONDS, EmailInput, LoginInput, LoginWithOtpInput } from "@chorus/contracts";
import { type FormEvent, useRef, useState } from "react";
import { Link, useSearchParams } from "react-router";
import {
  CodeField,
  FormAlert,
  PasswordField,
  SubmitButton,
  TextField,
  useFieldError,
  useFocusFirstInvalid,
} from "../../components/form";
import { signIn } from "../../lib/auth";
import { asFormError, check, type FormErrors, noErrors, readError } from "../../lib/errors";
import { trpc } from "../../lib/trpc";
import { AuthCard } from "./auth-card";
import { useNextPath, withNext } from "./gates";
import { ResendButton } from "./resend-button";
import type { VerifyState } from "./verify-page";

type Method = "password" | "code";

export function LoginPage() {
  const [params, setParams] = useSearchParams();
  const method: Method = params.get("method") === "code" ? "code" : "password";
  const next = useNextPath();
  const [email, setEmail] = useState(params.get("email") ?? "");

  function choose(m: Method) {
    setParams(
      (p) => {
        if (m === "code") p.set("method", "code");
        else p.delete("method");
        return p;
      },
      { replace: true },
    );
  }

  return (
    <AuthCard
      title="Welcome back"
      subtitle="Log in to pick up where you left off."
      footer={
        <>
          New to Chorus? <Link to={withNext("/signup", next)}>Create an account</Link>
        </>
      }
    >
      <div className="tabs" role="tablist" aria-label="How to log in">
        <button
          type="button"
          role="tab"
          id="tab-password"
          aria-selected={method === "password"}
          aria-controls="panel-login"
          onClick={() => choose("password")}
        >
          Password
        </button>
        <button
          type="button"
          role="tab"
          id="tab-code"
          aria-selected={method === "code"}
          aria-controls="panel-login"
          onClick={() => choose("code")}
        >
          Email code
        </button>
      </div>
      <div role="tabpanel" id="panel-login" aria-labelledby={method === "code" ? "tab-code" : "tab-password"}>
        {method === "password" ? (
          <PasswordLogin email={email} setEmail={setEmail} onForgot={() => choose("code")} />
        ) : (
          <CodeLogin email={email} setEmail={setEmail} />
        )}
      </div>
    </AuthCard>
  );
}

interface EmailProps {
  email: string;
  setEmail: (v: string) => void;
}

function PasswordLogin({ email, setEmail, onForgot }: EmailProps & { onForgot: () => void }) {
  const formRef = useRef<HTMLFormElement>(null);
  const [password, setPassword] = useState("");
  const [errors, setErrors] = useState(noErrors);
  const login = trpc.auth.login.useMutation();
  useFocusFirstInvalid(formRef, errors);
  const passwordError = useFieldError(errors, "password");

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    const checked = check(LoginInput, { email, password });
    if (checked.errors) return setErrors(checked.errors);
    setErrors(noErrors);
    login.mutate(checked.data, { onSuccess: signIn, onError: (err) => setErrors(readError(err)) });
  }

  return (
    <form ref={formRef} className="form" onSubmit={onSubmit} noValidate>
      <FormAlert errors={errors} />
      <UnverifiedHint errors={errors} email={email} />
      <TextField
        label="Email"
        type="email"
        value={email}
        onChange={setEmail}
        error={errors.fields.email}
        autoComplete="username"
        placeholder="you@example.com"
        required
      />
      <PasswordField
        label="Password"
        value={password}
        onChange={setPassword}
        error={passwordError}
        autoComplete="current-password"
        required
        aside={
          <button type="button" className="link-button small" onClick={onForgot}>
            Forgot password?
          </button>
        }
      />
      <SubmitButton pending={login.isPending} pendingLabel="Logging in…">
        Log in
      </SubmitButton>
    </form>
  );
}

/** An account whose email was never verified cannot log in yet: offer the way to finish. */
function UnverifiedHint({ errors, email }: { errors: FormErrors; email: string }) {
  const next = useNextPath();
  if (errors.code !== "FORBIDDEN") return null;
  return (
    <p className="form-notice">
      {/* The server has just mailed a new code: the resend button starts out waiting. */}
      <Link
        to={withNext(`/verify?email=${encodeURIComponent(email.trim())}`, next)}
        state={{ resendAfterSeconds: CODE_RESEND_SECONDS } satisfies VerifyState}
      >
        Verify your email
      </Link>{" "}
      to finish signing up.
    </p>
  );
}

function CodeLogin({ email, setEmail }: EmailProps) {
  const formRef = useRef<HTMLFormElement>(null);
  const [sentTo, setSentTo] = useState<{ email: string; resendAfterSeconds: number } | null>(null);
  const [code, setCode] = useState("");
  const [errors, setErrors] = useState(noErrors);
  const [notice, setNotice] = useState<string | null>(null);
  const requestOtp = trpc.auth.requestOtp.useMutation();
  const loginWithOtp = trpc.auth.loginWithOtp.useMutation();
  const lastSubmitted = useRef<string | null>(null);
  useFocusFirstInvalid(formRef, errors);
  const codeError = useFieldError(errors, "code");
  const emailError = useFieldError(errors, "email");

  function send(e: FormEvent) {
    e.preventDefault();
    const checked = check(EmailInput, { email });
    if (checked.errors) return setErrors(checked.errors);
    setErrors(noErrors);
    requestOtp.mutate(checked.data, {
      onSuccess: (r) => {
        setSentTo({ email: checked.data.email, resendAfterSeconds: r.resendAfterSeconds });
        setCode("");
        lastSubmitted.current = null;
      },
      onError: (err) => setErrors(readError(err)),
    });
  }

  function submit(value: string) {
    if (!sentTo) return;
    const checked = check(LoginWithOtpInput, { email: sentTo.email, code: value });
    if (checked.errors) return setErrors(checked.errors);
    lastSubmitted.current = value;
    setErrors(noErrors);
    setNotice(null);
    loginWithOtp.mutate(checked.data, { onSuccess: signIn, onError: (err) => setErrors(readError(err)) });
  }

  if (!sentTo) {
    return (
      <form ref={formRef} className="form" onSubmit={send} noValidate>
        <p className="muted small form-intro">We'll email you a 6-digit code. No password needed.</p>
        <FormAlert errors={errors} />
        <TextField
          label="Email"
          type="email"
          value={email}
          onChange={setEmail}
          error={emailError}
          autoComplete="email"
          placeholder="you@example.com"
          required
        />
        <SubmitButton pending={requestOtp.isPending} pendingLabel="Sending…">
          Email me a code
        </SubmitButton>
      </form>
    );
  }

  return (
    <form
      ref={formRef}
      className="form"
      onSubmit={(e) => {
        e.preventDefault();
        submit(code);
      }}
      noValidate
    >
      <p className="muted small form-intro">
        We sent a code to <strong className="email">{sentTo.email}</strong>.{" "}
        <button
          type="button"
          className="link-button"
          onClick={() => {
            setSentTo(null);
            setErrors(noErrors);
          }}
        >
          Use another email
        </button>
      </p>
      <FormAlert errors={errors} />
      <CodeField
        value={code}
        onChange={(value) => {
          setCode(value);
          if (errors.fields.code) setErrors(noErrors);
          if (value.length === 6 && value !== lastSubmitted.current && !loginWithOtp.isPending) submit(value);
        }}
        error={codeError}
        autoFocus
        hint="Can't find it? Look in spam. On a server without mail set up, the code is in its log."
      />
      <SubmitButton pending={loginWithOtp.isPending} pendingLabel="Logging in…" disabled={code.length !== 6}>
        Log in
      </SubmitButton>
      {notice ? (
        <p className="form-notice" role="status">
          {notice}
        </p>
      ) : null}
      <ResendButton
        initialSeconds={sentTo.resendAfterSeconds}
        pending={requestOtp.isPending}
        onResend={(startCooldown) =>
          requestOtp.mutate(
            { email: sentTo.email },
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
  );
}
