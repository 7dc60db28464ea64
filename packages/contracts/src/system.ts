import { z } from "zod";

/** Which implementation serves each part: the embedded default or the real service. */
export const Backends = z.object({
  database: z.enum(["embedded-postgres", "postgres"]),
  cache: z.enum(["memory", "redis"]),
  eventBus: z.enum(["memory", "redis"]),
  media: z.enum(["local", "cloudinary"]),
  /** The configured search engine (Meilisearch falls back to PostgreSQL while it is down: see /ready). */
  search: z.enum(["postgres", "meilisearch"]).optional(),
});
export type Backends = z.infer<typeof Backends>;

export const LibraryCounts = z.object({
  songs: z.number().int().nonnegative(),
  albums: z.number().int().nonnegative(),
  artists: z.number().int().nonnegative(),
});
export type LibraryCounts = z.infer<typeof LibraryCounts>;

/** Output of `system.info`: what this server is and what it holds. */
export const ServerInfo = z.object({
  name: z.literal("Chorus"),
  version: z.string(),
  startedAt: z.date(),
  backends: Backends,
  library: LibraryCounts,
});
export type ServerInfo = z.infer<typeof ServerInfo>;

/** One event of the `system.clock` subscription, sent once a second. */
export const ClockTick = z.object({
  serverTime: z.date(),
  uptimeMs: z.number().int().nonnegative(),
});
export type ClockTick = z.infer<typeof ClockTick>;

export const ClockInput = z
  .object({
    intervalMs: z
      .number()
      .int()
      .min(100, "intervalMs must be at least 100")
      .max(60_000, "intervalMs must be at most 60000")
      .default(1000),
  })
  .default({ intervalMs: 1000 });
export type ClockInput = z.input<typeof ClockInput>;
