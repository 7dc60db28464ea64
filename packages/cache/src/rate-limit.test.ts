import { deleteRedisKeys, testRedisUrl, uniqueRedisPrefix } from "@chorus/test-utils";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMemoryRateLimiter, createRedisRateLimiter, type RateLimiter } from "./rate-limit.js";
import { createRedis, waitForRedis } from "./redis.js";

let redis: Redis;
const prefix = uniqueRedisPrefix("rl");

beforeAll(async () => {
  redis = createRedis(testRedisUrl);
  await waitForRedis(redis, testRedisUrl);
});
afterAll(async () => {
  await deleteRedisKeys(prefix);
  redis.disconnect();
});

describe.each([
  ["memory", () => createMemoryRateLimiter()],
  ["redis", () => createRedisRateLimiter(redis, { prefix })],
] as const)("%s rate limiter", (_kind, make) => {
  let limiter: RateLimiter;
  beforeAll(() => {
    limiter = make();
  });

  it("allows up to the limit, then refuses with when to retry, and resets", async () => {
    const results = [];
    for (let i = 0; i < 4; i++) results.push(await limiter.hit("login:ann", 3, 60));
    expect(results.map((r) => r.allowed)).toEqual([true, true, true, false]);
    expect(results[3]!.retryAfterSeconds).toBeGreaterThan(55);
    expect(results[3]!.retryAfterSeconds).toBeLessThanOrEqual(60);
    await limiter.reset("login:ann");
    expect((await limiter.hit("login:ann", 3, 60)).allowed).toBe(true);
  });

  it("opens a new window when the old one ends", async () => {
    expect((await limiter.hit("w", 1, 1)).allowed).toBe(true);
    expect((await limiter.hit("w", 1, 1)).allowed).toBe(false);
    await new Promise((r) => setTimeout(r, 1_100));
    expect((await limiter.hit("w", 1, 1)).allowed).toBe(true);
  });
});

describe("redis rate limiter when Redis is down", () => {
  it("keeps limiting with this process's counters", async () => {
    const dead = createRedis("redis://127.0.0.1:1", { enableOfflineQueue: false, retryStrategy: () => null });
    const errors: unknown[] = [];
    const limiter = createRedisRateLimiter(dead, { prefix, onError: (e) => errors.push(e) });
    expect((await limiter.hit("k", 1, 60)).allowed).toBe(true);
    expect((await limiter.hit("k", 1, 60)).allowed).toBe(false);
    expect(errors.length).toBe(2);
    dead.disconnect();
  });
});
