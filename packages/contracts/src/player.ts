import { z } from "zod";
import { Song } from "./catalog.js";
import { Cursor, Id, PageLimit } from "./common.js";

/** Shorter plays count as skips, unless the song itself is shorter. */
export const SKIP_THRESHOLD_MS = 30_000;

export const PlayContextType = z.enum([
  "album",
  "artist",
  "playlist",
  "search",
  "session",
  "library",
  "queue",
  "radio",
]);
export type PlayContextType = z.infer<typeof PlayContextType>;

export const RecordPlayInput = z.object({
  /** Chosen by the client, so a play retried after a dropped connection is stored once. */
  id: Id.optional(),
  songId: Id,
  playedMs: z
    .number({ error: "playedMs must be a number" })
    .int("playedMs must be a whole number of milliseconds")
    .min(0, "playedMs cannot be negative")
    .max(24 * 3600 * 1000, "playedMs is longer than a day"),
  skipped: z.boolean().default(false),
  context: z
    .object({
      type: PlayContextType,
      id: z.string().max(200, "context id has at most 200 characters").nullish(),
    })
    .nullish(),
  /** When the play ended; now when left out. A phone that was offline reports it later. */
  playedAt: z.date({ error: "playedAt must be a date" }).optional(),
});
export type RecordPlayInput = z.input<typeof RecordPlayInput>;

export const RecordPlayResult = z.object({
  recorded: z.boolean(),
  /** Whether the play was stored as a skip (the 30-second rule applied). */
  skipped: z.boolean(),
  /** Why nothing was stored, when `recorded` is false. */
  reason: z.string().nullable(),
});
export type RecordPlayResult = z.infer<typeof RecordPlayResult>;

export const RecentlyPlayedInput = z.object({
  cursor: Cursor.nullish(),
  limit: PageLimit.default(30),
});
export type RecentlyPlayedInput = z.input<typeof RecentlyPlayedInput>;

export const Play = z.object({
  id: z.string(),
  song: Song,
  playedAt: z.date(),
  playedMs: z.number().int(),
  skipped: z.boolean(),
  context: z.object({ type: z.string(), id: z.string().nullable() }).nullable(),
});
export type Play = z.infer<typeof Play>;

export const PlayPage = z.object({ items: z.array(Play), nextCursor: z.string().nullable() });
export type PlayPage = z.infer<typeof PlayPage>;
