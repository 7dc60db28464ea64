import { z } from "zod";

/** Every id in Chorus is a UUID. */
export const Id = z.uuid({ error: "must be a valid id (a UUID)" });
export type Id = z.infer<typeof Id>;

/** Page size for every cursor-paginated list: small by default, bounded so one call stays cheap. */
export const PageLimit = z
  .number({ error: "limit must be a number" })
  .int("limit must be a whole number")
  .min(1, "limit must be at least 1")
  .max(100, "limit must be at most 100");

/** An opaque cursor handed back as `nextCursor` by the previous page. */
export const Cursor = z.string().min(1).max(512);

export const PageInput = z.object({
  cursor: Cursor.nullish(),
  limit: PageLimit.default(20),
});
export type PageInput = z.infer<typeof PageInput>;

/** A page of a list: `nextCursor` is null on the last page. */
export const page = <T extends z.ZodType>(item: T) =>
  z.object({
    items: z.array(item),
    nextCursor: z.string().nullable(),
  });
export type Page<T> = { items: T[]; nextCursor: string | null };
