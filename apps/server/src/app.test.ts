import { mkdir, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { AppRouter } from "@chorus/api";
import {
  createTestDatabase,
  deleteRedisKeys,
  type TestDatabase,
  testRedisUrl,
  uniqueRedisPrefix,
} from "@chorus/test-utils";
import { createTRPCClient, createWSClient, httpBatchLink, wsLink } from "@trpc/client";
import type { FastifyInstance } from "fastify";
import superjson from "superjson";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { buildApp } from "./app.js";
import { openServices, type Services } from "./backends.js";
import { loadConfig } from "./env.js";
import { startTestServer } from "./test-server.js";

let database: TestDatabase;
const redisPrefix = uniqueRedisPrefix("app");
let services: Services;
let app: FastifyInstance;
let baseUrl: string;
let webDir: string;

beforeAll(async () => {
  database = await createTestDatabase("app");
  webDir = path.join(os.tmpdir(), `chorus-web-${process.pid}-${Date.now()}`);
  await mkdir(path.join(webDir, "assets"), { recursive: true });
  await writeFile(path.join(webDir, "index.html"), "<!doctype html><title>Chorus</title>");
  await writeFile(path.join(webDir, "assets", "app-abc123.js"), "console.log(1)");
  const config = loadConfig({
    DATABASE_URL: database.url,
    REDIS_URL: testRedisUrl,
    REDIS_PREFIX: redisPrefix,
    NODE_ENV: "production",
    WEB_DIST_DIR: webDir,
    DATA_DIR: path.join(webDir, "data"),
  });
  services = await openServices(config);
  app = await buildApp({ config, services, version: "1.2.3", logger: false });
  await app.listen({ host: "127.0.0.1", port: 0 });
  const address = app.server.address();
  if (!address || typeof address === "string") throw new Error("no address");
  baseUrl = `http://127.0.0.1:${address.port}`;
});

afterAll(async () => {
  await app?.close();
  await services?.close();
  await database?.drop();
  await rm(webDir, { recursive: true, force: true });
  await deleteRedisKeys(redisPrefix);
});

describe("HTTP surface", () => {
  it("answers /health and /ready with each dependency's state", async () => {
    const health = await app.inject("/health");
    expect(health.statusCode).toBe(200);
    expect(health.json()).toMatchObject({ status: "ok" });

    const ready = await app.inject("/ready");
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({
      status: "ready",
      checks: {
        database: { ok: true, backend: "postgres" },
        cache: { ok: true, backend: "redis" },
        search: { ok: true, backend: "postgres" },
      },
    });
  });

  it("stays ready with Meilisearch down, saying search answers from PostgreSQL", async () => {
    const server = await startTestServer("ready-meili", {
      env: { MEILI_URL: "http://127.0.0.1:9", MEILI_MASTER_KEY: "a-master-key-of-16+" },
    });
    try {
      const ready = await server.app.inject("/ready");
      expect(ready.statusCode).toBe(200);
      expect(ready.json().checks.search).toMatchObject({ ok: true, backend: "postgres", degraded: true });
      expect(ready.json().checks.search.error).toMatch(
        /^Meilisearch unavailable, answering from PostgreSQL: /,
      );
    } finally {
      await server.close();
    }
  });

  it("serves the web app, with a history fallback for client routes and a JSON 404 for the API", async () => {
    const home = await app.inject("/");
    expect(home.statusCode).toBe(200);
    expect(home.body).toContain("<title>Chorus</title>");
    expect(home.headers["cache-control"]).toBe("no-cache");

    const asset = await app.inject("/assets/app-abc123.js");
    expect(asset.headers["cache-control"]).toContain("immutable");

    const deepLink = await app.inject("/albums/some-album");
    expect(deepLink.statusCode).toBe(200);
    expect(deepLink.body).toContain("<title>Chorus</title>");

    const missing = await app.inject("/media/nothing");
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ message: "No route for GET /media/nothing" });
    expect((await app.inject("/missing.png")).statusCode).toBe(404);
  });

  it("carries the caller's request id, or makes one", async () => {
    const given = await app.inject({ url: "/health", headers: { "x-request-id": "abc-123" } });
    expect(given.headers["request-id"] ?? "abc-123").toBe("abc-123");
    expect((await app.inject("/health")).statusCode).toBe(200);
  });
});

describe("tRPC", () => {
  it("answers typed queries over batched HTTP", async () => {
    const client = createTRPCClient<AppRouter>({
      links: [httpBatchLink({ url: `${baseUrl}/trpc`, transformer: superjson })],
    });
    const [a, b] = await Promise.all([client.system.info.query(), client.system.info.query()]);
    expect(a).toEqual(b);
    expect(a).toMatchObject({
      name: "Chorus",
      version: "1.2.3",
      backends: { database: "postgres", cache: "redis", eventBus: "redis", media: "local" },
      library: { songs: 0, albums: 0, artists: 0 },
    });
    expect(a.startedAt).toBeInstanceOf(Date);
  });

  it("explains bad input in words", async () => {
    const wsClient = createWSClient({
      url: `${baseUrl.replace("http", "ws")}/trpc`,
      WebSocket: WebSocket as never,
    });
    const client = createTRPCClient<AppRouter>({
      links: [wsLink({ client: wsClient, transformer: superjson })],
    });
    try {
      const error = await new Promise<{ message: string; data?: { code?: string } }>((resolve) => {
        client.system.clock.subscribe({ intervalMs: 1 }, { onError: (err) => resolve(err as never) });
      });
      expect(error.message).toBe("intervalMs must be at least 100");
      expect(error.data?.code).toBe("BAD_REQUEST");
    } finally {
      await wsClient.close();
    }
  });

  it("streams a subscription over the WebSocket end to end", async () => {
    const wsClient = createWSClient({
      url: `${baseUrl.replace("http", "ws")}/trpc`,
      WebSocket: WebSocket as never,
    });
    const client = createTRPCClient<AppRouter>({
      links: [wsLink({ client: wsClient, transformer: superjson })],
    });
    try {
      const ticks = await new Promise<Date[]>((resolve, reject) => {
        const got: Date[] = [];
        const sub = client.system.clock.subscribe(
          { intervalMs: 100 },
          {
            onData: (tick) => {
              got.push(tick.serverTime);
              if (got.length === 3) {
                sub.unsubscribe();
                resolve(got);
              }
            },
            onError: reject,
          },
        );
      });
      expect(ticks.every((t) => t instanceof Date)).toBe(true);
      expect(ticks[2]!.getTime()).toBeGreaterThan(ticks[0]!.getTime());
    } finally {
      await wsClient.close();
    }
  });
});
