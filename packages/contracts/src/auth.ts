import { z } from "zod";

/** Limits written once, used by the server and the forms alike. */
export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 128;
export const EMAIL_MAX = 254;
export const CODE_LENGTH = 6;
/** How long an emailed code stays valid, and how many wrong tries lock it. */
export const CODE_TTL_MINUTES = 10;
export const CODE_MAX_ATTEMPTS = 5;
/** Seconds between two codes sent to one address. */
export const CODE_RESEND_SECONDS = 60;
export const ACCESS_TOKEN_MINUTES = 15;
/** Absolute lifetime of a sign-in (a refresh-token family), whatever the rotations. */
export const REFRESH_TOKEN_DAYS = 30;

export const Email = z
  .string({ error: "Enter your email address" })
  .trim()
  .min(1, "Enter your email address")
  .max(EMAIL_MAX, `An email address has at most ${EMAIL_MAX} characters`)
  .pipe(z.email({ error: "Enter a valid email address, like ann@example.com" }));

export const Password = z
  .string({ error: "Enter a password" })
  .min(PASSWORD_MIN, `Use at least ${PASSWORD_MIN} characters`)
  .max(PASSWORD_MAX, `Use at most ${PASSWORD_MAX} characters`);

/** A password being checked (login): any length is accepted for the check, within reason. */
export const PasswordAttempt = z
  .string({ error: "Enter your password" })
  .min(1, "Enter your password")
  .max(1024, "That password is too long");

export const Code = z
  .string({ error: "Enter the 6-digit code from the email" })
  .trim()
  .regex(/^\d{6}$/, "The code is the 6 digits from the email");

export const DisplayName = z
  .string()
  .trim()
  .min(1, "A name needs at least one character")
  .max(100, "A name has at most 100 characters");

/** Non-browser clients (scripts, apps) ask for the refresh token in the body; browsers get a cookie. */
const ReturnRefreshToken = z.boolean().optional();

export const SignupInput = z.object({
  email: Email,
  password: Password,
  name: DisplayName.optional(),
});
export type SignupInput = z.infer<typeof SignupInput>;

export const SignupResult = z.object({
  email: z.string(),
  message: z.string(),
  /** Seconds until another code can be sent. */
  resendAfterSeconds: z.number().int(),
});
export type SignupResult = z.infer<typeof SignupResult>;

export const EmailInput = z.object({ email: Email });
export type EmailInput = z.infer<typeof EmailInput>;

export const VerifyEmailInput = z.object({
  email: Email,
  code: Code,
  returnRefreshToken: ReturnRefreshToken,
});
export type VerifyEmailInput = z.infer<typeof VerifyEmailInput>;

export const LoginInput = z.object({
  email: Email,
  password: PasswordAttempt,
  returnRefreshToken: ReturnRefreshToken,
});
export type LoginInput = z.infer<typeof LoginInput>;

export const LoginWithOtpInput = z.object({
  email: Email,
  code: Code,
  returnRefreshToken: ReturnRefreshToken,
});
export type LoginWithOtpInput = z.infer<typeof LoginWithOtpInput>;

export const RefreshInput = z
  .object({
    /** Only for non-browser clients; browsers send the httpOnly cookie. */
    refreshToken: z.string().min(20).max(200).optional(),
    returnRefreshToken: ReturnRefreshToken,
  })
  .default({});
export type RefreshInput = z.input<typeof RefreshInput>;

export const LogoutInput = z.object({ refreshToken: z.string().min(20).max(200).optional() }).default({});
export type LogoutInput = z.input<typeof LogoutInput>;

export const SentResult = z.object({
  message: z.string(),
  resendAfterSeconds: z.number().int(),
});
export type SentResult = z.infer<typeof SentResult>;
