import { describe, expect, it } from "vitest";
import { createMemoryCache } from "./cache.js";
import { bumpTags, getOrSet, taggedKey } from "./get-or-set.js";

describe("getOrSet", () => {
  it("loads once, serves from the cache after, and shares one load between concurrent misses", async () => {
    const cache = createMemoryCache();
    let loads = 0;
    const load = async () => {
      loads++;
      await new Promise((r) => setTimeout(r, 20));
      return { n: loads };
    };
    const results = await Promise.all(Array.from({ length: 10 }, () => getOrSet(cache, "k", 60, load)));
    expect(loads).toBe(1);
    expect(results.every((r) => r.n === 1)).toBe(true);
    expect(await getOrSet(cache, "k", 60, load)).toEqual({ n: 1 });
    expect(loads).toBe(1);
  });

  it("does not cache a failed load", async () => {
    const cache = createMemoryCache();
    await expect(getOrSet(cache, "f", 60, async () => Promise.reject(new Error("db down")))).rejects.toThrow(
      "db down",
    );
    expect(await getOrSet(cache, "f", 60, async () => "ok")).toBe("ok");
  });

  it("invalidates every list of a tag by bumping its version", async () => {
    const cache = createMemoryCache();
    const k1 = await taggedKey(cache, "albums", "page1");
    await cache.set(k1, ["a"], 60);
    await bumpTags(cache, "albums");
    const k2 = await taggedKey(cache, "albums", "page1");
    expect(k2).not.toBe(k1);
    expect(await cache.get(k2)).toBeUndefined();
  });
});
