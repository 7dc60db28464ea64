import { describe, expect, it } from "vitest";
import type { ImportReport } from "./import.js";
import { formatReport, renderProgress } from "./progress.js";

function fakeStream(isTTY: boolean) {
  const writes: string[] = [];
  return { writes, stream: { isTTY, columns: 80, write: (text: string) => writes.push(text) } };
}

describe("renderProgress", () => {
  it("redraws one bar in place on a terminal, at most every redrawMs, and ends the line when done", () => {
    let now = 0;
    const { writes, stream } = fakeStream(true);
    const onProgress = renderProgress(stream, { now: () => now });
    onProgress({ done: 0, total: 200, filesPerSecond: 0, current: null });
    now = 50;
    onProgress({ done: 50, total: 200, filesPerSecond: 1000, current: "a/b.mp3" }); // too soon: not drawn
    now = 150;
    onProgress({ done: 100, total: 200, filesPerSecond: 1234.4, current: "a/c.mp3" });
    now = 160;
    onProgress({ done: 200, total: 200, filesPerSecond: 1250, current: "a/d.mp3" }); // the end is always drawn
    onProgress({ done: 200, total: 200, filesPerSecond: 1250, current: null }); // and only once
    expect(writes).toHaveLength(3);
    expect(writes[1]).toBe(`\r[############------------] 100/200  1,234 files/s  a/c.mp3\x1b[K`);
    expect(writes[2]).toBe(`\r[########################] 200/200  1,250 files/s\x1b[K\n`);
  });

  it("fits the terminal width", () => {
    const { writes, stream } = fakeStream(true);
    stream.columns = 40;
    renderProgress(stream)({ done: 1, total: 2, filesPerSecond: 5, current: "x".repeat(100) });
    expect(writes[0]!.replace("\r", "").replace("\x1b[K", "")).toHaveLength(39);
  });

  it("prints a plain line every couple of seconds when not a terminal", () => {
    let now = 0;
    const { writes, stream } = fakeStream(false);
    const onProgress = renderProgress(stream, { now: () => now });
    for (let done = 1; done <= 1000; done++) {
      now = done * 5; // 5 s in all
      onProgress({ done, total: 1000, filesPerSecond: 200, current: null });
    }
    expect(writes).toEqual([
      "1/1000 files (0%), 200 files/s\n",
      "401/1000 files (40%), 200 files/s\n",
      "801/1000 files (80%), 200 files/s\n",
      "1000/1000 files (100%), 200 files/s\n",
    ]);
  });
});

describe("formatReport", () => {
  const report: ImportReport = {
    root: "/music",
    added: 480,
    updated: 0,
    skipped: 0,
    failed: [
      { path: "/music/Unsorted/broken.flac", reason: "not a readable FLAC file: Invalid FLAC preamble" },
      { path: "/music/x.mp3", reason: "permission denied" },
    ],
    removed: [],
    pruned: 0,
    warnings: [],
    durationMs: 784,
    filesPerSecond: 612.2,
  };

  it("is one summary line, then one line per failure", () => {
    expect(formatReport(report)).toBe(
      [
        "added 480 · updated 0 · skipped 0 · failed 2 · removed 0 in 0.8 s (612 files/s)",
        "  ✗ Unsorted/broken.flac: not a readable FLAC file: Invalid FLAC preamble",
        "  ✗ x.mp3: permission denied",
      ].join("\n"),
    );
  });

  it("lists files gone (a few), says whether they were pruned, and shows warnings", () => {
    const gone = Array.from({ length: 3 }, (_, i) => `/music/gone ${i}.mp3`);
    const text = formatReport(
      { ...report, failed: [], removed: gone, pruned: 3, warnings: ["look out"], durationMs: 12_345 },
      { maxRemoved: 2 },
    );
    expect(text.split("\n")).toEqual([
      "added 480 · updated 0 · skipped 0 · failed 0 · removed 3 (pruned 3) in 12 s (612 files/s)",
      "  − gone 0.mp3: gone, removed from the catalog",
      "  − gone 1.mp3: gone, removed from the catalog",
      "  … and 1 more gone",
      "  ! look out",
    ]);
  });
});
