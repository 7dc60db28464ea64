import { existsSync } from "node:fs";
import { buildApp, loadConfig, openServices } from "@chorus/server";
import { assertServicesUp, createTestDatabase, testRedisUrl } from "@chorus/test-utils";
import { test as base } from "@playwright/test";

export interface ChorusServer {
  url: string;
  databaseUrl: string;
}

/**
 * `server`: a real Chorus (built web app, real PostgreSQL database of its own, real Redis) on a
 * random port, one per worker, removed when the worker ends.
 */
export const test = base.extend<{ baseURL: string }, { server: ChorusServer }>({
  server: [
    // biome-ignore lint/correctness/noEmptyPattern: Playwright requires an object pattern here
    async ({}, use) => {
      await assertServicesUp();
      const database = await createTestDatabase("e2e");
      const config = loadConfig({
        NODE_ENV: "production",
        HOST: "127.0.0.1",
        PORT: "0",
        DATABASE_URL: database.url,
        REDIS_URL: testRedisUrl,
        LOG_LEVEL: "warn",
      });
      if (!existsSync(config.webDistDir)) {
        throw new Error(`The web app is not built (${config.webDistDir}): run \`pnpm build\` first.`);
      }
      const services = await openServices(config);
      const app = await buildApp({ config, services, logger: false });
      await app.listen({ host: "127.0.0.1", port: 0 });
      const address = app.server.address();
      if (!address || typeof address === "string") throw new Error("the server has no TCP address");
      try {
        await use({ url: `http://127.0.0.1:${address.port}`, databaseUrl: database.url });
      } finally {
        await app.close();
        await services.close();
        await database.drop();
      }
    },
    { scope: "worker" },
  ],
  baseURL: async ({ server }, use) => {
    await use(server.url);
  },
});

export { expect } from "@playwright/test";
