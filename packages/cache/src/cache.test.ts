import { deleteRedisKeys, testRedisUrl, uniqueRedisPrefix } from "@chorus/test-utils";
import type { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type Cache, type CacheOptions, createCache, getOrSet } from "./cache.js";
import { keys, tags } from "./keys.js";
import { createRedis, waitForRedis } from "./redis.js";

let redis: Redis;
let prefix: string;
const open: Cache[] = [];

beforeAll(async () => {
  redis = createRedis(testRedisUrl);
  await waitForRedis(redis, testRedisUrl);
});
beforeEach(() => {
  prefix = uniqueRedisPrefix("cache");
});
afterEach(async () => {
  for (const cache of open.splice(0)) await cache.close();
  await deleteRedisKeys(prefix);
});
afterAll(() => {
  redis.disconnect();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(check: () => Promise<boolean> | boolean, ms = 2_000) {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await sleep(10);
  }
}

/** A stand-in for a database row: what the loader returns now, and how often it was asked. */
function row<T>(value: T) {
  const r = {
    value,
    loads: 0,
    load: async () => {
      r.loads++;
      return r.value;
    },
  };
  return r;
}

/** A loader that reads the row, then waits for `release()` before returning what it read. */
function slowLoad<T>(r: { value: T; loads: number }) {
  let release = () => {};
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  const load = async () => {
    r.loads++;
    const read = r.value;
    await gate;
    return read;
  };
  return { load, release };
}

const make = (kind: "memory" | "redis", options: CacheOptions = {}) => {
  const cache = createCache(kind === "redis" ? { redis, prefix, ...options } : options);
  open.push(cache);
  return cache;
};

/** Both instances' invalidation subscriptions are live, so no message is published into the void. */
const subscribed = (n: number) =>
  waitFor(async () => {
    const [, count] = (await redis.call("PUBSUB", "NUMSUB", `${prefix}cache:invalidate`)) as [string, number];
    return count >= n;
  });

describe.each(["memory", "redis"] as const)("%s cache", (kind) => {
  it("stores, reads back (Dates intact) and deletes", async () => {
    const cache = make(kind);
    expect(cache.kind).toBe(kind);
    const value = { title: "Blue in Green", at: new Date("2024-03-01T10:00:00Z"), plays: 3 };
    expect(await cache.get("song")).toBeUndefined();
    await cache.set("song", value, 60);
    expect(await cache.get("song")).toEqual(value);
    await cache.delete("song", "other");
    expect(await cache.get("song")).toBeUndefined();
  });

  it("reads and writes many entries at once, in order, hits and misses mixed", async () => {
    const cache = make(kind);
    const at = new Date("2024-03-01T10:00:00Z");
    await cache.setMany(
      [
        ["m:1", { n: 1, at }],
        ["m:3", { n: 3 }],
        ["m:skip", undefined],
      ],
      60,
    );
    expect(await cache.getMany(["m:1", "m:2", "m:3", "m:skip"])).toEqual([
      { n: 1, at },
      undefined,
      { n: 3 },
      undefined,
    ]);
    if (kind === "redis") {
      // From Redis too, not only this process: a second instance reads them with one MGET.
      const other = make(kind);
      expect(await other.getMany(["m:3", "m:1"])).toEqual([{ n: 3 }, { n: 1, at }]);
      expect(other.stats()).toMatchObject({ redisHits: 2, misses: 0 });
    }
  });

  it("forgets an entry when its TTL runs out", async () => {
    const cache = make(kind);
    await cache.set("short", "x", 0.2);
    expect(await cache.get("short")).toBe("x");
    await sleep(300);
    expect(await cache.get("short")).toBeUndefined();
  });

  it("loads once for 10 concurrent misses, then serves the cached value", async () => {
    const cache = make(kind);
    const r = row({ n: 1 });
    const { load, release } = slowLoad(r);
    const reads = Array.from({ length: 10 }, () => getOrSet(cache, "k", 60, load, { tags: ["t"] }));
    await sleep(20);
    release();
    expect(await Promise.all(reads)).toEqual(Array(10).fill({ n: 1 }));
    expect(await getOrSet(cache, "k", 60, r.load, { tags: ["t"] })).toEqual({ n: 1 });
    expect(r.loads).toBe(1);
  });

  it("caches neither a failed load nor undefined", async () => {
    const cache = make(kind);
    await expect(getOrSet(cache, "f", 60, () => Promise.reject(new Error("db down")))).rejects.toThrow(
      "db down",
    );
    const r = row<string | undefined>(undefined);
    expect(await getOrSet(cache, "f", 60, r.load)).toBeUndefined();
    expect(await getOrSet(cache, "f", 60, r.load)).toBeUndefined();
    expect(r.loads).toBe(2);
  });

  it("drops every entry of a tag, and only those", async () => {
    const cache = make(kind);
    const likes = row(["a"]);
    const other = row(["x"]);
    const readLikes = () =>
      getOrSet(cache, keys.likedIds("ann"), 60, likes.load, { tags: [tags.user("ann")] });
    const readOther = () =>
      getOrSet(cache, keys.likedIds("bob"), 60, other.load, { tags: [tags.user("bob")] });
    await readLikes();
    await readOther();
    likes.value = ["a", "b"];
    await cache.invalidateTags(tags.user("ann"));
    expect(await readLikes()).toEqual(["a", "b"]);
    expect(await readOther()).toEqual(["x"]);
    expect([likes.loads, other.loads]).toEqual([2, 1]);
  });

  it("never keeps what a load read before an invalidation that ended before the load", async () => {
    const cache = make(kind);
    const r = row("old");
    const { load, release } = slowLoad(r);
    const reading = getOrSet(cache, "playlist", 60, load, { tags: ["p1"] });
    await waitFor(() => r.loads === 1);
    r.value = "new";
    await cache.invalidateTags("p1");
    release();
    expect(await reading).toBe("old");
    expect(await getOrSet(cache, "playlist", 60, r.load, { tags: ["p1"] })).toBe("new");
  });

  it("does not store a load whose key was deleted while it ran", async () => {
    const cache = make(kind);
    const r = row("old");
    const { load, release } = slowLoad(r);
    const reading = getOrSet(cache, "user", 60, load);
    await waitFor(() => r.loads === 1);
    r.value = "new";
    await cache.delete("user");
    release();
    expect(await reading).toBe("old");
    expect(await getOrSet(cache, "user", 60, r.load)).toBe("new");
  });

  it("counts hits, misses, loads and invalidations", async () => {
    const cache = make(kind);
    const r = row(1);
    expect(await cache.get("nope")).toBeUndefined();
    await getOrSet(cache, "k", 60, r.load);
    await getOrSet(cache, "k", 60, r.load);
    await cache.delete("k");
    await cache.invalidateTags("a", "b");
    expect(cache.stats()).toEqual({
      hits: 1,
      lruHits: 1,
      redisHits: 0,
      misses: 2,
      loads: 1,
      errors: 0,
      invalidations: 3,
      hitRate: 1 / 3,
      redis: kind === "redis" ? "up" : "none",
      lruSize: 0,
    });
    cache.resetStats();
    expect(cache.stats()).toMatchObject({ hits: 0, misses: 0, loads: 0, invalidations: 0, hitRate: 0 });
  });
});

describe("in-process tier", () => {
  it("keeps at most maxEntries, dropping the least recently used", async () => {
    const cache = make("memory", { maxEntries: 3 });
    for (const k of ["a", "b", "c"]) await cache.set(k, k, 60);
    await cache.get("a");
    await cache.set("d", "d", 60);
    expect(cache.stats().lruSize).toBe(3);
    expect(await cache.get("b")).toBeUndefined();
    expect(await cache.get("a")).toBe("a");
  });

  it("keeps the full TTL without Redis, at most lruMaxTtlSeconds with it", async () => {
    const alone = make("memory", { lruMaxTtlSeconds: 0.1 });
    const shared = make("redis", { lruMaxTtlSeconds: 0.1 });
    for (const cache of [alone, shared]) await cache.set("k", "v", 60);
    await sleep(200);
    expect(await alone.get("k")).toBe("v");
    expect(alone.stats().lruHits).toBe(1);
    expect(await shared.get("k")).toBe("v");
    expect(shared.stats()).toMatchObject({ lruHits: 0, redisHits: 1 });
    expect(await shared.get("k")).toBe("v");
    expect(shared.stats()).toMatchObject({ lruHits: 1, redisHits: 1 });
  });
});

describe("two instances on one Redis", () => {
  it("share entries through Redis", async () => {
    const a = make("redis");
    const b = make("redis");
    const r = row("v");
    await getOrSet(a, "k", 60, r.load);
    expect(await getOrSet(b, "k", 60, r.load)).toBe("v");
    expect(r.loads).toBe(1);
    expect(b.stats()).toMatchObject({ redisHits: 1, misses: 0 });
  });

  it("an invalidation on one clears the other's in-process copy, by key and by tag", async () => {
    const a = make("redis");
    const b = make("redis");
    await subscribed(2);
    const user = row("ann");
    const playlist = row(["s1"]);
    const readUser = () => getOrSet(a, keys.user("u1"), 60, user.load);
    const readPlaylist = () =>
      getOrSet(a, keys.playlist("p1"), 60, playlist.load, { tags: [tags.playlist("p1")] });
    await readUser();
    await readPlaylist();
    expect(a.stats().lruSize).toBe(2);

    user.value = "ann b.";
    await b.delete(keys.user("u1"));
    await waitFor(async () => (await readUser()) === "ann b.");

    playlist.value = ["s1", "s2"];
    await b.invalidateTags(tags.playlist("p1"));
    await waitFor(async () => (await readPlaylist()).length === 2);
    expect([user.loads, playlist.loads]).toEqual([2, 2]);
  });

  it("a load on one that an invalidation on the other overtook is not served after", async () => {
    const reader = make("redis");
    const writer = make("redis");
    await subscribed(2);
    const r = row("old");
    const { load, release } = slowLoad(r);
    const reading = getOrSet(reader, "items", 60, load, { tags: ["p1"] });
    await waitFor(() => r.loads === 1);
    r.value = "new";
    await writer.invalidateTags("p1");
    release();
    expect(await reading).toBe("old");
    await waitFor(async () => (await getOrSet(reader, "items", 60, r.load, { tags: ["p1"] })) === "new");
    expect(await getOrSet(writer, "items", 60, r.load, { tags: ["p1"] })).toBe("new");
  });
});

describe("keys", () => {
  it("render a missing cursor as - and one search query as one key", () => {
    expect(keys.user("u1")).toBe("user:u1");
    expect(keys.likedSongs("u1", undefined, 50)).toBe("liked:songs:u1:-:50");
    expect(keys.playlistItems("p1", "c9", 20, 7)).toBe("playlist:items:p1:r7:c9:20");
    expect(keys.search({ q: "miles", limit: 10 })).toBe(keys.search({ limit: 10, q: "miles" }));
  });
});
