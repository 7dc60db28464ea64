import { describe, expect, it } from "vitest";
import { formatAgo, formatTime, formatTotal } from "./format";

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

describe("when something was added", () => {
  const now = new Date(2025, 5, 15, 12, 0);
  const ago = (ms: number) => formatAgo(new Date(now.getTime() - ms), now);

  it("recent times are relative", () => {
    expect(ago(20_000)).toBe("just now");
    expect(ago(5 * 60_000)).toBe("5 min ago");
    expect(ago(3 * 3_600_000)).toBe("3 hr ago");
    expect(formatAgo(new Date(2025, 5, 14, 9, 0), now)).toBe("yesterday");
    expect(formatAgo(new Date(2025, 5, 11, 23, 0), now)).toBe("4 days ago");
  });

  it("older ones are dates, with the year when it is not this one", () => {
    expect(formatAgo(new Date(2025, 2, 12), now)).toBe("12 Mar");
    expect(formatAgo(new Date(2024, 11, 3), now)).toBe("3 Dec 2024");
  });
});
