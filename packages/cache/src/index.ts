export {
  type Cache,
  type CacheLog,
  type CacheOptions,
  type CacheStats,
  createCache,
  createMemoryCache,
  createRedisCache,
  type GetOrSetOptions,
  getOrSet,
  type MemoryCacheOptions,
  type RedisCacheOptions,
} from "./cache.js";
export {
  createMemoryEventBus,
  createRedisEventBus,
  type EventBus,
  type RedisEventBusOptions,
  type Unsubscribe,
} from "./event-bus.js";
export { keys, TTL, tags } from "./keys.js";
export {
  createMemoryRateLimiter,
  createRedisRateLimiter,
  type RateLimiter,
  type RateLimitResult,
} from "./rate-limit.js";
export { createRedis, redactUrl, waitForRedis } from "./redis.js";
