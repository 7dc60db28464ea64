export { createTestDatabase, type TestDatabase } from "./database.js";
export { deleteRedisKeys, uniqueRedisPrefix } from "./redis.js";
export { assertServicesUp, testDatabaseUrl, testRedisUrl } from "./services.js";
