import { createReadStream } from "node:fs";
import fs from "node:fs/promises";
import type { Db } from "@chorus/db";
import type { MediaStore } from "@chorus/media";
import { readTrack } from "./read-tags.js";
import { CatalogWriter } from "./store.js";

/** The audio container from a file's first bytes (its content, not its name), or null. */
export function sniffAudioType(head: Buffer): { mime: string; ext: string } | null {
  const ascii = (from: number, to: number) => head.toString("latin1", from, to);
  if (ascii(0, 4) === "fLaC") return { mime: "audio/flac", ext: "flac" };
  if (ascii(0, 4) === "OggS") return { mime: "audio/ogg", ext: head.includes("OpusHead") ? "opus" : "ogg" };
  if (ascii(0, 4) === "RIFF" && ascii(8, 12) === "WAVE") return { mime: "audio/wav", ext: "wav" };
  if (ascii(4, 8) === "ftyp") return { mime: "audio/mp4", ext: "m4a" };
  if (ascii(0, 3) === "ID3") return { mime: "audio/mpeg", ext: "mp3" };
  // An MPEG audio frame sync: 11 set bits, layer bits not 00.
  if (head.length > 2 && head[0] === 0xff && (head[1]! & 0xe0) === 0xe0 && (head[1]! & 0x06) !== 0) {
    return { mime: "audio/mpeg", ext: "mp3" };
  }
  return null;
}

export class UploadError extends Error {
  constructor(
    readonly statusCode: 400 | 415 | 422,
    message: string,
  ) {
    super(message);
    this.name = "UploadError";
  }
}

/**
 * Adds one uploaded file (already on disk at `tempPath`) to the catalog: checked by content, tags
 * read, the audio stored through the media store under `song-<id>.<ext>`, artists and album linked
 * like an import. The caller deletes the temporary file.
 */
export async function importUpload(
  db: Db,
  media: MediaStore,
  tempPath: string,
  uploadedBy: string,
): Promise<{ songId: string }> {
  const handle = await fs.open(tempPath, "r");
  const head = Buffer.alloc(64);
  let stat: Awaited<ReturnType<typeof handle.stat>>;
  try {
    await handle.read(head, 0, 64, 0);
    stat = await handle.stat();
  } finally {
    await handle.close();
  }
  const type = sniffAudioType(head);
  if (!type)
    throw new UploadError(
      415,
      "This is not an audio file Chorus can play: send MP3, FLAC, Ogg/Opus, M4A/AAC or WAV.",
    );
  const read = await readTrack(tempPath, stat.size, true);
  if (!read.ok) throw new UploadError(422, `The file could not be read: ${read.reason}`);
  if (read.track.durationMs <= 0) throw new UploadError(422, "The file holds no audio (its length is zero).");

  const key = `song-${crypto.randomUUID()}.${type.ext}`;
  await media.put(key, createReadStream(tempPath), type.mime);
  try {
    const file = { path: tempPath, size: stat.size, mtimeMs: Math.floor(stat.mtimeMs), lrc: null };
    const writer = new CatalogWriter(db, media, async () => read.track.picture);
    const result = await writer.write([
      { file, track: read.track, lyrics: null, existing: undefined, coversRead: true },
    ]);
    if (result.failed.length)
      throw new UploadError(422, `The file could not be added: ${result.failed[0]!.reason}`);
    // The writer keys songs by file path, as imports do; an upload lives in the media store instead.
    const song = await db
      .updateTable("songs")
      .set({
        audio_key: key,
        file_path: null,
        file_mtime: null,
        uploaded_by: uploadedBy,
        mime_type: type.mime,
      })
      .where("file_path", "=", tempPath)
      .returning("id")
      .executeTakeFirstOrThrow();
    return { songId: song.id };
  } catch (error) {
    await media.delete(key).catch(() => {});
    throw error;
  }
}
