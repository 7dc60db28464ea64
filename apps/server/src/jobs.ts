import { refreshPopular, sessionUpkeep } from "@chorus/api";
import { ensurePlaysPartitions } from "@chorus/db";
import { sql } from "kysely";
import type { Log, Services } from "./backends.js";

export const POPULAR_REFRESH_MS = 5 * 60_000;
const PARTITIONS_EVERY_MS = 12 * 3_600_000;
/** Idle live sessions end, and presence of instances that vanished is cleared, within a minute. */
export const SESSION_UPKEEP_MS = 60_000;

/**
 * Background upkeep every instance runs: the popular chart refreshed every 5 minutes (the database
 * makes sure only one instance does each refresh), next months' play partitions made ahead of time,
 * an undrained search outbox trimmed, and live sessions idle past their expiry ended (each one under
 * its row lock, so instances running it at once end a session once).
 * Returns a stop function.
 */
export function startJobs(
  services: Pick<Services, "db" | "cache" | "backends" | "bus">,
  log: Log,
): () => void {
  const run = (name: string, job: () => Promise<unknown>) => () => {
    job().catch((err: unknown) => log.warn({ err, job: name }, "background job failed: will try again"));
  };
  const refresh = run("refresh popular songs", async () => {
    const result = await refreshPopular(services, POPULAR_REFRESH_MS - 30_000);
    if (result.refreshed) log.debug({ at: result.refreshedAt }, "popular songs refreshed");
  });
  const partitions = run("plays partitions", async () => {
    await ensurePlaysPartitions(services.db);
    // Without Meilisearch nothing drains the search outbox: keep a day of it, so a Meilisearch
    // configured later finds recent changes (and `pnpm chorus reindex` brings in the rest).
    if (services.backends.search !== "meilisearch") {
      await sql`delete from search_outbox where created_at < now() - interval '1 day'`.execute(services.db);
    }
  });
  const sessions = run("live session upkeep", async () => {
    const result = await sessionUpkeep({ db: services.db, bus: services.bus, log });
    if (result.expired || result.offline)
      log.info(result, "live sessions: idle ones ended, stale presence cleared");
  });
  partitions();
  refresh();
  const timers = [
    setInterval(refresh, POPULAR_REFRESH_MS),
    setInterval(partitions, PARTITIONS_EVERY_MS),
    setInterval(sessions, SESSION_UPKEEP_MS),
  ];
  for (const t of timers) t.unref();
  return () => {
    for (const t of timers) clearInterval(t);
  };
}
