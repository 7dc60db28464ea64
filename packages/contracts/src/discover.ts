import { z } from "zod";
import { Song } from "./catalog.js";

export const PopularInput = z.object({
  limit: z
    .number()
    .int()
    .min(1, "limit must be at least 1")
    .max(100, "limit must be at most 100")
    .default(20),
});
export type PopularInput = z.input<typeof PopularInput>;

export const PopularSong = z.object({
  song: Song,
  plays: z.number().int(),
  listeners: z.number().int(),
});
export type PopularSong = z.infer<typeof PopularSong>;

export const PopularList = z.object({
  items: z.array(PopularSong),
  /** When the numbers were last recomputed (they are refreshed every few minutes). */
  refreshedAt: z.date(),
  windowDays: z.number().int(),
});
export type PopularList = z.infer<typeof PopularList>;

export const RecommendationsInput = z.object({
  limit: z.number().int().min(1, "limit must be at least 1").max(50, "limit must be at most 50").default(20),
});
export type RecommendationsInput = z.input<typeof RecommendationsInput>;

export const RecommendationKind = z.enum(["similar-listeners", "liked-artist", "popular"]);

export const Recommendation = z.object({
  song: Song,
  /** A sentence for people: "Because you played Blue in Green". */
  reason: z.string(),
  kind: RecommendationKind,
  /** The song or artist the reason names, for a link. */
  because: z.object({ type: z.enum(["song", "artist"]), id: z.string(), name: z.string() }).nullable(),
  score: z.number(),
});
export type Recommendation = z.infer<typeof Recommendation>;

export const RecommendationList = z.object({ items: z.array(Recommendation) });
export type RecommendationList = z.infer<typeof RecommendationList>;
