import { describe, expect, it } from "vitest";
import { formatTime, formatTotal } from "./format";

describe("durations", () => {
  it("a song's time is m:ss, h:mm:ss past an hour", () => {
    expect(formatTime(0)).toBe("0:00");
    expect(formatTime(7.9)).toBe("0:07");
    expect(formatTime(187)).toBe("3:07");
    expect(formatTime(3723)).toBe("1:02:03");
    expect(formatTime(Number.NaN)).toBe("0:00");
    expect(formatTime(-4)).toBe("0:00");
  });

  it("an album's length reads like speech", () => {
    expect(formatTotal(45_000)).toBe("45 sec");
    expect(formatTotal(42 * 60_000)).toBe("42 min");
    expect(formatTotal(42 * 60_000 + 5_000)).toBe("42 min 5 sec");
    expect(formatTotal(65 * 60_000)).toBe("1 hr 5 min");
    expect(formatTotal(120 * 60_000)).toBe("2 hr");
  });
});
