import { EventEmitter } from "node:events";
import type { Redis } from "ioredis";
import superjson from "superjson";

export type Unsubscribe = () => Promise<void>;

/** Publish/subscribe between the parts of Chorus, and between instances when backed by Redis. */
export interface EventBus {
  readonly kind: "memory" | "redis";
  publish(channel: string, message: unknown): Promise<void>;
  subscribe<T>(channel: string, handler: (message: T) => void): Promise<Unsubscribe>;
  close(): Promise<void>;
}

/** The embedded default: delivery within this process only. */
export function createMemoryEventBus(): EventBus {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  return {
    kind: "memory",
    async publish(channel, message) {
      // Deliver asynchronously, as Redis would, so publishers never run subscribers' code inline.
      queueMicrotask(() => emitter.emit(channel, message));
    },
    async subscribe<T>(channel: string, handler: (message: T) => void) {
      const listener = (message: unknown) => handler(message as T);
      emitter.on(channel, listener);
      return async () => {
        emitter.off(channel, listener);
      };
    },
    async close() {
      emitter.removeAllListeners();
    },
  };
}

export interface RedisEventBusOptions {
  prefix?: string;
}

/**
 * Redis pub/sub. A subscribed connection can do nothing else, so the bus takes its own duplicate
 * of the given connection for subscriptions and publishes through the original.
 */
export function createRedisEventBus(redis: Redis, options: RedisEventBusOptions = {}): EventBus {
  const prefix = options.prefix ?? "chorus:";
  const subscriber = redis.duplicate();
  subscriber.on("error", () => {});
  const local = new EventEmitter();
  local.setMaxListeners(0);
  const counts = new Map<string, number>();

  subscriber.on("message", (fullChannel: string, raw: string) => {
    if (!fullChannel.startsWith(prefix)) return;
    let message: unknown;
    try {
      message = superjson.parse(raw);
    } catch {
      return; // not ours
    }
    local.emit(fullChannel.slice(prefix.length), message);
  });

  return {
    kind: "redis",
    async publish(channel, message) {
      await redis.publish(prefix + channel, superjson.stringify(message));
    },
    async subscribe<T>(channel: string, handler: (message: T) => void) {
      const listener = (message: unknown) => handler(message as T);
      local.on(channel, listener);
      const n = (counts.get(channel) ?? 0) + 1;
      counts.set(channel, n);
      if (n === 1) await subscriber.subscribe(prefix + channel);
      let done = false;
      return async () => {
        if (done) return;
        done = true;
        local.off(channel, listener);
        const left = (counts.get(channel) ?? 1) - 1;
        if (left === 0) {
          counts.delete(channel);
          await subscriber.unsubscribe(prefix + channel).catch(() => {});
        } else counts.set(channel, left);
      };
    },
    async close() {
      local.removeAllListeners();
      counts.clear();
      subscriber.disconnect();
    },
  };
}
