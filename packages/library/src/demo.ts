import fs from "node:fs/promises";
import path from "node:path";
import { encodePng, id3v2Tag } from "./fixture-formats.js";

// The demo catalog: four small albums of music synthesized here (no network, no encoder), with
// covers and synced lyrics, so a new install has something to play within a minute.

const RATE = 22_050;

interface DemoTrack {
  title: string;
  featuring?: string;
  /** Seconds. */
  length: number;
  lyrics?: string[];
}

interface DemoAlbum {
  title: string;
  artist: string;
  year: number;
  genre: string;
  /** Semitones of the scale, from the root. */
  scale: number[];
  /** Root note as a MIDI number. */
  root: number;
  bpm: number;
  style: "synth" | "keys" | "ambient" | "chip";
  colors: [[number, number, number], [number, number, number]];
  tracks: DemoTrack[];
}

export const DEMO_ALBUMS: DemoAlbum[] = [
  {
    title: "Night Drive",
    artist: "Neon Coast",
    year: 2024,
    genre: "Synthwave",
    scale: [0, 2, 3, 5, 7, 8, 10],
    root: 57,
    bpm: 100,
    style: "synth",
    colors: [
      [255, 64, 129],
      [40, 20, 90],
    ],
    tracks: [
      {
        title: "Midnight Boulevard",
        length: 32,
        lyrics: [
          "City lights are calling out my name",
          "Every signal turning into flame",
          "We drive until the morning comes",
          "Hearts in time like steady drums",
          "Midnight boulevard, take me home",
          "Midnight boulevard, never alone",
        ],
      },
      { title: "Chrome Horizon", length: 28 },
      { title: "Afterglow", featuring: "Juniper Hall", length: 30 },
      { title: "Tape Deck Memories", length: 26 },
      { title: "Overpass", length: 24 },
      { title: "Last Exit", length: 34 },
    ],
  },
  {
    title: "Morning Pages",
    artist: "Juniper Hall",
    year: 2023,
    genre: "Piano",
    scale: [0, 2, 4, 5, 7, 9, 11],
    root: 60,
    bpm: 76,
    style: "keys",
    colors: [
      [255, 214, 150],
      [120, 170, 200],
    ],
    tracks: [
      {
        title: "First Light",
        length: 30,
        lyrics: [
          "Open the window, let the morning in",
          "Coffee and paper, where do I begin",
          "Write down the dream before it fades away",
          "One honest line to start the day",
        ],
      },
      { title: "Kettle Song", length: 24 },
      { title: "Sunday Letters", length: 28 },
      { title: "Paper Boats", featuring: "The Tide Pools", length: 26 },
      { title: "Slow Walk", length: 30 },
      { title: "Quiet Hours", length: 32 },
    ],
  },
  {
    title: "Tidal",
    artist: "The Tide Pools",
    year: 2022,
    genre: "Ambient",
    scale: [0, 2, 3, 5, 7, 9, 10],
    root: 50,
    bpm: 60,
    style: "ambient",
    colors: [
      [40, 180, 200],
      [10, 30, 60],
    ],
    tracks: [
      { title: "Low Tide", length: 34 },
      {
        title: "Sea Glass",
        length: 30,
        lyrics: [
          "Turning over in the sand",
          "Smooth and cold within my hand",
          "Every edge the water wore",
          "Washes up upon the shore",
        ],
      },
      { title: "Undertow", length: 28 },
      { title: "Kelp Forest", length: 32 },
      { title: "Harbour Lights", featuring: "Neon Coast", length: 26 },
      { title: "Slack Water", length: 36 },
    ],
  },
  {
    title: "Clockwork",
    artist: "Bit Orchard",
    year: 2025,
    genre: "Chiptune",
    scale: [0, 2, 3, 5, 7, 8, 11],
    root: 64,
    bpm: 136,
    style: "chip",
    colors: [
      [120, 230, 90],
      [20, 50, 30],
    ],
    tracks: [
      { title: "Boot Sequence", length: 22 },
      { title: "Cog and Spring", length: 26 },
      {
        title: "Pixel Garden",
        length: 28,
        lyrics: [
          "Press start and plant a seed",
          "Eight bits is all we need",
          "Watch it grow in blocky green",
          "The finest garden ever seen",
        ],
      },
      { title: "Save Point", length: 24 },
      { title: "Bonus Round", featuring: "Juniper Hall", length: 22 },
      { title: "Credits Roll", length: 30 },
    ],
  },
];

/** A small deterministic PRNG, so the demo sounds the same on every machine. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const hz = (midi: number) => 440 * 2 ** ((midi - 69) / 12);

function voice(style: DemoAlbum["style"], phase: number): number {
  const s = Math.sin(2 * Math.PI * phase);
  switch (style) {
    case "chip":
      return phase % 1 < 0.5 ? 0.6 : -0.6;
    case "synth":
      return 0.6 * (2 * (phase % 1) - 1) * 0.6 + 0.4 * s;
    case "keys":
      return s * 0.8 + 0.2 * Math.sin(4 * Math.PI * phase);
    default:
      return s;
  }
}

/** Synthesizes one track: a melody over a chord progression, bass, and (for some styles) drums. */
export function synthesize(album: DemoAlbum, trackIndex: number, seconds: number): Int16Array {
  const random = prng(album.title.length * 1000 + trackIndex * 77 + album.year);
  const n = Math.floor(seconds * RATE);
  const out = new Float32Array(n);
  const beat = 60 / album.bpm;
  const progression = [0, 5, 3, 4].map((d) => (d + trackIndex) % 7);
  const note = (degree: number, octave: number) => {
    const d = ((degree % 7) + 7) % 7;
    return album.root + album.scale[d]! + 12 * (octave + Math.floor(degree / 7));
  };
  const addNote = (midi: number, start: number, length: number, gain: number, style = album.style) => {
    const from = Math.floor(start * RATE);
    const to = Math.min(n, Math.floor((start + length) * RATE));
    const f = hz(midi);
    const attack = album.style === "ambient" ? 0.4 : 0.01;
    for (let i = from; i < to; i++) {
      const t = (i - from) / RATE;
      const env = Math.min(1, t / attack) * Math.exp((-3 * t) / length);
      out[i]! += gain * env * voice(style, f * t);
    }
  };

  const bars = Math.ceil(seconds / (beat * 4));
  for (let bar = 0; bar < bars; bar++) {
    const chord = progression[bar % 4]!;
    const t0 = bar * beat * 4;
    // Pad: the chord's three notes under the whole bar.
    for (const step of [0, 2, 4]) addNote(note(chord + step, 0), t0, beat * 4, 0.07, "keys");
    // Bass on the root, on beats one and three.
    addNote(note(chord, -1), t0, beat * 1.8, 0.22, "keys");
    addNote(note(chord, -1), t0 + beat * 2, beat * 1.8, 0.18, "keys");
    // Melody: eighth notes mostly stepping through the scale.
    let degree = chord + 4;
    for (let step = 0; step < 8; step++) {
      if (random() < (album.style === "ambient" ? 0.65 : 0.25)) continue;
      degree += Math.floor(random() * 5) - 2;
      degree = Math.max(chord, Math.min(chord + 9, degree));
      addNote(note(degree, 1), t0 + (step * beat) / 2, beat * (random() < 0.3 ? 1 : 0.5), 0.16);
    }
    // Drums: kick on 1 and 3, hat on eighths (not for ambient or keys).
    if (album.style === "synth" || album.style === "chip") {
      for (let b = 0; b < 4; b++) {
        const start = Math.floor((t0 + b * beat) * RATE);
        if (b % 2 === 0) {
          for (let i = 0; i < RATE * 0.15 && start + i < n; i++) {
            const t = i / RATE;
            out[start + i]! +=
              0.35 * Math.exp(-t * 25) * Math.sin(2 * Math.PI * (50 + 80 * Math.exp(-t * 40)) * t);
          }
        }
        for (const half of [0, 0.5]) {
          const s = Math.floor((t0 + (b + half) * beat) * RATE);
          for (let i = 0; i < RATE * 0.03 && s + i < n; i++)
            out[s + i]! += 0.05 * (random() * 2 - 1) * Math.exp(-i / 100);
        }
      }
    }
  }
  // Fade in and out, then limit softly to 16 bits.
  const fade = Math.floor(RATE * 1.5);
  const drive = album.style === "ambient" ? 3.5 : 2.2;
  const pcm = new Int16Array(n);
  for (let i = 0; i < n; i++) {
    const g = Math.min(1, i / fade, (n - i) / fade);
    pcm[i] = Math.round(Math.tanh(out[i]! * g * drive) * 28_000);
  }
  return pcm;
}

/** A WAV file (PCM 16-bit mono) carrying its tags and cover in an ID3v2 chunk. */
export function wavWithId3(pcm: Int16Array, id3: Buffer): Buffer {
  const fmt = Buffer.alloc(16);
  fmt.writeUInt16LE(1, 0);
  fmt.writeUInt16LE(1, 2);
  fmt.writeUInt32LE(RATE, 4);
  fmt.writeUInt32LE(RATE * 2, 8);
  fmt.writeUInt16LE(2, 12);
  fmt.writeUInt16LE(16, 14);
  const data = Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength);
  const chunk = (id: string, body: Buffer) => {
    const head = Buffer.alloc(8);
    head.write(id, 0, "latin1");
    head.writeUInt32LE(body.length, 4);
    return Buffer.concat([head, body, Buffer.alloc(body.length % 2)]);
  };
  const body = Buffer.concat([
    Buffer.from("WAVE"),
    chunk("fmt ", fmt),
    chunk("data", data),
    chunk("id3 ", id3),
  ]);
  const riff = Buffer.alloc(8);
  riff.write("RIFF", 0, "latin1");
  riff.writeUInt32LE(body.length, 4);
  return Buffer.concat([riff, body]);
}

/** A 300×300 cover: a diagonal gradient between two colours with soft circles, as PNG. */
export function renderCover(album: DemoAlbum, size = 300): Buffer {
  const [a, b] = album.colors;
  const random = prng(album.year * 31 + album.title.length);
  const circles = Array.from({ length: 5 }, () => ({
    x: random() * size,
    y: random() * size,
    r: size * (0.1 + random() * 0.3),
  }));
  const rgb = Buffer.alloc(size * size * 3);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const t = (x + y) / (2 * size);
      let light = 0;
      for (const c of circles) {
        const d = Math.hypot(x - c.x, y - c.y) / c.r;
        if (d < 1) light += 0.18 * (1 - d * d);
      }
      for (let ch = 0; ch < 3; ch++) {
        const v = a[ch]! * (1 - t) + b[ch]! * t;
        rgb[(y * size + x) * 3 + ch] = Math.max(0, Math.min(255, Math.round(v + 255 * light)));
      }
    }
  }
  return encodePng(size, size, rgb);
}

function lrcFor(lines: string[], seconds: number): string {
  // Lines start after the intro and are spread evenly over the song.
  const start = 3;
  const step = (seconds - start - 4) / lines.length;
  const stamp = (s: number) =>
    `[${String(Math.floor(s / 60)).padStart(2, "0")}:${(s % 60).toFixed(2).padStart(5, "0")}]`;
  return `${lines.map((line, i) => `${stamp(start + i * step)}${line}`).join("\n")}\n`;
}

/**
 * Writes the demo library (WAV files with ID3 tags and covers, .lrc sidecars) into `dir`, ready for
 * importLibrary. Returns how many tracks it wrote.
 */
export async function writeDemoLibrary(dir: string): Promise<number> {
  let count = 0;
  for (const album of DEMO_ALBUMS) {
    const folder = path.join(dir, `${album.artist} - ${album.title}`);
    await fs.mkdir(folder, { recursive: true });
    const cover = renderCover(album);
    for (const [index, track] of album.tracks.entries()) {
      const pcm = synthesize(album, index, track.length);
      const tag = id3v2Tag({
        title: track.title,
        artists: track.featuring ? [album.artist, track.featuring] : [album.artist],
        album: album.title,
        albumArtist: album.artist,
        track: index + 1,
        trackTotal: album.tracks.length,
        disc: 1,
        year: album.year,
        genre: album.genre,
        ...(index === 0 ? { cover: { mime: "image/png" as const, data: cover } } : {}),
      });
      const base = path.join(folder, `${String(index + 1).padStart(2, "0")} ${track.title}`);
      await fs.writeFile(`${base}.wav`, wavWithId3(pcm, tag));
      if (track.lyrics) await fs.writeFile(`${base}.lrc`, lrcFor(track.lyrics, track.length));
      count++;
    }
  }
  return count;
}
