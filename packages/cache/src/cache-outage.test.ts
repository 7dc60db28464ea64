import { type RedisServer, startRedisServer, uniqueRedisPrefix } from "@chorus/test-utils";
import type { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { type Cache, createCache, getOrSet } from "./cache.js";
import { createRedis, waitForRedis } from "./redis.js";

// A Redis of this file's own, stopped and started again mid-test. Its keys go with it in afterAll.
let server: RedisServer;
let redis: Redis;
const prefix = uniqueRedisPrefix("outage");
const open: Cache[] = [];

beforeAll(async () => {
  server = await startRedisServer();
  redis = createRedis(server.url);
  await waitForRedis(redis, server.url);
});
afterEach(async () => {
  for (const cache of open.splice(0)) await cache.close();
});
afterAll(async () => {
  redis?.disconnect();
  await server?.stop();
});

async function waitFor(check: () => boolean, ms: number) {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 20));
  }
}

function make(log = { warn: vi.fn(), info: vi.fn() }) {
  const cache = createCache({ redis, prefix, log });
  open.push(cache);
  return { cache, log };
}

describe("Redis going down and coming back", () => {
  it("serves from the loader, logs once each way, and replays the invalidations it missed", async () => {
    const { cache, log } = make();
    let loads = 0;
    let tagged = "t1";
    const load = async () => {
      loads++;
      return tagged;
    };
    const readTagged = (c: Cache) => getOrSet(c, "tagged", 600, load, { tags: ["t"] });
    await cache.set("k", "v", 600);
    await cache.set("keep", "kept", 600);
    await cache.set("gone", "old", 600);
    expect(await readTagged(cache)).toBe("t1");

    await server.stop();
    const started = performance.now();
    for (let i = 0; i < 20; i++) expect(await getOrSet(cache, `fresh:${i}`, 600, async () => i)).toBe(i);
    expect(performance.now() - started).toBeLessThan(1_000);
    await cache.set("during", 1, 600);
    await cache.delete("gone");
    tagged = "t2";
    await cache.invalidateTags("t");
    expect(await cache.get("gone")).toBeUndefined();
    expect(await readTagged(cache)).toBe("t2");
    expect(cache.stats().redis).toBe("down");
    expect(log.warn).toHaveBeenCalledTimes(1);
    expect(log.info).not.toHaveBeenCalled();

    await server.start();
    await waitFor(() => cache.stats().redis === "up", 10_000);
    expect(log.info).toHaveBeenCalledTimes(1);
    expect(log.warn).toHaveBeenCalledTimes(1);

    // A new instance has nothing in-process: it sees exactly what Redis holds after the restart.
    const { cache: other } = make();
    expect(await other.get("keep")).toBe("kept");
    expect(await other.get("gone")).toBeUndefined();
    loads = 0;
    expect(await readTagged(other)).toBe("t2");
    expect(loads).toBe(1);

    cache.resetStats();
    expect(await cache.get("k")).toBe("v");
    expect(await cache.get("k")).toBe("v");
    expect(cache.stats()).toMatchObject({ redisHits: 1, lruHits: 1, misses: 0, errors: 0 });
  });

  it("flushes every entry under its prefix when it missed too many invalidations to list", async () => {
    const { cache } = make();
    await cache.set("keep", "kept", 600);
    await server.stop();
    await cache.delete(...Array.from({ length: 10_001 }, (_, i) => `k${i}`));
    await server.start();
    await waitFor(() => cache.stats().redis === "up", 10_000);
    const { cache: other } = make();
    expect(await other.get("keep")).toBeUndefined();
  });
});
