import { TTL } from "@chorus/cache";
import type { Lyrics, SetLyricsInput } from "@chorus/contracts";
import { LrcError, parseLrc } from "@chorus/library";
import { assertCan } from "../../authz.js";
import { fieldError, notFound } from "../../errors.js";
import type { Context, ProtectedContext } from "../../trpc.js";
import { catalogCached } from "../catalog/catalog.service.js";

export async function getLyrics(ctx: Context, songId: string): Promise<Lyrics> {
  const lyrics = await catalogCached(ctx, `lyrics:${songId}`, TTL.lyrics, async () => {
    const row = await ctx.db
      .selectFrom("lyrics")
      .selectAll()
      .where("song_id", "=", songId)
      .executeTakeFirst();
    return row
      ? { songId, plain: row.plain, synced: row.synced, language: row.language, source: row.source }
      : undefined;
  });
  if (!lyrics) throw notFound("Lyrics for this song");
  return lyrics;
}

/** Sets (or, with both fields null, removes) a song's lyrics: its uploader or an admin may. */
export async function setLyrics(ctx: ProtectedContext, input: SetLyricsInput): Promise<Lyrics | null> {
  const song = await ctx.db
    .selectFrom("songs")
    .select(["id", "uploaded_by"])
    .where("id", "=", input.songId)
    .executeTakeFirst();
  assertCan(
    ctx.user,
    song,
    { see: () => true, change: (s, actor) => s.uploaded_by === actor.id },
    "change",
    "Song",
  );

  let synced: { ms: number; text: string }[] | null = null;
  let language = input.language ?? null;
  let plainFromLrc: string | null = null;
  if (input.lrc) {
    try {
      const parsed = parseLrc(input.lrc, { strict: true });
      synced = parsed.synced;
      plainFromLrc = parsed.plain;
      language ??= parsed.tags.la ?? null;
    } catch (error) {
      if (error instanceof LrcError)
        throw fieldError("BAD_REQUEST", "lrc", `The LRC is not valid: ${error.message}`);
      throw error;
    }
  }
  const plain = input.plain?.trim() || plainFromLrc;
  if (!plain && !synced) {
    await ctx.db.deleteFrom("lyrics").where("song_id", "=", input.songId).execute();
    return null;
  }
  const values = {
    plain,
    synced: synced ? JSON.stringify(synced) : null,
    language,
    source: "user",
    updated_by: ctx.user.id,
    updated_at: new Date(),
  };
  const row = await ctx.db
    .insertInto("lyrics")
    .values({ song_id: input.songId, ...values })
    .onConflict((oc) => oc.column("song_id").doUpdateSet(values))
    .returningAll()
    .executeTakeFirstOrThrow();
  return {
    songId: row.song_id,
    plain: row.plain,
    synced: row.synced,
    language: row.language,
    source: row.source,
  };
}
