import { deleteRedisKeys, testRedisUrl, uniqueRedisPrefix } from "@chorus/test-utils";
import type { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createMemoryEventBus, createRedisEventBus, type EventBus } from "./event-bus.js";
import { createRedis, waitForRedis } from "./redis.js";

let redis: Redis;
const prefix = uniqueRedisPrefix("bus");

beforeAll(async () => {
  redis = createRedis(testRedisUrl);
  await waitForRedis(redis, testRedisUrl);
});

afterAll(async () => {
  await deleteRedisKeys(prefix);
  redis.disconnect();
});

const waitFor = async (check: () => boolean, ms = 2_000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe("event bus", () => {
  const buses: EventBus[] = [];
  afterEach(async () => {
    for (const b of buses.splice(0)) await b.close();
  });

  it("in-process: delivers to subscribers until they unsubscribe", async () => {
    const bus = createMemoryEventBus();
    buses.push(bus);
    const got: unknown[] = [];
    const off = await bus.subscribe("ch", (m) => got.push(m));
    await bus.publish("ch", { n: 1 });
    await waitFor(() => got.length === 1);
    await off();
    await bus.publish("ch", { n: 2 });
    await new Promise((r) => setTimeout(r, 20));
    expect(got).toEqual([{ n: 1 }]);
  });

  it("redis: carries events between two instances, Dates intact", async () => {
    const a = createRedisEventBus(redis, { prefix });
    const b = createRedisEventBus(createRedis(testRedisUrl), { prefix });
    buses.push(a, b);
    const atB: unknown[] = [];
    const atB2: unknown[] = [];
    const off1 = await b.subscribe("session:x", (m) => atB.push(m));
    const off2 = await b.subscribe("session:x", (m) => atB2.push(m));
    const sent = { type: "play", at: new Date("2025-01-01T00:00:00Z") };
    await a.publish("session:x", sent);
    await waitFor(() => atB.length === 1 && atB2.length === 1);
    expect(atB[0]).toEqual(sent);
    await off1();
    await a.publish("session:x", { type: "pause" });
    await waitFor(() => atB2.length === 2);
    expect(atB).toHaveLength(1);
    await off2();
  });
});
