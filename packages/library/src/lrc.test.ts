import { describe, expect, it } from "vitest";
import { formatLrc, LrcError, parseLrc, plainFromLines } from "./lrc.js";

describe("parseLrc", () => {
  it("reads timed lines in time order, with header tags apart", () => {
    const lrc = parseLrc(
      [
        "[ar:Mara Quinn]",
        "[ti:Paper Harbor]",
        "[00:12.50]second",
        "[00:01.05]first",
        "[01:02.345]third",
      ].join("\n"),
    );
    expect(lrc.tags).toEqual({ ar: "Mara Quinn", ti: "Paper Harbor" });
    expect(lrc.synced).toEqual([
      { ms: 1050, text: "first" },
      { ms: 12500, text: "second" },
      { ms: 62345, text: "third" },
    ]);
    expect(lrc.plain).toBe("first\nsecond\nthird");
  });

  it("gives a line with several time tags one entry per time", () => {
    const lrc = parseLrc("[00:05.00]verse\n[00:10.00][00:30.00]chorus\n[00:20.00]bridge\n");
    expect(lrc.synced).toEqual([
      { ms: 5000, text: "verse" },
      { ms: 10000, text: "chorus" },
      { ms: 20000, text: "bridge" },
      { ms: 30000, text: "chorus" },
    ]);
  });

  it("accepts [mm:ss], [mm:ss.x], [mm:ss:xx], CRLF, a BOM and word timings", () => {
    const lrc = parseLrc(
      "\uFEFF[00:01]a\r\n[00:02.5]b\r\n[00:03:25]c\r\n[00:04.00]<00:04.00>d <00:04.50>e\r\n",
    );
    expect(lrc.synced).toEqual([
      { ms: 1000, text: "a" },
      { ms: 2500, text: "b" },
      { ms: 3250, text: "c" },
      { ms: 4000, text: "d e" },
    ]);
  });

  it("keeps empty timed lines (pauses) and equal times in file order", () => {
    const lrc = parseLrc("[00:01.00]one\n[00:02.00]\n[00:02.00]two\n");
    expect(lrc.synced).toEqual([
      { ms: 1000, text: "one" },
      { ms: 2000, text: "" },
      { ms: 2000, text: "two" },
    ]);
  });

  it("applies [offset:] (positive shows lyrics earlier), never below zero", () => {
    const lrc = parseLrc("[offset:+500]\n[00:00.20]early\n[00:02.00]late\n");
    expect(lrc.synced).toEqual([
      { ms: 0, text: "early" },
      { ms: 1500, text: "late" },
    ]);
  });

  it("treats a file without time tags as plain lyrics", () => {
    expect(parseLrc("[ar:Someone]\nfirst line\n\nsecond line\n")).toEqual({
      synced: null,
      plain: "first line\n\nsecond line",
      tags: { ar: "Someone" },
    });
    expect(parseLrc("")).toEqual({ synced: null, plain: null, tags: {} });
  });
});

describe("parseLrc, strict (lyrics.set)", () => {
  it("reads stamps, several per line, tags and the offset, in time order", () => {
    const { synced, tags } = parseLrc(
      [
        "[ar:Nina]",
        "[offset:+500]",
        "",
        "[00:12.00]First line",
        "[00:45.10][01:30.5]Chorus <00:45.50>with <00:46.00>words",
        "[00:20.123]Second",
        "[01:00]No fraction",
      ].join("\r\n"),
      { strict: true },
    );
    expect(tags).toEqual({ ar: "Nina", offset: "+500" });
    expect(synced).toEqual([
      { ms: 11_500, text: "First line" },
      { ms: 19_623, text: "Second" },
      { ms: 44_600, text: "Chorus with words" },
      { ms: 59_500, text: "No fraction" },
      { ms: 90_000, text: "Chorus with words" },
    ]);
  });

  it("says which line is wrong and why", () => {
    expect(() => parseLrc("[00:01.00]ok\njust text", { strict: true })).toThrow(
      new LrcError(2, 'expected a time like [01:23.45] before the text (got "just text").'),
    );
    expect(() => parseLrc("[00:75.00]too many seconds", { strict: true })).toThrow(
      /Line 1: "\[00:75.00\]" has 75 seconds/,
    );
    expect(() => parseLrc("[ti:only tags]", { strict: true })).toThrow(/no timed lines/);
    // Lenient reading of the same text keeps what it can.
    expect(parseLrc("[00:01.00]ok\njust text").synced).toEqual([{ ms: 1000, text: "ok" }]);
  });

  it("round-trips through formatLrc", () => {
    const source = "[ti:Song]\n[00:01.50]One\n[01:02.25]Two\n";
    const parsed = parseLrc(source, { strict: true });
    expect(formatLrc(parsed.synced!, parsed.tags)).toBe(source);
    expect(plainFromLines(parsed.synced!)).toBe("One\nTwo");
  });
});
