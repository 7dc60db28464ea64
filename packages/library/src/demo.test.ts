import { mkdtemp, readdir, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parseFile } from "music-metadata";
import { afterAll, describe, expect, it } from "vitest";
import { DEMO_ALBUMS, writeDemoLibrary } from "./demo.js";

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe("the demo library", () => {
  it("writes 4 albums of 6 tagged, playable tracks with covers and some synced lyrics", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "chorus-demo-"));
    dirs.push(dir);
    expect(await writeDemoLibrary(dir)).toBe(24);
    const folders = await readdir(dir);
    expect(folders).toHaveLength(4);
    const first = DEMO_ALBUMS[0]!;
    const folder = path.join(dir, `${first.artist} - ${first.title}`);
    const files = (await readdir(folder)).sort();
    expect(files.filter((f) => f.endsWith(".wav"))).toHaveLength(6);
    expect(files.filter((f) => f.endsWith(".lrc")).length).toBeGreaterThan(0);
    const meta = await parseFile(path.join(folder, files.find((f) => f.endsWith(".wav"))!));
    expect(meta.common).toMatchObject({
      title: first.tracks[0]!.title,
      album: first.title,
      albumartist: first.artist,
    });
    expect(meta.common.picture?.[0]?.format).toBe("image/png");
    expect(meta.format.duration).toBeCloseTo(first.tracks[0]!.length, 0);
    expect(meta.format.container).toBe("WAVE");
    // A featured artist is credited second.
    const featured = first.tracks.findIndex((t) => t.featuring);
    const withGuest = await parseFile(
      path.join(folder, `${String(featured + 1).padStart(2, "0")} ${first.tracks[featured]!.title}.wav`),
    );
    expect(withGuest.common.artists).toEqual([first.artist, first.tracks[featured]!.featuring]);
  }, 30_000);
});
