import type { Dirent, Stats } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import { AUDIO_EXTENSIONS, extensionOf } from "./read-tags.js";

export interface ScannedFile {
  /** Real absolute path (symbolic links resolved): the key of the song. */
  path: string;
  size: number;
  /** Whole milliseconds, as the database keeps them. */
  mtimeMs: number;
  /** The `.lrc` next to it (same base name, any case), if there is one. */
  lrc: { path: string; mtimeMs: number } | null;
}

export interface ScanResult {
  /** The real path of the folder scanned. */
  root: string;
  files: ScannedFile[];
  /** Entries that could not be read (a folder without permission, a broken link), with why. */
  problems: { path: string; reason: string }[];
}

const STAT_CONCURRENCY = 32;

function isInside(root: string, target: string): boolean {
  const relative = path.relative(root, target);
  return relative === "" || (!relative.startsWith("..") && !path.isAbsolute(relative));
}

function errorText(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  if (e?.code === "EACCES" || e?.code === "EPERM") return "permission denied";
  if (e?.code === "ENOENT") return "it disappeared during the scan";
  if (e?.code === "ELOOP") return "too many levels of symbolic links";
  return e instanceof Error ? e.message : String(error);
}

/**
 * Lists the audio files under `root` (by extension), with size and time, skipping hidden files and
 * folders. Symbolic links are followed only when they lead to somewhere inside the root, and each
 * real folder and file is listed once, so links can neither leave the library nor loop.
 */
export async function scanFolder(root: string): Promise<ScanResult> {
  let realRoot: string;
  try {
    realRoot = await fs.realpath(path.resolve(root));
  } catch (error) {
    throw new Error(`library folder not found: ${root} (${errorText(error)})`);
  }
  const rootStat = await fs.stat(realRoot);
  if (!rootStat.isDirectory()) throw new Error(`not a folder: ${root}`);

  const problems: ScanResult["problems"] = [];
  const visitedDirs = new Set<string>([realRoot]);
  const audio = new Map<string, { dir: string; name: string; stat: Stats | null }>();
  const lrcByDir = new Map<string, Map<string, string>>();
  const pendingDirs = [realRoot];

  // Folders breadth-first, a few at a time.
  const readDir = async (dir: string) => {
    let entries: Dirent[];
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch (error) {
      problems.push({ path: dir, reason: errorText(error) });
      return;
    }
    for (const entry of entries) {
      if (entry.name.startsWith(".")) continue;
      let full = path.join(dir, entry.name);
      let isDir = entry.isDirectory();
      let isFile = entry.isFile();
      let stat: Stats | null = null;
      if (entry.isSymbolicLink()) {
        try {
          const target = await fs.realpath(full);
          if (!isInside(realRoot, target)) continue;
          stat = await fs.stat(target);
          full = target;
          isDir = stat.isDirectory();
          isFile = stat.isFile();
        } catch (error) {
          problems.push({ path: full, reason: `broken link: ${errorText(error)}` });
          continue;
        }
      }
      if (isDir) {
        if (!visitedDirs.has(full)) {
          visitedDirs.add(full);
          pendingDirs.push(full);
        }
      } else if (isFile) {
        const ext = extensionOf(entry.name);
        if (AUDIO_EXTENSIONS.has(ext)) {
          if (!audio.has(full)) audio.set(full, { dir: path.dirname(full), name: path.basename(full), stat });
        } else if (ext === "lrc") {
          const dirOfTarget = path.dirname(full);
          let byBase = lrcByDir.get(dirOfTarget);
          if (!byBase) {
            byBase = new Map();
            lrcByDir.set(dirOfTarget, byBase);
          }
          byBase.set(path.basename(full, path.extname(full)).toLowerCase(), full);
        }
      }
    }
  };
  while (pendingDirs.length > 0) {
    await Promise.all(pendingDirs.splice(0, STAT_CONCURRENCY).map(readDir));
  }

  const candidates = [...audio.entries()];
  const files: ScannedFile[] = [];
  let next = 0;
  const statWorker = async () => {
    while (next < candidates.length) {
      const [file, { dir, name, stat: known }] = candidates[next++]!;
      try {
        const stat = known ?? (await fs.stat(file));
        const lrcPath = lrcByDir.get(dir)?.get(path.basename(name, path.extname(name)).toLowerCase());
        let lrc: ScannedFile["lrc"] = null;
        if (lrcPath) {
          try {
            lrc = { path: lrcPath, mtimeMs: Math.floor((await fs.stat(lrcPath)).mtimeMs) };
          } catch {
            // Gone between the listing and now: as if it had never been there.
          }
        }
        files.push({ path: file, size: stat.size, mtimeMs: Math.floor(stat.mtimeMs), lrc });
      } catch (error) {
        problems.push({ path: file, reason: errorText(error) });
      }
    }
  };
  await Promise.all(Array.from({ length: STAT_CONCURRENCY }, statWorker));
  // Stable order, folder by folder: progress reads naturally and covers are met album by album.
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { root: realRoot, files, problems };
}
