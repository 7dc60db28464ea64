import { TTL } from "@chorus/cache";
import type { ApiDeps } from "../../context.js";
import { catalogCached } from "./catalog.service.js";

/** Where a song's bytes are: a file imported in place, an object in the media store, or an old URL. */
export type SongMedia =
  | { kind: "file"; path: string; mimeType: string | null }
  | { kind: "store"; key: string; mimeType: string | null }
  | { kind: "url"; url: string };

/** Looked up once per catalog revision: streaming must not query the database on every range. */
export async function findSongMedia(deps: ApiDeps, songId: string): Promise<SongMedia | null> {
  const found = await catalogCached(deps, `media:${songId}`, TTL.song, async () => {
    const row = await deps.db
      .selectFrom("songs")
      .select(["file_path", "audio_key", "audio_url", "mime_type"])
      .where("id", "=", songId)
      .executeTakeFirst();
    if (!row) return { missing: true as const };
    if (row.audio_key) return { kind: "store" as const, key: row.audio_key, mimeType: row.mime_type };
    if (row.file_path) return { kind: "file" as const, path: row.file_path, mimeType: row.mime_type };
    if (row.audio_url) return { kind: "url" as const, url: row.audio_url };
    return { missing: true as const };
  });
  return "missing" in found ? null : found;
}
