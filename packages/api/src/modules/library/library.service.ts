import { getOrSet, keys, TTL, tags } from "@chorus/cache";
import type {
  LibrarySummary,
  LikedAlbumPage,
  LikedIds,
  LikedPageInput,
  LikedSongPage,
  LikeResult,
} from "@chorus/contracts";
import { notFound } from "../../errors.js";
import type { ProtectedContext } from "../../trpc.js";
import { catalogKey, decodeCursor, encodeCursor, loadAlbums, loadSongs } from "../catalog/catalog.service.js";
import { memberPlaylists } from "../playlists/playlists.queries.js";

type Kind = "song" | "album";

// Likes are two small tables of the same shape; one code path serves both.
const table = { song: "song_likes", album: "album_likes" } as const;
const column = { song: "song_id", album: "album_id" } as const;

function likeCount(ctx: ProtectedContext, kind: Kind): Promise<number> {
  return ctx.db
    .selectFrom(table[kind])
    .select((eb) => eb.fn.countAll<string>().as("n"))
    .where("user_id", "=", ctx.user.id)
    .executeTakeFirstOrThrow()
    .then((r) => Number(r.n));
}

async function likeState(ctx: ProtectedContext, kind: Kind, id: string): Promise<LikeResult> {
  const [row, count] = await Promise.all([
    ctx.db
      .selectFrom(table[kind])
      .select("created_at")
      .where("user_id", "=", ctx.user.id)
      .where(column[kind] as "song_id", "=", id)
      .executeTakeFirst(),
    likeCount(ctx, kind),
  ]);
  return { liked: row !== undefined, likedAt: row?.created_at ?? null, total: count };
}

export async function like(ctx: ProtectedContext, kind: Kind, id: string): Promise<LikeResult> {
  const exists = await ctx.db
    .selectFrom(kind === "song" ? "songs" : "albums")
    .select("id")
    .where("id", "=", id)
    .executeTakeFirst();
  if (!exists) throw notFound(kind === "song" ? "This song" : "This album");
  await ctx.db
    .insertInto(table[kind])
    .values({ user_id: ctx.user.id, [column[kind]]: id } as { user_id: string; song_id: string })
    .onConflict((oc) => oc.doNothing())
    .execute();
  await ctx.cache.invalidateTags(tags.user(ctx.user.id));
  return likeState(ctx, kind, id);
}

export async function unlike(ctx: ProtectedContext, kind: Kind, id: string): Promise<LikeResult> {
  await ctx.db
    .deleteFrom(table[kind])
    .where("user_id", "=", ctx.user.id)
    .where(column[kind] as "song_id", "=", id)
    .execute();
  await ctx.cache.invalidateTags(tags.user(ctx.user.id));
  return likeState(ctx, kind, id);
}

/** One page of likes, newest first: the ids with their times, then the items batch-loaded. */
async function likedPage(ctx: ProtectedContext, kind: Kind, input: LikedPageInput) {
  const limit = input.limit ?? 50;
  let q = ctx.db
    .selectFrom(table[kind])
    .select([`${column[kind]} as id` as "song_id as id", "created_at"])
    .where("user_id", "=", ctx.user.id);
  if (input.cursor) {
    const [at, id] = decodeCursor(input.cursor, ["string", "string"]) as [string, string];
    q = q.where((eb) =>
      eb.or([
        eb("created_at", "<", new Date(at)),
        eb.and([eb("created_at", "=", new Date(at)), eb(column[kind] as "song_id", "<", id)]),
      ]),
    );
  }
  const [rows, count] = await Promise.all([
    q
      .orderBy("created_at", "desc")
      .orderBy(column[kind] as "song_id", "desc")
      .limit(limit + 1)
      .execute(),
    likeCount(ctx, kind),
  ]);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    rows: page,
    nextCursor: rows.length > limit && last ? encodeCursor([last.created_at.toISOString(), last.id]) : null,
    total: count,
  };
}

export async function likedSongs(ctx: ProtectedContext, input: LikedPageInput): Promise<LikedSongPage> {
  const key = await catalogKey(
    ctx,
    keys.likedSongs(ctx.user.id, input.cursor ?? undefined, input.limit ?? 50),
  );
  return getOrSet(
    ctx.cache,
    key,
    TTL.library,
    async () => {
      const { rows, nextCursor, total } = await likedPage(ctx, "song", input);
      const songs = await loadSongs(
        ctx,
        rows.map((r) => r.id),
      );
      const items = rows.flatMap((r) => {
        const song = songs.get(r.id);
        return song ? [{ song, likedAt: r.created_at }] : [];
      });
      return { items, nextCursor, total };
    },
    { tags: [tags.user(ctx.user.id)] },
  );
}

export async function likedAlbums(ctx: ProtectedContext, input: LikedPageInput): Promise<LikedAlbumPage> {
  const key = await catalogKey(
    ctx,
    keys.likedAlbums(ctx.user.id, input.cursor ?? undefined, input.limit ?? 50),
  );
  return getOrSet(
    ctx.cache,
    key,
    TTL.library,
    async () => {
      const { rows, nextCursor, total } = await likedPage(ctx, "album", input);
      const albums = await loadAlbums(
        ctx,
        rows.map((r) => r.id),
      );
      const items = rows.flatMap((r) => {
        const album = albums.get(r.id);
        return album ? [{ album, likedAt: r.created_at }] : [];
      });
      return { items, nextCursor, total };
    },
    { tags: [tags.user(ctx.user.id)] },
  );
}

export function likedIds(ctx: ProtectedContext): Promise<LikedIds> {
  return getOrSet(
    ctx.cache,
    keys.likedIds(ctx.user.id),
    TTL.library,
    async () => {
      const [songs, albums] = await Promise.all([
        ctx.db.selectFrom("song_likes").select("song_id").where("user_id", "=", ctx.user.id).execute(),
        ctx.db.selectFrom("album_likes").select("album_id").where("user_id", "=", ctx.user.id).execute(),
      ]);
      return { songIds: songs.map((r) => r.song_id), albumIds: albums.map((r) => r.album_id) };
    },
    { tags: [tags.user(ctx.user.id)] },
  );
}

export function summary(ctx: ProtectedContext): Promise<LibrarySummary> {
  return getOrSet(
    ctx.cache,
    keys.library(ctx.user.id),
    TTL.library,
    async () => {
      const [likedSongs, likedAlbums, playlists] = await Promise.all([
        likeCount(ctx, "song"),
        likeCount(ctx, "album"),
        memberPlaylists(ctx.db, ctx.user.id)
          .select((eb) => eb.fn.countAll<string>().as("n"))
          .executeTakeFirstOrThrow()
          .then((r) => Number(r.n)),
      ]);
      return { likedSongs, likedAlbums, playlists };
    },
    { tags: [tags.user(ctx.user.id)] },
  );
}
