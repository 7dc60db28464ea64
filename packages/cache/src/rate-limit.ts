import type { Redis } from "ioredis";

export interface RateLimitResult {
  allowed: boolean;
  /** Hits counted in the current window, this one included. */
  count: number;
  /** Seconds until the window resets (when refused: when to try again). */
  retryAfterSeconds: number;
}

/** Fixed-window counters: at most `limit` hits per `windowSeconds` for one key. */
export interface RateLimiter {
  readonly kind: "memory" | "redis";
  hit(key: string, limit: number, windowSeconds: number): Promise<RateLimitResult>;
  /** Forget a key (e.g. the failed-login counter after a successful login). */
  reset(key: string): Promise<void>;
}

export function createMemoryRateLimiter(): RateLimiter {
  const windows = new Map<string, { count: number; resetAt: number }>();
  let sweeps = 0;
  return {
    kind: "memory",
    async hit(key, limit, windowSeconds) {
      const now = Date.now();
      // Drop expired windows now and then so the map cannot grow without bound.
      if (++sweeps % 1000 === 0) for (const [k, w] of windows) if (w.resetAt <= now) windows.delete(k);
      let w = windows.get(key);
      if (!w || w.resetAt <= now) {
        w = { count: 0, resetAt: now + windowSeconds * 1000 };
        windows.set(key, w);
      }
      w.count++;
      return {
        allowed: w.count <= limit,
        count: w.count,
        retryAfterSeconds: Math.max(1, Math.ceil((w.resetAt - now) / 1000)),
      };
    },
    async reset(key) {
      windows.delete(key);
    },
  };
}

// INCR and set the expiry on the first hit, atomically; returns [count, ttl in ms].
const HIT = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return {n, ttl}`;

/**
 * Counters shared by every instance. When Redis is unreachable the limiter falls back to this
 * process's own counters: limits stay in force (per instance) and requests never fail for it.
 */
export function createRedisRateLimiter(
  redis: Redis,
  options: { prefix?: string; onError?: (error: unknown) => void } = {},
): RateLimiter {
  const prefix = `${options.prefix ?? "chorus:"}rl:`;
  const fallback = createMemoryRateLimiter();
  const onError = options.onError ?? (() => {});
  return {
    kind: "redis",
    async hit(key, limit, windowSeconds) {
      try {
        const [count, ttl] = (await redis.eval(HIT, 1, prefix + key, String(windowSeconds * 1000))) as [
          number,
          number,
        ];
        return { allowed: count <= limit, count, retryAfterSeconds: Math.max(1, Math.ceil(ttl / 1000)) };
      } catch (error) {
        onError(error);
        return fallback.hit(key, limit, windowSeconds);
      }
    },
    async reset(key) {
      await fallback.reset(key);
      try {
        await redis.del(prefix + key);
      } catch (error) {
        onError(error);
      }
    },
  };
}
