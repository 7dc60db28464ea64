import type { Db } from "@chorus/db";
import { sql } from "kysely";

/** Song rows with what every list needs, without the artists (batch-loaded by songArtists). */
export function songsQuery(db: Db) {
  return db
    .selectFrom("songs")
    .leftJoin("albums", "albums.id", "songs.album_id")
    .select([
      "songs.id",
      "songs.title",
      "songs.duration_ms",
      "songs.track_number",
      "songs.disc_number",
      "songs.year",
      "songs.genre",
      "songs.album_id",
      "songs.cover_key",
      "songs.cover_url",
      "songs.mime_type",
      "songs.play_count",
      "songs.created_at",
      "songs.replaygain_track_gain_db",
      "songs.replaygain_track_peak",
      "songs.replaygain_album_gain_db",
      "songs.replaygain_album_peak",
      "albums.title as album_title",
      "albums.cover_key as album_cover_key",
      "albums.cover_url as album_cover_url",
      sql<boolean>`exists (select 1 from lyrics where lyrics.song_id = songs.id)`.as("has_lyrics"),
    ]);
}

export type SongRow = Awaited<ReturnType<ReturnType<typeof songsQuery>["execute"]>>[number];

/** Artists of many songs in one query, in credited order. */
export async function songArtists(
  db: Db,
  songIds: string[],
): Promise<Map<string, { id: string; name: string }[]>> {
  const byId = new Map<string, { id: string; name: string }[]>();
  if (songIds.length === 0) return byId;
  const rows = await db
    .selectFrom("song_artists")
    .innerJoin("artists", "artists.id", "song_artists.artist_id")
    .select(["song_artists.song_id", "artists.id", "artists.name"])
    .where("song_artists.song_id", "in", songIds)
    .orderBy("song_artists.song_id")
    .orderBy("song_artists.position")
    .execute();
  for (const row of rows) {
    const list = byId.get(row.song_id) ?? [];
    list.push({ id: row.id, name: row.name });
    byId.set(row.song_id, list);
  }
  return byId;
}

export function albumsQuery(db: Db) {
  return db
    .selectFrom("albums")
    .leftJoin("artists", "artists.id", "albums.artist_id")
    .select([
      "albums.id",
      "albums.title",
      "albums.year",
      "albums.genre",
      "albums.cover_key",
      "albums.cover_url",
      "albums.color",
      "albums.description",
      "albums.created_at",
      "artists.id as artist_id",
      "artists.name as artist_name",
    ]);
}

export type AlbumRow = Awaited<ReturnType<ReturnType<typeof albumsQuery>["execute"]>>[number];

/** Track count and total duration of many albums in one query. */
export async function albumTotals(
  db: Db,
  albumIds: string[],
): Promise<Map<string, { tracks: number; ms: number }>> {
  const totals = new Map<string, { tracks: number; ms: number }>();
  if (albumIds.length === 0) return totals;
  const rows = await db
    .selectFrom("songs")
    .select([
      "album_id",
      sql<number>`count(*)::int`.as("tracks"),
      sql<number>`coalesce(sum(duration_ms), 0)::bigint::float8`.as("ms"),
    ])
    .where("album_id", "in", albumIds)
    .groupBy("album_id")
    .execute();
  for (const r of rows) if (r.album_id) totals.set(r.album_id, { tracks: r.tracks, ms: r.ms });
  return totals;
}

/** Album and song counts of many artists in one query. */
export async function artistTotals(
  db: Db,
  artistIds: string[],
): Promise<Map<string, { albums: number; songs: number }>> {
  const totals = new Map<string, { albums: number; songs: number }>();
  if (artistIds.length === 0) return totals;
  const rows = await db
    .selectFrom("artists")
    .select([
      "artists.id",
      sql<number>`(select count(*)::int from albums where albums.artist_id = artists.id)`.as("albums"),
      sql<number>`(select count(*)::int from song_artists where song_artists.artist_id = artists.id)`.as(
        "songs",
      ),
    ])
    .where("artists.id", "in", artistIds)
    .execute();
  for (const r of rows) totals.set(r.id, { albums: r.albums, songs: r.songs });
  return totals;
}
