import type { Db } from "@chorus/db";
import { type ControlledTransaction, type Kysely, sql } from "kysely";
import {
  type BatchResult,
  forgetPartitions,
  HANDLERS,
  type Handler,
  type Mapped,
  type Outcome,
  type Tx,
} from "./collections.js";
import { COLLECTIONS, type CollectionName, type Source, type SourceItem } from "./sources.js";
import { addHash, asRecord, Checksum, type Doc, legacyIdOf, Reject } from "./values.js";

export interface ImportProgress {
  collection: CollectionName;
  read: number;
  written: number;
  rejected: number;
  /** Bytes or documents of the source consumed, out of total (0 when unknown). */
  position: number;
  total: number;
  unit: "bytes" | "docs";
  docsPerSecond: number;
  done: boolean;
}

export interface ImportOptions {
  /** Everything in one transaction that is rolled back at the end: counts and checks, no change. */
  dryRun?: boolean;
  /** Documents per transaction (default 2,000). */
  batchSize?: number;
  onProgress?: (p: ImportProgress) => void;
  /** Stops as if killed once this many batches have committed (tests of resuming). */
  abortAfterBatches?: number;
  /**
   * Called with the report and a reader of every issue of the run, before a dry run is rolled back
   * (which takes its issues too) and before a run is marked finished: write the report file here.
   */
  beforeFinish?: (
    report: ImportReport,
    issues: (collection: CollectionName) => AsyncGenerator<IssueRow>,
  ) => Promise<void>;
}

export interface IssueRow {
  legacyId: string | null;
  severity: "rejected" | "warning";
  reason: string;
  record?: unknown;
}

export interface CollectionReport {
  name: CollectionName;
  origin: string | null;
  read: number;
  written: number;
  rejected: number;
  /** read − written − rejected: anything but 0 means a record went missing. */
  unaccounted: number;
  warnings: number;
  /** Rows in each table this collection writes (rows with a legacy id, where the table has one). */
  rows: Record<string, number>;
  checksum: { source: string; database: string; match: boolean };
  seconds: number;
  docsPerSecond: number;
  /** Reading it back from the database for the checksum. */
  verifySeconds: number;
  /** Resumed from a checkpoint of an earlier, interrupted run. */
  resumed: boolean;
}

export interface ImportReport {
  runId: string;
  source: string;
  dryRun: boolean;
  startedAt: Date;
  finishedAt: Date;
  seconds: number;
  collections: CollectionReport[];
  /** Accounts kept under a placeholder address because another account had their email. */
  emailCollisions: IssueRow[];
  ok: boolean;
}

export class ImportAborted extends Error {
  constructor(batches: number) {
    super(`import stopped after ${batches} batches (as asked)`);
    this.name = "ImportAborted";
  }
}

interface Counters {
  read: number;
  written: number;
  rejected: number;
  warnings: number;
  checksum: bigint;
}

export class ImportAlreadyRunning extends Error {
  constructor() {
    super(
      "Another import is running against this database. Wait for it to finish (or stop it: a stopped import resumes where it left off), then run this one again.",
    );
    this.name = "ImportAlreadyRunning";
  }
}

/** The advisory lock one import holds for its whole run (any constant: "chorus_i" in ASCII). */
const IMPORT_LOCK = 0x63686f7275735f69n.toString();

/**
 * Imports every collection of `source` into the database. Each batch is one transaction that also
 * records its issues and the collection's checkpoint, so a run that dies is resumed by the next run
 * of the same source exactly where the last batch committed. Rows already imported are left as they
 * are (legacy ids), so running it again changes nothing. One import runs at a time: a second one
 * (from another terminal or machine) is refused with ImportAlreadyRunning before it reads anything.
 */
export async function importMongo(
  db: Db,
  source: Source,
  options: ImportOptions = {},
): Promise<ImportReport> {
  // A session-level lock on a connection of its own: a killed import's connection closes and frees it.
  return db.connection().execute(async (conn) => {
    const { rows } = await sql<{
      locked: boolean;
    }>`select pg_try_advisory_lock(${IMPORT_LOCK}::bigint) as locked`.execute(conn);
    if (!rows[0]?.locked) throw new ImportAlreadyRunning();
    try {
      return await importUnlocked(db, source, options);
    } finally {
      await sql`select pg_advisory_unlock(${IMPORT_LOCK}::bigint)`.execute(conn);
    }
  });
}

async function importUnlocked(db: Db, source: Source, options: ImportOptions): Promise<ImportReport> {
  const dryRun = options.dryRun ?? false;
  const batchSize = options.batchSize ?? 2_000;
  const startedAt = new Date();
  forgetPartitions();
  // Dry run: one transaction around everything, rolled back at the end.
  const outer = dryRun ? await db.startTransaction().execute() : null;
  const base: Kysely<import("@chorus/db").Database> = outer ?? db;
  let batches = 0;
  try {
    const resume = dryRun
      ? undefined
      : await base
          .selectFrom("import_runs")
          .select("id")
          .where("fingerprint", "=", source.fingerprint)
          .where("status", "=", "running")
          .orderBy("started_at", "desc")
          .executeTakeFirst();
    const runId =
      resume?.id ??
      (
        await base
          .insertInto("import_runs")
          .values({ source: source.description, fingerprint: source.fingerprint })
          .returning("id")
          .executeTakeFirstOrThrow()
      ).id;

    const collections: CollectionReport[] = [];
    for (const reader of source.collections) {
      const handler = HANDLERS[reader.name];
      const checkpoint = await base
        .selectFrom("import_checkpoints")
        .selectAll()
        .where("run_id", "=", runId)
        .where("collection", "=", reader.name)
        .executeTakeFirst();
      const counters: Counters = {
        read: Number(checkpoint?.read ?? 0),
        written: Number(checkpoint?.written ?? 0),
        rejected: Number(checkpoint?.rejected ?? 0),
        warnings: Number(checkpoint?.warnings ?? 0),
        checksum: BigInt(checkpoint?.source_checksum ?? "0"),
      };
      const resumed = checkpoint !== undefined;
      const started = performance.now();
      const skip = counters.read;
      let seen = 0;
      const progress = (complete: boolean) => {
        const elapsed = (performance.now() - started) / 1000;
        options.onProgress?.({
          collection: reader.name,
          read: counters.read,
          written: counters.written,
          rejected: counters.rejected,
          position: complete ? reader.total : reader.position(),
          total: reader.total,
          unit: reader.unit,
          docsPerSecond: elapsed > 0 ? (counters.read - skip) / elapsed : 0,
          done: complete,
        });
      };

      // Batches of a collection whose records do not depend on each other (history) are written two
      // at a time, on two connections; each still commits after the one before it, so the
      // checkpoint always describes a prefix of the source.
      const lanes = !dryRun && handler.independent ? 2 : 1;
      const inFlight: Promise<void>[] = [];
      let previous: Promise<void> = Promise.resolve();
      const launch = async (items: SourceItem[]) => {
        const prepared = mapBatch(handler, items);
        const setup = handler.setup?.(prepared.mapped) ?? null;
        if (setup) {
          // Schema changes (a new plays partition) wait for the writes in flight, and go alone.
          while (inFlight.length) await inFlight.shift();
          await setup(base);
        }
        while (inFlight.length >= lanes) await inFlight.shift();
        const after = previous;
        const write = writeMapped(base, dryRun, runId, handler, items.length, prepared, counters, after).then(
          () => {
            batches++;
            progress(false);
            if (options.abortAfterBatches !== undefined && batches >= options.abortAfterBatches) {
              throw new ImportAborted(batches);
            }
          },
        );
        // Observed later, in order; never an unhandled rejection meanwhile.
        write.catch(() => {});
        previous = write;
        inFlight.push(write);
      };

      if (!checkpoint?.done) {
        let batch: SourceItem[] = [];
        for await (const item of reader.read()) {
          if (seen++ < skip) continue;
          batch.push(item);
          if (batch.length >= batchSize) {
            const full = batch;
            batch = [];
            await launch(full);
          }
        }
        await launch(batch);
        while (inFlight.length) await inFlight.shift();
        await base
          .updateTable("import_checkpoints")
          .set({ done: true, updated_at: new Date() })
          .where("run_id", "=", runId)
          .where("collection", "=", reader.name)
          .execute();
      }
      progress(true);
      const seconds = (performance.now() - started) / 1000;
      collections.push({
        name: reader.name,
        origin: reader.origin,
        read: counters.read,
        written: counters.written,
        rejected: counters.rejected,
        unaccounted: counters.read - counters.written - counters.rejected,
        warnings: counters.warnings,
        rows: {},
        checksum: { source: counters.checksum.toString(16), database: "", match: false },
        seconds,
        docsPerSecond: seconds > 0 ? (counters.read - skip) / seconds : 0,
        verifySeconds: 0,
        resumed,
      });
    }

    // Verification: what the database holds now, described as the source was. The next page is
    // asked for before this one is hashed, so the database and the hashing work side by side.
    const PAGE = 10_000;
    for (const report of collections) {
      const handler = HANDLERS[report.name];
      const verifyStarted = performance.now();
      const sum = new Checksum();
      let next: ReturnType<typeof handler.readBack> | null = handler.readBack(base, null, PAGE);
      while (next) {
        const page = await next;
        next = null;
        if (page.length === PAGE) {
          // A key shared by the page's last rows (likes of one library) is read whole by the next page.
          const last = page.at(-1)!.key;
          while (page.length && page.at(-1)!.key === last) page.pop();
          const after = page.at(-1)?.key;
          if (after === undefined)
            throw new Error(`${report.name}: one record is larger than a verification page`);
          next = handler.readBack(base, after, PAGE);
          // Never an unhandled rejection while this page is hashed.
          next.catch(() => {});
        }
        for (const row of page) sum.add(row.canonical);
      }
      report.verifySeconds = (performance.now() - verifyStarted) / 1000;
      report.checksum.database = sum.value().toString(16);
      report.checksum.match = report.checksum.database === report.checksum.source;
      for (const table of handler.tables) report.rows[table] = await countRows(base, table);
    }

    const emailCollisions = (
      await base
        .selectFrom("import_issues")
        .select(["legacy_id", "severity", "reason", "record"])
        .where("run_id", "=", runId)
        .where("collection", "=", "users")
        .where("reason", "like", "%email collision%")
        .orderBy("id")
        .execute()
    ).map((r) => ({ legacyId: r.legacy_id, severity: r.severity, reason: r.reason }));

    const finishedAt = new Date();
    const report: ImportReport = {
      runId,
      source: source.description,
      dryRun,
      startedAt,
      finishedAt,
      seconds: (finishedAt.getTime() - startedAt.getTime()) / 1000,
      collections,
      emailCollisions,
      ok: collections.every((c) => c.unaccounted === 0 && c.checksum.match),
    };
    // The dry run's issues go with its rollback: whoever reports them reads them now.
    await options.beforeFinish?.(report, (collection) => issuesOf(base, runId, collection));
    if (!dryRun) {
      await base
        .updateTable("import_runs")
        .set({
          status: "finished",
          finished_at: finishedAt,
          report: JSON.stringify(report),
        })
        .where("id", "=", runId)
        .execute();
    }
    return report;
  } finally {
    if (outer) await outer.rollback().execute();
  }
}

async function countRows(db: Kysely<import("@chorus/db").Database>, table: string): Promise<number> {
  const legacy = !["playlist_items", "playlist_collaborators", "recommendation_songs"].includes(table);
  const { rows } = await sql<{ n: string }>`select count(*) as n from ${sql.table(table)}
    ${legacy ? sql`where legacy_id is not null` : sql``}`.execute(db);
  return Number(rows[0]?.n ?? 0);
}

interface PreparedBatch {
  mapped: Mapped<unknown>[];
  issues: IssueInsert[];
  rejected: number;
}

type IssueInsert = {
  legacy_id: string | null;
  severity: "rejected" | "warning";
  reason: string;
  record: string | null;
};

const recordText = (doc: Doc | null, raw?: string) => JSON.stringify(sanitize(doc ? asRecord(doc) : { raw }));

/** Maps a batch without the database: unreadable or unmappable records are rejected here. */
// biome-ignore lint/suspicious/noExplicitAny: each handler has its own record type
function mapBatch(handler: Handler<any>, items: SourceItem[]): PreparedBatch {
  const prepared: PreparedBatch = { mapped: [], issues: [], rejected: 0 };
  for (const item of items) {
    if ("unreadable" in item) {
      prepared.rejected++;
      prepared.issues.push({
        legacy_id: null,
        severity: "rejected",
        reason: item.reason,
        record: recordText(null, item.unreadable),
      });
      continue;
    }
    const warnings: string[] = [];
    let legacyId: string | null = null;
    try {
      legacyId = legacyIdOf(item.doc);
      prepared.mapped.push({ legacyId, doc: item.doc, value: handler.map(item.doc, warnings), warnings });
    } catch (error) {
      prepared.rejected++;
      const reason = error instanceof Reject ? error.message : `could not be read: ${String(error)}`;
      prepared.issues.push({
        legacy_id: legacyId,
        severity: "rejected",
        reason,
        record: recordText(item.doc),
      });
      for (const w of warnings)
        prepared.issues.push({ legacy_id: legacyId, severity: "warning", reason: w, record: null });
    }
  }
  return prepared;
}

/**
 * Writes a mapped batch in one transaction (one savepoint a record if the batch fails), then, once
 * the batch before it has committed (`after`), its issues and the collection's checkpoint, and commits.
 */
async function writeMapped(
  base: Kysely<import("@chorus/db").Database>,
  dryRun: boolean,
  runId: string,
  // biome-ignore lint/suspicious/noExplicitAny: each handler has its own record type
  handler: Handler<any>,
  read: number,
  prepared: PreparedBatch,
  counters: Counters,
  after: Promise<void>,
): Promise<void> {
  const { mapped } = prepared;
  const issues = [...prepared.issues];
  let rejectedNow = prepared.rejected;
  let writtenNow = 0;
  let warningsNow = 0;
  const delta = new Checksum();
  const trx: ControlledTransaction<import("@chorus/db").Database> | null = dryRun
    ? null
    : await (base as Db).startTransaction().execute();
  const tx: Tx = trx ?? base;
  try {
    await sql`savepoint batch`.execute(tx);
    let result: BatchResult;
    try {
      result = mapped.length ? await handler.write(tx, mapped) : { outcomes: [], extra: [], superseded: [] };
      await sql`release savepoint batch`.execute(tx);
    } catch {
      // One record broke the batch: write them one by one, each in its savepoint, to find it.
      await sql`rollback to savepoint batch`.execute(tx);
      result = { outcomes: [], extra: [], superseded: [] };
      for (const one of mapped) {
        await sql`savepoint one`.execute(tx);
        try {
          const r = await handler.write(tx, [one]);
          await sql`release savepoint one`.execute(tx);
          result.outcomes.push(r.outcomes[0]!);
          result.extra.push(...r.extra);
          result.superseded.push(...r.superseded);
        } catch (error) {
          await sql`rollback to savepoint one`.execute(tx);
          const outcome: Outcome = {
            status: "rejected",
            reason: `the database refused it: ${error instanceof Error ? error.message : String(error)}`,
            warnings: [],
            canonical: null,
          };
          result.outcomes.push(outcome);
        }
      }
    }
    mapped.forEach((m, i) => {
      const outcome = result.outcomes[i]!;
      const warnings = [...m.warnings, ...outcome.warnings];
      if (outcome.status === "written") {
        writtenNow++;
        if (outcome.canonical !== null) delta.add(outcome.canonical);
      } else {
        rejectedNow++;
        issues.push({
          legacy_id: m.legacyId,
          severity: "rejected",
          reason: outcome.reason ?? "rejected",
          record: recordText(m.doc),
        });
      }
      if (warnings.length) {
        warningsNow += warnings.length;
        for (const w of warnings) {
          issues.push({
            legacy_id: m.legacyId,
            severity: "warning",
            reason: w,
            record: outcome.status === "written" ? recordText(m.doc) : null,
          });
        }
      }
    });
    for (const e of result.extra) {
      issues.push({ legacy_id: e.legacyId, severity: e.severity, reason: e.reason, record: null });
      if (e.severity === "warning") warningsNow++;
    }
    for (const superseded of result.superseded) {
      writtenNow--;
      rejectedNow++;
      delta.add(superseded.canonical, -1);
    }
    for (let i = 0; i < issues.length; i += 1_000) {
      await tx
        .insertInto("import_issues")
        .values(
          issues.slice(i, i + 1_000).map((issue) => ({ run_id: runId, collection: handler.name, ...issue })),
        )
        .execute();
    }
    // The checkpoint names a prefix of the source: the batch before this one must be in first.
    await after;
    const next: Counters = {
      read: counters.read + read,
      written: counters.written + writtenNow,
      rejected: counters.rejected + rejectedNow,
      warnings: counters.warnings + warningsNow,
      checksum: addHash(counters.checksum, delta.value()),
    };
    const values = {
      read: next.read,
      written: next.written,
      rejected: next.rejected,
      warnings: next.warnings,
      source_checksum: next.checksum.toString(),
    };
    await tx
      .insertInto("import_checkpoints")
      .values({ run_id: runId, collection: handler.name, ...values })
      .onConflict((oc) =>
        oc.columns(["run_id", "collection"]).doUpdateSet({ ...values, updated_at: new Date() }),
      )
      .execute();
    await trx?.commit().execute();
    Object.assign(counters, next);
  } catch (error) {
    await trx?.rollback().execute();
    throw error;
  }
}

/** PostgreSQL text and jsonb hold no NUL character. */
function sanitize(value: unknown): unknown {
  if (typeof value === "string")
    return value.includes("\u0000") ? value.replaceAll("\u0000", "\uFFFD") : value;
  if (Array.isArray(value)) return value.map(sanitize);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, sanitize(v)]));
  }
  return value;
}

/** Every issue of a run, in order, `limit` at a time (the report file streams them). */
export async function* issuesOf(
  db: Kysely<import("@chorus/db").Database>,
  runId: string,
  collection: CollectionName,
): AsyncGenerator<IssueRow> {
  let after = "0";
  for (;;) {
    const rows = await db
      .selectFrom("import_issues")
      .select(["id", "legacy_id", "severity", "reason", "record"])
      .where("run_id", "=", runId)
      .where("collection", "=", collection)
      .where("id", ">", after)
      .orderBy("id")
      .limit(1_000)
      .execute();
    for (const r of rows)
      yield { legacyId: r.legacy_id, severity: r.severity, reason: r.reason, record: r.record };
    if (rows.length < 1_000) return;
    after = rows.at(-1)!.id;
  }
}

export { COLLECTIONS };
