import { readdir } from "node:fs/promises";
import path from "node:path";
import { readOutbox } from "@chorus/mail";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Services } from "./backends.js";
import { startTestServer, type TestServer } from "./test-server.js";

let server: TestServer;
let services: Services;
let dataDir: string;
let base: string;

beforeAll(async () => {
  server = await startTestServer("accounts_http", { listen: true });
  ({ services, dataDir, baseUrl: base } = server);
});

afterAll(async () => {
  await server?.close();
});

/** One tRPC mutation over plain HTTP, as a browser's fetch would make it. */
async function mutate(name: string, input: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${base}/trpc/${name}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ json: input }),
  });
  const body = (await response.json()) as {
    result?: { data: { json: Record<string, unknown> } };
    error?: { json: { message: string; data: Record<string, unknown> } };
  };
  return { status: response.status, body, setCookie: response.headers.getSetCookie() };
}

const PASSWORD = "many small rivers meet";
const PNG = Buffer.concat([Buffer.from("89504e470d0a1a0a", "hex"), Buffer.alloc(200, 7)]);

async function signUp(email: string) {
  expect((await mutate("auth.signup", { email, password: PASSWORD, name: "Ann" })).status).toBe(200);
  let code: string | null = null;
  for (let i = 0; i < 50 && !code; i++) {
    code = (await readOutbox(path.join(dataDir, "outbox"))).find((m) => m.to === email)?.code ?? null;
    if (!code) await new Promise((r) => setTimeout(r, 50));
  }
  const verified = await mutate("auth.verifyEmail", { email, code });
  expect(verified.status).toBe(200);
  const token = verified.body.result!.data.json.accessToken as string;
  const cookie = verified.setCookie.find((c) => c.startsWith("chorus_refresh="))!;
  return { token, cookie };
}

async function upload(token: string | null, data: Buffer, filename = "me.png", type = "image/png") {
  const form = new FormData();
  form.append("file", new Blob([data], { type }), filename);
  const response = await fetch(`${base}/media/avatar`, {
    method: "POST",
    headers: token ? { authorization: `Bearer ${token}` } : {},
    body: form,
  });
  return {
    status: response.status,
    body: (await response.json()) as { avatarUrl?: string; message?: string },
  };
}

describe("accounts over HTTP", () => {
  it("keeps the refresh token in an httpOnly, SameSite cookie limited to /trpc, and rotates it", async () => {
    const { cookie } = await signUp(`cookie-${Date.now()}@example.com`);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    expect(cookie).toMatch(/Path=\/trpc/);
    expect(cookie).toMatch(/Max-Age=\d{6,}/);
    const pair = cookie.split(";")[0]!;
    const refreshed = await mutate("auth.refresh", {}, { cookie: pair });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.result!.data.json.refreshToken).toBeUndefined();
    const next = refreshed.setCookie.find((c) => c.startsWith("chorus_refresh="))!;
    expect(next.split(";")[0]).not.toBe(pair);
    // The old cookie again, after the grace window for lost responses: refused, and the cookie is cleared.
    await services.db
      .updateTable("refresh_tokens")
      .set({ rotated_at: new Date(Date.now() - 60_000) })
      .where("rotated_at", "is not", null)
      .execute();
    const reused = await mutate("auth.refresh", {}, { cookie: pair });
    expect(reused.status).toBe(401);
    expect(reused.body.error!.json.message).toBe("Your session has ended: sign in again.");
  });

  it("words validation and rate-limit errors for people, with the field and when to retry", async () => {
    const bad = await mutate("auth.signup", { email: "nope", password: "short" });
    expect(bad.status).toBe(400);
    expect(bad.body.error!.json.message).toMatch(/Enter a valid email address.*Use at least 8 characters/);
    expect(bad.body.error!.json.data.field).toBe("email");
    expect(bad.body.error!.json.data.zodError).toMatchObject({
      fieldErrors: { password: ["Use at least 8 characters"] },
    });

    const email = `limit-${Date.now()}@example.com`;
    for (let i = 0; i < 10; i++) await mutate("auth.login", { email, password: "wrong password" });
    const limited = await mutate("auth.login", { email, password: "wrong password" });
    expect(limited.status).toBe(429);
    expect(limited.body.error!.json.data.retryAfterSeconds).toBeGreaterThan(0);
  });

  it("takes an avatar checked by content and size, and only for the signed-in user", async () => {
    const ann = await signUp(`avatar-a-${Date.now()}@example.com`);
    const bob = await signUp(`avatar-b-${Date.now()}@example.com`);

    expect((await upload(null, PNG)).status).toBe(401);
    const fake = await upload(ann.token, Buffer.from("<svg onload=alert(1)>"), "me.png", "image/png");
    expect(fake.status).toBe(415);
    expect(fake.body.message).toBe("Only JPEG, PNG, WebP or GIF images can be avatars.");
    const big = await upload(ann.token, Buffer.concat([PNG, Buffer.alloc(6 * 1024 * 1024)]));
    expect(big.status).toBe(413);
    expect(big.body.message).toMatch(/larger than 5 MB/);
    expect(await readdir(path.join(dataDir, "media")).catch(() => [])).toEqual([]);

    const ok = await upload(ann.token, PNG, "holiday.jpg", "image/jpeg");
    expect(ok.status).toBe(200);
    expect(ok.body.avatarUrl).toMatch(/^\/media\/images\/avatar-[\w-]+\.png$/);
    const image = await fetch(`${base}${ok.body.avatarUrl}`);
    expect(image.status).toBe(200);
    expect(image.headers.get("content-type")).toBe("image/png");
    expect(image.headers.get("cache-control")).toContain("immutable");
    expect(Buffer.from(await image.arrayBuffer()).equals(PNG)).toBe(true);
    const again = await fetch(`${base}${ok.body.avatarUrl}`, {
      headers: { "if-none-match": image.headers.get("etag")! },
    });
    expect(again.status).toBe(304);

    // Bob uploading or removing changes only Bob's avatar.
    const bobs = await upload(bob.token, PNG);
    await fetch(`${base}/media/avatar`, {
      method: "DELETE",
      headers: { authorization: `Bearer ${bob.token}` },
    });
    expect((await fetch(`${base}${ok.body.avatarUrl}`)).status).toBe(200);
    expect((await fetch(`${base}${bobs.body.avatarUrl}`)).status).toBe(404);

    // A new avatar replaces the old file.
    const second = await upload(ann.token, PNG);
    expect((await fetch(`${base}${ok.body.avatarUrl}`)).status).toBe(404);
    expect((await fetch(`${base}${second.body.avatarUrl}`)).status).toBe(200);
    expect((await fetch(`${base}/media/images/..%2Fsecrets.json`)).status).toBe(404);
  });
});
