import { type InputHTMLAttributes, type ReactNode, type RefObject, useEffect, useId, useState } from "react";
import type { FormErrors } from "../lib/errors";
import { useCountdown } from "../lib/use-countdown";

type InputProps = Omit<InputHTMLAttributes<HTMLInputElement>, "onChange" | "value"> & {
  label: string;
  value: string;
  onChange: (value: string) => void;
  error?: string | undefined;
  hint?: ReactNode;
  /** Shown to the right of the label (e.g. "Forgot password?"). */
  aside?: ReactNode;
  /** Sits inside the input, at its right end (e.g. "Show"). */
  adornment?: ReactNode;
};

/** A labelled input whose hint and error are read out with it (aria-describedby). */
export function TextField({
  label,
  value,
  onChange,
  error,
  hint,
  aside,
  adornment,
  className,
  ...rest
}: InputProps) {
  const id = useId();
  const describedBy = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(" ");
  return (
    <div className={`field${error ? " invalid" : ""}${className ? ` ${className}` : ""}`}>
      <div className="field-label">
        <label htmlFor={id}>{label}</label>
        {aside}
      </div>
      <div className={adornment ? "input-wrap has-adornment" : "input-wrap"}>
        <input
          id={id}
          value={value}
          onChange={(e) => onChange(e.target.value)}
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy || undefined}
          {...rest}
        />
        {adornment}
      </div>
      <FieldNotes id={id} hint={hint} error={error} />
    </div>
  );
}

export function FieldNotes({
  id,
  hint,
  error,
}: {
  id: string;
  hint?: ReactNode;
  error?: string | undefined;
}) {
  return (
    <>
      {error ? (
        <p id={`${id}-error`} className="field-error">
          <AlertIcon />
          {error}
        </p>
      ) : null}
      {hint && !error ? (
        <p id={`${id}-hint`} className="field-hint">
          {hint}
        </p>
      ) : null}
    </>
  );
}

/** A password input with a show/hide switch. */
export function PasswordField(props: InputProps) {
  const [shown, setShown] = useState(false);
  return (
    <TextField
      {...props}
      type={shown ? "text" : "password"}
      adornment={
        <button
          type="button"
          className="reveal"
          onClick={() => setShown((v) => !v)}
          aria-label={shown ? `Hide ${props.label.toLowerCase()}` : `Show ${props.label.toLowerCase()}`}
          aria-pressed={shown}
        >
          {shown ? "Hide" : "Show"}
        </button>
      }
    />
  );
}

/** One input for the 6 digits: paste, autofill from SMS/mail (one-time-code) and typing all work. */
export function CodeField({
  value,
  onChange,
  error,
  hint,
  label = "6-digit code",
  autoFocus,
  disabled,
}: {
  value: string;
  onChange: (value: string) => void;
  error?: string | undefined;
  hint?: ReactNode;
  label?: string;
  autoFocus?: boolean;
  disabled?: boolean;
}) {
  return (
    <TextField
      className="code-field"
      label={label}
      value={value}
      onChange={(v) => onChange(v.replace(/\D/g, "").slice(0, 6))}
      error={error}
      hint={hint}
      inputMode="numeric"
      autoComplete="one-time-code"
      pattern="\d{6}"
      maxLength={6}
      placeholder="••••••"
      spellCheck={false}
      autoFocus={autoFocus}
      disabled={disabled}
    />
  );
}

/** The error that concerns the whole form, with a countdown when the server asked us to wait. */
export function FormAlert({ errors }: { errors: FormErrors }) {
  const remaining = useCountdown(errors.retryAfterSeconds, errors);
  if (!errors.form) return null;
  return (
    <div className="form-alert" role="alert">
      <AlertIcon />
      <div>
        {errors.form}
        {errors.retryAfterSeconds !== null ? (
          <div className="small">
            {remaining > 0 ? `You can try again in ${formatWait(remaining)}.` : "You can try again now."}
          </div>
        ) : null}
      </div>
    </div>
  );
}

/** A field's error, with the wait when it is a rate limit ("code": too many tries). */
export function useFieldError(errors: FormErrors, field: string): string | undefined {
  const remaining = useCountdown(errors.retryAfterSeconds, errors);
  const message = errors.fields[field];
  if (!message) return undefined;
  if (errors.retryAfterSeconds === null) return message;
  return remaining > 0 ? `${message} Try again in ${formatWait(remaining)}.` : message;
}

export function formatWait(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  const m = Math.floor(seconds / 60);
  const s = seconds % 60;
  return s ? `${m} min ${s} s` : `${m} min`;
}

export function SubmitButton({
  pending,
  children,
  pendingLabel,
  disabled,
  className = "primary",
}: {
  pending: boolean;
  children: ReactNode;
  pendingLabel?: string;
  disabled?: boolean;
  className?: string;
}) {
  return (
    <button
      type="submit"
      className={className}
      disabled={pending || disabled}
      aria-busy={pending || undefined}
    >
      {pending ? <span className="spinner" aria-hidden="true" /> : null}
      {pending && pendingLabel ? pendingLabel : children}
    </button>
  );
}

/** After a failed submit, put the cursor in the first field that needs attention. */
export function useFocusFirstInvalid(ref: RefObject<HTMLElement | null>, errors: FormErrors) {
  useEffect(() => {
    if (Object.keys(errors.fields).length === 0) return;
    ref.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [ref, errors]);
}

export function AlertIcon() {
  return (
    <svg width={16} height={16} viewBox="0 0 24 24" aria-hidden="true" fill="currentColor" className="icon">
      <path d="M12 2a10 10 0 1 0 0 20 10 10 0 0 0 0-20zm1 15h-2v-2h2zm0-4h-2V7h2z" />
    </svg>
  );
}
