import bcrypt from "bcryptjs";
import { SignJWT } from "jose";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiTestEnv, createApiTestEnv, failure } from "../../test-support.js";
import { REFRESH_COOKIE } from "./tokens.js";

let env: ApiTestEnv;
beforeAll(async () => {
  env = await createApiTestEnv("auth");
});
afterAll(async () => {
  await env?.close();
});

let n = 0;
const email = (tag: string) => `${tag}-${Date.now()}-${n++}@example.com`;
const PASSWORD = "correct horse battery staple";

async function signUpAndVerify(address: string) {
  const client = env.client();
  const since = env.mails.length;
  await client.api.auth.signup({ email: address, password: PASSWORD, name: "Ann" });
  const mail = await env.waitForMail(address, since);
  const result = await client.api.auth.verifyEmail({ email: address, code: mail.code! });
  client.token = result.accessToken;
  return { client, result };
}

describe("sign-up and email verification", () => {
  it("sign-up → code by SMTP → verified and signed in", async () => {
    const address = email("new");
    const client = env.client();
    const since = env.mails.length;
    const answer = await client.api.auth.signup({ email: address, password: PASSWORD, name: "Ann" });
    expect(answer.message).toContain(address);

    const mail = await env.waitForMail(address, since);
    expect(mail.subject).toBe("Your Chorus sign-up code");
    expect(mail.raw).toContain("text/plain");
    expect(mail.raw).toContain("text/html");
    expect(mail.code).toMatch(/^\d{6}$/);

    // Not signed in until verified.
    const early = await failure(client.api.auth.login({ email: address, password: PASSWORD }));
    expect(early.code).toBe("FORBIDDEN");

    const result = await client.api.auth.verifyEmail({ email: address, code: mail.code! });
    expect(result.user).toMatchObject({ email: address, name: "Ann", emailVerified: true });
    expect(result.refreshToken).toBeUndefined();
    expect(client.cookies.get(REFRESH_COOKIE)).toBeTruthy();
    client.token = result.accessToken;
    expect((await client.api.user.me()).email).toBe(address);

    // The code is single-use.
    const again = await failure(env.client().api.auth.verifyEmail({ email: address, code: mail.code! }));
    expect(again.message).toMatch(/wrong or has expired/);

    // The code is stored hashed, never as is.
    const rows = await env.db.selectFrom("email_codes").select("code_hash").execute();
    expect(rows.some((r) => r.code_hash.includes(mail.code!))).toBe(false);
  });

  it("locks a code after 5 wrong tries: even the right code is refused until a new one is sent", async () => {
    const address = email("lock");
    const client = env.client();
    const since = env.mails.length;
    await client.api.auth.signup({ email: address, password: PASSWORD });
    const { code } = await env.waitForMail(address, since);
    const wrong = code === "000000" ? "111111" : "000000";
    const messages: string[] = [];
    for (let i = 0; i < 5; i++) {
      messages.push((await failure(client.api.auth.verifyEmail({ email: address, code: wrong }))).message);
    }
    expect(messages.slice(0, 4).every((m) => /wrong or has expired/.test(m))).toBe(true);
    expect(messages[4]).toMatch(/Too many wrong codes/);
    const locked = await failure(client.api.auth.verifyEmail({ email: address, code: code! }));
    expect(locked.message).toMatch(/Too many wrong codes: request a new code/);

    // A new code (after the resend cooldown) works.
    await env.deps.limiter.reset(`code-send:${address}`);
    const since2 = env.mails.length;
    await client.api.auth.resendVerification({ email: address });
    const fresh = await env.waitForMail(address, since2);
    const ok = await client.api.auth.verifyEmail({ email: address, code: fresh.code! });
    expect(ok.user.emailVerified).toBe(true);
  });

  it("refuses an expired code", async () => {
    const address = email("expired");
    const client = env.client();
    const since = env.mails.length;
    await client.api.auth.signup({ email: address, password: PASSWORD });
    const { code } = await env.waitForMail(address, since);
    await env.db
      .updateTable("email_codes")
      .set({ expires_at: sql`now() - interval '1 second'` })
      .where("user_id", "=", env.db.selectFrom("users").select("id").where("email", "=", address))
      .execute();
    const error = await failure(client.api.auth.verifyEmail({ email: address, code: code! }));
    expect(error.code).toBe("BAD_REQUEST");
    expect(error.message).toMatch(/wrong or has expired/);
  });

  it("enforces a cooldown between two codes to one address", async () => {
    const address = email("cooldown");
    const client = env.client();
    await client.api.auth.signup({ email: address, password: PASSWORD });
    const error = await failure(client.api.auth.resendVerification({ email: address }));
    expect(error.code).toBe("TOO_MANY_REQUESTS");
    expect(error.message).toMatch(/A code was just sent: try again in (\d+ seconds|1 minute)\./);
  });

  it("refuses common and short passwords and bad emails, writing nothing", async () => {
    const before = await env.db
      .selectFrom("users")
      .select(sql<number>`count(*)::int`.as("n"))
      .executeTakeFirstOrThrow();
    const common = await failure(
      env.client().api.auth.signup({ email: email("common"), password: "password123" }),
    );
    expect(common.code).toBe("BAD_REQUEST");
    expect(common.message).toMatch(/commonly used passwords/);
    expect(common.cause).toMatchObject({ field: "password" });
    const short = await failure(env.client().api.auth.signup({ email: email("short"), password: "abc" }));
    expect(short.message).toBe("password: Use at least 8 characters");
    const badEmail = await failure(
      env.client().api.auth.signup({ email: "not-an-email", password: PASSWORD }),
    );
    expect(badEmail.message).toMatch(/Enter a valid email address/);
    const huge = await failure(
      env.client().api.auth.signup({ email: `${"a".repeat(300)}@example.com`, password: PASSWORD }),
    );
    expect(huge.message).toMatch(/at most 254 characters/);
    const wrongType = await failure(
      env
        .client()
        .api.auth.signup({ email: 42, password: ["x"] } as unknown as { email: string; password: string }),
    );
    expect(wrongType.code).toBe("BAD_REQUEST");
    const after = await env.db
      .selectFrom("users")
      .select(sql<number>`count(*)::int`.as("n"))
      .executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
  });

  it("accepts a 64-character password", async () => {
    const { result } = await signUpAndVerify(email("long"));
    expect(result.user.emailVerified).toBe(true);
    const address = email("long64");
    const client = env.client();
    const since = env.mails.length;
    await client.api.auth.signup({ email: address, password: "x".repeat(40) + "y".repeat(24) });
    expect((await env.waitForMail(address, since)).code).toMatch(/^\d{6}$/);
  });
});

describe("login", () => {
  it("with a password, case-insensitively on the email; a wrong password says nothing about which part was wrong", async () => {
    const address = email("Login");
    await env.createUser(address, PASSWORD);
    const client = env.client();
    const ok = await client.api.auth.login({ email: address.toUpperCase(), password: PASSWORD });
    expect(ok.user.email).toBe(address);
    const wrong = await failure(client.api.auth.login({ email: address, password: "not the password" }));
    const unknown = await failure(
      client.api.auth.login({ email: email("nobody"), password: "not the password" }),
    );
    expect(wrong.code).toBe("UNAUTHORIZED");
    expect([unknown.code, unknown.message]).toEqual([wrong.code, wrong.message]);
  });

  it("passwordless, with an emailed code", async () => {
    const address = email("otp");
    await env.createUser(address, PASSWORD);
    const client = env.client();
    const since = env.mails.length;
    await client.api.auth.requestOtp({ email: address });
    const mail = await env.waitForMail(address, since);
    expect(mail.subject).toBe("Your Chorus sign-in code");
    const result = await client.api.auth.loginWithOtp({ email: address, code: mail.code! });
    expect(result.user.email).toBe(address);
  });

  it("accepts a legacy bcrypt hash ($2a$ and $2b$) once, then re-hashes it with argon2id", async () => {
    for (const variant of ["$2a$", "$2b$"]) {
      const address = email("legacy");
      const legacy = bcrypt.hashSync("old-app-password", 10).replace(/^\$2[ab]\$/, variant);
      const id = await env.createUser(address, "", { passwordHash: legacy });
      const client = env.client();
      await client.api.auth.login({ email: address, password: "old-app-password" });
      const row = await env.db
        .selectFrom("users")
        .select("password_hash")
        .where("id", "=", id)
        .executeTakeFirstOrThrow();
      expect(row.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
      await client.api.auth.login({ email: address, password: "old-app-password" });
      const wrong = await failure(client.api.auth.login({ email: address, password: "old-app-passwordX" }));
      expect(wrong.code).toBe("UNAUTHORIZED");
    }
  });

  it("limits attempts per email with a clear TOO_MANY_REQUESTS and when to retry", async () => {
    const address = email("limited");
    await env.createUser(address, PASSWORD);
    const codes: string[] = [];
    for (let i = 0; i < 11; i++) {
      codes.push(
        (await failure(env.client().api.auth.login({ email: address, password: `wrong-${i}-password` })))
          .code,
      );
    }
    expect(codes.slice(0, 10).every((c) => c === "UNAUTHORIZED")).toBe(true);
    const limited = await failure(env.client().api.auth.login({ email: address, password: PASSWORD }));
    expect(limited.code).toBe("TOO_MANY_REQUESTS");
    expect(limited.message).toMatch(/Too many sign-in attempts: try again in \d+ minutes?\./);
    expect(limited.cause).toMatchObject({ retryAfterSeconds: expect.any(Number) });
  });

  it("does not reveal whether an email is registered", async () => {
    const known = email("known");
    await env.createUser(known, PASSWORD);
    const unknown = email("unknown");
    const ask = (address: string) => env.client().api.auth.requestOtp({ email: address });
    const a = await ask(known);
    const b = await ask(unknown);
    expect(a.message.replace(known, "X")).toBe(b.message.replace(unknown, "X"));
    expect(a.resendAfterSeconds).toBe(b.resendAfterSeconds);

    // Wrong codes: the same answers, locking after the same number of tries.
    const tries = async (address: string) => {
      const out: string[] = [];
      for (let i = 0; i < 6; i++) {
        out.push(
          (await failure(env.client().api.auth.loginWithOtp({ email: address, code: "999999" }))).message,
        );
      }
      return out;
    };
    expect(await tries(known)).toEqual(await tries(unknown));

    // Sign-up with a registered address answers like a new one (the owner gets a notice).
    const registered = email("registered");
    await env.createUser(registered, PASSWORD);
    const since = env.mails.length;
    const again = await env.client().api.auth.signup({ email: registered, password: PASSWORD });
    const fresh = email("fresh");
    const first = await env.client().api.auth.signup({ email: fresh, password: PASSWORD });
    expect(again.message.replace(registered, "X")).toBe(first.message.replace(fresh, "X"));
    expect((await env.waitForMail(registered, since)).subject).toBe("You already have a Chorus account");

    // Timing: a login for an unknown address still pays for a password check.
    const time = async (address: string) => {
      const start = performance.now();
      await failure(env.client().api.auth.login({ email: address, password: "some wrong password" }));
      return performance.now() - start;
    };
    await time(known);
    const knownMs = Math.min(await time(known), await time(known));
    const unknownMs = Math.min(await time(email("u1")), await time(email("u2")));
    expect(unknownMs).toBeGreaterThan(knownMs / 3);
  });
});

describe("tokens", () => {
  it("rotate the refresh token on every refresh; reusing a rotated one revokes the whole family", async () => {
    const { client } = await signUpAndVerify(email("rotate"));
    const first = client.cookies.get(REFRESH_COOKIE)!;
    const refreshed = await client.api.auth.refresh();
    const second = client.cookies.get(REFRESH_COOKIE)!;
    expect(second).not.toBe(first);
    expect(refreshed.accessToken).toBeTruthy();

    // The same token again within the grace window (a lost response) still works...
    const retry = env.client();
    retry.cookies.set(REFRESH_COOKIE, first, { maxAgeSeconds: 60, path: "/trpc" });
    expect((await retry.api.auth.refresh()).user.id).toBe(refreshed.user.id);

    // ...but after it, a replay is theft: the family dies, so the legitimate second one dies too.
    await env.db
      .updateTable("refresh_tokens")
      .set({ rotated_at: sql`now() - interval '1 minute'` })
      .where("rotated_at", "is not", null)
      .execute();
    const thief = env.client();
    thief.cookies.set(REFRESH_COOKIE, first, { maxAgeSeconds: 60, path: "/trpc" });
    expect((await failure(thief.api.auth.refresh())).code).toBe("UNAUTHORIZED");
    const victim = await failure(client.api.auth.refresh());
    expect(victim.message).toBe("Your session has ended: sign in again.");
  });

  it("give the refresh token in the body only to clients that ask, and accept it from the body", async () => {
    const address = email("script");
    await env.createUser(address, PASSWORD);
    const script = env.client();
    const result = await script.api.auth.login({
      email: address,
      password: PASSWORD,
      returnRefreshToken: true,
    });
    expect(result.refreshToken).toMatch(/^[\w-]{40,}$/);
    const next = await env
      .client()
      .api.auth.refresh({ refreshToken: result.refreshToken, returnRefreshToken: true });
    expect(next.refreshToken).not.toBe(result.refreshToken);
  });

  it("logout ends this sign-in; logoutAll ends every one", async () => {
    const address = email("logout");
    await env.createUser(address, PASSWORD);
    const phone = env.client();
    const laptop = env.client();
    for (const c of [phone, laptop])
      c.token = (await c.api.auth.login({ email: address, password: PASSWORD })).accessToken;

    await phone.api.auth.logout();
    expect(phone.cookies.get(REFRESH_COOKIE)).toBeUndefined();
    expect((await laptop.api.auth.refresh()).user.email).toBe(address);

    const tablet = env.client();
    tablet.token = (await tablet.api.auth.login({ email: address, password: PASSWORD })).accessToken;
    const kept = tablet.cookies.get(REFRESH_COOKIE)!;
    await laptop.api.auth.logoutAll();
    const replay = env.client();
    replay.cookies.set(REFRESH_COOKIE, kept, { maxAgeSeconds: 60, path: "/trpc" });
    expect((await failure(replay.api.auth.refresh())).code).toBe("UNAUTHORIZED");
  });

  it("refuse a refresh token past its absolute lifetime", async () => {
    const { client } = await signUpAndVerify(email("old"));
    await env.db
      .updateTable("refresh_tokens")
      .set({ expires_at: sql`now() - interval '1 second'` })
      .where("token_hash", "!=", "")
      .where("revoked_at", "is", null)
      .where("rotated_at", "is", null)
      .execute();
    expect((await failure(client.api.auth.refresh())).code).toBe("UNAUTHORIZED");
  });

  it("refuse access tokens that are forged, for another audience, unsigned, or expired", async () => {
    const { client, result } = await signUpAndVerify(email("jwt"));
    const [header, payload] = result.accessToken.split(".");
    const forge = async (claims: Record<string, unknown>, key = "another-secret-another-secret-another") =>
      new SignJWT({ role: "admin", ...claims })
        .setProtectedHeader({ alg: "HS256" })
        .setSubject(result.user.id)
        .setIssuer("chorus")
        .setAudience("chorus-api")
        .setIssuedAt()
        .setExpirationTime("5m")
        .sign(new TextEncoder().encode(key));
    const attempts = [
      await forge({}),
      `${Buffer.from(JSON.stringify({ alg: "none", typ: "JWT" })).toString("base64url")}.${payload}.`,
      `${header}.${Buffer.from(JSON.stringify({ sub: result.user.id, role: "admin" })).toString("base64url")}.x`,
      "not-a-token",
    ];
    for (const token of attempts) {
      client.token = token;
      expect((await failure(client.api.user.me())).code).toBe("UNAUTHORIZED");
    }
    client.token = null;
    expect((await failure(client.api.user.me())).message).toBe("Sign in to do this.");
  });
});
