import { z } from "zod";
import { AlbumSummary, Song } from "./catalog.js";
import { Cursor, Id, PageLimit } from "./common.js";

export const SongIdInput = z.object({ songId: Id });
export type SongIdInput = z.infer<typeof SongIdInput>;
export const AlbumIdInput = z.object({ albumId: Id });
export type AlbumIdInput = z.infer<typeof AlbumIdInput>;

/** The answer of a like or unlike: where things stand now (calling twice changes nothing). */
export const LikeResult = z.object({
  liked: z.boolean(),
  likedAt: z.date().nullable(),
  total: z.number().int(),
});
export type LikeResult = z.infer<typeof LikeResult>;

export const LikedPageInput = z.object({
  cursor: Cursor.nullish(),
  limit: PageLimit.default(50),
});
export type LikedPageInput = z.input<typeof LikedPageInput>;

export const LikedSong = z.object({ song: Song, likedAt: z.date() });
export type LikedSong = z.infer<typeof LikedSong>;
export const LikedAlbum = z.object({ album: AlbumSummary, likedAt: z.date() });
export type LikedAlbum = z.infer<typeof LikedAlbum>;

/** Newest first; `total` counts every liked item, not just this page. */
export const LikedSongPage = z.object({
  items: z.array(LikedSong),
  nextCursor: z.string().nullable(),
  total: z.number().int(),
});
export type LikedSongPage = z.infer<typeof LikedSongPage>;
export const LikedAlbumPage = z.object({
  items: z.array(LikedAlbum),
  nextCursor: z.string().nullable(),
  total: z.number().int(),
});
export type LikedAlbumPage = z.infer<typeof LikedAlbumPage>;

/** Every id the user likes, so a list can draw its hearts without asking per row. */
export const LikedIds = z.object({ songIds: z.array(z.string()), albumIds: z.array(z.string()) });
export type LikedIds = z.infer<typeof LikedIds>;

export const LibrarySummary = z.object({
  likedSongs: z.number().int(),
  likedAlbums: z.number().int(),
  playlists: z.number().int(),
});
export type LibrarySummary = z.infer<typeof LibrarySummary>;
