import { execFile } from "node:child_process";
import { constants } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import {
  type FixtureTags,
  flacFile,
  JPEG_COVER,
  mp3File,
  mpegDurationMs,
  mpegFramesFor,
  pngCover,
  wavFile,
} from "./fixture-formats.js";
import type { LrcLine } from "./lrc.js";

export type FixtureFormat = "mp3" | "flac" | "wav" | "opus" | "ogg" | "m4a";

/** One file that should land in the catalog, with what the import should record for it. */
export interface GeneratedFile {
  /** Absolute path. */
  path: string;
  format: FixtureFormat;
  /** The title tag, or the file name without extension when the file has no tags. */
  title: string;
  /** Track artists in credited order (empty when untagged). */
  artists: string[];
  album: string | null;
  /** The album's artist as the import should link it: the album-artist tag, else the first track artist. */
  albumArtist: string | null;
  /** Whether the file carries an album-artist tag (otherwise albumArtist is its first artist). */
  hasAlbumArtistTag: boolean;
  track: number | null;
  disc: number | null;
  year: number | null;
  genre: string | null;
  durationMs: number;
  replayGain: { trackGainDb: number; trackPeak: number; albumGainDb: number; albumPeak: number } | null;
  /** Embedded cover type, or null. Every track of an album carries the same cover. */
  cover: "image/png" | "image/jpeg" | null;
  /** The synced lines of the `.lrc` sidecar written next to it, in time order, or null. */
  lyrics: LrcLine[] | null;
}

export interface GeneratedLibrary {
  root: string;
  /** Every file that should import, the untagged one included. */
  files: GeneratedFile[];
  /** Audio-named files that are not readable audio: each must be reported as failed. */
  corrupt: string[];
  /** Files with no tags at all (also in `files`, titled after the file name). */
  untagged: string[];
  /** Hidden files and folders holding audio: the import must ignore them. */
  hidden: string[];
  /** Formats left out, with why (e.g. ffmpeg missing). */
  skipped: string[];
}

export interface GenerateOptions {
  /** Audio files to write, bad ones included (at least 20). Default 500. */
  count?: number;
  /** Same seed, same library. Default 1. */
  seed?: number;
  /** Side of the square PNG covers in pixels (bigger means bigger files). Default 48. */
  coverSize?: number;
  /** Path of ffmpeg for the Ogg and MP4 files, or false to leave them out. Default: found on PATH. */
  ffmpeg?: string | false;
}

const execFileAsync = promisify(execFile);

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ADJECTIVES = (
  "Silver Quiet Electric Hollow Golden Northern Paper Velvet Broken Distant Crimson Little " +
  "Midnight Glass Wild Lonely Neon Bitter Sunday Frozen"
).split(" ");
const NOUNS = (
  "Harbor Engines Gardens Rivers Lanterns Motels Satellites Orchards Tides Wolves Letters " +
  "Mirrors Highways Sparrows Cathedrals Embers Islands Signals Winters Keys"
).split(" ");
// Non-ASCII on purpose (Latin-1 and beyond); no "/" since ID3v2.3 splits performers on it.
const ARTISTS = (
  "The Night Owls|Mara Quinn|Sigrún Ólafsdóttir|Los Tres Caminos|東京ストリングス|Dmitri Volkov|" +
  "Zoë Marchetti|Paper Airplanes|Kwame Mensah|The Lighthouse Keepers|Aiyana Redcloud|" +
  "Nord & Süd|Elena Petrova|Captain Static|Hana Sato|Beatriz Luna|Odd Fellows Choir|" +
  "Jonas Weber|Fatima Al-Sayed|Pale Horizon|Marcus Reed|Ingrid Holm|Saoirse O'Neill|" +
  "Delta Nine"
).split("|");
const GENRES = "Rock Jazz Electronic Folk Classical Hip-Hop Ambient Pop Soul Metal".split(" ");
/** Pure Latin-1 names for WAV, whose INFO chunk is 8-bit text. */
const WAV_ARTISTS = "Mara Quinn|Zoë Marchetti|Jonas Weber|Ingrid Holm".split("|");

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

/** A path segment any file system accepts, from a title. */
function safeName(name: string): string {
  return name.replace(/[/\\:*?"<>|\0]/g, "_").replace(/^\.+/, "_");
}

async function findOnPath(name: string): Promise<string | null> {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    try {
      await fs.access(candidate, constants.X_OK);
      return candidate;
    } catch {}
  }
  return null;
}

async function writeAll(jobs: Array<() => Promise<void>>, concurrency = 32): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) await jobs[next++]!();
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, jobs.length) }, worker));
}

function lrcFor(random: () => number, title: string, artist: string): { text: string; lines: LrcLine[] } {
  const lines: LrcLine[] = [];
  const out = [`[ar:${artist}]`, `[ti:${title}]`, ""];
  // LRC times are in hundredths of a second.
  const step = () => 10 * Math.floor(random() * 300);
  let ms = 800 + step();
  const chorus = `${pick(random, ADJECTIVES)} ${pick(random, NOUNS).toLowerCase()} (chorus)`;
  const chorusTimes: number[] = [];
  for (let i = 0; i < 6; i++) {
    const text = i === 3 ? "" : `${title} line ${i + 1}`;
    out.push(`[${lrcTime(ms)}]${text}`);
    lines.push({ ms, text });
    ms += 2000 + step();
    if (i === 1 || i === 4) {
      chorusTimes.push(ms);
      ms += 2500;
    }
  }
  // A repeated line carries several time tags, as LRC files commonly do.
  out.push(`${chorusTimes.map((t) => `[${lrcTime(t)}]`).join("")}${chorus}`);
  for (const t of chorusTimes) lines.push({ ms: t, text: chorus });
  lines.sort((a, b) => a.ms - b.ms);
  return { text: `${out.join("\n")}\n`, lines };
}

function lrcTime(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.floor((ms % 60_000) / 1000);
  const hundredths = Math.floor((ms % 1000) / 10);
  return `${String(minutes).padStart(2, "0")}:${String(seconds).padStart(2, "0")}.${String(hundredths).padStart(2, "0")}`;
}

interface AlbumPlan {
  title: string;
  /** The album-artist tag, if written. */
  albumArtistTag: string | null;
  mainArtist: string;
  compilation: boolean;
  year: number | null;
  genre: string | null;
  format: "mp3" | "flac" | "wav";
  cover: { mime: "image/png" | "image/jpeg"; data: Buffer } | null;
  replayGain: boolean;
  albumGainDb: number;
  discs: number;
  tracks: number;
}

/**
 * Writes a library of tagged audio under `dir` (created if needed): albums of MP3 (ID3v2.3 + Xing),
 * FLAC and WAV written byte by byte, a few Ogg Opus, Ogg Vorbis and M4A made with ffmpeg when it is
 * on PATH, `.lrc` sidecars, covers, a file with no tags, two corrupt files, hidden junk and some
 * non-audio files. Fast: 2,000 files take well under a second plus the ffmpeg calls.
 */
export async function generateLibrary(dir: string, options: GenerateOptions = {}): Promise<GeneratedLibrary> {
  const count = Math.max(20, options.count ?? 500);
  const random = mulberry32(options.seed ?? 1);
  const coverSize = options.coverSize ?? 48;
  const root = path.resolve(dir);
  await fs.mkdir(root, { recursive: true });

  const files: GeneratedFile[] = [];
  const skipped: string[] = [];
  const writes = new Map<string, Buffer | string>();
  const dirs = new Set<string>();
  const put = (file: string, data: Buffer | string) => {
    dirs.add(path.dirname(file));
    writes.set(file, data);
  };

  const ffmpeg = options.ffmpeg === false ? null : (options.ffmpeg ?? (await findOnPath("ffmpeg")));
  if (!ffmpeg) skipped.push("opus, ogg, m4a: ffmpeg is not on PATH");
  const encoded = ffmpeg ? 8 : 0;
  const byJs = count - 3 - encoded; // minus two corrupt files and one untagged

  const albumTitles = new Set<string>();
  let written = 0;
  let albumIndex = 0;
  while (written < byJs) {
    albumIndex++;
    const roll = random();
    const format: AlbumPlan["format"] = albumIndex % 20 === 3 ? "wav" : roll < 0.62 ? "mp3" : "flac";
    const compilation = format !== "wav" && random() < 0.12;
    const mainArtist = format === "wav" ? pick(random, WAV_ARTISTS) : pick(random, ARTISTS);
    let title = `${pick(random, ADJECTIVES)} ${pick(random, NOUNS)}`;
    while (albumTitles.has(title.toLowerCase())) title = `${title} ${albumTitles.size}`;
    albumTitles.add(title.toLowerCase());
    const coverRoll = random();
    const plan: AlbumPlan = {
      title,
      mainArtist,
      compilation,
      // Compilations name "Various Artists"; some albums have no album-artist tag at all.
      albumArtistTag: compilation ? "Various Artists" : random() < 0.2 ? null : mainArtist,
      year: random() < 0.1 ? null : 1960 + Math.floor(random() * 66),
      genre: random() < 0.1 ? null : pick(random, GENRES),
      format,
      cover:
        format === "wav" || coverRoll < 0.25
          ? null
          : coverRoll < 0.4
            ? { mime: "image/jpeg", data: JPEG_COVER }
            : {
                mime: "image/png",
                data: pngCover(
                  [
                    64 + Math.floor(random() * 192),
                    64 + Math.floor(random() * 192),
                    64 + Math.floor(random() * 192),
                  ],
                  coverSize,
                  random,
                ),
              },
      replayGain: format !== "wav" && random() < 0.5,
      albumGainDb: -Math.round(random() * 1200) / 100,
      discs: format !== "wav" && random() < 0.1 ? 2 : 1,
      tracks: Math.min(byJs - written, format === "wav" ? 3 : 5 + Math.floor(random() * 10)),
    };
    // One artist, in a different case on one album: the catalog keeps one artist per name.
    if (albumIndex === 5) plan.albumArtistTag = plan.albumArtistTag?.toUpperCase() ?? null;
    const artistDir = plan.compilation ? "Compilations" : safeName(plan.albumArtistTag ?? plan.mainArtist);
    const albumDir = path.join(root, artistDir, safeName(`${plan.year ?? "Unknown"} - ${plan.title}`));
    if (random() < 0.3) put(path.join(albumDir, "notes.txt"), `${plan.title}\n`);
    if (plan.cover)
      put(
        path.join(albumDir, plan.cover.mime === "image/png" ? "folder.png" : "folder.jpg"),
        plan.cover.data,
      );

    const perDisc = Math.ceil(plan.tracks / plan.discs);
    for (let i = 0; i < plan.tracks; i++) {
      const disc = plan.discs > 1 ? Math.floor(i / perDisc) + 1 : 1;
      const track = (i % perDisc) + 1;
      const trackTitle = `${pick(random, ADJECTIVES)} ${pick(random, NOUNS)}${random() < 0.1 ? " (Live)" : ""}`;
      let artists: string[];
      if (plan.compilation) {
        artists = random() < 0.3 ? [pick(random, ARTISTS), pick(random, ARTISTS)] : [pick(random, ARTISTS)];
      } else {
        artists = [plan.mainArtist];
        if (plan.format !== "wav" && random() < 0.25) artists.push(pick(random, ARTISTS));
      }
      artists = [...new Map(artists.map((a) => [a.toLowerCase(), a])).values()];
      if (albumIndex === 9 && i === 0) artists = [...artists, "the night owls".toUpperCase()];
      artists = [...new Map(artists.map((a) => [a.toLowerCase(), a])).values()];
      const hasTrack = random() > 0.05;
      const rawMs = 30_000 + Math.floor(random() * 400_000);
      const tags: FixtureTags = {
        title: trackTitle,
        artists,
        album: plan.title,
        track: hasTrack ? track : undefined,
        trackTotal: hasTrack ? perDisc : undefined,
        disc: plan.discs > 1 ? disc : undefined,
        year: plan.year ?? undefined,
        genre: plan.genre ?? undefined,
      };
      if (plan.albumArtistTag) tags.albumArtist = plan.albumArtistTag;
      if (plan.cover) tags.cover = plan.cover;
      const trackGainDb = -Math.round(random() * 1400) / 100;
      const trackPeak = Math.round((0.5 + random() * 0.5) * 1e6) / 1e6;
      const albumPeak = Math.round((0.9 + random() * 0.1) * 1e6) / 1e6;
      if (plan.replayGain)
        tags.replayGain = { trackGainDb, trackPeak, albumGainDb: plan.albumGainDb, albumPeak };
      let data: Buffer;
      let durationMs: number;
      if (plan.format === "mp3") {
        const frames = mpegFramesFor(rawMs);
        durationMs = mpegDurationMs(frames);
        data = mp3File(tags, durationMs, random() < 0.1);
      } else if (plan.format === "flac") {
        durationMs = rawMs;
        data = flacFile(tags, durationMs);
      } else {
        durationMs = 1000 + Math.floor(random() * 2000);
        data = wavFile(tags, durationMs);
      }
      const sub = plan.discs > 1 ? path.join(albumDir, `CD${disc}`) : albumDir;
      const base = `${hasTrack ? `${String(track).padStart(2, "0")} - ` : ""}${safeName(trackTitle)}`;
      let file = path.join(sub, `${base}.${plan.format}`);
      for (let n = 2; writes.has(file); n++) file = path.join(sub, `${base} (${n}).${plan.format}`);
      put(file, data);
      let lyrics: LrcLine[] | null = null;
      if (random() < 0.05) {
        const lrc = lrcFor(random, trackTitle, artists[0]!);
        put(`${file.slice(0, -path.extname(file).length)}.lrc`, lrc.text);
        lyrics = lrc.lines;
      }
      files.push({
        path: file,
        format: plan.format,
        title: trackTitle,
        artists,
        album: plan.title,
        // WAV has no album-artist field: its album artist is its (only) artist.
        albumArtist: plan.format === "wav" ? artists[0]! : (plan.albumArtistTag ?? artists[0]!),
        hasAlbumArtistTag: plan.format !== "wav" && plan.albumArtistTag !== null,
        track: hasTrack ? track : null,
        disc: plan.discs > 1 ? disc : null,
        year: plan.year,
        genre: plan.genre,
        durationMs,
        replayGain: plan.replayGain
          ? { trackGainDb, trackPeak, albumGainDb: plan.albumGainDb, albumPeak }
          : null,
        cover: plan.cover?.mime ?? null,
        lyrics,
      });
      written++;
    }
  }

  // A file with no tags at all: it lands, titled after its name.
  const unsorted = path.join(root, "Unsorted");
  const untaggedPath = path.join(unsorted, "untagged track 01.mp3");
  const untaggedMs = mpegDurationMs(mpegFramesFor(95_000));
  put(untaggedPath, mp3File(null, untaggedMs));
  files.push({
    path: untaggedPath,
    format: "mp3",
    title: "untagged track 01",
    artists: [],
    album: null,
    albumArtist: null,
    hasAlbumArtistTag: false,
    track: null,
    disc: null,
    year: null,
    genre: null,
    durationMs: untaggedMs,
    replayGain: null,
    cover: null,
    lyrics: null,
  });

  // Two corrupt files: noise named .flac, and an MP3 whose tag claims more bytes than the file has.
  const noise = Buffer.alloc(4096);
  for (let i = 0; i < noise.length; i++) noise[i] = Math.floor(random() * 256);
  const corrupt = [path.join(unsorted, "broken.flac"), path.join(unsorted, "truncated.mp3")];
  put(corrupt[0]!, noise);
  const truncated = mp3File({ title: "Cut Short", artists: ["Mara Quinn"] }, 200_000);
  truncated.writeUInt32BE(0x00_07_7f_7f, 6); // syncsafe size ≈ 130 kB
  put(corrupt[1]!, truncated.subarray(0, 600));

  // Hidden things a scan must not pick up: macOS resource forks and a dot-folder.
  const first = files[0]!;
  const hidden = [
    path.join(path.dirname(first.path), `._${path.basename(first.path)}`),
    path.join(root, ".trash", "deleted song.mp3"),
  ];
  put(hidden[0]!, noise.subarray(0, 512));
  put(hidden[1]!, mp3File({ title: "Should Not Import", artists: ["Nobody"] }, 60_000));

  await Promise.all([...dirs].map((d) => fs.mkdir(d, { recursive: true })));
  await writeAll(
    [...writes].map(
      ([file, data]) =>
        () =>
          fs.writeFile(file, data),
    ),
  );

  if (ffmpeg) files.push(...(await encodeWithFfmpeg(ffmpeg, path.join(root, "Ogg and MP4"), random)));

  return { root, files, corrupt, untagged: [untaggedPath], hidden, skipped };
}

/** Eight short sine-wave files (3 Opus, 2 Vorbis, 3 AAC in M4A), encoded in parallel. */
async function encodeWithFfmpeg(ffmpeg: string, dir: string, random: () => number): Promise<GeneratedFile[]> {
  await fs.mkdir(dir, { recursive: true });
  const album = "Field Recordings";
  const artist = "Kwame Mensah";
  const year = 2019;
  const genre = "Ambient";
  const plan: Array<{ format: "opus" | "ogg" | "m4a"; codec: string[] }> = [
    { format: "opus", codec: ["-c:a", "libopus", "-b:a", "32k"] },
    { format: "opus", codec: ["-c:a", "libopus", "-b:a", "32k"] },
    { format: "opus", codec: ["-c:a", "libopus", "-b:a", "32k"] },
    { format: "ogg", codec: ["-c:a", "libvorbis", "-q:a", "0"] },
    { format: "ogg", codec: ["-c:a", "libvorbis", "-q:a", "0"] },
    { format: "m4a", codec: ["-c:a", "aac", "-b:a", "48k"] },
    { format: "m4a", codec: ["-c:a", "aac", "-b:a", "48k"] },
    { format: "m4a", codec: ["-c:a", "aac", "-b:a", "48k"] },
  ];
  return Promise.all(
    plan.map(async ({ format, codec }, i) => {
      const track = i + 1;
      const title = `${pick(random, ADJECTIVES)} ${pick(random, NOUNS)}`;
      const durationMs = 1000 + 250 * i;
      const file = path.join(dir, `${String(track).padStart(2, "0")} - ${safeName(title)}.${format}`);
      const meta = {
        title,
        artist,
        album,
        album_artist: artist,
        track: `${track}`,
        disc: "1",
        date: `${year}`,
        genre,
      };
      await execFileAsync(ffmpeg, [
        "-hide_banner",
        "-loglevel",
        "error",
        "-y",
        "-f",
        "lavfi",
        "-i",
        `sine=frequency=${220 * (i + 1)}:sample_rate=48000:duration=${durationMs / 1000}`,
        ...codec,
        ...Object.entries(meta).flatMap(([k, v]) => ["-metadata", `${k}=${v}`]),
        file,
      ]);
      return {
        path: file,
        format,
        title,
        artists: [artist],
        album,
        albumArtist: artist,
        hasAlbumArtistTag: true,
        track,
        disc: 1,
        year,
        genre,
        durationMs,
        replayGain: null,
        cover: null,
        lyrics: null,
      };
    }),
  );
}

export { type FixtureTags, flacFile, mp3File, wavFile } from "./fixture-formats.js";
