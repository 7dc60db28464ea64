import type { ClockTick, LibraryCounts, ServerInfo } from "@chorus/contracts";
import type { Db } from "@chorus/db";
import type { Context } from "../../context.js";

export async function countLibrary(db: Db): Promise<LibraryCounts> {
  // One round trip; count(*) on these tables is cheap at self-hosted library sizes.
  const row = await db
    .selectNoFrom((eb) => [
      eb.selectFrom("songs").select(eb.fn.countAll<string>().as("n")).as("songs"),
      eb.selectFrom("albums").select(eb.fn.countAll<string>().as("n")).as("albums"),
      eb.selectFrom("artists").select(eb.fn.countAll<string>().as("n")).as("artists"),
    ])
    .executeTakeFirstOrThrow();
  return { songs: Number(row.songs), albums: Number(row.albums), artists: Number(row.artists) };
}

export async function getServerInfo(ctx: Context): Promise<ServerInfo> {
  return {
    name: "Chorus",
    version: ctx.version,
    startedAt: ctx.startedAt,
    backends: ctx.backends,
    library: await countLibrary(ctx.db),
  };
}

export function clockTick(startedAt: Date, now = new Date()): ClockTick {
  return { serverTime: now, uptimeMs: Math.max(0, now.getTime() - startedAt.getTime()) };
}

/** Resolves after ms, or at once when the signal aborts (so a closed subscription stops promptly). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}
