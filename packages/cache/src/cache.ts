import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import { LRUCache } from "lru-cache";
import superjson from "superjson";

export interface CacheLog {
  warn(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
}

export interface CacheOptions {
  /** The shared tier. Without it the cache is this process's LRU alone. */
  redis?: Redis | null;
  /** Prepended to every Redis key and channel, so several deployments (or tests) can share one Redis. */
  prefix?: string;
  /** Most entries the in-process LRU keeps; least recently used go first. */
  maxEntries?: number;
  /**
   * With Redis, the longest an entry stays in the in-process LRU: an instance that missed an
   * invalidation message serves stale data for at most this long.
   */
  lruMaxTtlSeconds?: number;
  log?: CacheLog;
}

export interface GetOrSetOptions {
  /** Tags whose invalidation drops this entry. One key is always used with the same tags. */
  tags?: readonly string[];
}

export interface CacheStats {
  hits: number;
  lruHits: number;
  redisHits: number;
  misses: number;
  /** Loader calls (concurrent misses for one key share one). */
  loads: number;
  /** Redis commands that failed. */
  errors: number;
  /** Keys and tags invalidated through this instance. */
  invalidations: number;
  /** hits / (hits + misses); 0 before any read. */
  hitRate: number;
  redis: "up" | "down" | "none";
  lruSize: number;
}

/**
 * Two tiers: an LRU in this process in front of Redis (when given). A Redis outage makes reads
 * slower (they go to the loader), never failed; writes and invalidations never throw.
 */
export interface Cache {
  readonly kind: "memory" | "redis";
  /** The cached value, or undefined on a miss. */
  get<T>(key: string): Promise<T | undefined>;
  /** `undefined` is never cached. */
  set(key: string, value: unknown, ttlSeconds: number): Promise<void>;
  /** Several untagged entries in one go: the LRU first, then one MGET for the rest. */
  getMany<T>(keys: readonly string[]): Promise<(T | undefined)[]>;
  setMany(entries: readonly (readonly [string, unknown])[], ttlSeconds: number): Promise<void>;
  getOrSet<T>(key: string, ttlSeconds: number, load: () => Promise<T>, options?: GetOrSetOptions): Promise<T>;
  /** Drops untagged entries on every instance; tagged entries go through their tags. */
  delete(...keys: string[]): Promise<void>;
  invalidateTags(...tags: string[]): Promise<void>;
  stats(): CacheStats;
  resetStats(): void;
  /** Stops listening to other instances. The given Redis connection stays open. */
  close(): Promise<void>;
}

/**
 * Cache-aside: the cached value, or `load()` stored for `ttlSeconds`. Concurrent misses for one key
 * in this process share one load (no stampede on the database). `undefined` is never cached.
 */
export function getOrSet<T>(
  cache: Cache,
  key: string,
  ttlSeconds: number,
  load: () => Promise<T>,
  options?: GetOrSetOptions,
): Promise<T> {
  return cache.getOrSet(key, ttlSeconds, load, options);
}

/** Invalidations made while Redis was down, replayed when it is back; past this, flush everything. */
const MAX_PENDING = 10_000;
/** Tag versions expire after a day without a bump; tagged entries never outlive them. */
const TAG_TTL_SECONDS = 86_400;

// A version key that expired restarts at the current time in ms, above every version handed out
// before it, so an entry stored under an old version can never match again.
const BUMP_TAG = `
if redis.call('EXISTS', KEYS[1]) == 0 then redis.call('SET', KEYS[1], ARGV[1]) end
local v = redis.call('INCR', KEYS[1])
redis.call('EXPIRE', KEYS[1], ARGV[2])
return v`;

interface Invalidation {
  keys?: string[];
  tags?: string[];
  /** Everything under this prefix (after too many invalidations were missed). */
  all?: boolean;
}

interface Flight {
  promise: Promise<unknown>;
  /** Invalidated while loading: the value is returned but not stored. */
  stale: boolean;
}

/**
 * Tags are versions (the design that cannot store stale data): each tag has a version in Redis, and
 * a tagged entry's real key embeds the current versions of its tags. Invalidating a tag INCRs its
 * version and tells the other instances to forget their copy of it. A load that read the old
 * version lands under the old key, which nobody reads again: "reader loads old data, writer
 * invalidates, reader stores old data" stores garbage, never a stale answer.
 */
export function createCache(options: CacheOptions = {}): Cache {
  const redis = options.redis ?? null;
  const prefix = options.prefix ?? "chorus:";
  const log = options.log ?? { warn() {}, info() {} };
  const capMs = (options.lruMaxTtlSeconds ?? 30) * 1000;
  const max = options.maxEntries ?? 10_000;
  const valueKey = (key: string) => `${prefix}c:${key}`;
  const tagKey = (tag: string) => `${prefix}t:${tag}`;
  const channel = `${prefix}cache:invalidate`;
  const self = randomUUID();

  const lru = new LRUCache<string, { value: unknown }>({ max });
  // Versions read from Redis are kept for capMs. Without Redis (or while it is down) a tag gets a
  // version made up here, "L<n>", never reused in this process: forgetting one (eviction, expiry,
  // invalidation) can only lead to a fresh version, that is a miss, never back to an old entry.
  const tagVersions = new LRUCache<string, string>({ max });
  let localVersions = 0;
  // Bumped by every invalidation applied here: a Redis reply requested before it may predate it,
  // so it is used for that one read but not kept in this process.
  let epoch = 0;
  const inflight = new Map<string, Flight>();
  const zero = { lruHits: 0, redisHits: 0, misses: 0, loads: 0, errors: 0, invalidations: 0 };
  let counts = { ...zero };

  const lruTtl = (ms: number) => (redis ? Math.min(ms, capMs) : ms);

  // Redis health. `healthy` turns true only once invalidations missed during an outage are replayed.
  let healthy = redis?.status === "ready";
  let warned = false;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;
  let recovering: Promise<void> | undefined;
  const pending = { keys: new Set<string>(), tags: new Set<string>(), all: false };
  const usable = (r: Redis | null): r is Redis => r !== null && healthy && r.status === "ready";

  function failed(err?: unknown) {
    healthy = false;
    if (!warned) {
      warned = true;
      log.warn({ err, prefix }, "Redis cache unreachable: reads go to the database until it is back");
    }
    // A command can fail on a live connection, and then no "ready" event comes to bring us back.
    if (redis?.status === "ready") scheduleRecovery();
  }

  function scheduleRecovery() {
    if (retry || closed) return;
    retry = setTimeout(() => {
      retry = undefined;
      void recover();
    }, 1_000);
    retry.unref();
  }

  function recover(): Promise<void> {
    recovering ??= (async () => {
      try {
        while (pending.all || pending.keys.size > 0 || pending.tags.size > 0) await replay();
        // Other instances' messages may have been lost meanwhile: start this process afresh.
        applyLocal({ all: true });
        healthy = true;
        if (warned) {
          warned = false;
          log.info({ prefix }, "Redis cache reachable again; invalidations made meanwhile were replayed");
        }
      } catch (err) {
        counts.errors++;
        failed(err);
      } finally {
        recovering = undefined;
      }
    })();
    return recovering;
  }

  async function replay() {
    const missed: Invalidation = { keys: [...pending.keys], tags: [...pending.tags], all: pending.all };
    pending.keys.clear();
    pending.tags.clear();
    pending.all = false;
    try {
      await write(redis!, missed);
    } catch (err) {
      remember(missed);
      throw err;
    }
  }

  function remember({ keys = [], tags = [], all }: Invalidation) {
    if (!all && !pending.all) {
      for (const key of keys) pending.keys.add(key);
      for (const tag of tags) pending.tags.add(tag);
      if (pending.keys.size + pending.tags.size <= MAX_PENDING) return;
    }
    pending.all = true;
    pending.keys.clear();
    pending.tags.clear();
  }

  async function write(r: Redis, inv: Invalidation) {
    if (inv.all) {
      const pattern = `${valueKey("").replace(/[*?[\]\\]/g, "\\$&")}*`;
      let cursor = "0";
      do {
        const [next, found] = await r.scan(cursor, "MATCH", pattern, "COUNT", 1000);
        cursor = next;
        if (found.length > 0) await r.del(...found);
      } while (cursor !== "0");
    } else {
      if (inv.keys?.length) await r.del(...inv.keys.map(valueKey));
      const now = String(Date.now());
      await Promise.all(
        (inv.tags ?? []).map((tag) => r.eval(BUMP_TAG, 1, tagKey(tag), now, TAG_TTL_SECONDS)),
      );
    }
    await r.publish(channel, JSON.stringify({ from: self, ...inv }));
  }

  function applyLocal({ keys = [], tags = [], all }: Invalidation) {
    epoch++;
    if (all) {
      lru.clear();
      tagVersions.clear();
      for (const flight of inflight.values()) flight.stale = true;
      return;
    }
    for (const key of keys) {
      lru.delete(key);
      const flight = inflight.get(key);
      if (flight) flight.stale = true;
    }
    for (const tag of tags) tagVersions.delete(tag);
  }

  async function invalidate(inv: Invalidation) {
    counts.invalidations += (inv.keys?.length ?? 0) + (inv.tags?.length ?? 0);
    applyLocal(inv);
    if (!redis) return;
    if (usable(redis)) {
      try {
        await write(redis, inv);
        return;
      } catch (err) {
        counts.errors++;
        failed(err);
      }
    }
    remember(inv);
  }

  /** Runs a Redis command when Redis is usable; undefined when it is not or the command fails. */
  async function attempt<R>(run: (r: Redis) => Promise<R>): Promise<R | undefined> {
    if (!usable(redis)) return undefined;
    try {
      return await run(redis);
    } catch (err) {
      counts.errors++;
      failed(err);
      return undefined;
    }
  }

  async function versionsOf(tags: readonly string[]): Promise<string[]> {
    const found = new Map<string, string>();
    for (const tag of tags) {
      const version = tagVersions.get(tag);
      if (version !== undefined) found.set(tag, version);
    }
    const missing = tags.filter((tag) => !found.has(tag));
    if (missing.length > 0) {
      const seen = epoch;
      const fromRedis = await attempt((r) => r.mget(...missing.map(tagKey)));
      for (const [i, tag] of missing.entries()) {
        let version = fromRedis ? (fromRedis[i] ?? "0") : tagVersions.get(tag);
        if (fromRedis) {
          if (seen === epoch) tagVersions.set(tag, version!, { ttl: capMs });
        } else if (version === undefined) {
          // Checked again after the await: a concurrent read may have made one up meanwhile.
          version = `L${++localVersions}`;
          tagVersions.set(tag, version, { ttl: redis ? capMs : undefined });
        }
        found.set(tag, version!);
      }
    }
    return tags.map((tag) => found.get(tag)!);
  }

  async function lookup<T>(key: string): Promise<T | undefined> {
    const local = lru.get(key);
    if (local) {
      counts.lruHits++;
      return local.value as T;
    }
    const seen = epoch;
    const reply = await attempt((r) => Promise.all([r.get(valueKey(key)), r.pttl(valueKey(key))]));
    if (reply && reply[0] !== null) {
      const [raw, pttl] = reply;
      try {
        const value = superjson.parse<T>(raw);
        if (seen === epoch) lru.set(key, { value }, { ttl: pttl > 0 ? Math.min(pttl, capMs) : capMs });
        counts.redisHits++;
        return value;
      } catch {
        // Not ours (or from an incompatible version): a miss.
      }
    }
    counts.misses++;
    return undefined;
  }

  async function lookupMany<T>(keys: readonly string[]): Promise<(T | undefined)[]> {
    const found: (T | undefined)[] = new Array(keys.length).fill(undefined);
    const missing: number[] = [];
    for (const [i, key] of keys.entries()) {
      const local = lru.get(key);
      if (local) {
        counts.lruHits++;
        found[i] = local.value as T;
      } else missing.push(i);
    }
    if (missing.length === 0) return found;
    const seen = epoch;
    const reply = await attempt((r) => r.mget(...missing.map((i) => valueKey(keys[i]!))));
    for (const [j, i] of missing.entries()) {
      const raw = reply?.[j];
      if (raw) {
        try {
          const value = superjson.parse<T>(raw);
          // MGET tells no remaining TTL: keep it for the LRU's cap, as Redis keeps the rest.
          if (seen === epoch) lru.set(keys[i]!, { value }, { ttl: capMs });
          counts.redisHits++;
          found[i] = value;
          continue;
        } catch {
          // Not ours: a miss.
        }
      }
      counts.misses++;
    }
    return found;
  }

  async function storeMany(entries: readonly (readonly [string, unknown])[], ttlSeconds: number) {
    const ttlMs = Math.max(1, Math.round(ttlSeconds * 1000));
    const kept = entries.filter(([, value]) => value !== undefined);
    for (const [key, value] of kept) lru.set(key, { value }, { ttl: lruTtl(ttlMs) });
    if (kept.length === 0) return;
    await attempt((r) => {
      const batch = r.pipeline();
      for (const [key, value] of kept) batch.set(valueKey(key), superjson.stringify(value), "PX", ttlMs);
      return batch.exec();
    });
  }

  async function store(key: string, value: unknown, ttlSeconds: number) {
    if (value === undefined) return;
    const ttlMs = Math.max(1, Math.round(ttlSeconds * 1000));
    lru.set(key, { value }, { ttl: lruTtl(ttlMs) });
    await attempt((r) => r.set(valueKey(key), superjson.stringify(value), "PX", ttlMs));
  }

  let subscriber: Redis | undefined;
  const onReady = () => void recover();
  const onClose = () => failed();
  if (redis) {
    redis.on("ready", onReady);
    redis.on("close", onClose);
    subscriber = redis.duplicate();
    // Its outages mirror the main connection's, which is the one we report.
    subscriber.on("error", () => {});
    subscriber.on("ready", () => void subscriber?.subscribe(channel).catch(() => {}));
    subscriber.on("message", (from: string, raw: string) => {
      if (from !== channel) return;
      try {
        const message = JSON.parse(raw) as Invalidation & { from: string };
        if (message.from !== self) applyLocal(message);
      } catch {
        // Not ours.
      }
    });
  }

  return {
    kind: redis ? "redis" : "memory",
    get: lookup,
    set: store,
    getMany: lookupMany,
    setMany: storeMany,
    async getOrSet<T>(
      key: string,
      ttlSeconds: number,
      load: () => Promise<T>,
      options: GetOrSetOptions = {},
    ) {
      const tags = options.tags ?? [];
      const real = tags.length > 0 ? `${key}#${(await versionsOf(tags)).join(".")}` : key;
      const hit = await lookup<T>(real);
      if (hit !== undefined) return hit;
      const running = inflight.get(real);
      if (running) return running.promise as Promise<T>;
      const ttl = tags.length > 0 ? Math.min(ttlSeconds, TAG_TTL_SECONDS) : ttlSeconds;
      // Registered before load() runs, so a load that throws at once still unregisters itself.
      const flight = { stale: false } as Flight;
      inflight.set(real, flight);
      const promise = (async () => {
        try {
          counts.loads++;
          const value = await load();
          if (!flight.stale) await store(real, value, ttl);
          return value;
        } finally {
          if (inflight.get(real) === flight) inflight.delete(real);
        }
      })();
      flight.promise = promise;
      return promise;
    },
    async delete(...keys) {
      if (keys.length > 0) await invalidate({ keys });
    },
    async invalidateTags(...tags) {
      if (tags.length > 0) await invalidate({ tags });
    },
    stats() {
      const hits = counts.lruHits + counts.redisHits;
      const reads = hits + counts.misses;
      return {
        ...counts,
        hits,
        hitRate: reads === 0 ? 0 : hits / reads,
        redis: redis ? (usable(redis) ? "up" : "down") : "none",
        lruSize: lru.size,
      };
    },
    resetStats() {
      counts = { ...zero };
    },
    async close() {
      closed = true;
      clearTimeout(retry);
      redis?.off("ready", onReady);
      redis?.off("close", onClose);
      subscriber?.disconnect();
    },
  };
}

export type MemoryCacheOptions = Pick<CacheOptions, "maxEntries">;

/** The embedded default: an LRU in this process. */
export function createMemoryCache(options: MemoryCacheOptions = {}): Cache {
  return createCache(options);
}

export type RedisCacheOptions = Omit<CacheOptions, "redis">;

export function createRedisCache(redis: Redis, options: RedisCacheOptions = {}): Cache {
  return createCache({ ...options, redis });
}
