import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { readOutbox } from "@chorus/mail";
import { buildApp, loadConfig, openServices, seedDemoCatalog, silentLog } from "@chorus/server";
import {
  assertServicesUp,
  createTestDatabase,
  deleteRedisKeys,
  testRedisUrl,
  uniqueRedisPrefix,
} from "@chorus/test-utils";
import { test as base, expect, type Page } from "@playwright/test";

export interface ChorusServer {
  url: string;
  databaseUrl: string;
  /** This worker's DATA_DIR: media, the generated secret, and the mail outbox. */
  dataDir: string;
  /** Where mail goes without SMTP_URL: one .json (and .eml) per mail. */
  outboxDir: string;
  /**
   * Forgets one rate-limit counter, e.g. `code-send:<email>` (the minute between two codes to one
   * address), so a test need not wait it out.
   */
  resetRateLimit(key: string): Promise<void>;
}

export interface Mailbox {
  /** Codes mailed to `email` so far, newest first. */
  codesSentTo(email: string): Promise<string[]>;
  /**
   * The newest code mailed to `email`, waiting (up to ~5 s) until more than `after` codes have gone
   * there: pass the count seen before asking for a new one.
   */
  waitForCode(email: string, options?: { after?: number }): Promise<string>;
}

export interface Account {
  email: string;
  password: string;
  name: string;
}

export interface Accounts {
  /** A unique address: tests share their worker's database. */
  uniqueEmail(label?: string): string;
  /**
   * Signs up and verifies an account through the API, in the page's browser context: the refresh
   * cookie is set, so the next page load is signed in.
   */
  signUp(page: Page, options?: Partial<Account>): Promise<Account>;
}

/**
 * `server`: a real Chorus (built web app, real PostgreSQL database of its own, real Redis under a
 * key prefix of its own, a temporary DATA_DIR with the demo catalog) on a random port, one per
 * worker, removed when the worker ends. `mailbox` reads the codes it mails; `accounts` makes signed-in users quickly.
 */
/** The server's per-network limits (keys as in packages/api): every test comes from 127.0.0.1. */
const NETWORK_LIMITS = ["signup-ip", "login-ip", "code-send-ip", "code-check-ip"];

export const test = base.extend<
  { baseURL: string; mailbox: Mailbox; accounts: Accounts; freshNetworkLimits: undefined },
  { server: ChorusServer }
>({
  server: [
    // biome-ignore lint/correctness/noEmptyPattern: Playwright requires an object pattern here
    async ({}, use) => {
      await assertServicesUp();
      const database = await createTestDatabase("e2e");
      const dataDir = await mkdtemp(path.join(os.tmpdir(), "chorus-e2e-"));
      // Rate limits live in Redis: a prefix per worker keeps runs (and workers) from sharing them.
      const redisPrefix = uniqueRedisPrefix("e2e");
      const config = loadConfig({
        NODE_ENV: "production",
        HOST: "127.0.0.1",
        PORT: "0",
        DATA_DIR: dataDir,
        DATABASE_URL: database.url,
        REDIS_URL: testRedisUrl,
        REDIS_PREFIX: redisPrefix,
        LOG_LEVEL: "warn",
      });
      if (!existsSync(config.webDistDir)) {
        throw new Error(`The web app is not built (${config.webDistDir}): run \`pnpm build\` first.`);
      }
      const services = await openServices(config);
      // What `pnpm start` makes on a first start: the demo albums the player tests play.
      await seedDemoCatalog(services, dataDir, silentLog);
      const app = await buildApp({ config, services, logger: false });
      await app.listen({ host: "127.0.0.1", port: 0 });
      const address = app.server.address();
      if (!address || typeof address === "string") throw new Error("the server has no TCP address");
      try {
        await use({
          url: `http://127.0.0.1:${address.port}`,
          databaseUrl: database.url,
          dataDir,
          outboxDir: path.join(dataDir, "outbox"),
          resetRateLimit: (key) => services.limiter.reset(key),
        });
      } finally {
        await app.close();
        await services.close();
        await database.drop();
        await deleteRedisKeys(redisPrefix);
        await rm(dataDir, { recursive: true, force: true });
      }
    },
    { scope: "worker" },
  ],
  baseURL: async ({ server }, use) => {
    await use(server.url);
  },
  // Each test starts as if from a network of its own, so how many tests share a worker does not
  // decide whether "10 sign-ups an hour from one network" refuses one of them.
  freshNetworkLimits: [
    async ({ server }, use) => {
      for (const limit of NETWORK_LIMITS) await server.resetRateLimit(`${limit}:127.0.0.1`);
      await use(undefined);
    },
    { auto: true },
  ],
  mailbox: async ({ server }, use) => {
    const codesSentTo = async (email: string) => {
      const mails = await readOutbox(server.outboxDir);
      return mails
        .filter((m) => m.to.toLowerCase() === email.toLowerCase() && m.code)
        .map((m) => m.code as string);
    };
    await use({
      codesSentTo,
      async waitForCode(email, { after = 0 } = {}) {
        // Mail leaves in the background after the answer: give it a moment.
        const deadline = Date.now() + 5_000;
        for (;;) {
          const codes = await codesSentTo(email);
          if (codes.length > after) return codes[0]!;
          if (Date.now() > deadline) {
            throw new Error(`No new code was mailed to ${email} within 5 s (${codes.length} before)`);
          }
          await new Promise((r) => setTimeout(r, 100));
        }
      },
    });
  },
  accounts: async ({ mailbox }, use) => {
    const uniqueEmail = (label = "u") =>
      `${label}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}@example.com`;
    await use({
      uniqueEmail,
      async signUp(page, options = {}) {
        const account: Account = {
          email: options.email ?? uniqueEmail(),
          password: options.password ?? "correct horse battery staple",
          name: options.name ?? "Test Listener",
        };
        await callApi(page, "auth.signup", account);
        const code = await mailbox.waitForCode(account.email);
        await callApi(page, "auth.verifyEmail", { email: account.email, code });
        return account;
      },
    });
  },
});

/** A tRPC mutation over plain HTTP (superjson wraps the input in `json`), with the page's cookies. */
async function callApi(page: Page, procedure: string, input: unknown): Promise<unknown> {
  const res = await page.request.post(`/trpc/${procedure}`, { data: { json: input } });
  const body = (await res.json()) as { result?: { data?: { json?: unknown } }; error?: { json?: unknown } };
  if (!res.ok()) throw new Error(`${procedure} failed (${res.status()}): ${JSON.stringify(body.error)}`);
  return body.result?.data?.json;
}

export { expect };
