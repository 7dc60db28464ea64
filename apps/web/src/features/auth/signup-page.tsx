import { PASSWORD_MIN, SignupInput } from "@chorus/contracts";
import { type FormEvent, useRef, useState } from "react";
import { Link, useNavigate } from "react-router";
import {
  FormAlert,
  PasswordField,
  SubmitButton,
  TextField,
  useFocusFirstInvalid,
} from "../../components/form";
import { check, noErrors, readError } from "../../lib/errors";
import { trpc } from "../../lib/trpc";
import { AuthCard } from "./auth-card";
import { useNextPath, withNext } from "./gates";
import type { VerifyState } from "./verify-page";

export function SignupPage() {
  const navigate = useNavigate();
  const next = useNextPath();
  const formRef = useRef<HTMLFormElement>(null);
  const [name, setName] = useState("");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [errors, setErrors] = useState(noErrors);
  const signup = trpc.auth.signup.useMutation();
  useFocusFirstInvalid(formRef, errors);

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    const checked = check(SignupInput, { email, password, name: name.trim() || undefined });
    if (checked.errors) return setErrors(checked.errors);
    setErrors(noErrors);
    signup.mutate(checked.data, {
      onSuccess: (result) => {
        const state: VerifyState = { resendAfterSeconds: result.resendAfterSeconds };
        navigate(withNext(`/verify?email=${encodeURIComponent(result.email)}`, next), { state });
      },
      onError: (err) => setErrors(readError(err)),
    });
  }

  const longEnough = password.length >= PASSWORD_MIN;
  return (
    <AuthCard
      title="Create your account"
      subtitle="Your library, playlists and settings, on every device."
      footer={
        <>
          Already have an account? <Link to={withNext("/login", next)}>Log in</Link>
        </>
      }
    >
      <form ref={formRef} className="form" onSubmit={onSubmit} noValidate>
        <FormAlert errors={errors} />
        <TextField
          label="Name"
          value={name}
          onChange={setName}
          error={errors.fields.name}
          autoComplete="name"
          placeholder="What should we call you?"
          hint="Optional. Shown on your profile."
        />
        <TextField
          label="Email"
          type="email"
          value={email}
          onChange={setEmail}
          error={errors.fields.email}
          autoComplete="email"
          placeholder="you@example.com"
          required
        />
        <PasswordField
          label="Password"
          value={password}
          onChange={setPassword}
          error={errors.fields.password}
          autoComplete="new-password"
          required
          minLength={PASSWORD_MIN}
          hint={
            <span className={longEnough ? "hint-ok" : undefined}>
              {longEnough ? "✓ " : ""}At least {PASSWORD_MIN} characters
            </span>
          }
        />
        <SubmitButton pending={signup.isPending} pendingLabel="Creating account…">
          Sign up
        </SubmitButton>
      </form>
    </AuthCard>
  );
}
