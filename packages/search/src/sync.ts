import type { Db, SearchEntity } from "@chorus/db";
import { type RawBuilder, sql } from "kysely";
import { SEARCH_TYPES, type SearchType } from "./engine.js";
import { explainError } from "./fallback.js";
import type { MeiliIndexes, SearchDocuments, TaskRef } from "./meili.js";

// Keeping Meilisearch in step with PostgreSQL, through the search_outbox that migration 005's
// triggers fill (read its contract there).
//
// One writer at a time, across every process: a batch takes a transaction-scoped advisory lock,
// reads its outbox rows and the current state of their rows, writes to Meilisearch, waits until
// Meilisearch has applied it, deletes exactly those outbox rows and commits. Meilisearch therefore
// applies writes in the order their rows were read. Two consumers taking different rows (FOR
// UPDATE SKIP LOCKED) could not promise that: one reading a song before an edit and writing after
// another that read it after the edit would leave the old title indexed. Catalog writes never wait:
// they only insert outbox rows, which the lock and the deletes do not touch. A batch that fails
// (Meilisearch down, a task failed) rolls back, and its rows are read again next time.

const LOCK = sql`hashtext('chorus search index writer')`;

const ENTITY_TYPE: Record<SearchEntity, SearchType> = {
  song: "songs",
  album: "albums",
  artist: "artists",
  playlist: "playlists",
};

/** Database time in ms since 1970, stamped on each document as it is read (see Stamped). */
const NOW_MS = sql<number>`(extract(epoch from clock_timestamp()) * 1000)::float8`;

type Which = { ids: string[] } | { after: string | null; limit: number };

/** What each type's documents are made of, read with `x` as the row's alias. */
const DOCUMENTS: Record<
  SearchType,
  { select: RawBuilder<unknown>; from: RawBuilder<unknown>; filter?: RawBuilder<unknown> }
> = {
  songs: {
    select: sql`x.id, x.title, al.title as album, x.play_count,
      array(select a.name from song_artists sa join artists a on a.id = sa.artist_id
        where sa.song_id = x.id order by sa.position, a.name) as artists`,
    from: sql`songs x left join albums al on al.id = x.album_id`,
  },
  albums: {
    select: sql`x.id, x.title, ar.name as artist, x.year,
      (select coalesce(sum(s.play_count), 0)::float8 from songs s where s.album_id = x.id) as play_count`,
    from: sql`albums x left join artists ar on ar.id = x.artist_id`,
  },
  artists: {
    select: sql`x.id, x.name, (select coalesce(sum(s.play_count), 0)::float8 from song_artists sa
      join songs s on s.id = sa.song_id where sa.artist_id = x.id) as play_count`,
    from: sql`artists x`,
  },
  // Listed as the PostgreSQL engine lists them: public, with at least one song.
  playlists: {
    select: sql`x.id, x.name, x.description, x.song_count`,
    from: sql`playlists x`,
    filter: sql`x.is_public and x.song_count > 0`,
  },
};

/**
 * The documents of `type` for the given ids (an id with no document is gone, or is a playlist that
 * is not listed publicly), or the next page of all of them in id order.
 */
export async function readDocuments<T extends SearchType>(
  db: Db,
  type: T,
  which: Which,
): Promise<SearchDocuments[T][]> {
  const d = DOCUMENTS[type];
  const conditions = [d.filter ?? sql`true`];
  if ("ids" in which) conditions.push(sql`x.id = any(${which.ids}::uuid[])`);
  else if (which.after !== null) conditions.push(sql`x.id > ${which.after}::uuid`);
  const tail = "ids" in which ? sql`` : sql`order by x.id limit ${which.limit}`;
  const { rows } = await sql<SearchDocuments[T]>`select ${d.select}, ${NOW_MS} as synced_at from ${d.from}
    where ${sql.join(conditions, sql` and `)} ${tail}`.execute(db);
  return rows;
}

/** How many documents of `type` a full index holds. */
async function countDocuments(db: Db, type: SearchType): Promise<number> {
  const d = DOCUMENTS[type];
  const { rows } = await sql<{
    n: number;
  }>`select count(*)::float8 as n from ${d.from} where ${d.filter ?? sql`true`}`.execute(db);
  return rows[0]?.n ?? 0;
}

/**
 * Runs `fn` in a transaction that holds the index writer's lock. With `wait: false` it gives up at
 * once (null) when another process holds it.
 */
async function asWriter<T>(db: Db, wait: boolean, fn: (trx: Db) => Promise<T>): Promise<T | null> {
  return db.transaction().execute(async (trx) => {
    if (wait) {
      await sql`select pg_advisory_xact_lock(${LOCK})`.execute(trx);
    } else {
      const { rows } = await sql<{
        locked: boolean;
      }>`select pg_try_advisory_xact_lock(${LOCK}) as locked`.execute(trx);
      if (!rows[0]?.locked) return null;
    }
    // The transaction waits on Meilisearch (whose calls have their own time limits); a process stuck
    // in it anyway must not keep the lock, and the outbox rows, for ever.
    await sql`set local idle_in_transaction_session_timeout = '5min'`.execute(trx);
    return fn(trx);
  });
}

export interface SyncResult {
  /** Outbox rows drained. */
  processed: number;
  /** Documents written (added or replaced) and deleted. */
  written: number;
  deleted: number;
  /** Another process was draining: this call did nothing. */
  busy: boolean;
  /** It stopped at maxBatches with rows left. */
  more: boolean;
}

export interface SyncOptions {
  /** Outbox rows per batch (and so per Meilisearch write). Default 500. */
  batchSize?: number;
  /** Batches per call at most, so one call never runs for long. Default 20. */
  maxBatches?: number;
}

/** Drains search_outbox into Meilisearch, batch by batch, in id order. Throws when a batch fails. */
export async function syncSearchIndex(
  db: Db,
  meili: MeiliIndexes,
  options: SyncOptions = {},
): Promise<SyncResult> {
  const batchSize = options.batchSize ?? 500;
  const maxBatches = options.maxBatches ?? 20;
  const result: SyncResult = { processed: 0, written: 0, deleted: 0, busy: false, more: false };
  for (let i = 0; i < maxBatches; i++) {
    const batch = await asWriter(db, false, (trx) => drainBatch(trx, meili, batchSize));
    if (batch === null) return { ...result, busy: true };
    result.processed += batch.processed;
    result.written += batch.written;
    result.deleted += batch.deleted;
    if (batch.processed < batchSize) return result;
  }
  return { ...result, more: true };
}

async function drainBatch(trx: Db, meili: MeiliIndexes, batchSize: number) {
  const rows = await trx
    .selectFrom("search_outbox")
    .select(["id", "entity", "entity_id"])
    .orderBy("id")
    .limit(batchSize)
    .execute();
  if (rows.length === 0) return { processed: 0, written: 0, deleted: 0 };
  // Duplicates are normal (an edit can add several rows): each entity is read once.
  const wanted = new Map<SearchType, Set<string>>();
  for (const row of rows) {
    const type = ENTITY_TYPE[row.entity];
    const ids = wanted.get(type) ?? new Set<string>();
    ids.add(row.entity_id);
    wanted.set(type, ids);
  }
  const tasks: TaskRef[] = [];
  let written = 0;
  let deleted = 0;
  for (const [type, ids] of wanted) {
    const documents = await readDocuments(trx, type, { ids: [...ids] });
    const found = new Set(documents.map((d) => d.id));
    const gone = [...ids].filter((id) => !found.has(id));
    if (documents.length > 0) tasks.push(await meili.addDocuments(type, documents));
    if (gone.length > 0) tasks.push(await meili.deleteDocuments(type, gone));
    written += documents.length;
    deleted += gone.length;
  }
  await meili.waitForTasks(tasks);
  // Exactly these ids, never a range: a smaller id can still become visible after a larger one.
  await trx
    .deleteFrom("search_outbox")
    .where(
      "id",
      "in",
      rows.map((r) => r.id),
    )
    .execute();
  return { processed: rows.length, written, deleted };
}

export interface ReindexProgress {
  type: SearchType;
  /** Documents of this type written so far, and how many there are. */
  done: number;
  total: number;
}

export interface ReindexOptions {
  /** Documents per Meilisearch write. Default 1,000. */
  batchSize?: number;
  onProgress?: (progress: ReindexProgress) => void;
}

export interface ReindexReport {
  /** Documents written per type. */
  indexed: Record<SearchType, number>;
  /** Outbox rows that the rebuild made unnecessary. */
  backlog: number;
  ms: number;
}

/**
 * Rebuilds the Meilisearch indexes from PostgreSQL while search keeps answering from them: applies
 * the settings, rewrites every document in batches (each under the writer's lock, so it interleaves
 * with the outbox sync of other processes in a safe order), then deletes the documents it neither
 * wrote nor saw written since it started (rows deleted while no consumer ran).
 *
 * The outbox backlog is deleted first, not at the end: every row visible then is a committed change
 * that the rewrite reads anyway, while a row that becomes visible later (a transaction in flight)
 * stays for the sync, even if its id is smaller than ids already seen.
 */
export async function reindex(
  db: Db,
  meili: MeiliIndexes,
  options: ReindexOptions = {},
): Promise<ReindexReport> {
  const started = performance.now();
  const batchSize = options.batchSize ?? 1_000;
  await meili.ensureSettings();
  const start = (await asWriter(db, true, async (trx) => {
    const { numDeletedRows } = await trx.deleteFrom("search_outbox").executeTakeFirst();
    const { rows } = await sql<{ now: number }>`select ${NOW_MS} as now`.execute(trx);
    return { backlog: Number(numDeletedRows), startedAt: rows[0]!.now };
  }))!;

  const totals = Object.fromEntries(
    await Promise.all(SEARCH_TYPES.map(async (type) => [type, await countDocuments(db, type)] as const)),
  ) as Record<SearchType, number>;
  const indexed = { songs: 0, albums: 0, artists: 0, playlists: 0 } satisfies Record<SearchType, number>;
  for (const type of SEARCH_TYPES) {
    options.onProgress?.({ type, done: 0, total: totals[type] });
    let after: string | null = null;
    for (;;) {
      const page: string | null = after;
      const count = (await asWriter(db, true, async (trx) => {
        const documents = await readDocuments(trx, type, { after: page, limit: batchSize });
        if (documents.length > 0) await meili.waitForTasks([await meili.addDocuments(type, documents)]);
        after = documents.at(-1)?.id ?? after;
        return documents.length;
      }))!;
      indexed[type] += count;
      // Rows added meanwhile can make the count grow past the total counted at the start.
      options.onProgress?.({ type, done: indexed[type], total: Math.max(totals[type], indexed[type]) });
      if (count < batchSize) break;
    }
  }

  await asWriter(db, true, async () => {
    const tasks = await Promise.all(
      SEARCH_TYPES.map((type) => meili.deleteDocumentsSyncedBefore(type, start.startedAt)),
    );
    await meili.waitForTasks(tasks);
  });
  return { indexed, backlog: start.backlog, ms: Math.round(performance.now() - started) };
}

/** Meilisearch holds nothing while the catalog holds something: a new or wiped Meilisearch. */
export async function needsFullIndex(db: Db, meili: MeiliIndexes): Promise<boolean> {
  const held = await Promise.all(SEARCH_TYPES.map((type) => meili.countDocuments(type)));
  if (held.some((n) => n > 0)) return false;
  const { rows } = await sql<{
    any: boolean;
  }>`select exists (select 1 from songs) or exists (select 1 from albums)
    or exists (select 1 from artists) or exists (select 1 from playlists where is_public) as any`.execute(db);
  return rows[0]?.any === true;
}

/** The logger methods the sync uses; pino fits. */
export interface SyncLog {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  debug(obj: object, msg?: string): void;
}

export interface SearchSyncOptions {
  log?: SyncLog;
  batchSize?: number;
  /** Pause between passes while all is well (none while there is more to drain). Default 1 s. */
  intervalMs?: number;
  /** Longest pause after failures (the pause doubles from intervalMs). Default 30 s. */
  maxBackoffMs?: number;
  /** Index the whole catalog when Meilisearch holds no document at all. Default true. */
  indexWhenEmpty?: boolean;
}

export interface SearchSync {
  /** Stops the loop, waiting for a pass in progress to end. */
  stop(): Promise<void>;
}

const quiet: SyncLog = { info() {}, warn() {}, debug() {} };

/**
 * Keeps Meilisearch in step in the background: applies the index settings, indexes everything when
 * Meilisearch is empty (a new server, or one that lost its data), then drains the outbox about once
 * a second. While Meilisearch fails it backs off up to maxBackoffMs, logs once per outage (and once
 * when it is back), and sets up again on recovery. It never throws.
 */
export function startSearchSync(db: Db, meili: MeiliIndexes, options: SearchSyncOptions = {}): SearchSync {
  const log = options.log ?? quiet;
  const interval = options.intervalMs ?? 1_000;
  const maxBackoff = options.maxBackoffMs ?? 30_000;
  let setUp = false;
  let delay = interval;
  let downSince: number | null = null;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | null = null;

  const pass = async (): Promise<boolean> => {
    if (!setUp) {
      await meili.ensureSettings();
      if (options.indexWhenEmpty !== false && (await needsFullIndex(db, meili))) {
        log.info({}, "Meilisearch holds no documents: indexing the whole catalog");
        const report = await reindex(db, meili);
        log.info({ ...report.indexed, ms: report.ms }, "catalog indexed in Meilisearch");
      }
      setUp = true;
    }
    const result = await syncSearchIndex(db, meili, { batchSize: options.batchSize ?? 500 });
    if (result.processed > 0) log.debug({ ...result }, "search index updated");
    return result.more;
  };

  const tick = () => {
    running = pass()
      .then(
        (more) => {
          if (downSince !== null) {
            log.info({ downMs: Date.now() - downSince }, "search index sync works again");
            downSince = null;
          }
          delay = interval;
          return more ? 0 : interval;
        },
        (err: unknown) => {
          setUp = false;
          if (downSince === null) {
            downSince = Date.now();
            log.warn(
              { err, reason: explainError(err), retryUpToMs: maxBackoff },
              "search index sync failed: changes wait in search_outbox, retrying with backoff (logged once until it works again)",
            );
          }
          delay = Math.min(delay * 2, maxBackoff);
          return delay;
        },
      )
      .catch(() => interval)
      .then((next) => {
        running = null;
        if (!stopped) {
          timer = setTimeout(tick, next);
          timer.unref();
        }
      });
  };
  timer = setTimeout(tick, 0);
  timer.unref();

  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
