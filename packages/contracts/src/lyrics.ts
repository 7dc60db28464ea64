import { z } from "zod";
import { Id } from "./common.js";

export const LYRICS_MAX_CHARS = 100_000;

export const SyncedLine = z.object({
  /** Start of the line, in milliseconds from the start of the song. */
  ms: z.number().int().nonnegative(),
  text: z.string(),
});
export type SyncedLine = z.infer<typeof SyncedLine>;

export const Lyrics = z.object({
  songId: z.string(),
  plain: z.string().nullable(),
  /** Lines in time order, or null when only plain lyrics are known. */
  synced: z.array(SyncedLine).nullable(),
  language: z.string().nullable(),
  source: z.string().nullable(),
});
export type Lyrics = z.infer<typeof Lyrics>;

export const LyricsInput = z.object({ songId: Id });

export const SetLyricsInput = z
  .object({
    songId: Id,
    plain: z
      .string()
      .max(LYRICS_MAX_CHARS, `Lyrics have at most ${LYRICS_MAX_CHARS} characters`)
      .nullable()
      .optional(),
    /** Synced lyrics in LRC ([mm:ss.xx] text); parsed and checked by the server. */
    lrc: z
      .string()
      .max(LYRICS_MAX_CHARS, `Lyrics have at most ${LYRICS_MAX_CHARS} characters`)
      .nullable()
      .optional(),
    language: z
      .string()
      .regex(/^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/, "Language is a code like en or pt-BR")
      .nullable()
      .optional(),
  })
  .refine((v) => v.plain !== undefined || v.lrc !== undefined, "Send plain lyrics, LRC, or both");
export type SetLyricsInput = z.infer<typeof SetLyricsInput>;
