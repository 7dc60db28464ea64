import fs from "node:fs/promises";
import path from "node:path";
import type { Db } from "@chorus/db";
import type { MediaStore } from "@chorus/media";
import { type ParsedLrc, parseLrc } from "./lrc.js";
import { readTrack } from "./read-tags.js";
import { CatalogWriter, isUnchanged, loadExisting, type ReadSong, removeSongs } from "./store.js";
import { type ScannedFile, scanFolder } from "./walk.js";

export interface ImportProgress {
  /** Files finished (skipped, read or failed) out of `total` found. */
  done: number;
  total: number;
  filesPerSecond: number;
  /** The file last finished, relative to the root, or null. */
  current: string | null;
}

export interface ImportOptions {
  /** Delete the songs whose files are gone (otherwise they are only reported). */
  prune?: boolean;
  /** Files read at once. Default 16. */
  concurrency?: number;
  /** Songs per database transaction. Default 200. */
  batchSize?: number;
  onProgress?: (progress: ImportProgress) => void;
}

export interface ImportReport {
  /** The folder imported, symbolic links resolved (song paths start with it). */
  root: string;
  added: number;
  updated: number;
  skipped: number;
  failed: { path: string; reason: string }[];
  /** Songs in the catalog under the root whose files are gone. */
  removed: string[];
  /** How many of those were deleted (with `prune`). */
  pruned: number;
  /** Things the user should know that are not a file's failure. */
  warnings: string[];
  durationMs: number;
  /** Files found per second of the whole run (skipped ones included). */
  filesPerSecond: number;
}

const UTF8 = new TextDecoder("utf-8", { fatal: true });

async function readLrc(file: ScannedFile): Promise<ParsedLrc | null> {
  if (!file.lrc) return null;
  try {
    const bytes = await fs.readFile(file.lrc.path);
    let text: string;
    try {
      text = UTF8.decode(bytes);
    } catch {
      // Older LRC files are often in a legacy 8-bit encoding.
      text = bytes.toString("latin1");
    }
    return parseLrc(text);
  } catch {
    return null;
  }
}

/**
 * Imports the audio files under `root` into the catalog, in place: new files are added, changed
 * ones (size, time, or their `.lrc`) updated, unchanged ones skipped without being opened. A file
 * that cannot be read is reported and never stops the run.
 */
export async function importLibrary(
  db: Db,
  media: MediaStore,
  root: string,
  options: ImportOptions = {},
): Promise<ImportReport> {
  const started = performance.now();
  const concurrency = Math.max(1, options.concurrency ?? 16);
  const batchSize = Math.max(1, options.batchSize ?? 200);

  const scan = await scanFolder(root);
  const existing = await loadExisting(db, scan.root);
  const failed = [...scan.problems];
  const warnings: string[] = [];
  const total = scan.files.length;

  // Folders whose album already has a cover: their files are read without covers.
  const dirsWithCover = new Set<string>();
  for (const [file, song] of existing) if (song.albumHasCover) dirsWithCover.add(path.dirname(file));

  let skipped = 0;
  const toRead: ScannedFile[] = [];
  for (const file of scan.files) {
    const known = existing.get(file.path);
    if (known && isUnchanged(file, known)) skipped++;
    else toRead.push(file);
  }

  let done = skipped;
  let current: string | null = null;
  const progress = () => {
    const seconds = (performance.now() - started) / 1000;
    options.onProgress?.({ done, total, filesPerSecond: seconds > 0 ? done / seconds : 0, current });
  };
  progress();

  const writer = new CatalogWriter(
    db,
    media,
    async (file) => {
      const again = await readTrack(file.path, file.size, true);
      return again.ok ? again.track.picture : null;
    },
    (dir) => dirsWithCover.add(dir),
  );
  let added = 0;
  let updated = 0;
  let batch: ReadSong[] = [];
  let writing: Promise<void> = Promise.resolve();
  let queued = 0;
  let fatal: unknown = null;
  const flush = () => {
    if (batch.length === 0) return;
    const songs = batch;
    batch = [];
    queued++;
    writing = writing.then(async () => {
      try {
        if (fatal) return;
        const r = await writer.write(songs);
        added += r.added;
        updated += r.updated;
        failed.push(...r.failed);
      } catch (error) {
        fatal ??= error;
      } finally {
        queued--;
      }
    });
  };

  let next = 0;
  const worker = async () => {
    while (next < toRead.length && !fatal) {
      // Reading runs ahead of writing by at most two batches.
      while (queued >= 2 && !fatal) await writing;
      const file = toRead[next++]!;
      const dir = path.dirname(file.path);
      const coversWanted = !dirsWithCover.has(dir);
      const [read, lyrics] = await Promise.all([
        readTrack(file.path, file.size, coversWanted),
        readLrc(file),
      ]);
      if (read.ok) {
        if (read.track.picture) dirsWithCover.add(dir);
        batch.push({
          file,
          track: read.track,
          lyrics,
          existing: existing.get(file.path),
          coversRead: coversWanted,
        });
        if (batch.length >= batchSize) flush();
      } else {
        failed.push({ path: file.path, reason: read.reason });
      }
      done++;
      current = path.relative(scan.root, file.path);
      progress();
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, Math.max(1, toRead.length)) }, worker));
  flush();
  await writing;
  if (fatal) throw fatal;

  // Gone: in the catalog under the root, not found now. A folder that could not be read hides
  // its files, which are then not counted as gone.
  const found = new Set(scan.files.map((f) => f.path));
  const problems = new Set(scan.problems.map((p) => p.path));
  const hiddenBy = scan.problems.map((p) => `${p.path}/`);
  const removedEntries = [...existing.entries()].filter(
    ([file]) => !found.has(file) && !problems.has(file) && !hiddenBy.some((dir) => file.startsWith(dir)),
  );
  const removed = removedEntries.map(([file]) => file).sort();
  let pruned = 0;
  if (options.prune && removedEntries.length > 0) {
    if (total === 0) {
      warnings.push(
        `no audio files found under ${scan.root}, so nothing was pruned: is the disk mounted? (${removed.length} songs would have been removed)`,
      );
    } else {
      pruned = await removeSongs(
        db,
        removedEntries.map(([, song]) => song.id),
      );
    }
  }

  const durationMs = performance.now() - started;
  done = total;
  progress();
  failed.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return {
    root: scan.root,
    added,
    updated,
    skipped,
    failed,
    removed,
    pruned,
    warnings,
    durationMs,
    filesPerSecond: durationMs > 0 ? (total / durationMs) * 1000 : 0,
  };
}
