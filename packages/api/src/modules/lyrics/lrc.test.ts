import { describe, expect, it } from "vitest";
import { formatLrc, LrcError, parseLrc, plainFromLines } from "./lrc.js";

describe("parseLrc", () => {
  it("reads stamps, several per line, metadata and the offset, in time order", () => {
    const { lines, meta } = parseLrc(
      [
        "[ar:Nina]",
        "[ti:Blue]",
        "[offset:+500]",
        "",
        "[00:12.00]First line",
        "[00:45.10][01:30.5]Chorus <00:45.50>with <00:46.00>words",
        "[00:20.123]Second",
        "[01:00]No fraction",
        "[02:00.00]",
      ].join("\r\n"),
    );
    expect(meta).toEqual({ ar: "Nina", ti: "Blue", offset: "+500" });
    expect(lines).toEqual([
      { ms: 11_500, text: "First line" },
      { ms: 19_623, text: "Second" },
      { ms: 44_600, text: "Chorus with words" },
      { ms: 59_500, text: "No fraction" },
      { ms: 90_000, text: "Chorus with words" },
      { ms: 119_500, text: "" },
    ]);
  });

  it("says which line is wrong and why", () => {
    expect(() => parseLrc("[00:01.00]ok\njust text")).toThrow(
      new LrcError(2, 'expected a time like [01:23.45] before the text (got "just text").'),
    );
    expect(() => parseLrc("[00:75.00]too many seconds")).toThrow(/Line 1: "\[00:75.00\]" has 75 seconds/);
  });

  it("round-trips through formatLrc", () => {
    const source = "[ti:Song]\n[00:01.50]One\n[01:02.25]Two\n";
    const parsed = parseLrc(source);
    expect(formatLrc(parsed.lines, parsed.meta)).toBe(source);
    expect(parseLrc(formatLrc(parsed.lines)).lines).toEqual(parsed.lines);
    expect(plainFromLines(parsed.lines)).toBe("One\nTwo");
  });
});
