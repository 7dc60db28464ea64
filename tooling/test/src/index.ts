export { createTestDatabase, type TestDatabase } from "./database.js";
export { deleteRedisKeys, type RedisServer, startRedisServer, uniqueRedisPrefix } from "./redis.js";
export { assertServicesUp, testDatabaseUrl, testRedisUrl } from "./services.js";
