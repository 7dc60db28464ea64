import { deflateSync } from "node:zlib";

// Byte-level writers for the test library: just enough of each format for music-metadata to read the
// tags and the duration, without encoding any real audio. Used only by fixtures.ts.

export interface FixtureTags {
  title?: string;
  /** Credited order. */
  artists?: string[];
  album?: string;
  albumArtist?: string;
  track?: number;
  trackTotal?: number;
  disc?: number;
  year?: number;
  genre?: string;
  replayGain?: { trackGainDb: number; trackPeak: number; albumGainDb?: number; albumPeak?: number };
  cover?: { mime: "image/jpeg" | "image/png"; data: Buffer };
}

function u32be(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

function u32le(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
}

// ---------------------------------------------------------------- MP3: ID3v2.3 + MPEG-1 Layer III

const MPEG_SAMPLE_RATE = 44_100;
const MPEG_SAMPLES_PER_FRAME = 1152;
/** 128 kbit/s at 44.1 kHz, no padding: 144 * 128000 / 44100, rounded down. */
const MPEG_FRAME_BYTES = 417;

/** The duration music-metadata derives from a Xing header announcing `frames` frames. */
export function mpegDurationMs(frames: number): number {
  return (frames * MPEG_SAMPLES_PER_FRAME * 1000) / MPEG_SAMPLE_RATE;
}

export function mpegFramesFor(durationMs: number): number {
  return Math.max(1, Math.round((durationMs * MPEG_SAMPLE_RATE) / (1000 * MPEG_SAMPLES_PER_FRAME)));
}

function id3Frame(id: string, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from(id, "latin1"), u32be(body.length), Buffer.alloc(2), body]);
}

function isLatin1(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0xff) return false;
  return true;
}

/** Encoding byte + text: ISO-8859-1 when it fits, else UTF-16 with a BOM (all ID3v2.3 allows). */
function id3String(text: string): Buffer {
  return isLatin1(text)
    ? Buffer.concat([Buffer.from([0]), Buffer.from(text, "latin1")])
    : Buffer.concat([Buffer.from([1, 0xff, 0xfe]), Buffer.from(text, "utf16le")]);
}

function syncsafe(n: number): Buffer {
  return Buffer.from([(n >> 21) & 0x7f, (n >> 14) & 0x7f, (n >> 7) & 0x7f, n & 0x7f]);
}

export function id3v2Tag(tags: FixtureTags): Buffer {
  const frames: Buffer[] = [];
  const text = (id: string, value: string | undefined) => {
    if (value !== undefined && value !== "") frames.push(id3Frame(id, id3String(value)));
  };
  text("TIT2", tags.title);
  // ID3v2.3 separates several performers with "/" (v2.4 would use NUL).
  text("TPE1", tags.artists?.join("/"));
  text("TALB", tags.album);
  text("TPE2", tags.albumArtist);
  if (tags.track !== undefined)
    text("TRCK", tags.trackTotal ? `${tags.track}/${tags.trackTotal}` : `${tags.track}`);
  if (tags.disc !== undefined) text("TPOS", `${tags.disc}`);
  if (tags.year !== undefined) text("TYER", `${tags.year}`);
  text("TCON", tags.genre);
  const rg = tags.replayGain;
  if (rg) {
    const txxx = (name: string, value: string) =>
      frames.push(id3Frame("TXXX", Buffer.concat([Buffer.from(`\0${name}\0${value}`, "latin1")])));
    txxx("REPLAYGAIN_TRACK_GAIN", `${rg.trackGainDb.toFixed(2)} dB`);
    txxx("REPLAYGAIN_TRACK_PEAK", rg.trackPeak.toFixed(6));
    if (rg.albumGainDb !== undefined) txxx("REPLAYGAIN_ALBUM_GAIN", `${rg.albumGainDb.toFixed(2)} dB`);
    if (rg.albumPeak !== undefined) txxx("REPLAYGAIN_ALBUM_PEAK", rg.albumPeak.toFixed(6));
  }
  if (tags.cover) {
    frames.push(
      id3Frame(
        "APIC",
        Buffer.concat([
          Buffer.from(`\0${tags.cover.mime}\0\x03\0`, "latin1"), // latin1, mime, front cover, no description
          tags.cover.data,
        ]),
      ),
    );
  }
  // No padding: music-metadata reads it as a run of empty frames and files a warning for each.
  const body = Buffer.concat(frames);
  return Buffer.concat([Buffer.from("ID3\x03\x00\x00", "latin1"), syncsafe(body.length), body]);
}

/**
 * A Xing frame announcing `frames` frames (so the duration is known without reading the stream),
 * followed by a few silent 128 kbit/s frames.
 */
export function mpegAudio(frames: number, mono = false): Buffer {
  const header = Buffer.from([0xff, 0xfb, 0x90, mono ? 0xc0 : 0x40]);
  const sideInfo = mono ? 17 : 32;
  const first = Buffer.alloc(MPEG_FRAME_BYTES);
  header.copy(first, 0);
  first.write("Xing", 4 + sideInfo, "latin1");
  first.writeUInt32BE(0x3, 8 + sideInfo); // frames and bytes fields present
  first.writeUInt32BE(frames, 12 + sideInfo);
  first.writeUInt32BE(frames * MPEG_FRAME_BYTES, 16 + sideInfo);
  const parts = [first];
  for (let i = 0; i < 6; i++) {
    const frame = Buffer.alloc(MPEG_FRAME_BYTES);
    header.copy(frame, 0);
    parts.push(frame);
  }
  return Buffer.concat(parts);
}

export function mp3File(tags: FixtureTags | null, durationMs: number, mono = false): Buffer {
  const audio = mpegAudio(mpegFramesFor(durationMs), mono);
  return tags ? Buffer.concat([id3v2Tag(tags), audio]) : audio;
}

// ---------------------------------------------------------------- FLAC

export const FLAC_SAMPLE_RATE = 44_100;

function flacBlock(type: number, body: Buffer, last: boolean): Buffer {
  const head = Buffer.alloc(4);
  head.writeUInt32BE(body.length);
  head[0] = (last ? 0x80 : 0) | type;
  return Buffer.concat([head, body]);
}

function vorbisComments(tags: FixtureTags, vendor: string): Buffer {
  const fields: string[] = [];
  const add = (key: string, value: string | number | undefined) => {
    if (value !== undefined && value !== "") fields.push(`${key}=${value}`);
  };
  add("TITLE", tags.title);
  // One ARTIST field per performer: the Vorbis comment way of listing several.
  for (const artist of tags.artists ?? []) add("ARTIST", artist);
  add("ALBUM", tags.album);
  add("ALBUMARTIST", tags.albumArtist);
  add("TRACKNUMBER", tags.track);
  add("TRACKTOTAL", tags.trackTotal);
  add("DISCNUMBER", tags.disc);
  add("DATE", tags.year);
  add("GENRE", tags.genre);
  if (tags.replayGain) {
    add("REPLAYGAIN_TRACK_GAIN", `${tags.replayGain.trackGainDb.toFixed(2)} dB`);
    add("REPLAYGAIN_TRACK_PEAK", tags.replayGain.trackPeak.toFixed(6));
    if (tags.replayGain.albumGainDb !== undefined)
      add("REPLAYGAIN_ALBUM_GAIN", `${tags.replayGain.albumGainDb.toFixed(2)} dB`);
    if (tags.replayGain.albumPeak !== undefined)
      add("REPLAYGAIN_ALBUM_PEAK", tags.replayGain.albumPeak.toFixed(6));
  }
  const vendorBytes = Buffer.from(vendor, "utf8");
  const parts = [u32le(vendorBytes.length), vendorBytes, u32le(fields.length)];
  for (const field of fields) {
    const bytes = Buffer.from(field, "utf8");
    parts.push(u32le(bytes.length), bytes);
  }
  return Buffer.concat(parts);
}

function flacPicture(cover: NonNullable<FixtureTags["cover"]>): Buffer {
  const mime = Buffer.from(cover.mime, "latin1");
  return Buffer.concat([
    u32be(3), // front cover
    u32be(mime.length),
    mime,
    u32be(0), // description length
    u32be(0), // width, height, depth, colours: unknown
    u32be(0),
    u32be(0),
    u32be(0),
    u32be(cover.data.length),
    cover.data,
  ]);
}

/** fLaC + STREAMINFO (with the sample count, so the duration is known) + tags; no audio frames. */
export function flacFile(tags: FixtureTags, durationMs: number): Buffer {
  const totalSamples = Math.round((durationMs * FLAC_SAMPLE_RATE) / 1000);
  const info = Buffer.alloc(34);
  info.writeUInt16BE(4096, 0);
  info.writeUInt16BE(4096, 2);
  const packed =
    (BigInt(FLAC_SAMPLE_RATE) << 44n) |
    (1n << 41n) /* 2 channels */ |
    (15n << 36n) /* 16 bit */ |
    BigInt(totalSamples);
  info.writeBigUInt64BE(packed, 10);
  const blocks = [flacBlock(0, info, false)];
  const comments = vorbisComments(tags, "reference libFLAC 1.4.3 20230623");
  if (tags.cover) {
    blocks.push(flacBlock(4, comments, false), flacBlock(6, flacPicture(tags.cover), true));
  } else {
    blocks.push(flacBlock(4, comments, true));
  }
  return Buffer.concat([Buffer.from("fLaC", "latin1"), ...blocks]);
}

// ---------------------------------------------------------------- WAV

const WAV_RATE = 8_000;

function riffChunk(id: string, body: Buffer): Buffer {
  const padded = body.length % 2 === 1 ? Buffer.concat([body, Buffer.alloc(1)]) : body;
  return Buffer.concat([Buffer.from(id, "latin1"), u32le(body.length), padded]);
}

/** PCM 8 kHz mono 8-bit silence with a LIST/INFO tag (title, artist, album, track, year, genre). */
export function wavFile(tags: FixtureTags, durationMs: number): Buffer {
  const fmt = Buffer.alloc(16);
  fmt.writeUInt16LE(1, 0); // PCM
  fmt.writeUInt16LE(1, 2); // mono
  fmt.writeUInt32LE(WAV_RATE, 4);
  fmt.writeUInt32LE(WAV_RATE, 8); // bytes per second
  fmt.writeUInt16LE(1, 12); // block align
  fmt.writeUInt16LE(8, 14); // bits per sample
  const info: Buffer[] = [Buffer.from("INFO", "latin1")];
  const add = (id: string, value: string | number | undefined) => {
    // INFO strings are 8-bit text (music-metadata reads them as Latin-1).
    if (value !== undefined && value !== "") info.push(riffChunk(id, Buffer.from(`${value}\0`, "latin1")));
  };
  add("INAM", tags.title);
  add("IART", tags.artists?.[0]);
  add("IPRD", tags.album);
  add("ITRK", tags.track);
  add("ICRD", tags.year);
  add("IGNR", tags.genre);
  const data = Buffer.alloc(Math.round((durationMs * WAV_RATE) / 1000), 0x80);
  const body = Buffer.concat([
    Buffer.from("WAVE", "latin1"),
    riffChunk("fmt ", fmt),
    riffChunk("LIST", Buffer.concat(info)),
    riffChunk("data", data),
  ]);
  return Buffer.concat([Buffer.from("RIFF", "latin1"), u32le(body.length), body]);
}

// ---------------------------------------------------------------- cover images

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(data: Buffer): number {
  let c = 0xffffffff;
  for (const byte of data) c = CRC_TABLE[(c ^ byte) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function pngChunk(type: string, data: Buffer): Buffer {
  const typed = Buffer.concat([Buffer.from(type, "latin1"), data]);
  return Buffer.concat([u32be(data.length), typed, u32be(crc32(typed))]);
}

/** An RGB image (3 bytes a pixel, rows top to bottom) as a PNG file. */
export function encodePng(width: number, height: number, rgb: Buffer): Buffer {
  const row = 1 + width * 3;
  const raw = Buffer.alloc(row * height);
  for (let y = 0; y < height; y++) rgb.copy(raw, y * row + 1, y * width * 3, (y + 1) * width * 3);
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // truecolour
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk("IHDR", ihdr),
    pngChunk("IDAT", deflateSync(raw, { level: 6 })),
    pngChunk("IEND", Buffer.alloc(0)),
  ]);
}

/** A real PNG: a `size`×`size` gradient in the given colour, with some noise so each cover differs. */
export function pngCover(rgb: [number, number, number], size: number, noise: () => number): Buffer {
  const pixels = Buffer.alloc(size * size * 3);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const at = (y * size + x) * 3;
      const shade = (x + y) / (2 * size);
      for (let c = 0; c < 3; c++)
        pixels[at + c] = Math.min(255, Math.floor(rgb[c]! * (0.5 + shade) + noise() * 24));
    }
  }
  return encodePng(size, size, pixels);
}

/** A 16×16 baseline JPEG (made once with ffmpeg); its bytes are valid image data. */
export const JPEG_COVER = Buffer.from(
  "/9j/4AAQSkZJRgABAgAAAQABAAD//gAQTGF2YzU5LjM3LjEwMAD/2wBDAAgUFBcUFxsbGxsbGyAeICEhISAgICAhISEkJCQqKiokJCQhISQkKCgqKi4vLisrKisvLzIyMjw8OTlGRkhWVmf/xABLAAEBAAAAAAAAAAAAAAAAAAAABQEBAAAAAAAAAAAAAAAAAAAABhABAAAAAAAAAAAAAAAAAAAAABEBAAAAAAAAAAAAAAAAAAAAAP/AABEIABAAEAMBIgACEQADEQD/2gAMAwEAAhEDEQA/AIIB2Ov/2Q==",
  "base64",
);
