import { TRPCClientError } from "@trpc/client";

/** An error, sorted for a form: messages by field, one for the whole form, and when to retry. */
export interface FormErrors {
  fields: Record<string, string>;
  form: string | null;
  /** Set on TOO_MANY_REQUESTS: seconds until trying again makes sense. */
  retryAfterSeconds: number | null;
  code: string | null;
}

export const noErrors: FormErrors = { fields: {}, form: null, retryAfterSeconds: null, code: null };

interface ErrorData {
  code?: string;
  field?: string;
  retryAfterSeconds?: number;
  zodError?: { formErrors: string[]; fieldErrors: Record<string, string[] | undefined> } | null;
}

/**
 * Sorts a server error: zod's field errors, else `data.field`, the input a refusal concerns
 * ("code", "currentPassword"); anything else is about the whole form.
 */
export function readError(err: unknown): FormErrors {
  if (!(err instanceof TRPCClientError)) {
    return { ...noErrors, form: err instanceof Error ? err.message : "Something went wrong. Try again." };
  }
  const data = (err.data ?? {}) as ErrorData;
  const retryAfterSeconds =
    typeof data.retryAfterSeconds === "number" ? Math.max(1, Math.ceil(data.retryAfterSeconds)) : null;
  const code = data.code ?? null;
  // A failed fetch has no data: say what happened in words a person can act on.
  let message = err.data ? err.message : "Could not reach the server. Check your connection and try again.";
  // "…: try again in 52 seconds." goes stale at once; the form shows a live countdown instead.
  if (retryAfterSeconds !== null) message = message.replace(/[:;,]?\s*try again in [^.]*\.?$/i, ".");
  // zod's own per-field messages first: `field` then only names the first of them ("equalizer.bands.3"),
  // with every issue joined into the message.
  const fieldErrors = Object.entries(data.zodError?.fieldErrors ?? {}).filter(
    (e): e is [string, string[]] => Array.isArray(e[1]) && e[1].length > 0,
  );
  if (fieldErrors.length > 0) {
    return {
      fields: Object.fromEntries(fieldErrors.map(([k, v]) => [k, v[0]!])),
      form: data.zodError?.formErrors[0] ?? null,
      retryAfterSeconds,
      code,
    };
  }
  if (data.field) {
    const field = data.field.split(".")[0]!;
    return { fields: { [field]: message }, form: null, retryAfterSeconds, code };
  }
  return { fields: {}, form: message, retryAfterSeconds, code };
}

/** For actions with no field of their own (resend a code): every message goes to the form. */
export function asFormError(errors: FormErrors): FormErrors {
  return { ...errors, fields: {}, form: errors.form ?? Object.values(errors.fields)[0] ?? null };
}

interface Issue {
  path: PropertyKey[];
  message: string;
}

/**
 * Checks values with the same contract the server uses, before sending; the first message per field.
 * Returns null when the values pass.
 */
export function check<T>(
  schema: {
    safeParse(v: unknown): { success: true; data: T } | { success: false; error: { issues: Issue[] } };
  },
  values: unknown,
): { data: T; errors: null } | { data: null; errors: FormErrors } {
  const result = schema.safeParse(values);
  if (result.success) return { data: result.data, errors: null };
  const fields: Record<string, string> = {};
  let form: string | null = null;
  for (const issue of result.error.issues) {
    const key = issue.path[0];
    if (key === undefined) form ??= issue.message;
    else fields[String(key)] ??= issue.message;
  }
  return { data: null, errors: { ...noErrors, fields, form } };
}
