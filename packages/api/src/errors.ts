import { TRPCError } from "@trpc/server";

/** An error about one input field: the web form shows it next to that field. */
export class FieldError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = "FieldError";
  }
}

/** A refused request that may be tried again later. */
export class RetryLaterError extends Error {
  constructor(
    readonly retryAfterSeconds: number,
    message: string,
  ) {
    super(message);
    this.name = "RetryLaterError";
  }
}

export function fieldError(
  code: "BAD_REQUEST" | "UNAUTHORIZED" | "FORBIDDEN" | "CONFLICT",
  field: string,
  message: string,
): TRPCError {
  return new TRPCError({ code, message, cause: new FieldError(field, message) });
}

export function humanDuration(seconds: number): string {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? "" : "s"}`;
  const minutes = Math.ceil(seconds / 60);
  if (minutes < 60) return `${minutes} minute${minutes === 1 ? "" : "s"}`;
  const hours = Math.ceil(minutes / 60);
  return `${hours} hour${hours === 1 ? "" : "s"}`;
}

export function tooManyRequests(retryAfterSeconds: number, what = "Too many attempts"): TRPCError {
  const message = `${what}: try again in ${humanDuration(retryAfterSeconds)}.`;
  return new TRPCError({
    code: "TOO_MANY_REQUESTS",
    message,
    cause: new RetryLaterError(retryAfterSeconds, message),
  });
}

export function notFound(what: string): TRPCError {
  return new TRPCError({ code: "NOT_FOUND", message: `${what} was not found` });
}
