// Test-only helpers (excluded from the build): a real database, Redis, SMTP sink and media folder.
import { mkdtemp, rm } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { createMemoryCache, createMemoryEventBus, createRedis, createRedisRateLimiter } from "@chorus/cache";
import { createDb, type Db, migrateToLatest } from "@chorus/db";
import { createSmtpMailer } from "@chorus/mail";
import { createLocalMediaStore } from "@chorus/media";
import { createTestDatabase, deleteRedisKeys, testRedisUrl, uniqueRedisPrefix } from "@chorus/test-utils";
import { TRPCError } from "@trpc/server";
import { SMTPServer } from "smtp-server";
import { type ApiDeps, createContextInner, memoryCookies, silentLog } from "./context.js";
import { hashPassword } from "./modules/auth/passwords.js";
import { createCaller } from "./root.js";
import { describeError } from "./trpc.js";

export interface ReceivedMail {
  to: string;
  subject: string;
  raw: string;
  /** The 6-digit code in the mail, if it carries one. */
  code: string | null;
}

export interface ApiTestEnv {
  deps: ApiDeps;
  db: Db;
  mails: ReceivedMail[];
  /** Resolves with the newest mail to `to` that arrives after `since` mails had arrived. */
  waitForMail(to: string, since?: number): Promise<ReceivedMail>;
  client(ip?: string): TestClient;
  /** A verified account, made directly in the database. */
  createUser(
    email: string,
    password: string,
    extra?: { name?: string; passwordHash?: string },
  ): Promise<string>;
  close(): Promise<void>;
}

export interface TestClient {
  readonly api: ReturnType<typeof createCaller>;
  cookies: ReturnType<typeof memoryCookies>;
  token: string | null;
  ip: string;
}

function decodeQuotedPrintable(raw: string): string {
  return raw
    .replace(/=\r?\n/g, "")
    .replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(Number.parseInt(h, 16)));
}

let ipCounter = 1;

export async function createApiTestEnv(
  label: string,
  options: { onQuery?: (sql: string) => void } = {},
): Promise<ApiTestEnv> {
  const database = await createTestDatabase(label);
  const db = createDb({
    connectionString: database.url,
    maxConnections: 4,
    ...(options.onQuery ? { onQuery: options.onQuery } : {}),
  });
  await migrateToLatest(db);
  const redis = createRedis(testRedisUrl);
  const prefix = uniqueRedisPrefix(label);
  const mediaDir = await mkdtemp(path.join(os.tmpdir(), `chorus-${label}-`));

  const mails: ReceivedMail[] = [];
  const waiters: (() => void)[] = [];
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onData(stream, session, callback) {
      let raw = "";
      stream.on("data", (c: Buffer) => {
        raw += c.toString("utf8");
      });
      stream.on("end", () => {
        const text = decodeQuotedPrintable(raw);
        mails.push({
          to: session.envelope.rcptTo.map((r) => r.address).join(","),
          subject: /^Subject: (.*)$/m.exec(text)?.[1] ?? "",
          raw: text,
          code:
            /\b(\d{6})\b/.exec(
              text
                .split(/\r?\n\r?\n/)
                .slice(1)
                .join("\n"),
            )?.[1] ?? null,
        });
        for (const w of waiters.splice(0)) w();
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", resolve));
  const port = (smtp.server.address() as AddressInfo).port;

  const deps: ApiDeps = {
    db,
    cache: createMemoryCache(),
    bus: createMemoryEventBus(),
    limiter: createRedisRateLimiter(redis, { prefix }),
    media: createLocalMediaStore(mediaDir),
    mailer: createSmtpMailer(`smtp://127.0.0.1:${port}`, "Chorus <chorus@example.com>"),
    secrets: { authSecret: "test-secret-test-secret-test-secret-0123456789" },
    backends: { database: "postgres", cache: "memory", eventBus: "memory", media: "local" },
    log: silentLog,
    version: "0.0.0-test",
    startedAt: new Date(),
  };

  return {
    deps,
    db,
    mails,
    async waitForMail(to, since = 0) {
      const deadline = Date.now() + 5_000;
      for (;;) {
        const found = mails
          .slice(since)
          .filter((m) => m.to.toLowerCase() === to.toLowerCase())
          .at(-1);
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`no mail to ${to} within 5 s`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 100);
        });
      }
    },
    client(ip = `10.9.${Math.floor(ipCounter / 250)}.${ipCounter++ % 250}`) {
      const state: TestClient = {
        cookies: memoryCookies(),
        token: null,
        ip,
        get api() {
          return createCaller(
            createContextInner(deps, { cookies: state.cookies, accessToken: state.token, ip: state.ip }),
          );
        },
      };
      return state;
    },
    async createUser(email, password, extra = {}) {
      const user = await db
        .insertInto("users")
        .values({
          email,
          password_hash: extra.passwordHash ?? (await hashPassword(password)),
          name: extra.name ?? null,
          email_verified_at: new Date(),
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      return user.id;
    },
    async close() {
      await deps.mailer.close();
      await new Promise<void>((resolve) => smtp.close(() => resolve()));
      await db.destroy();
      await database.drop();
      await deleteRedisKeys(prefix);
      redis.disconnect();
      await rm(mediaDir, { recursive: true, force: true });
    },
  };
}

/** The TRPCError a call throws (it must throw), with the message worded as the HTTP API words it. */
export async function failure(call: Promise<unknown>): Promise<TRPCError> {
  try {
    await call;
  } catch (error) {
    if (error instanceof TRPCError) return Object.assign(error, { message: describeError(error) });
    throw error;
  }
  throw new Error("expected the call to fail");
}
