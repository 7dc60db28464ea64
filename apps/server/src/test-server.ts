// Test-only (excluded from the build): a real server on its own database, Redis prefix and DATA_DIR.
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createTestDatabase, deleteRedisKeys, testRedisUrl, uniqueRedisPrefix } from "@chorus/test-utils";
import type { FastifyInstance } from "fastify";
import { buildApp } from "./app.js";
import { openServices, type Services } from "./backends.js";
import { type Config, loadConfig } from "./env.js";

export interface TestServer {
  app: FastifyInstance;
  services: Services;
  config: Config;
  dataDir: string;
  databaseUrl: string;
  redisPrefix: string;
  /** http://127.0.0.1:<port> when started with `listen`, else "". */
  baseUrl: string;
  close(): Promise<void>;
}

export async function startTestServer(
  label: string,
  options: {
    listen?: boolean;
    env?: Record<string, string>;
    /** A second instance of that server: the same database and Redis prefix (it drops them, not this one). */
    sharing?: TestServer;
  } = {},
): Promise<TestServer> {
  const shared = options.sharing;
  const database = shared
    ? { url: shared.databaseUrl, drop: async () => {} }
    : await createTestDatabase(label);
  const dataDir = await mkdtemp(path.join(os.tmpdir(), `chorus-${label}-`));
  const redisPrefix = shared?.redisPrefix ?? uniqueRedisPrefix(label);
  const config = loadConfig({
    DATABASE_URL: database.url,
    REDIS_URL: testRedisUrl,
    REDIS_PREFIX: redisPrefix,
    DATA_DIR: dataDir,
    NODE_ENV: "test",
    ...options.env,
  });
  const services = await openServices(config);
  const app = await buildApp({ config, services, logger: false });
  let baseUrl = "";
  if (options.listen) {
    await app.listen({ host: "127.0.0.1", port: 0 });
    const address = app.server.address();
    if (!address || typeof address === "string") throw new Error("the test server has no TCP address");
    baseUrl = `http://127.0.0.1:${address.port}`;
  }
  return {
    app,
    services,
    config,
    dataDir,
    databaseUrl: database.url,
    redisPrefix,
    baseUrl,
    async close() {
      // A test can leave a connection mid-request (a 6 MB upload refused before its body was read):
      // closing waits for every connection to end, so drop them all first rather than hang.
      app.server.closeAllConnections();
      await app.close();
      await services.close();
      await database.drop();
      await rm(dataDir, { recursive: true, force: true });
      if (!shared) await deleteRedisKeys(redisPrefix);
    },
  };
}
