import type { Redis } from "ioredis";
import { LRUCache } from "lru-cache";
import superjson from "superjson";

export interface Cache {
  readonly kind: "memory" | "redis";
  /** The cached value, or undefined on a miss (and when the backing store is unreachable). */
  get<T>(key: string): Promise<T | undefined>;
  set(key: string, value: unknown, ttlSeconds: number): Promise<void>;
  delete(...keys: string[]): Promise<void>;
}

export interface MemoryCacheOptions {
  /** Most entries kept; least recently used go first. */
  maxEntries?: number;
}

/** The embedded default: an LRU in this process. */
export function createMemoryCache(options: MemoryCacheOptions = {}): Cache {
  const lru = new LRUCache<string, { value: unknown }>({ max: options.maxEntries ?? 10_000 });
  return {
    kind: "memory",
    async get<T>(key: string) {
      return lru.get(key)?.value as T | undefined;
    },
    async set(key, value, ttlSeconds) {
      lru.set(key, { value }, { ttl: ttlSeconds * 1000 });
    },
    async delete(...keys) {
      for (const key of keys) lru.delete(key);
    },
  };
}

export interface RedisCacheOptions {
  /** Prepended to every key, so several deployments (or tests) can share one Redis. */
  prefix?: string;
  onError?: (error: unknown) => void;
}

/**
 * Redis as the cache. Values are superjson-encoded so Dates survive. A Redis error is reported
 * through onError and treated as a miss: a cache outage makes requests slower, never failed.
 */
export function createRedisCache(redis: Redis, options: RedisCacheOptions = {}): Cache {
  const prefix = options.prefix ?? "chorus:";
  const onError = options.onError ?? (() => {});
  return {
    kind: "redis",
    async get<T>(key: string) {
      try {
        const raw = await redis.get(prefix + key);
        return raw === null ? undefined : superjson.parse<T>(raw);
      } catch (error) {
        onError(error);
        return undefined;
      }
    },
    async set(key, value, ttlSeconds) {
      try {
        await redis.set(prefix + key, superjson.stringify(value), "EX", Math.max(1, Math.round(ttlSeconds)));
      } catch (error) {
        onError(error);
      }
    },
    async delete(...keys) {
      if (keys.length === 0) return;
      try {
        await redis.del(...keys.map((k) => prefix + k));
      } catch (error) {
        onError(error);
      }
    },
  };
}
