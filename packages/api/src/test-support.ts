// Test-only helpers (excluded from the build): a real database, Redis, SMTP sink and media folder.
import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import {
  createCache,
  createMemoryEventBus,
  createRedis,
  createRedisRateLimiter,
  waitForRedis,
} from "@chorus/cache";
import { createDb, type Db, migrateToLatest } from "@chorus/db";
import { createSmtpMailer } from "@chorus/mail";
import { createLocalMediaStore } from "@chorus/media";
import { createPostgresSearch } from "@chorus/search";
import {
  createTestDatabase,
  deleteRedisKeys,
  type RedisServer,
  startRedisServer,
  testRedisUrl,
  uniqueRedisPrefix,
} from "@chorus/test-utils";
import { TRPCError } from "@trpc/server";
import { sql } from "kysely";
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
  /** A verified account, signed in: its client carries the access token. */
  signIn(name: string): Promise<SignedInClient>;
  /** Songs (with their artist and album, made if missing) straight into the catalog, in order. */
  seedSongs(
    count: number,
    options: { artist: string; album?: string; durationMs?: number },
  ): Promise<string[]>;
  /**
   * A second API server on the same database and Redis prefix, with its own in-process cache tier:
   * what another instance behind a load balancer sees. Pass `redisUrl` for a Redis of its own.
   */
  instance(options?: { redisUrl?: string }): ApiInstance;
  /** A Redis server of this test's own, to stop mid-test; stopped by close(). */
  startOwnRedis(): Promise<RedisServer>;
  /** A verified account, made directly in the database. */
  createUser(
    email: string,
    password: string,
    extra?: { name?: string; passwordHash?: string },
  ): Promise<string>;
  close(): Promise<void>;
}

export interface ApiInstance {
  deps: ApiDeps;
  /** A client of this instance, signed in as `as` when given. */
  client(as?: SignedInClient): TestClient;
  /** Resolves once this instance's Redis connection is ready again. */
  waitForRedis(): Promise<void>;
}

export type SignedInClient = TestClient & { id: string; email: string };

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
let seeded = 0;
const SIGN_IN_PASSWORD = "a long and unusual passphrase";
// One hash for every signIn: argon2 is slow on purpose, and tests sign in a lot.
const signInHash = hashPassword(SIGN_IN_PASSWORD);

export async function createApiTestEnv(
  label: string,
  options: { onQuery?: (sql: string) => void; cache?: "memory" | "redis" } = {},
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
    cache: createCache(options.cache === "redis" ? { redis, prefix } : {}),
    bus: createMemoryEventBus(),
    limiter: createRedisRateLimiter(redis, { prefix }),
    media: createLocalMediaStore(mediaDir),
    mailer: createSmtpMailer(`smtp://127.0.0.1:${port}`, "Chorus <chorus@example.com>"),
    search: createPostgresSearch(db),
    secrets: { authSecret: "test-secret-test-secret-test-secret-0123456789" },
    backends: { database: "postgres", cache: options.cache ?? "memory", eventBus: "memory", media: "local" },
    log: silentLog,
    version: "0.0.0-test",
    startedAt: new Date(),
  };

  const closers: (() => Promise<unknown>)[] = [];
  const clientOf = (instanceDeps: ApiDeps, ip: string, token: string | null = null): TestClient => {
    const state: TestClient = {
      cookies: memoryCookies(),
      token,
      ip,
      get api() {
        return createCaller(
          createContextInner(instanceDeps, {
            cookies: state.cookies,
            accessToken: state.token,
            ip: state.ip,
          }),
        );
      },
    };
    return state;
  };
  const nextIp = () => `10.9.${Math.floor(ipCounter / 250)}.${ipCounter++ % 250}`;
  const createUser: ApiTestEnv["createUser"] = async (email, password, extra = {}) => {
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
    client(ip = nextIp()) {
      return clientOf(deps, ip);
    },
    async signIn(name) {
      const email = `${name.toLowerCase()}-${randomUUID().slice(0, 8)}@example.com`;
      const id = await createUser(email, SIGN_IN_PASSWORD, { name, passwordHash: await signInHash });
      const client = clientOf(deps, nextIp());
      client.token = (await client.api.auth.login({ email, password: SIGN_IN_PASSWORD })).accessToken;
      return Object.assign(client, { id, email });
    },
    async seedSongs(count, { artist, album, durationMs = 180_000 }) {
      const artistId = (
        await db
          .insertInto("artists")
          .values({ name: artist })
          .onConflict((oc) => oc.expression(sql`lower(name)`).doUpdateSet({ name: artist }))
          .returning("id")
          .executeTakeFirstOrThrow()
      ).id;
      let albumId: string | null = null;
      if (album) {
        const found = await db
          .selectFrom("albums")
          .select("id")
          .where("title", "=", album)
          .where("artist_id", "=", artistId)
          .executeTakeFirst();
        albumId =
          found?.id ??
          (
            await db
              .insertInto("albums")
              .values({ title: album, artist_id: artistId })
              .returning("id")
              .executeTakeFirstOrThrow()
          ).id;
      }
      const start = seeded;
      seeded += count;
      const rows = await db
        .insertInto("songs")
        .values(
          Array.from({ length: count }, (_, i) => ({
            title: `${artist} ${start + i + 1}`,
            album_id: albumId,
            track_number: i + 1,
            duration_ms: durationMs,
            created_at: new Date(Date.now() - (count - i) * 1000),
          })),
        )
        .returning("id")
        .execute();
      await db
        .insertInto("song_artists")
        .values(rows.map((r) => ({ song_id: r.id, artist_id: artistId, position: 0 })))
        .execute();
      return rows.map((r) => r.id);
    },
    instance(options = {}) {
      const own = createRedis(options.redisUrl ?? testRedisUrl);
      const cache = createCache({ redis: own, prefix });
      const instanceDeps: ApiDeps = { ...deps, cache, backends: { ...deps.backends, cache: "redis" } };
      closers.push(async () => {
        await cache.close();
        own.disconnect();
      });
      return {
        deps: instanceDeps,
        client: (as) => clientOf(instanceDeps, as?.ip ?? nextIp(), as?.token ?? null),
        waitForRedis: () => waitForRedis(own, options.redisUrl ?? testRedisUrl, 10_000),
      };
    },
    async startOwnRedis() {
      const server = await startRedisServer();
      closers.push(() => server.stop());
      return server;
    },
    createUser,
    async close() {
      for (const close of closers.reverse()) await close().catch(() => {});
      await deps.cache.close();
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
