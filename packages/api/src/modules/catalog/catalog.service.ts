import { type GetOrSetOptions, getOrSet, TTL } from "@chorus/cache";
import type {
  AlbumDetail,
  AlbumSummary,
  AlbumsInput,
  ArtistDetail,
  ArtistSummary,
  ArtistsInput,
  Page,
  Song,
  SongsInput,
} from "@chorus/contracts";
import type { Db } from "@chorus/db";
import type { MediaStore } from "@chorus/media";
import { TRPCError } from "@trpc/server";
import { sql } from "kysely";
import type { Context } from "../../context.js";
import { notFound } from "../../errors.js";
import {
  type AlbumRow,
  albumsQuery,
  albumTotals,
  artistTotals,
  type SongRow,
  songArtists,
  songsQuery,
} from "./catalog.queries.js";
import { streamUrl } from "./stream-urls.js";

// Cached songs carry their signed stream URL: it stays valid for hours (see stream-urls.ts) and
// every cached entry lives minutes, so signing it once per load instead of once per answer is safe,
// and an answer is the cached object as it is, with no copy of every song per request.

// ---------- cursors ----------

export function encodeCursor(values: (string | number)[]): string {
  return Buffer.from(JSON.stringify(values)).toString("base64url");
}

export function decodeCursor(cursor: string, shape: ("string" | "number")[]): (string | number)[] {
  try {
    const values = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as unknown;
    if (
      Array.isArray(values) &&
      values.length === shape.length &&
      values.every((v, i) => typeof v === shape[i])
    ) {
      return values as (string | number)[];
    }
  } catch {}
  throw new TRPCError({
    code: "BAD_REQUEST",
    message: "That page cursor is not valid: start again from the first page.",
  });
}

// ---------- the catalog revision (see migration 003) ----------

const revisions = new WeakMap<Db, { value: string; at: number; pending?: Promise<string> }>();
/**
 * The catalog's revision, read at most every 250 ms per process: cache keys include it, so any
 * change (server, import CLI, psql) retires every cached catalog answer within that time.
 */
export async function catalogRevision(db: Db): Promise<string> {
  const known = revisions.get(db);
  if (known && Date.now() - known.at < 250) return known.value;
  if (known?.pending) return known.pending;
  const pending = db
    .selectFrom("catalog_state")
    .select("revision")
    .executeTakeFirstOrThrow()
    .then((row) => {
      revisions.set(db, { value: String(row.revision), at: Date.now() });
      return String(row.revision);
    })
    .catch((error) => {
      revisions.delete(db);
      throw error;
    });
  revisions.set(db, { value: known?.value ?? "0", at: known?.at ?? 0, pending });
  return pending;
}

/** A cache key that retires with the catalog: for views (playlists, likes, history) that embed songs. */
export async function catalogKey(ctx: Context, key: string): Promise<string> {
  return `${key}:r${await catalogRevision(ctx.db)}`;
}

/** `load()` cached under the catalog revision (`cat:r<revision>:<key>`): retired by any catalog write. */
export async function catalogCached<T>(
  deps: Pick<Context, "db" | "cache">,
  key: string,
  ttl: number,
  load: () => Promise<T>,
  options?: GetOrSetOptions,
): Promise<T> {
  const revision = await catalogRevision(deps.db);
  return getOrSet(deps.cache, `cat:r${revision}:${key}`, ttl, load, options);
}

// ---------- shaping ----------

/** An image's URL: from its stored key, else the URL carried over from the old app. */
export const image = (media: MediaStore, key: string | null, url: string | null) =>
  key ? media.imageUrl(key, "cover") : url;

function toSong(ctx: Context, row: SongRow, artists: { id: string; name: string }[]): Song {
  const media = ctx.media;
  const albumCover = image(media, row.album_cover_key, row.album_cover_url);
  const rg = [
    row.replaygain_track_gain_db,
    row.replaygain_track_peak,
    row.replaygain_album_gain_db,
    row.replaygain_album_peak,
  ];
  return {
    id: row.id,
    title: row.title,
    durationMs: row.duration_ms,
    trackNumber: row.track_number,
    discNumber: row.disc_number,
    year: row.year,
    genre: row.genre,
    album: row.album_id ? { id: row.album_id, title: row.album_title ?? "", coverUrl: albumCover } : null,
    artists,
    coverUrl: image(media, row.cover_key, row.cover_url) ?? albumCover,
    hasLyrics: row.has_lyrics,
    replayGain: rg.some((v) => v !== null)
      ? {
          trackGainDb: row.replaygain_track_gain_db,
          trackPeak: row.replaygain_track_peak,
          albumGainDb: row.replaygain_album_gain_db,
          albumPeak: row.replaygain_album_peak,
        }
      : null,
    mimeType: row.mime_type,
    streamUrl: streamUrl(ctx.secrets, row.id),
    playCount: row.play_count,
    createdAt: row.created_at,
  };
}

/** Shapes song rows with their artists, loaded for the whole list in one query. */
async function shapeSongs(ctx: Context, rows: SongRow[]): Promise<Song[]> {
  const artists = await songArtists(
    ctx.db,
    rows.map((r) => r.id),
  );
  return rows.map((r) => toSong(ctx, r, artists.get(r.id) ?? []));
}

function toAlbum(
  ctx: Context,
  r: AlbumRow,
  totals: { tracks: number; ms: number } | undefined,
): AlbumSummary {
  return {
    id: r.id,
    title: r.title,
    artist: r.artist_id ? { id: r.artist_id, name: r.artist_name ?? "" } : null,
    year: r.year,
    genre: r.genre,
    coverUrl: image(ctx.media, r.cover_key, r.cover_url),
    color: r.color,
    trackCount: totals?.tracks ?? 0,
    durationMs: totals?.ms ?? 0,
  };
}

async function shapeAlbums(ctx: Context, rows: AlbumRow[]): Promise<AlbumSummary[]> {
  const totals = await albumTotals(
    ctx.db,
    rows.map((r) => r.id),
  );
  return rows.map((r) => toAlbum(ctx, r, totals.get(r.id)));
}

// ---------- songs ----------

export async function listSongs(ctx: Context, input: SongsInput): Promise<Page<Song>> {
  const page = await catalogCached(ctx, `songs:${JSON.stringify(input)}`, TTL.list, () =>
    loadSongPage(ctx, input),
  );
  return page;
}

async function loadSongPage(ctx: Context, input: SongsInput): Promise<Page<Song>> {
  const limit = input.limit ?? 50;
  const sort = input.sort ?? "title";
  let q = songsQuery(ctx.db);
  if (input.albumId) q = q.where("songs.album_id", "=", input.albumId);
  if (input.artistId) {
    const artistId = input.artistId;
    q = q.where("songs.id", "in", (eb) =>
      eb.selectFrom("song_artists").select("song_id").where("artist_id", "=", artistId),
    );
  }
  if (sort === "title") {
    if (input.cursor) {
      const [title, id] = decodeCursor(input.cursor, ["string", "string"]);
      q = q.where(sql<boolean>`(lower(songs.title), songs.id) > (lower(${title}), ${id}::uuid)`);
    }
    q = q.orderBy(sql`lower(songs.title)`).orderBy("songs.id");
  } else if (sort === "recent") {
    if (input.cursor) {
      const [at, id] = decodeCursor(input.cursor, ["string", "string"]);
      q = q.where(sql<boolean>`(songs.created_at, songs.id) < (${at}::timestamptz, ${id}::uuid)`);
    }
    q = q.orderBy("songs.created_at", "desc").orderBy("songs.id", "desc");
  } else {
    if (input.cursor) {
      const [count, id] = decodeCursor(input.cursor, ["number", "string"]);
      q = q.where(
        sql<boolean>`(songs.play_count < ${count} or (songs.play_count = ${count} and songs.id > ${id}::uuid))`,
      );
    }
    q = q.orderBy("songs.play_count", "desc").orderBy("songs.id");
  }
  const rows = await q.limit(limit + 1).execute();
  const more = rows.length > limit;
  const pageRows = rows.slice(0, limit);
  const last = pageRows.at(-1);
  const nextCursor =
    more && last
      ? encodeCursor(
          sort === "title"
            ? [last.title, last.id]
            : sort === "recent"
              ? [last.created_at.toISOString(), last.id]
              : [last.play_count, last.id],
        )
      : null;
  return { items: await shapeSongs(ctx, pageRows), nextCursor };
}

export async function getSong(ctx: Context, id: string): Promise<Song> {
  const song = await catalogCached(ctx, `song:${id}`, TTL.song, async () => {
    const row = await songsQuery(ctx.db).where("songs.id", "=", id).executeTakeFirst();
    return row ? (await shapeSongs(ctx, [row]))[0] : undefined;
  });
  if (!song) throw notFound("This song");
  return song;
}

/**
 * Songs by id, for lists that hold song ids (playlists, history, likes): each song from the cache
 * (the same entry `catalog.song` uses), the rest in one query. A playlist page whose order changed
 * then costs one query for its items, not one per song.
 */
/**
 * Catalog items by id, each cached on its own under the catalog revision (`cat:r<revision>:<kind>:<id>`),
 * so that lists sharing items (search results, libraries, playlists) load each from the database
 * once per revision; `load` gets only the ids the cache did not have, in one statement.
 */
async function loadCachedMany<T extends { id: string }>(
  ctx: Context,
  kind: string,
  ttl: number,
  ids: readonly string[],
  load: (missing: string[]) => Promise<T[]>,
): Promise<Map<string, T>> {
  const unique = [...new Set(ids)];
  const found = new Map<string, T>();
  if (unique.length === 0) return found;
  const revision = await catalogRevision(ctx.db);
  const key = (id: string) => `cat:r${revision}:${kind}:${id}`;
  const cached = await ctx.cache.getMany<T>(unique.map(key));
  const missing = unique.filter((id, i) => {
    const item = cached[i];
    if (item) found.set(id, item);
    return !item;
  });
  if (missing.length > 0) {
    const loaded = await load(missing);
    for (const item of loaded) found.set(item.id, item);
    await ctx.cache.setMany(
      loaded.map((item) => [key(item.id), item] as const),
      ttl,
    );
  }
  return found;
}

export function loadSongs(ctx: Context, ids: readonly string[]): Promise<Map<string, Song>> {
  return loadCachedMany(ctx, "song", TTL.song, ids, async (missing) => {
    // Each song with its artists in one statement (search shapes several types at once: every
    // round trip saved is one less wait for a pooled connection).
    const rows = await songsQuery(ctx.db)
      .select(
        sql<{ id: string; name: string }[]>`coalesce((
          select json_agg(json_build_object('id', a.id, 'name', a.name) order by sa.position)
          from song_artists sa join artists a on a.id = sa.artist_id where sa.song_id = songs.id), '[]')`.as(
          "artists",
        ),
      )
      .where("songs.id", "in", missing)
      .execute();
    return rows.map((row) => toSong(ctx, row, row.artists));
  });
}

/** Albums by id, shaped (with their totals, in the same statement), for lists that hold album ids. */
export function loadAlbums(ctx: Context, ids: readonly string[]): Promise<Map<string, AlbumSummary>> {
  return loadCachedMany(ctx, "album-summary", TTL.album, ids, async (missing) => {
    const rows = await albumsQuery(ctx.db)
      .select([
        sql<number>`(select count(*)::int from songs s where s.album_id = albums.id)`.as("tracks"),
        sql<number>`(select coalesce(sum(s.duration_ms), 0)::bigint::float8 from songs s where s.album_id = albums.id)`.as(
          "ms",
        ),
      ])
      .where("albums.id", "in", missing)
      .execute();
    return rows.map((r) => toAlbum(ctx, r, r));
  });
}

/** Artists by id, shaped (with their totals, in the same statement), for lists that hold artist ids. */
export function loadArtists(ctx: Context, ids: readonly string[]): Promise<Map<string, ArtistSummary>> {
  return loadCachedMany(ctx, "artist-summary", TTL.artist, ids, async (missing) => {
    const rows = await ctx.db
      .selectFrom("artists")
      .select([
        "id",
        "name",
        "image_key",
        sql<number>`(select count(*)::int from albums where albums.artist_id = artists.id)`.as("albums"),
        sql<number>`(select count(*)::int from song_artists where song_artists.artist_id = artists.id)`.as(
          "songs",
        ),
      ])
      .where("id", "in", missing)
      .execute();
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      imageUrl: r.image_key ? ctx.media.imageUrl(r.image_key, "cover") : null,
      albumCount: r.albums,
      songCount: r.songs,
    }));
  });
}

export async function getSongsByIds(ctx: Context, ids: string[]): Promise<Song[]> {
  const byId = await loadSongs(ctx, ids);
  return ids.flatMap((id) => {
    const song = byId.get(id);
    return song ? [song] : [];
  });
}

// ---------- albums ----------

export function listAlbums(ctx: Context, input: AlbumsInput): Promise<Page<AlbumSummary>> {
  return catalogCached(ctx, `albums:${JSON.stringify(input)}`, TTL.list, async () => {
    const limit = input.limit ?? 30;
    const sort = input.sort ?? "recent";
    let q = albumsQuery(ctx.db);
    if (input.artistId) q = q.where("albums.artist_id", "=", input.artistId);
    if (sort === "title") {
      if (input.cursor) {
        const [title, id] = decodeCursor(input.cursor, ["string", "string"]);
        q = q.where(sql<boolean>`(lower(albums.title), albums.id) > (lower(${title}), ${id}::uuid)`);
      }
      q = q.orderBy(sql`lower(albums.title)`).orderBy("albums.id");
    } else if (sort === "year") {
      if (input.cursor) {
        const [year, id] = decodeCursor(input.cursor, ["number", "string"]);
        q = q.where(sql<boolean>`(coalesce(albums.year, -1), albums.id) < (${year}, ${id}::uuid)`);
      }
      q = q.orderBy(sql`coalesce(albums.year, -1)`, "desc").orderBy("albums.id", "desc");
    } else {
      if (input.cursor) {
        const [at, id] = decodeCursor(input.cursor, ["string", "string"]);
        q = q.where(sql<boolean>`(albums.created_at, albums.id) < (${at}::timestamptz, ${id}::uuid)`);
      }
      q = q.orderBy("albums.created_at", "desc").orderBy("albums.id", "desc");
    }
    const rows = await q.limit(limit + 1).execute();
    const pageRows = rows.slice(0, limit);
    const last = pageRows.at(-1);
    const nextCursor =
      rows.length > limit && last
        ? encodeCursor(
            sort === "title"
              ? [last.title, last.id]
              : sort === "year"
                ? [last.year ?? -1, last.id]
                : [last.created_at.toISOString(), last.id],
          )
        : null;
    return { items: await shapeAlbums(ctx, pageRows), nextCursor };
  });
}

export async function getAlbum(ctx: Context, id: string): Promise<AlbumDetail> {
  const album = await catalogCached(ctx, `album:${id}`, TTL.album, async () => {
    const row = await albumsQuery(ctx.db).where("albums.id", "=", id).executeTakeFirst();
    if (!row) return undefined;
    const [summary] = await shapeAlbums(ctx, [row]);
    const tracks = await songsQuery(ctx.db)
      .where("songs.album_id", "=", id)
      .orderBy(sql`coalesce(songs.disc_number, 1)`)
      .orderBy(sql`songs.track_number nulls last`)
      .orderBy(sql`lower(songs.title)`)
      .execute();
    return { ...summary!, description: row.description, tracks: await shapeSongs(ctx, tracks) };
  });
  if (!album) throw notFound("This album");
  return album;
}

// ---------- artists ----------

export function listArtists(ctx: Context, input: ArtistsInput): Promise<Page<ArtistSummary>> {
  return catalogCached(ctx, `artists:${JSON.stringify(input)}`, TTL.list, async () => {
    const limit = input.limit ?? 30;
    let q = ctx.db.selectFrom("artists").select(["id", "name", "sort_name", "image_key"]);
    if (input.cursor) {
      const [name, id] = decodeCursor(input.cursor, ["string", "string"]);
      q = q.where(sql<boolean>`(lower(coalesce(sort_name, name)), id) > (lower(${name}), ${id}::uuid)`);
    }
    const rows = await q
      .orderBy(sql`lower(coalesce(sort_name, name))`)
      .orderBy("id")
      .limit(limit + 1)
      .execute();
    const pageRows = rows.slice(0, limit);
    const totals = await artistTotals(
      ctx.db,
      pageRows.map((r) => r.id),
    );
    const last = pageRows.at(-1);
    return {
      items: pageRows.map((r) => ({
        id: r.id,
        name: r.name,
        imageUrl: r.image_key ? ctx.media.imageUrl(r.image_key, "cover") : null,
        albumCount: totals.get(r.id)?.albums ?? 0,
        songCount: totals.get(r.id)?.songs ?? 0,
      })),
      nextCursor: rows.length > limit && last ? encodeCursor([last.sort_name ?? last.name, last.id]) : null,
    };
  });
}

export async function getArtist(ctx: Context, id: string): Promise<ArtistDetail> {
  const artist = await catalogCached(ctx, `artist:${id}`, TTL.artist, async () => {
    const row = await ctx.db.selectFrom("artists").selectAll().where("id", "=", id).executeTakeFirst();
    if (!row) return undefined;
    const totals = await artistTotals(ctx.db, [id]);
    // Albums credited to the artist, and albums of other artists they appear on.
    const albums = await albumsQuery(ctx.db)
      .where((eb) =>
        eb.or([
          eb("albums.artist_id", "=", id),
          eb(
            "albums.id",
            "in",
            eb
              .selectFrom("songs")
              .innerJoin("song_artists", "song_artists.song_id", "songs.id")
              .select("songs.album_id")
              .where("song_artists.artist_id", "=", id)
              .where("songs.album_id", "is not", null)
              .$narrowType<{ album_id: string }>(),
          ),
        ]),
      )
      .orderBy(sql`coalesce(albums.year, 0)`, "desc")
      .orderBy(sql`lower(albums.title)`)
      .limit(100)
      .execute();
    const top = await songsQuery(ctx.db)
      .where("songs.id", "in", (eb) =>
        eb.selectFrom("song_artists").select("song_id").where("artist_id", "=", id),
      )
      .orderBy("songs.play_count", "desc")
      .orderBy(sql`lower(songs.title)`)
      .limit(10)
      .execute();
    return {
      id: row.id,
      name: row.name,
      bio: row.bio,
      imageUrl: row.image_key ? ctx.media.imageUrl(row.image_key, "cover") : null,
      albumCount: totals.get(id)?.albums ?? 0,
      songCount: totals.get(id)?.songs ?? 0,
      albums: await shapeAlbums(ctx, albums),
      topSongs: await shapeSongs(ctx, top),
    };
  });
  if (!artist) throw notFound("This artist");
  return artist;
}
