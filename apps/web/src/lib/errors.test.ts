import { SignupInput } from "@chorus/contracts";
import { TRPCClientError } from "@trpc/client";
import { describe, expect, it } from "vitest";
import { safeNext } from "../features/auth/gates";
import { asFormError, check, readError } from "./errors";

function serverError(message: string, data: Record<string, unknown>) {
  return new TRPCClientError(message, {
    result: { error: { message, code: -32600, data: { httpStatus: 400, ...data } } },
  });
}

describe("readError", () => {
  it("puts an error that names its field next to that field", () => {
    const err = serverError("That code is wrong or has expired.", { code: "BAD_REQUEST", field: "code" });
    expect(readError(err)).toMatchObject({
      fields: { code: "That code is wrong or has expired." },
      form: null,
      code: "BAD_REQUEST",
    });
  });

  it("prefers zod's per-field messages to the joined message", () => {
    const err = serverError("crossfadeSeconds: too long; language: bad", {
      code: "BAD_REQUEST",
      field: "crossfadeSeconds",
      zodError: {
        formErrors: [],
        fieldErrors: {
          crossfadeSeconds: ["Crossfade is at most 12 seconds"],
          language: ["Language is a code"],
        },
      },
    });
    expect(readError(err).fields).toEqual({
      crossfadeSeconds: "Crossfade is at most 12 seconds",
      language: "Language is a code",
    });
  });

  it("keeps the top-level name of a nested field", () => {
    const err = serverError("equalizer.bands.3: too loud", {
      code: "BAD_REQUEST",
      field: "equalizer.bands.3",
    });
    expect(Object.keys(readError(err).fields)).toEqual(["equalizer"]);
  });

  it("turns a rate limit into a message and a wait, without the stale number", () => {
    const err = serverError("A code was just sent: try again in 1 minute.", {
      code: "TOO_MANY_REQUESTS",
      retryAfterSeconds: 52,
    });
    expect(readError(err)).toMatchObject({ form: "A code was just sent.", retryAfterSeconds: 52 });
  });

  it("explains a failed connection in words", () => {
    const err = TRPCClientError.from(new TypeError("Failed to fetch"));
    expect(readError(err).form).toMatch(/Could not reach the server/);
  });

  it("moves field messages to the form for actions without fields", () => {
    const err = serverError("Enter a valid email", { code: "BAD_REQUEST", field: "email" });
    expect(asFormError(readError(err))).toMatchObject({ fields: {}, form: "Enter a valid email" });
  });
});

describe("check", () => {
  it("uses the shared contract and keeps the first message per field", () => {
    const result = check(SignupInput, { email: "nope", password: "short" });
    expect(result.data).toBeNull();
    expect(result.errors?.fields).toEqual({
      email: "Enter a valid email address, like ann@example.com",
      password: "Use at least 8 characters",
    });
  });

  it("returns the parsed values when they pass", () => {
    const result = check(SignupInput, { email: " ann@example.com ", password: "long enough" });
    expect(result.data?.email).toBe("ann@example.com");
  });
});

describe("safeNext", () => {
  it("accepts paths on this site only", () => {
    expect(safeNext("/settings?tab=1")).toBe("/settings?tab=1");
    expect(safeNext("//evil.example/x")).toBe("/");
    expect(safeNext("/\\evil.example")).toBe("/");
    expect(safeNext("https://evil.example")).toBe("/");
    expect(safeNext(null)).toBe("/");
  });
});
