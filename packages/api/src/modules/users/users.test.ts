import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiTestEnv, createApiTestEnv, failure, type TestClient } from "../../test-support.js";
import { setAvatar } from "./users.service.js";

let env: ApiTestEnv;
beforeAll(async () => {
  env = await createApiTestEnv("users");
});
afterAll(async () => {
  await env?.close();
});

let n = 0;
const PASSWORD = "a long and unusual passphrase";
const PNG = Buffer.concat([Buffer.from("89504e470d0a1a0a", "hex"), Buffer.alloc(64, 1)]);

async function signedIn(name: string): Promise<TestClient & { id: string; email: string }> {
  const email = `${name}-${Date.now()}-${n++}@example.com`;
  const id = await env.createUser(email, PASSWORD, { name });
  const client = env.client();
  client.token = (await client.api.auth.login({ email, password: PASSWORD })).accessToken;
  return Object.assign(client, { id, email });
}

describe("profile", () => {
  it("reads and updates the caller's own profile, without secrets", async () => {
    const ann = await signedIn("Ann");
    const me = await ann.api.user.me();
    expect(me).toMatchObject({ id: ann.id, name: "Ann", bio: null, avatarUrl: null, emailVerified: true });
    expect(JSON.stringify(me)).not.toMatch(/argon2|password/i);
    const updated = await ann.api.user.updateProfile({ name: "  Ann Lee ", bio: "Jazz, mostly." });
    expect(updated).toMatchObject({ name: "Ann Lee", bio: "Jazz, mostly." });
    expect((await ann.api.user.updateProfile({ bio: null })).bio).toBeNull();
  });

  it("refuses a bio over 500 characters or a huge name, and changes nothing", async () => {
    const ann = await signedIn("Ann");
    const long = await failure(ann.api.user.updateProfile({ bio: "x".repeat(501) }));
    expect(long.code).toBe("BAD_REQUEST");
    expect(long.message).toBe("A bio has at most 500 characters");
    const name = await failure(ann.api.user.updateProfile({ name: "n".repeat(10_000) }));
    expect(name.message).toMatch(/A name has at most 100 characters/);
    const nothing = await failure(ann.api.user.updateProfile({}));
    expect(nothing.message).toMatch(/Change at least the name or the bio/);
    expect((await ann.api.user.me()).name).toBe("Ann");
  });
});

describe("settings", () => {
  it("start from defaults and change only what is sent", async () => {
    const ann = await signedIn("Ann");
    const defaults = await ann.api.user.settings();
    expect(defaults).toMatchObject({
      theme: "system",
      audioQuality: "high",
      crossfadeSeconds: 0,
      autoplay: true,
    });
    expect(defaults.equalizer.bands).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);

    const bands = [6, 4, 2, 0, -1, -2, 0, 2, 4, 12];
    const changed = await ann.api.user.updateSettings({
      theme: "dark",
      equalizer: { enabled: true, preset: "custom", bands },
      crossfadeSeconds: 4.5,
      notifications: { push: true },
    });
    expect(changed).toMatchObject({
      theme: "dark",
      crossfadeSeconds: 4.5,
      notifications: { email: true, push: true },
    });
    expect(changed.equalizer).toEqual({ enabled: true, preset: "custom", bands });
    expect(await ann.api.user.settings()).toEqual(changed);
  });

  it("refuse out-of-range values with a message per field, and change nothing", async () => {
    const ann = await signedIn("Ann");
    const before = await ann.api.user.settings();
    const cases: [unknown, RegExp][] = [
      [
        { equalizer: { enabled: true, preset: "x", bands: [13, 0, 0, 0, 0, 0, 0, 0, 0, 0] } },
        /at most \+12 dB/,
      ],
      [{ equalizer: { enabled: true, preset: "x", bands: [0, 0, 0] } }, /exactly 10 bands/],
      [{ crossfadeSeconds: 30 }, /Crossfade is at most 12 seconds/],
      [{ theme: "purple" }, /theme/],
      [{ language: "<script>" }, /Language is a code/],
      [{ unknownSetting: true }, /unknownSetting|Unrecognized/i],
      [{}, /Change at least one setting/],
    ];
    for (const [input, message] of cases) {
      const error = await failure(ann.api.user.updateSettings(input as never));
      expect(error.code).toBe("BAD_REQUEST");
      expect(error.message).toMatch(message);
    }
    expect(await ann.api.user.settings()).toEqual(before);
  });
});

describe("one user cannot reach another's data", () => {
  it("B's calls read and change only B's profile, settings and avatar", async () => {
    const ann = await signedIn("Ann");
    const bob = await signedIn("Bob");
    await ann.api.user.updateSettings({ theme: "light" });
    await setAvatar(env.deps, ann.id, PNG);
    const annBefore = await ann.api.user.me();

    // Bob's requests carry Bob's token: there is no way to name Ann's id in them.
    expect((await bob.api.user.me()).id).toBe(bob.id);
    await bob.api.user.updateProfile({ name: "Mallory" });
    await bob.api.user.updateSettings({ theme: "dark" });
    await setAvatar(env.deps, bob.id, PNG);
    expect(await ann.api.user.me()).toEqual({ ...annBefore });
    expect((await ann.api.user.settings()).theme).toBe("light");

    // A token Bob forges with Ann's id is refused, whatever else it claims.
    const [header, , signature] = bob.token!.split(".");
    const payload = JSON.parse(Buffer.from(bob.token!.split(".")[1]!, "base64url").toString());
    const forged = `${header}.${Buffer.from(JSON.stringify({ ...payload, sub: ann.id })).toString("base64url")}.${signature}`;
    const mallory = env.client();
    mallory.token = forged;
    expect((await failure(mallory.api.user.updateProfile({ name: "pwned" }))).code).toBe("UNAUTHORIZED");
    expect((await failure(mallory.api.user.settings())).code).toBe("UNAUTHORIZED");
    expect((await ann.api.user.me()).name).toBe("Ann");

    // Ann logging out ends Ann's sign-in only.
    await ann.api.auth.logout();
    expect((await bob.api.auth.refresh()).user.id).toBe(bob.id);
    expect((await failure(ann.api.auth.refresh())).code).toBe("UNAUTHORIZED");
  });
});

describe("password and account", () => {
  it("changing the password ends every other sign-in and keeps this one", async () => {
    const ann = await signedIn("Ann");
    const other = env.client();
    await other.api.auth.login({ email: ann.email, password: PASSWORD });

    const wrong = await failure(
      ann.api.user.changePassword({ currentPassword: "nope", newPassword: "another fine passphrase" }),
    );
    expect(wrong.cause).toMatchObject({ field: "currentPassword" });
    const common = await failure(
      ann.api.user.changePassword({ currentPassword: PASSWORD, newPassword: "iloveyou1" }),
    );
    expect(common.cause).toMatchObject({ field: "newPassword" });

    const result = await ann.api.user.changePassword({
      currentPassword: PASSWORD,
      newPassword: "another fine passphrase",
    });
    ann.token = result.accessToken;
    expect((await failure(other.api.auth.refresh())).code).toBe("UNAUTHORIZED");
    expect((await ann.api.auth.refresh()).user.id).toBe(ann.id);
    await env.client().api.auth.login({ email: ann.email, password: "another fine passphrase" });
  });

  it("deleting the account needs the password (or a code) and removes everything the user owns", async () => {
    const ann = await signedIn("Ann");
    await ann.api.user.settings();
    const { avatarUrl } = await setAvatar(env.deps, ann.id, PNG);
    const key = avatarUrl.split("/").at(-1)!;
    expect(await env.deps.media.stat(key)).not.toBeNull();

    const refused = await failure(ann.api.user.deleteAccount({ password: "wrong password" }));
    expect(refused.message).toMatch(/the account was not deleted/);
    expect(
      await env.db.selectFrom("users").select("id").where("id", "=", ann.id).executeTakeFirst(),
    ).toBeDefined();

    await ann.api.user.deleteAccount({ password: PASSWORD });
    const count = async (
      table: "users" | "user_settings" | "refresh_tokens" | "email_codes",
      column: string,
    ) =>
      (
        await env.db
          .selectFrom(table)
          .select(sql<number>`count(*)::int`.as("n"))
          .where(sql.ref(column), "=", ann.id)
          .executeTakeFirstOrThrow()
      ).n;
    expect(await count("users", "id")).toBe(0);
    expect(await count("user_settings", "user_id")).toBe(0);
    expect(await count("refresh_tokens", "user_id")).toBe(0);
    expect(await env.deps.media.stat(key)).toBeNull();
    expect((await failure(ann.api.user.me())).code).toBe("NOT_FOUND");
    expect((await failure(env.client().api.auth.login({ email: ann.email, password: PASSWORD }))).code).toBe(
      "UNAUTHORIZED",
    );
  });

  it("can delete with an emailed code instead of the password", async () => {
    const ann = await signedIn("Ann");
    const since = env.mails.length;
    await ann.api.user.requestDeleteCode();
    const mail = await env.waitForMail(ann.email, since);
    expect(mail.subject).toBe("Confirm deleting your Chorus account");
    await ann.api.user.deleteAccount({ code: mail.code! });
    expect(
      await env.db.selectFrom("users").select("id").where("id", "=", ann.id).executeTakeFirst(),
    ).toBeUndefined();
  });
});
