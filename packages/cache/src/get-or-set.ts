import type { Cache } from "./cache.js";

/** The seed design's TTLs, in seconds. */
export const TTL = {
  song: 600,
  album: 600,
  artist: 600,
  list: 300,
  lyrics: 3600,
} as const;

const inflight = new WeakMap<Cache, Map<string, Promise<unknown>>>();

/**
 * Cache-aside: the cached value, or `load()` stored for `ttlSeconds`. Concurrent misses for one key
 * in this process share one load (no stampede on the database). `undefined` is never cached.
 */
export async function getOrSet<T>(
  cache: Cache,
  key: string,
  ttlSeconds: number,
  load: () => Promise<T>,
): Promise<T> {
  const hit = await cache.get<T>(key);
  if (hit !== undefined) return hit;
  let pending = inflight.get(cache);
  if (!pending) {
    pending = new Map();
    inflight.set(cache, pending);
  }
  const running = pending.get(key) as Promise<T> | undefined;
  if (running) return running;
  const promise = (async () => {
    try {
      const value = await load();
      if (value !== undefined) await cache.set(key, value, ttlSeconds);
      return value;
    } finally {
      pending.delete(key);
    }
  })();
  pending.set(key, promise);
  return promise;
}

/**
 * Lists are cached under a tag's current version: bumping the version makes every list of that tag
 * a miss at once (on every instance, since the version lives in the shared cache).
 */
export async function taggedKey(cache: Cache, tag: string, key: string): Promise<string> {
  const version = (await cache.get<number>(`tag:${tag}`)) ?? 0;
  return `${tag}:v${version}:${key}`;
}

export async function bumpTags(cache: Cache, ...tags: string[]): Promise<void> {
  const version = Date.now();
  await Promise.all(tags.map((tag) => cache.set(`tag:${tag}`, version, 7 * 86_400)));
}
