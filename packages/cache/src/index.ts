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
export { createRedis, redactUrl, waitForRedis } from "./redis.js";
