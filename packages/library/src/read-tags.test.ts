import { execFile } from "node:child_process";
import { constants } from "node:fs";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { parseFile } from "music-metadata";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pngCover } from "./fixture-formats.js";
import { type GeneratedLibrary, generateLibrary } from "./fixtures.js";
import { type ReadResult, readTrack, toTrack } from "./read-tags.js";

const FFMPEG = "/usr/bin/ffmpeg";
const hasFfmpeg = await fs.access(FFMPEG, constants.X_OK).then(
  () => true,
  () => false,
);

let tmp: string;
let lib: GeneratedLibrary;

beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), "chorus-read-tags-"));
  lib = await generateLibrary(path.join(tmp, "library"), { count: 60, seed: 3 });
});

afterAll(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

function comparable(result: ReadResult) {
  if (!result.ok) return result;
  const { picture, ...track } = result.track;
  return {
    ...track,
    picture: picture ? { mime: picture.mime, hash: picture.hash, size: picture.data.length } : null,
  };
}

describe("the generated library", () => {
  it("has every format, and music-metadata reads each file's tags as generated", async () => {
    const formats = new Set(lib.files.map((f) => f.format));
    expect([...formats].sort()).toEqual(
      hasFfmpeg ? ["flac", "m4a", "mp3", "ogg", "opus", "wav"] : ["flac", "mp3", "wav"],
    );
    for (const file of lib.files) {
      // Default options: the reference reading, whole stream counted for the duration.
      const { common, format } = await parseFile(file.path);
      const where = `${file.format} ${file.path}`;
      expect(common.title ?? path.basename(file.path, path.extname(file.path)), where).toBe(file.title);
      expect(common.artists ?? [], where).toEqual(file.artists);
      expect(common.album ?? null, where).toBe(file.album);
      if (file.hasAlbumArtistTag) expect(common.albumartist, where).toBe(file.albumArtist);
      expect(common.track.no, where).toBe(file.track);
      expect(common.disk.no, where).toBe(file.disc);
      expect(common.year ?? null, where).toBe(file.year);
      expect(common.genre?.[0] ?? null, where).toBe(file.genre);
      expect(Math.abs(format.duration! * 1000 - file.durationMs), where).toBeLessThan(50);
      expect(common.replaygain_track_gain?.dB ?? null, where).toBe(file.replayGain?.trackGainDb ?? null);
      expect(common.picture?.[0]?.format ?? null, where).toBe(file.cover);
    }
  });

  it("has corrupt files that music-metadata rejects, and hidden ones", async () => {
    expect(lib.corrupt).toHaveLength(2);
    for (const file of lib.corrupt) await expect(parseFile(file)).rejects.toThrow();
    for (const file of lib.hidden) await expect(fs.stat(file)).resolves.toBeTruthy();
    expect(lib.untagged).toHaveLength(1);
  });
});

describe("readTrack", () => {
  it("reads what music-metadata's parseFile reads, for every generated file", async () => {
    for (const file of [...lib.files.map((f) => f.path), ...lib.corrupt]) {
      const { size } = await fs.stat(file);
      const ours = await readTrack(file, size, true);
      let reference: ReadResult;
      try {
        reference = toTrack(
          await parseFile(file, { duration: false, skipCovers: false, skipPostHeaders: true }),
          file,
        );
      } catch {
        reference = { ok: false, reason: "" };
      }
      if (!reference.ok) {
        expect(ours.ok, file).toBe(false);
        continue;
      }
      expect(comparable(ours), file).toEqual(comparable(reference));
    }
  });

  it("says why a file is unreadable, naming its kind", async () => {
    const broken = lib.corrupt.find((f) => f.endsWith(".flac"))!;
    const truncated = lib.corrupt.find((f) => f.endsWith(".mp3"))!;
    const r1 = await readTrack(broken, (await fs.stat(broken)).size, false);
    const r2 = await readTrack(truncated, (await fs.stat(truncated)).size, false);
    expect(r1).toMatchObject({ ok: false, reason: expect.stringMatching(/^not a readable FLAC file: \S/) });
    expect(r2).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^not a readable MP3 file: .*tag size/),
    });
    // biome-ignore lint/suspicious/noControlCharactersInRegex: checking there are none
    expect(r1.ok ? "" : r1.reason).not.toMatch(/[\u0000-\u001f]/);
    const missing = await readTrack(path.join(tmp, "nope.mp3"), 10, false);
    expect(missing).toEqual({ ok: false, reason: "the file disappeared during the scan" });
  });

  it("titles a file without tags after its name", async () => {
    const file = lib.untagged[0]!;
    const r = await readTrack(file, (await fs.stat(file)).size, true);
    expect(r).toMatchObject({ ok: true, track: { title: "untagged track 01", artists: [], album: null } });
  });

  it.skipIf(!hasFfmpeg)(
    "agrees with parseFile on real encodes: big covers, VBR MP3, MP4 with moov at the end, long Ogg",
    async () => {
      const dir = path.join(tmp, "real");
      await fs.mkdir(dir, { recursive: true });
      let seed = 1;
      const noise = () => {
        seed = (seed * 16807) % 2147483647;
        return seed / 2147483647;
      };
      // ~300 kB of noisy PNG: bigger than the tokenizer's 64 kB window.
      const cover = path.join(dir, "cover.png");
      await fs.writeFile(cover, pngCover([200, 120, 40], 320, noise));
      const tags = [
        "-metadata",
        "title=Real One",
        "-metadata",
        "artist=Mara Quinn",
        "-metadata",
        "album=Encoded",
      ];
      const sine = ["-f", "lavfi", "-i", "sine=frequency=330:duration=40"];
      const withCover = [
        "-i",
        cover,
        "-map",
        "0:a",
        "-map",
        "1:v",
        "-c:v",
        "copy",
        "-disposition:v",
        "attached_pic",
      ];
      const jobs: Record<string, string[]> = {
        "vbr.mp3": [...sine, ...withCover, "-c:a", "libmp3lame", "-q:a", "5", "-id3v2_version", "3"],
        "cbr.mp3": [...sine, "-c:a", "libmp3lame", "-b:a", "128k", "-write_xing", "0"],
        "big.flac": [...sine, ...withCover, "-c:a", "flac"],
        "late-moov.m4a": [...sine, ...withCover, "-c:a", "aac", "-b:a", "96k"],
        "long.ogg": [...sine, "-c:a", "libvorbis", "-q:a", "3"],
        "long.opus": [...sine, "-c:a", "libopus", "-b:a", "64k"],
      };
      const run = promisify(execFile);
      await Promise.all(
        Object.entries(jobs).map(([name, args]) =>
          run(FFMPEG, ["-hide_banner", "-loglevel", "error", "-y", ...args, ...tags, path.join(dir, name)]),
        ),
      );
      for (const name of Object.keys(jobs)) {
        const file = path.join(dir, name);
        const { size } = await fs.stat(file);
        const ours = await readTrack(file, size, true);
        // The reference reads the whole stream when the headers do not give the duration.
        const full = await parseFile(file, { duration: true, skipCovers: false, skipPostHeaders: true });
        const reference = toTrack(full, file);
        const { bitrate: ourBitrate, ...ourRest } = comparable(ours) as { bitrate: number };
        const { bitrate, ...rest } = comparable(reference) as { bitrate: number };
        expect(ourRest, name).toEqual(rest);
        expect(Math.abs(ourBitrate / bitrate - 1), name).toBeLessThan(0.05);
        expect(ours.ok && ours.track.title, name).toBe("Real One");
        expect(ours.ok && Math.abs(ours.track.durationMs - 40_000), name).toBeLessThan(50);
        if (name !== "cbr.mp3" && !name.startsWith("long"))
          expect(ours.ok && ours.track.picture?.data.length).toBeGreaterThan(64 * 1024);
      }
    },
    60_000,
  );
});
