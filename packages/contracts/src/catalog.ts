import { z } from "zod";
import { Cursor, Id, PageLimit } from "./common.js";

/** Audio uploads: at most this size, checked by content (mp3, flac, ogg/opus, m4a/aac, wav). */
export const SONG_UPLOAD_MAX_BYTES = 200 * 1024 * 1024;
export const AUDIO_TYPES = ["audio/mpeg", "audio/flac", "audio/ogg", "audio/mp4", "audio/wav"] as const;
/** How long a stream URL from catalog.song stays valid. */
export const STREAM_URL_TTL_SECONDS = 6 * 3600;

export const ArtistRef = z.object({ id: z.string(), name: z.string() });
export type ArtistRef = z.infer<typeof ArtistRef>;

export const AlbumRef = z.object({ id: z.string(), title: z.string(), coverUrl: z.string().nullable() });
export type AlbumRef = z.infer<typeof AlbumRef>;

export const ReplayGain = z.object({
  trackGainDb: z.number().nullable(),
  trackPeak: z.number().nullable(),
  albumGainDb: z.number().nullable(),
  albumPeak: z.number().nullable(),
});
export type ReplayGain = z.infer<typeof ReplayGain>;

export const Song = z.object({
  id: z.string(),
  title: z.string(),
  durationMs: z.number().int(),
  trackNumber: z.number().int().nullable(),
  discNumber: z.number().int().nullable(),
  year: z.number().int().nullable(),
  genre: z.string().nullable(),
  album: AlbumRef.nullable(),
  /** In credited order; the first is the main artist. */
  artists: z.array(ArtistRef),
  coverUrl: z.string().nullable(),
  hasLyrics: z.boolean(),
  replayGain: ReplayGain.nullable(),
  mimeType: z.string().nullable(),
  /** A signed URL an `<audio src>` can play without headers; valid for STREAM_URL_TTL_SECONDS. */
  streamUrl: z.string(),
  playCount: z.number().int(),
  createdAt: z.date(),
});
export type Song = z.infer<typeof Song>;

export const AlbumSummary = z.object({
  id: z.string(),
  title: z.string(),
  artist: ArtistRef.nullable(),
  year: z.number().int().nullable(),
  genre: z.string().nullable(),
  coverUrl: z.string().nullable(),
  color: z.string().nullable(),
  trackCount: z.number().int(),
  durationMs: z.number().int(),
});
export type AlbumSummary = z.infer<typeof AlbumSummary>;

export const AlbumDetail = AlbumSummary.extend({
  description: z.string().nullable(),
  /** In disc, then track order. */
  tracks: z.array(Song),
});
export type AlbumDetail = z.infer<typeof AlbumDetail>;

export const ArtistSummary = z.object({
  id: z.string(),
  name: z.string(),
  imageUrl: z.string().nullable(),
  albumCount: z.number().int(),
  songCount: z.number().int(),
});
export type ArtistSummary = z.infer<typeof ArtistSummary>;

export const ArtistDetail = ArtistSummary.extend({
  bio: z.string().nullable(),
  albums: z.array(AlbumSummary),
  topSongs: z.array(Song),
});
export type ArtistDetail = z.infer<typeof ArtistDetail>;

export const SongSort = z.enum(["title", "recent", "popular"]);

export const SongsInput = z.object({
  cursor: Cursor.nullish(),
  limit: PageLimit.default(50),
  sort: SongSort.default("title"),
  albumId: Id.optional(),
  artistId: Id.optional(),
});
export type SongsInput = z.input<typeof SongsInput>;

export const AlbumsInput = z.object({
  cursor: Cursor.nullish(),
  limit: PageLimit.default(30),
  sort: z.enum(["title", "recent", "year"]).default("recent"),
  artistId: Id.optional(),
});
export type AlbumsInput = z.input<typeof AlbumsInput>;

export const ArtistsInput = z.object({
  cursor: Cursor.nullish(),
  limit: PageLimit.default(30),
});
export type ArtistsInput = z.input<typeof ArtistsInput>;

export const IdInput = z.object({ id: Id });
export type IdInput = z.infer<typeof IdInput>;

export const SongPage = z.object({ items: z.array(Song), nextCursor: z.string().nullable() });
export const AlbumPage = z.object({ items: z.array(AlbumSummary), nextCursor: z.string().nullable() });
export const ArtistPage = z.object({ items: z.array(ArtistSummary), nextCursor: z.string().nullable() });

/** Several songs at once, in the order asked (unknown ids are left out): restores a saved queue. */
export const SongsByIdsInput = z.object({
  ids: z.array(Id).min(1, "Ask for at least one song").max(500, "Ask for at most 500 songs at once"),
});
export type SongsByIdsInput = z.infer<typeof SongsByIdsInput>;
