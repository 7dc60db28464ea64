import { describe, expect, it } from "vitest";
import { currentLineIndex } from "./lyrics";

const lines = [
  { ms: 1000, text: "one" },
  { ms: 4000, text: "two" },
  { ms: 4000, text: "two, sung over" },
  { ms: 9500, text: "three" },
];

describe("the current lyric line", () => {
  it("is none before the first line starts", () => {
    expect(currentLineIndex(lines, 0)).toBe(-1);
    expect(currentLineIndex(lines, 999)).toBe(-1);
  });

  it("is the last line that has started", () => {
    expect(currentLineIndex(lines, 1000)).toBe(0);
    expect(currentLineIndex(lines, 3999)).toBe(0);
    expect(currentLineIndex(lines, 9499)).toBe(2);
    expect(currentLineIndex(lines, 9500)).toBe(3);
    expect(currentLineIndex(lines, 600_000)).toBe(3);
  });

  it("handles no lines and one line", () => {
    expect(currentLineIndex([], 5000)).toBe(-1);
    expect(currentLineIndex([{ ms: 0, text: "" }], 0)).toBe(0);
  });
});
