import { getOrSet, keys, TTL, tags } from "@chorus/cache";
import {
  type Play,
  type PlayPage,
  type RecentlyPlayedInput,
  type RecordPlayInput,
  type RecordPlayResult,
  SKIP_THRESHOLD_MS,
} from "@chorus/contracts";
import { TRPCError } from "@trpc/server";
import { notFound } from "../../errors.js";
import type { ProtectedContext } from "../../trpc.js";
import { enforceLimits } from "../auth/auth.service.js";
import { catalogKey, decodeCursor, encodeCursor, loadSongs } from "../catalog/catalog.service.js";
import { getSettings } from "../users/users.service.js";

/** A phone may report plays it made offline; older than this, they are refused. */
const LATE_PLAY_DAYS = 30;

/**
 * A play under 30 s counts as skipped, unless the song itself is shorter: then most of it
 * (90 %) must have played.
 */
export function isSkip(playedMs: number, durationMs: number, reportedSkip: boolean): boolean {
  const threshold = Math.min(SKIP_THRESHOLD_MS, Math.floor(durationMs * 0.9));
  return reportedSkip || playedMs < threshold;
}

export async function recordPlay(ctx: ProtectedContext, input: RecordPlayInput): Promise<RecordPlayResult> {
  const playedAt = input.playedAt ?? new Date();
  const now = Date.now();
  if (playedAt.getTime() > now + 60_000) {
    throw new TRPCError({
      code: "BAD_REQUEST",
      message: "playedAt is in the future: check the device's clock.",
    });
  }
  if (playedAt.getTime() < now - LATE_PLAY_DAYS * 86_400_000) {
    throw new TRPCError({
      code: "BAD_REQUEST",
      message: `playedAt is more than ${LATE_PLAY_DAYS} days ago: plays that old are no longer recorded.`,
    });
  }
  // Generous for a person (a song a second, or an offline phone catching up), tight enough that a
  // script cannot stuff the charts.
  await enforceLimits(ctx, [
    { key: `play:${ctx.user.id}`, limit: 60, windowSeconds: 60, what: "Too many plays reported" },
  ]);

  const [song, settings] = await Promise.all([
    ctx.db
      .selectFrom("songs")
      .select(["id", "duration_ms"])
      .where("id", "=", input.songId)
      .executeTakeFirst(),
    getSettings(ctx, ctx.user.id),
  ]);
  if (!song) throw notFound("This song");
  const skipped = isSkip(input.playedMs, song.duration_ms, input.skipped ?? false);
  if (settings.privateSession) {
    return {
      recorded: false,
      skipped,
      reason: "Private session is on: this play was not added to your history.",
    };
  }

  const inserted = await ctx.db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto("plays")
      .values({
        ...(input.id ? { id: input.id } : {}),
        user_id: ctx.user.id,
        song_id: song.id,
        played_ms: input.playedMs,
        skipped,
        context_type: input.context?.type ?? null,
        context_id: input.context?.id ?? null,
        played_at: playedAt,
      })
      .onConflict((oc) => oc.columns(["id", "played_at"]).doNothing())
      .returning("id")
      .executeTakeFirst();
    // The lifetime count behind "popular" sorting; a retried report must not count twice.
    if (row && !skipped) {
      await trx
        .updateTable("songs")
        .set((eb) => ({ play_count: eb("play_count", "+", 1) }))
        .where("id", "=", song.id)
        .execute();
    }
    return row !== undefined;
  });
  if (inserted) await ctx.cache.invalidateTags(tags.userHistory(ctx.user.id));
  return { recorded: true, skipped, reason: inserted ? null : "This play was already recorded." };
}

export async function recentlyPlayed(ctx: ProtectedContext, input: RecentlyPlayedInput): Promise<PlayPage> {
  const userId = ctx.user.id;
  const limit = input.limit ?? 30;
  return getOrSet(
    ctx.cache,
    await catalogKey(ctx, keys.recentlyPlayed(userId, input.cursor ?? undefined, limit)),
    TTL.recentlyPlayed,
    async () => {
      let q = ctx.db
        .selectFrom("plays")
        .select(["id", "song_id", "played_at", "played_ms", "skipped", "context_type", "context_id"])
        .where("user_id", "=", userId);
      if (input.cursor) {
        const [at, id] = decodeCursor(input.cursor, ["string", "string"]) as [string, string];
        q = q.where((eb) =>
          eb.or([
            eb("played_at", "<", new Date(at)),
            eb.and([eb("played_at", "=", new Date(at)), eb("id", "<", id)]),
          ]),
        );
      }
      const rows = await q
        .orderBy("played_at", "desc")
        .orderBy("id", "desc")
        .limit(limit + 1)
        .execute();
      const pageRows = rows.slice(0, limit);
      const songs = await loadSongs(
        ctx,
        pageRows.map((r) => r.song_id),
      );
      const items: Play[] = pageRows.flatMap((r) => {
        const song = songs.get(r.song_id);
        if (!song) return [];
        return [
          {
            id: r.id,
            song,
            playedAt: r.played_at,
            playedMs: r.played_ms,
            skipped: r.skipped,
            context: r.context_type ? { type: r.context_type, id: r.context_id } : null,
          },
        ];
      });
      const last = pageRows.at(-1);
      return {
        items,
        nextCursor:
          rows.length > limit && last ? encodeCursor([last.played_at.toISOString(), last.id]) : null,
      };
    },
    { tags: [tags.userHistory(userId)] },
  );
}
