import path from "node:path";
import { catalogCached, catalogRevision } from "@chorus/api";
import {
  type Cache,
  createCache,
  createMemoryEventBus,
  createMemoryRateLimiter,
  createRedis,
  createRedisEventBus,
  createRedisRateLimiter,
  type EventBus,
  keys,
  type RateLimiter,
  redactUrl,
  tags,
  waitForRedis,
} from "@chorus/cache";
import type { Backends } from "@chorus/contracts";
import { createDb, type Db, migrateToLatest } from "@chorus/db";
import { createOutboxMailer, createSmtpMailer, type Mailer } from "@chorus/mail";
import {
  createCloudinaryMediaStore,
  createLocalMediaStore,
  type MediaStore,
  parseCloudinaryUrl,
} from "@chorus/media";
import {
  createIndexedSearch,
  createMeiliSearch,
  createPostgresSearch,
  type IndexedSearchStats,
  PUBLIC_PLAYLISTS_IN_PROCESS,
  readPublicPlaylists,
  type SearchEngine,
  type SearchState,
  startSearchSync,
  withFallback,
} from "@chorus/search";
import type { Redis } from "ioredis";
import { startEmbeddedPostgres } from "./embedded-postgres.js";
import type { Config } from "./env.js";
import { loadSecrets, type Secrets } from "./secrets.js";

/** The few logger methods the server's parts use; pino and Fastify's logger both fit. */
export interface Log {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  debug(obj: object, msg?: string): void;
}

export const silentLog: Log = { info() {}, warn() {}, debug() {} };

/** Everything outside the process that the server talks to, each either embedded or real. */
export interface Services {
  db: Db;
  cache: Cache;
  bus: EventBus;
  limiter: RateLimiter;
  media: MediaStore;
  mailer: Mailer;
  secrets: Secrets;
  redis: Redis | null;
  /** PostgreSQL, or Meilisearch answered by PostgreSQL while it is down. */
  search: SearchEngine;
  /** Which engine answers searches now, and why not the configured one: for /ready. */
  searchState(): SearchState;
  /** The in-process search index's counters (null with SEARCH_INDEX=false): for /metrics. */
  searchIndex(): IndexedSearchStats | null;
  backends: Backends;
  /** Where each part lives, for the start-up banner (passwords hidden). */
  describe: Record<keyof Backends | "mail", string>;
  close(): Promise<void>;
}

/**
 * Opens the database (starting the embedded PostgreSQL when DATABASE_URL is unset), applies the
 * migrations, and connects the cache and event bus (Redis when REDIS_URL is set).
 */
export async function openServices(config: Config, log: Log = silentLog): Promise<Services> {
  const closers: (() => Promise<unknown>)[] = [];
  const close = async () => {
    for (const fn of closers.reverse()) await fn().catch((err) => log.warn({ err }, "error while closing"));
  };
  try {
    let databaseUrl = config.databaseUrl;
    if (!databaseUrl) {
      const embedded = await startEmbeddedPostgres(config.dataDir, log);
      closers.push(embedded.stop);
      databaseUrl = embedded.url;
    }
    const db = createDb({ connectionString: databaseUrl, maxConnections: config.databasePoolSize });
    closers.push(() => db.destroy());
    const { applied } = await migrateToLatest(db).catch((error: Error) => {
      throw new Error(
        config.databaseUrl
          ? `Could not prepare the database at ${redactUrl(config.databaseUrl)} (DATABASE_URL): ${error.message}`
          : `Could not prepare the embedded database: ${error.message}`,
        { cause: error },
      );
    });
    if (applied.length) log.info({ applied }, "database migrations applied");

    let redis: Redis | null = null;
    let cache: Cache;
    let bus: EventBus;
    let limiter: RateLimiter;
    if (config.redisUrl) {
      redis = createRedis(config.redisUrl);
      const r = redis;
      closers.push(async () => r.disconnect());
      await waitForRedis(redis, config.redisUrl).catch((error: Error) => {
        throw new Error(
          `${error.message} (REDIS_URL). Start Redis, or unset REDIS_URL to use the in-process cache.`,
        );
      });
      const prefix = config.redisPrefix;
      cache = createCache({ redis, prefix, log });
      bus = createRedisEventBus(redis, { prefix });
      limiter = createRedisRateLimiter(redis, {
        prefix,
        onError: (err) => log.warn({ err }, "redis rate limiter error: counting in this process"),
      });
    } else {
      cache = createCache({ log });
      bus = createMemoryEventBus();
      limiter = createMemoryRateLimiter();
    }
    closers.push(
      () => cache.close(),
      () => bus.close(),
    );

    const secrets = await loadSecrets(config, log);
    const media = config.cloudinaryUrl
      ? createCloudinaryMediaStore(parseCloudinaryUrl(config.cloudinaryUrl))
      : createLocalMediaStore(path.join(config.dataDir, "media"));
    const outbox = path.join(config.dataDir, "outbox");
    const mailer = config.smtpUrl
      ? createSmtpMailer(config.smtpUrl, config.mailFrom)
      : createOutboxMailer(outbox, config.mailFrom, log);
    closers.push(() => mailer.close());

    let postgresSearch: SearchEngine = createPostgresSearch(db);
    let searchIndex = (): IndexedSearchStats | null => null;
    if (config.searchIndex) {
      // The catalog's search documents in this process, answering while they match the revision the
      // cache keys use; PostgreSQL answers while they are built or rebuilt (decision 012).
      const indexed = createIndexedSearch(db, postgresSearch, {
        revision: () => catalogRevision(db),
        log,
        // Public playlists, read whole and kept as the answers that show them are: under the catalog
        // revision (a deleted song can empty a playlist) and the tag every public playlist change
        // moves. Searched in this process while there are at most PUBLIC_PLAYLISTS_IN_PROCESS.
        publicPlaylists: () =>
          catalogCached(
            { db, cache },
            keys.search({ publicPlaylists: "documents" }),
            // Read only while the index is current, so at most once per rebuild (2 s apart or more):
            // a minute bounds the copies an import leaves behind.
            60,
            () => readPublicPlaylists(db, PUBLIC_PLAYLISTS_IN_PROCESS),
            { tags: [tags.publicPlaylists()] },
          ),
      });
      closers.push(async () => indexed.close());
      postgresSearch = indexed;
      searchIndex = () => indexed.stats();
    }
    let search: SearchEngine = postgresSearch;
    let searchState = (): SearchState => ({ engine: "postgres", degraded: false, reason: null });
    if (config.meiliUrl) {
      const meili = createMeiliSearch({
        url: config.meiliUrl,
        apiKey: config.meiliKey,
        indexPrefix: config.meiliIndexPrefix,
      });
      const fallback = withFallback(meili, postgresSearch, { log });
      closers.push(async () => fallback.close());
      // Never fails start-up: a Meilisearch that is down only makes search answer from PostgreSQL.
      await fallback.check();
      // Applies the index settings, indexes the catalog when Meilisearch is empty, then follows the outbox.
      const sync = startSearchSync(db, meili, { log });
      closers.push(() => sync.stop());
      search = fallback;
      searchState = () => fallback.state();
    }

    const backends: Backends = {
      database: config.databaseUrl ? "postgres" : "embedded-postgres",
      cache: cache.kind,
      eventBus: bus.kind,
      media: media.kind,
      search: config.meiliUrl ? "meilisearch" : "postgres",
    };
    return {
      db,
      cache,
      bus,
      limiter,
      media,
      mailer,
      secrets,
      redis,
      search,
      searchState,
      searchIndex,
      backends,
      describe: {
        database: config.databaseUrl
          ? `PostgreSQL at ${redactUrl(config.databaseUrl)}`
          : `embedded PostgreSQL in ${config.dataDir}/postgres`,
        cache: config.redisUrl
          ? `Redis at ${redactUrl(config.redisUrl)}`
          : "in-process (set REDIS_URL for Redis)",
        eventBus: config.redisUrl ? "Redis pub/sub" : "in-process (set REDIS_URL to share across instances)",
        media: config.cloudinaryUrl ? "Cloudinary (CLOUDINARY_URL)" : `local disk in ${config.dataDir}/media`,
        search: config.meiliUrl
          ? `Meilisearch at ${redactUrl(config.meiliUrl).replace(/\/$/, "")} (indexes ${config.meiliIndexPrefix}*; PostgreSQL while it is down)`
          : config.searchIndex
            ? "in-process index of PostgreSQL's search documents (set MEILI_URL for Meilisearch)"
            : "PostgreSQL full text + trigrams (SEARCH_INDEX=false; set MEILI_URL for Meilisearch)",
        mail: config.smtpUrl
          ? `SMTP at ${redactUrl(config.smtpUrl)}`
          : `outbox folder ${outbox} (codes are also logged; set SMTP_URL to send real mail)`,
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
