import { createHash } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { type IAudioMetadata, type IOptions, parseFromTokenizer } from "music-metadata";
import { WindowedFileTokenizer } from "./tokenizer.js";

/** Extensions picked up by the scan (lower case, no dot). Content decides whether they import. */
export const AUDIO_EXTENSIONS: ReadonlySet<string> = new Set([
  "mp3",
  "flac",
  "ogg",
  "oga",
  "opus",
  "m4a",
  "m4b",
  "mp4",
  "aac",
  "wav",
]);

const FORMAT_NAMES: Record<string, string> = {
  mp3: "MP3",
  flac: "FLAC",
  ogg: "Ogg",
  oga: "Ogg",
  opus: "Opus",
  m4a: "M4A",
  m4b: "M4B",
  mp4: "MP4",
  aac: "AAC",
  wav: "WAV",
};

const MIME_BY_EXTENSION: Record<string, string> = {
  mp3: "audio/mpeg",
  flac: "audio/flac",
  ogg: "audio/ogg",
  oga: "audio/ogg",
  opus: "audio/ogg",
  m4a: "audio/mp4",
  m4b: "audio/mp4",
  mp4: "audio/mp4",
  aac: "audio/aac",
  wav: "audio/wav",
};

export interface Picture {
  mime: string;
  data: Uint8Array;
  /** sha1 of the bytes, hex: tells one cover from another without comparing them. */
  hash: string;
}

/** What the catalog records about one audio file, read from its tags and stream header. */
export interface Track {
  title: string;
  /** Track artists, credited order, no duplicates (case-insensitive). */
  artists: string[];
  album: string | null;
  /** The album-artist tag, else the first track artist; null without an album artist or album. */
  albumArtist: string | null;
  trackNumber: number | null;
  discNumber: number | null;
  year: number | null;
  genre: string | null;
  durationMs: number;
  mimeType: string;
  codec: string | null;
  bitrate: number | null;
  sampleRate: number | null;
  channels: number | null;
  lossless: boolean | null;
  replayGain: {
    trackGainDb: number | null;
    trackPeak: number | null;
    albumGainDb: number | null;
    albumPeak: number | null;
  };
  /** The front cover (or the first picture), when covers were read and the file has one. */
  picture: Picture | null;
}

export type ReadResult = { ok: true; track: Track } | { ok: false; reason: string };

export function extensionOf(file: string): string {
  return path.extname(file).slice(1).toLowerCase();
}

/** "not a readable FLAC file" and so on: the start of every reason a file of this kind failed. */
export function unreadable(file: string, detail: string): string {
  const name = FORMAT_NAMES[extensionOf(file)] ?? extensionOf(file).toUpperCase();
  return `not a readable ${name} file: ${detail}`;
}

async function parse(file: string, size: number, options: IOptions): Promise<IAudioMetadata> {
  const tokenizer = await WindowedFileTokenizer.open(file, size);
  try {
    return await parseFromTokenizer(tokenizer, options);
  } finally {
    await tokenizer.close();
  }
}

/**
 * Reads one file's tags and duration. Never throws: an unreadable file is `{ ok: false, reason }`.
 * With `duration: false` music-metadata still finds the duration in each format's header (FLAC
 * STREAMINFO, MP4 mvhd, Ogg last page, MP3 Xing/VBRI/LAME header or, for CBR, the file size); only
 * a VBR MP3 without such a header needs the whole stream counted, which the second try does.
 */
export async function readTrack(file: string, size: number, withCover: boolean): Promise<ReadResult> {
  let metadata: IAudioMetadata;
  try {
    metadata = await parse(file, size, { duration: false, skipCovers: !withCover, skipPostHeaders: true });
    if (!hasDuration(metadata) && metadata.format.container === "Ogg") {
      const duration = await oggDuration(file, size, metadata);
      if (duration !== null) {
        // The bitrate is near enough: music-metadata would leave out the header pages.
        const bitrate = metadata.format.bitrate ?? (8 * size) / duration;
        metadata = { ...metadata, format: { ...metadata.format, duration, bitrate } };
      }
    }
    if (!hasDuration(metadata) && metadata.format.hasAudio !== false && metadata.format.codec) {
      metadata = await parse(file, size, { duration: true, skipCovers: !withCover, skipPostHeaders: true });
      if (hasDuration(metadata) && !plausibleStream(metadata, size)) {
        return { ok: false, reason: unreadable(file, "no valid audio stream found") };
      }
    }
  } catch (error) {
    return { ok: false, reason: describeError(file, error) };
  }
  return toTrack(metadata, file);
}

const OGG_TAIL = 64 * 1024;

/**
 * The duration of an Ogg Vorbis or Opus file from the granule position of its last page, as
 * music-metadata computes it, but without reading every page before (which its `duration: true`
 * does, and its fast mode stops before the end). Null when the last page cannot be found.
 */
async function oggDuration(file: string, size: number, metadata: IAudioMetadata): Promise<number | null> {
  const codec = metadata.format.codec;
  if (codec !== "Opus" && !(codec?.startsWith("Vorbis") && metadata.format.sampleRate)) return null;
  const handle = await fs.open(file, "r");
  try {
    const length = Math.min(size, OGG_TAIL);
    const tail = Buffer.alloc(length);
    await handle.read(tail, 0, length, size - length);
    let granule: number | null = null;
    // Backwards to the last page that ends exactly at the end of the file.
    for (let at = tail.length - 27; at >= 0 && granule === null; at--) {
      if (tail[at] !== 0x4f || tail.toString("latin1", at, at + 4) !== "OggS" || tail[at + 4] !== 0) continue;
      const segments = tail[at + 26]!;
      if (at + 27 + segments > tail.length) continue;
      let end = at + 27 + segments;
      for (let i = 0; i < segments; i++) end += tail[at + 27 + i]!;
      const position = tail.readBigInt64LE(at + 6);
      if (end === tail.length && position >= 0n) granule = Number(position);
    }
    if (granule === null) return null;
    if (codec === "Opus") {
      const head = Buffer.alloc(Math.min(size, 512));
      await handle.read(head, 0, head.length, 0);
      const id = head.indexOf("OpusHead", 0, "latin1");
      if (id < 0 || id + 12 > head.length) return null;
      return (granule - head.readUInt16LE(id + 10)) / 48_000;
    }
    return granule / metadata.format.sampleRate!;
  } finally {
    await handle.close();
  }
}

/**
 * Counting frames through a whole file (only MP3 and AAC streams without a header giving the
 * duration get there), music-metadata's MPEG parser finds a few "frames" in any noise: frame sync
 * is just 11 set bits. Noise shows as many headers it could not decode around those few frames,
 * and as a stream far too short (or too dense) for the file; a real stream has few bad headers.
 */
function plausibleStream(metadata: IAudioMetadata, size: number): boolean {
  const { duration, bitrate, numberOfSamples } = metadata.format;
  const frames = (numberOfSamples ?? 0) / 1152;
  const badHeaders = metadata.quality.warnings.filter((w) => w.message.startsWith("Parse error")).length;
  if (badHeaders > Math.max(2, frames / 100)) return false;
  return !bitrate || (bitrate <= 1_000_000 && (duration! * bitrate) / 8 >= size * 0.01);
}

function hasDuration(metadata: IAudioMetadata): boolean {
  const d = metadata.format.duration;
  return d !== undefined && Number.isFinite(d) && d > 0;
}

function describeError(file: string, error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  if (e?.code === "ENOENT") return "the file disappeared during the scan";
  if (e?.code === "EACCES" || e?.code === "EPERM") return "permission denied";
  if (e?.code === "EISDIR") return "is a folder";
  if (e instanceof Error && e.name === "EndOfStreamError") return unreadable(file, "the file ends too early");
  const message = (e instanceof Error ? e.message : String(error))
    .replace(`: ${file}`, "")
    // Parsers quote the bytes they choked on; control characters would garble a terminal.
    // biome-ignore lint/suspicious/noControlCharactersInRegex: those are the ones to replace
    .replace(/[\u0000-\u001f\u007f]/g, "?");
  return unreadable(file, message);
}

/** Text fit for a text column: no NUL (PostgreSQL refuses it), trimmed, at most `max` characters. */
export function cleanText(value: unknown, max = 500): string | null {
  if (typeof value !== "string") return null;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is exactly what must go
  let text = value.replace(/\u0000/g, "").trim();
  if (text.length > max) text = Array.from(text).slice(0, max).join("").trim();
  return text === "" ? null : text;
}

function positiveInt(value: number | null | undefined, max = 2_147_483_647): number | null {
  return typeof value === "number" && Number.isInteger(value) && value > 0 && value <= max ? value : null;
}

function finite(value: number | null | undefined): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

function uniqueNames(names: Iterable<unknown>): string[] {
  const seen = new Map<string, string>();
  for (const raw of names) {
    const name = cleanText(raw);
    if (name && !seen.has(name.toLowerCase())) seen.set(name.toLowerCase(), name);
  }
  return [...seen.values()];
}

function mimeOf(metadata: IAudioMetadata, file: string): string {
  const container = (metadata.format.container ?? "").toLowerCase();
  if (container === "mpeg") return "audio/mpeg";
  if (container === "flac") return "audio/flac";
  if (container === "ogg") return "audio/ogg";
  if (container === "wave") return "audio/wav";
  if (container === "adts") return "audio/aac";
  if (container.startsWith("m4a") || container.includes("mp4") || container.includes("isom"))
    return "audio/mp4";
  return MIME_BY_EXTENSION[extensionOf(file)] ?? "application/octet-stream";
}

/** Maps music-metadata's result to the catalog's fields. */
export function toTrack(metadata: IAudioMetadata, file: string): ReadResult {
  const { common, format } = metadata;
  if (!hasDuration(metadata)) {
    return { ok: false, reason: unreadable(file, "no audio stream found (the duration is unknown)") };
  }
  const title = cleanText(common.title) ?? cleanText(path.basename(file, path.extname(file))) ?? "Untitled";
  const albumArtistTag = cleanText(common.albumartist);
  let artists = uniqueNames(common.artists?.length ? common.artists : [common.artist]);
  if (artists.length === 0 && albumArtistTag) artists = [albumArtistTag];
  const album = cleanText(common.album);
  const year =
    typeof common.year === "number" && common.year >= 0 && common.year <= 9999 ? common.year : null;
  const picture = common.picture?.find((p) => p.type === "Cover (front)") ?? common.picture?.[0];
  return {
    ok: true,
    track: {
      title,
      artists,
      album,
      albumArtist: album ? (albumArtistTag ?? artists[0] ?? null) : null,
      trackNumber: positiveInt(common.track?.no),
      discNumber: positiveInt(common.disk?.no),
      year: year !== null && Number.isInteger(year) ? year : null,
      genre: cleanText(common.genre?.[0]),
      durationMs: Math.round(format.duration! * 1000),
      mimeType: mimeOf(metadata, file),
      codec: cleanText(format.codec),
      bitrate: positiveInt(format.bitrate ? Math.round(format.bitrate) : null),
      sampleRate: positiveInt(format.sampleRate),
      channels: positiveInt(format.numberOfChannels, 255),
      lossless: typeof format.lossless === "boolean" ? format.lossless : null,
      replayGain: {
        trackGainDb: finite(common.replaygain_track_gain?.dB),
        trackPeak: finite(common.replaygain_track_peak?.ratio),
        albumGainDb: finite(common.replaygain_album_gain?.dB),
        albumPeak: finite(common.replaygain_album_peak?.ratio),
      },
      picture:
        picture && picture.data.length > 0
          ? {
              mime: picture.format,
              data: picture.data,
              hash: createHash("sha1").update(picture.data).digest("hex"),
            }
          : null,
    },
  };
}
