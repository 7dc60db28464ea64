import { Redis, type RedisOptions } from "ioredis";

/**
 * A Redis connection that fails fast instead of queueing commands while Redis is down:
 * callers fall back (cache miss, in-process bus) rather than hang a request.
 */
export function createRedis(url: string, options: RedisOptions = {}): Redis {
  const redis = new Redis(url, {
    maxRetriesPerRequest: 1,
    enableOfflineQueue: true,
    connectTimeout: 3_000,
    lazyConnect: false,
    // Back off up to 2 s between reconnects; never give up: Redis coming back heals the instance.
    retryStrategy: (times) => Math.min(times * 200, 2_000),
    ...options,
  });
  // Without a listener ioredis prints every reconnect failure as an unhandled error.
  redis.on("error", () => {});
  return redis;
}

/** Resolves once the connection is ready, or rejects with a message naming the URL (password hidden). */
export async function waitForRedis(redis: Redis, url: string, timeoutMs = 3_000): Promise<void> {
  if (redis.status === "ready") return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`Redis is not reachable at ${redactUrl(url)} (no answer within ${timeoutMs} ms)`));
    }, timeoutMs);
    const onReady = () => {
      cleanup();
      resolve();
    };
    const cleanup = () => {
      clearTimeout(timer);
      redis.off("ready", onReady);
    };
    redis.on("ready", onReady);
  });
}

export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return url;
  }
}
