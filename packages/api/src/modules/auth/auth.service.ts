import {
  type AuthResult,
  CODE_RESEND_SECONDS,
  type EmailInput,
  type LoginInput,
  type LoginWithOtpInput,
  type LogoutInput,
  type Me,
  type RefreshInput,
  type SentResult,
  type SignupInput,
  type SignupResult,
  type VerifyEmailInput,
} from "@chorus/contracts";
import type { Db, EmailCodePurpose, User } from "@chorus/db";
import type { Mail } from "@chorus/mail";
import { TRPCError } from "@trpc/server";
import { sql } from "kysely";
import type { Context } from "../../context.js";
import { fieldError, tooManyRequests } from "../../errors.js";
import { type CodeCheck, checkCode, issueCode } from "./codes.js";
import { alreadyRegisteredMail, codeMail } from "./mails.js";
import { hashPassword, isCommonPassword, verifyAgainstNothing, verifyPassword } from "./passwords.js";
import {
  createRefreshToken,
  REFRESH_COOKIE,
  REFRESH_COOKIE_PATH,
  revokeAllOfUser,
  revokeFamilyOf,
  rotateRefreshToken,
  signAccessToken,
} from "./tokens.js";

const normal = (email: string) => email.trim().toLowerCase();

export function findUserByEmail(db: Db, email: string): Promise<User | undefined> {
  return db
    .selectFrom("users")
    .selectAll()
    .where(sql<string>`lower(email)`, "=", normal(email))
    .executeTakeFirst();
}

export function toMe(user: User): Me {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    bio: user.bio,
    avatarUrl: user.avatar_key ? `/media/images/${user.avatar_key}` : user.avatar_url,
    role: user.role,
    emailVerified: user.email_verified_at !== null,
    createdAt: user.created_at,
  };
}

/** Limits per caller and per target; the first rule that is exceeded refuses the request. */
export async function enforceLimits(
  ctx: Context,
  rules: { key: string; limit: number; windowSeconds: number; what?: string }[],
): Promise<void> {
  for (const rule of rules) {
    const result = await ctx.limiter.hit(rule.key, rule.limit, rule.windowSeconds);
    if (!result.allowed) throw tooManyRequests(result.retryAfterSeconds, rule.what);
  }
}

/** Mail leaves in the background: the answer must not wait for (or reveal) whether one was sent. */
export function sendInBackground(ctx: Context, mail: Mail): void {
  ctx.mailer
    .send(mail)
    .catch((err: unknown) => ctx.log.error({ err, to: mail.to, subject: mail.subject }, "mail not sent"));
}

export function assertNotCommon(password: string, field = "password"): void {
  if (isCommonPassword(password)) {
    throw fieldError(
      "BAD_REQUEST",
      field,
      "This password is on a list of commonly used passwords: choose one that is harder to guess.",
    );
  }
}

/** Starts a sign-in: a new refresh-token family (cookie, and body when asked) and an access token. */
export async function startSession(
  ctx: Context,
  user: User,
  returnRefreshToken = false,
): Promise<AuthResult> {
  const refresh = await createRefreshToken(ctx.db, user.id, { userAgent: ctx.userAgent, ip: ctx.ip });
  return finishSession(ctx, user, refresh, returnRefreshToken);
}

async function finishSession(
  ctx: Context,
  user: User,
  refresh: { token: string; expiresAt: Date },
  returnRefreshToken: boolean,
): Promise<AuthResult> {
  ctx.cookies.set(REFRESH_COOKIE, refresh.token, {
    maxAgeSeconds: Math.floor((refresh.expiresAt.getTime() - Date.now()) / 1000),
    path: REFRESH_COOKIE_PATH,
  });
  const access = await signAccessToken(ctx.secrets, user);
  return {
    accessToken: access.token,
    accessTokenExpiresAt: access.expiresAt,
    user: toMe(user),
    ...(returnRefreshToken ? { refreshToken: refresh.token } : {}),
  };
}

const CHECK_SENT = (email: string) =>
  `If ${email} can receive a code, one is on its way. It works for 10 minutes; check your spam folder too.`;

/** Sends a code unless one went to this address in the last minute (same rule for every address). */
export async function sendCode(
  ctx: Context,
  email: string,
  user: User | undefined,
  purpose: EmailCodePurpose,
) {
  await enforceLimits(ctx, [
    {
      key: `code-send:${normal(email)}`,
      limit: 1,
      windowSeconds: CODE_RESEND_SECONDS,
      what: "A code was just sent",
    },
    { key: `code-send-day:${normal(email)}`, limit: 20, windowSeconds: 86_400, what: "Too many codes today" },
    { key: `code-send-ip:${ctx.ip}`, limit: 30, windowSeconds: 3_600, what: "Too many code requests" },
  ]);
  if (!user) return;
  const code = await issueCode(ctx.db, ctx.secrets, user.id, purpose);
  sendInBackground(ctx, codeMail(user.email, purpose, code));
}

export async function signup(ctx: Context, input: SignupInput): Promise<SignupResult> {
  await enforceLimits(ctx, [
    {
      key: `signup-ip:${ctx.ip}`,
      limit: 10,
      windowSeconds: 3_600,
      what: "Too many sign-ups from this network",
    },
    {
      key: `signup:${normal(input.email)}`,
      limit: 5,
      windowSeconds: 3_600,
      what: "Too many sign-ups for this email",
    },
  ]);
  assertNotCommon(input.password);
  const passwordHash = await hashPassword(input.password);
  const existing = await findUserByEmail(ctx.db, input.email);
  const answer: SignupResult = {
    email: input.email,
    message: `We sent a 6-digit code to ${input.email}. Enter it to finish signing up.`,
    resendAfterSeconds: CODE_RESEND_SECONDS,
  };

  if (existing?.email_verified_at) {
    // Same answer as a new sign-up, so sign-up cannot be used to learn who has an account.
    await enforceLimits(ctx, [
      { key: `code-send:${normal(input.email)}`, limit: 1, windowSeconds: CODE_RESEND_SECONDS },
    ]);
    sendInBackground(ctx, alreadyRegisteredMail(existing.email));
    return answer;
  }

  const user = await ctx.db.transaction().execute(async (trx) => {
    if (existing) {
      // Not verified yet: whoever proves they read this inbox ends up with the latest password.
      return trx
        .updateTable("users")
        .set({ password_hash: passwordHash, name: input.name ?? existing.name, updated_at: new Date() })
        .where("id", "=", existing.id)
        .returningAll()
        .executeTakeFirstOrThrow();
    }
    const created = await trx
      .insertInto("users")
      .values({ email: input.email, password_hash: passwordHash, name: input.name ?? null })
      .onConflict((oc) => oc.expression(sql`lower(email)`).doNothing())
      .returningAll()
      .executeTakeFirst();
    if (!created)
      throw new TRPCError({ code: "CONFLICT", message: "This email was just registered: try again." });
    await trx.insertInto("user_settings").values({ user_id: created.id }).execute();
    return created;
  });
  await sendCode(ctx, input.email, user, "verify");
  return answer;
}

export async function resendVerification(ctx: Context, input: EmailInput): Promise<SentResult> {
  const user = await findUserByEmail(ctx.db, input.email);
  await sendCode(ctx, input.email, user && !user.email_verified_at ? user : undefined, "verify");
  return { message: CHECK_SENT(input.email), resendAfterSeconds: CODE_RESEND_SECONDS };
}

const WRONG_CODE = "That code is wrong or has expired. Check the latest email, or request a new code.";
const LOCKED_CODE = "Too many wrong codes: request a new code.";

/**
 * Checks an emailed code with the same answers whether or not the address has an account: unknown
 * addresses count wrong tries too, so they lock after the same number.
 */
async function consumeCode(
  ctx: Context,
  user: User | undefined,
  email: string,
  purpose: EmailCodePurpose,
  code: string,
): Promise<User> {
  await enforceLimits(ctx, [
    { key: `code-check-ip:${ctx.ip}`, limit: 50, windowSeconds: 900, what: "Too many code attempts" },
    { key: `code-check:${normal(email)}`, limit: 20, windowSeconds: 900, what: "Too many code attempts" },
  ]);
  let result: CodeCheck;
  if (user) {
    result = await checkCode(ctx.db, ctx.secrets, user.id, purpose, code);
  } else {
    const misses = await ctx.limiter.hit(`code-miss:${purpose}:${normal(email)}`, 4, 600);
    result = misses.allowed ? "wrong" : "locked";
  }
  if (result === "locked") throw fieldError("BAD_REQUEST", "code", LOCKED_CODE);
  if (result === "wrong" || !user) throw fieldError("BAD_REQUEST", "code", WRONG_CODE);
  return user;
}

export async function verifyEmail(ctx: Context, input: VerifyEmailInput): Promise<AuthResult> {
  const found = await findUserByEmail(ctx.db, input.email);
  const user = await consumeCode(
    ctx,
    found && !found.email_verified_at ? found : undefined,
    input.email,
    "verify",
    input.code,
  );
  const verified = await ctx.db
    .updateTable("users")
    .set({ email_verified_at: new Date(), updated_at: new Date() })
    .where("id", "=", user.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  return startSession(ctx, verified, input.returnRefreshToken);
}

const BAD_LOGIN = "The email or password is wrong.";

export async function login(ctx: Context, input: LoginInput): Promise<AuthResult> {
  await enforceLimits(ctx, [
    {
      key: `login-ip:${ctx.ip}`,
      limit: 30,
      windowSeconds: 900,
      what: "Too many sign-in attempts from this network",
    },
    { key: `login:${normal(input.email)}`, limit: 10, windowSeconds: 900, what: "Too many sign-in attempts" },
  ]);
  const user = await findUserByEmail(ctx.db, input.email);
  if (!user?.password_hash) {
    await verifyAgainstNothing(input.password);
    throw fieldError("UNAUTHORIZED", "password", BAD_LOGIN);
  }
  const check = await verifyPassword(user.password_hash, input.password);
  if (!check.ok) throw fieldError("UNAUTHORIZED", "password", BAD_LOGIN);
  if (!user.email_verified_at) {
    // The password is right, so saying this reveals nothing the caller did not know.
    await sendCode(ctx, user.email, user, "verify").catch(() => {});
    throw fieldError(
      "FORBIDDEN",
      "email",
      "Confirm your email first: we sent you a new code. Enter it on the verification page.",
    );
  }
  let current = user;
  if (check.rehash) {
    // First sign-in with a hash from the old app (bcrypt), or older argon2 settings: upgrade it.
    current = await ctx.db
      .updateTable("users")
      .set({ password_hash: await hashPassword(input.password), updated_at: new Date() })
      .where("id", "=", user.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    ctx.log.info({ userId: user.id }, "password hash upgraded to argon2id");
  }
  await ctx.limiter.reset(`login:${normal(input.email)}`);
  return startSession(ctx, current, input.returnRefreshToken);
}

export async function requestOtp(ctx: Context, input: EmailInput): Promise<SentResult> {
  const user = await findUserByEmail(ctx.db, input.email);
  await sendCode(ctx, input.email, user, "login");
  return { message: CHECK_SENT(input.email), resendAfterSeconds: CODE_RESEND_SECONDS };
}

export async function loginWithOtp(ctx: Context, input: LoginWithOtpInput): Promise<AuthResult> {
  const found = await findUserByEmail(ctx.db, input.email);
  const user = await consumeCode(ctx, found, input.email, "login", input.code);
  // Reading the code proves the address: an unverified account becomes verified.
  const current = user.email_verified_at
    ? user
    : await ctx.db
        .updateTable("users")
        .set({ email_verified_at: new Date() })
        .where("id", "=", user.id)
        .returningAll()
        .executeTakeFirstOrThrow();
  return startSession(ctx, current, input.returnRefreshToken);
}

const SESSION_ENDED = "Your session has ended: sign in again.";

export async function refresh(ctx: Context, input: RefreshInput): Promise<AuthResult> {
  const token = input?.refreshToken ?? ctx.cookies.get(REFRESH_COOKIE);
  if (!token) throw new TRPCError({ code: "UNAUTHORIZED", message: "You are not signed in." });
  const result = await rotateRefreshToken(ctx.db, token, { userAgent: ctx.userAgent, ip: ctx.ip });
  if (result.kind !== "rotated") {
    if (result.kind === "reused") {
      ctx.log.warn(
        { userId: result.userId, familyId: result.familyId, ip: ctx.ip },
        "refresh token reused: sign-in revoked",
      );
    }
    ctx.cookies.clear(REFRESH_COOKIE, REFRESH_COOKIE_PATH);
    throw new TRPCError({ code: "UNAUTHORIZED", message: SESSION_ENDED });
  }
  const user = await ctx.db
    .selectFrom("users")
    .selectAll()
    .where("id", "=", result.userId)
    .executeTakeFirst();
  if (!user) throw new TRPCError({ code: "UNAUTHORIZED", message: SESSION_ENDED });
  return finishSession(ctx, user, result.next, input?.returnRefreshToken ?? false);
}

/**
 * Ends the sign-in that the presented refresh token (cookie or body) belongs to. Holding that token
 * is what proves the right to end it, so this works even when the access token has expired.
 */
export async function logout(ctx: Context, input: LogoutInput): Promise<{ ok: true }> {
  const token = input?.refreshToken ?? ctx.cookies.get(REFRESH_COOKIE);
  if (token) await revokeFamilyOf(ctx.db, token);
  ctx.cookies.clear(REFRESH_COOKIE, REFRESH_COOKIE_PATH);
  return { ok: true };
}

export async function logoutAll(ctx: Context, userId: string): Promise<{ ok: true }> {
  await revokeAllOfUser(ctx.db, userId);
  ctx.cookies.clear(REFRESH_COOKIE, REFRESH_COOKIE_PATH);
  return { ok: true };
}
