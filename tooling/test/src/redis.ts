import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { testRedisUrl } from "./services.js";

/** A key prefix unique to one test, and a way to delete every key under it afterwards. */
export function uniqueRedisPrefix(label = "t"): string {
  return `chorus-test:${label}:${randomBytes(4).toString("hex")}:`;
}

export async function deleteRedisKeys(prefix: string): Promise<void> {
  const redis = new Redis(testRedisUrl, { maxRetriesPerRequest: 1 });
  try {
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 500);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== "0");
  } finally {
    redis.disconnect();
  }
}
