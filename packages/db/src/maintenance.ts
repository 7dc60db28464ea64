import { sql } from "kysely";
import type { Db } from "./create-db.js";

/**
 * Makes sure `plays` has a partition for every month from `from` on, `months` of them (UTC).
 * Run at start-up and daily so the current and coming months never fall into the default
 * partition; an import of old history calls it with the months its data spans.
 */
export async function ensurePlaysPartitions(db: Db, from = new Date(), months = 3): Promise<string[]> {
  const names: string[] = [];
  for (let i = 0; i < months; i++) {
    const month = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth() + i, 1));
    const { rows } = await sql<{
      name: string;
    }>`select ensure_plays_partition(${month.toISOString().slice(0, 10)}::date) as name`.execute(db);
    names.push(rows[0]?.name ?? "");
  }
  return names;
}

export interface RefreshResult {
  refreshed: boolean;
  refreshedAt: Date;
}

/**
 * Recomputes `popular_songs` without blocking readers (CONCURRENTLY). Only one instance refreshes
 * at a time, and not again within `minAgeMs` of the last refresh, so N instances on one schedule
 * do the work once.
 */
export async function refreshPopularSongs(db: Db, minAgeMs = 0): Promise<RefreshResult> {
  return db.transaction().execute(async (trx) => {
    const { rows } = await sql<{
      locked: boolean;
    }>`select pg_try_advisory_xact_lock(hashtext('refresh popular_songs')) as locked`.execute(trx);
    const last = await trx
      .selectFrom("view_refreshes")
      .select("refreshed_at")
      .where("name", "=", "popular_songs")
      .executeTakeFirst();
    const lastAt = last?.refreshed_at ?? new Date(0);
    if (!rows[0]?.locked || Date.now() - lastAt.getTime() < minAgeMs) {
      return { refreshed: false, refreshedAt: lastAt };
    }
    await sql`refresh materialized view concurrently popular_songs`.execute(trx);
    const { refreshed_at } = await trx
      .insertInto("view_refreshes")
      .values({ name: "popular_songs", refreshed_at: new Date() })
      .onConflict((oc) => oc.column("name").doUpdateSet({ refreshed_at: new Date() }))
      .returning("refreshed_at")
      .executeTakeFirstOrThrow();
    return { refreshed: true, refreshedAt: refreshed_at };
  });
}
