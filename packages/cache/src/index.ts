export {
  type Cache,
  createMemoryCache,
  createRedisCache,
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
export { bumpTags, getOrSet, TTL, taggedKey } from "./get-or-set.js";
export {
  createMemoryRateLimiter,
  createRedisRateLimiter,
  type RateLimiter,
  type RateLimitResult,
} from "./rate-limit.js";
export { createRedis, redactUrl, waitForRedis } from "./redis.js";
