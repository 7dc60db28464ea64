import { describe, expect, it } from "vitest";
import {
  correctDrift,
  DRIFT_SEEK_MS,
  estimateOffset,
  expectedPositionMs,
  type FollowInput,
  followStep,
  isOverdue,
  RATE_SPAN,
} from "./sync";

describe("estimateOffset", () => {
  it("keeps the round trip with the lowest delay and takes its middle", () => {
    const estimate = estimateOffset([
      { t0: 1000, t1: 1300, serverTime: 6200 },
      // 40 ms round trip: the server's 6080 was at local 1070 or so.
      { t0: 1050, t1: 1090, serverTime: 6080 },
      { t0: 1100, t1: 1250, serverTime: 6190 },
    ]);
    expect(estimate).toEqual({ offsetMs: 5010, rttMs: 40 });
  });

  it("reads a server clock behind ours as a negative offset", () => {
    expect(estimateOffset([{ t0: 10_000, t1: 10_020, serverTime: 7_010 }])?.offsetMs).toBe(-3000);
  });

  it("skips samples that make no sense, and answers null with none left", () => {
    expect(estimateOffset([])).toBeNull();
    expect(estimateOffset([{ t0: 20, t1: 10, serverTime: 5 }])).toBeNull();
    expect(
      estimateOffset([
        { t0: 0, t1: 5, serverTime: Number.NaN },
        { t0: 0, t1: 100, serverTime: 1050 },
      ]),
    ).toEqual({ offsetMs: 1000, rttMs: 100 });
  });
});

describe("expectedPositionMs", () => {
  const at = new Date(50_000);

  it("moves on with the server's clock while playing", () => {
    expect(expectedPositionMs({ positionMs: 10_000, at, playing: true }, 52_500)).toBe(12_500);
  });

  it("stays put while paused", () => {
    expect(expectedPositionMs({ positionMs: 10_000, at, playing: false }, 90_000)).toBe(10_000);
  });

  it("never goes back before `at` (a clock estimate a little behind) nor past the end", () => {
    expect(expectedPositionMs({ positionMs: 10_000, at, playing: true }, 49_900)).toBe(10_000);
    expect(expectedPositionMs({ positionMs: 10_000, at, playing: true }, 500_000, 180_000)).toBe(180_000);
    expect(expectedPositionMs({ positionMs: -5, at, playing: false }, 0)).toBe(0);
  });
});

describe("correctDrift", () => {
  it("leaves a small drift alone", () => {
    expect(correctDrift(25, 1000, 1)).toEqual({ kind: "rate", rate: 1 });
    expect(correctDrift(-39, 1000, 1)).toEqual({ kind: "rate", rate: 1 });
  });

  it("plays slower when ahead and faster when behind, in proportion, up to 5%", () => {
    const ahead = correctDrift(60, 1000, 1);
    const behind = correctDrift(-60, 1000, 1);
    expect(ahead).toEqual({ kind: "rate", rate: 0.97 });
    expect(behind).toEqual({ kind: "rate", rate: 1.03 });
    expect(correctDrift(800, 1000, 1)).toEqual({ kind: "rate", rate: 1 - RATE_SPAN });
    expect(correctDrift(-800, 1000, 1)).toEqual({ kind: "rate", rate: 1 + RATE_SPAN });
  });

  it("carries a correction on until caught up, then plays at the normal rate", () => {
    // 30 ms behind would be left alone, but a correction under way finishes the job.
    expect(correctDrift(-30, 1000, 1.02)).toEqual({ kind: "rate", rate: 1.015 });
    expect(correctDrift(-5, 1000, 1.02)).toEqual({ kind: "rate", rate: 1 });
  });

  it("seeks when too far off to catch up by rate", () => {
    expect(correctDrift(DRIFT_SEEK_MS + 1, 42_000, 1)).toEqual({ kind: "seek", toMs: 42_000 });
    expect(correctDrift(-5000, 42_000, 1.05)).toEqual({ kind: "seek", toMs: 42_000 });
  });

  it("brings a drift down over successive checks without overshooting", () => {
    // A listener 400 ms behind, checked every 500 ms.
    let drift = -400;
    let rate = 1;
    for (let i = 0; i < 30; i++) {
      const c = correctDrift(drift, 0, rate);
      if (c.kind !== "rate") throw new Error("no seek expected");
      rate = c.rate;
      drift += (rate - 1) * 500;
      expect(drift).toBeLessThanOrEqual(0);
    }
    expect(Math.abs(drift)).toBeLessThan(15);
    expect(rate).toBe(1);
  });
});

describe("followStep", () => {
  const at = new Date(100_000);
  const base: FollowInput = {
    item: { id: "q1", durationMs: 200_000 },
    state: { positionMs: 10_000, at, playing: true },
    serverNowMs: 102_000,
    listening: true,
    audio: { key: "q1", timeMs: 12_000, paused: false, rate: 1, settling: false },
    changed: false,
  };
  const step = (patch: Partial<FollowInput>, audio: Partial<FollowInput["audio"]> = {}) =>
    followStep({ ...base, ...patch, audio: { ...base.audio, ...audio } });

  it("stops when nothing plays", () => {
    expect(step({ item: null })).toEqual({ kind: "stop" });
  });

  it("loads another song where the room is, playing or not", () => {
    expect(step({}, { key: "q0" })).toEqual({ kind: "load", atMs: 12_000, play: true });
    expect(step({ listening: false }, { key: null })).toEqual({ kind: "load", atMs: 12_000, play: false });
  });

  it("pauses with the room, at its place", () => {
    const paused = { state: { positionMs: 10_000, at, playing: false } };
    expect(step(paused, { timeMs: 12_000 })).toEqual({ kind: "pause", seekToMs: 10_000 });
    expect(step(paused, { timeMs: 10_100, paused: true })).toEqual({ kind: "pause", seekToMs: null });
  });

  it("holds still, where it is, while not listening here", () => {
    expect(step({ listening: false }, { timeMs: 3_000, paused: true })).toEqual({
      kind: "pause",
      seekToMs: null,
    });
  });

  it("starts stopped audio at the room's place", () => {
    expect(step({}, { paused: true, timeMs: 0 })).toEqual({ kind: "start", atMs: 12_000 });
  });

  it("lets the end of the song play out, and does not start it again once over", () => {
    const end = { serverNowMs: 100_000 + 189_900 };
    expect(step(end, { timeMs: 199_850 })).toEqual({ kind: "wait" });
    expect(step(end, { paused: true, timeMs: 200_000 })).toEqual({ kind: "wait" });
    expect(step(end, { key: "q0" })).toEqual({ kind: "load", atMs: 199_900, play: false });
  });

  it("waits while the audio settles, then corrects", () => {
    expect(step({}, { settling: true, timeMs: 11_000 })).toEqual({ kind: "wait" });
    expect(step({}, { timeMs: 11_900 })).toEqual({ kind: "rate", rate: 1.05 });
    expect(step({}, { timeMs: 12_010 })).toEqual({ kind: "rate", rate: 1 });
  });

  it("jumps a gap at once when the state just changed", () => {
    expect(step({ changed: true }, { timeMs: 11_500 })).toEqual({ kind: "seek", toMs: 12_000 });
    expect(step({ changed: true }, { timeMs: 11_900 })).toEqual({ kind: "rate", rate: 1.05 });
  });
});

describe("isOverdue", () => {
  const at = new Date(0);
  it("is true only for a playing room well past the song's end", () => {
    expect(isOverdue({ positionMs: 0, at, playing: true }, 30_000, 30_000)).toBe(false);
    expect(isOverdue({ positionMs: 0, at, playing: true }, 32_500, 30_000)).toBe(true);
    expect(isOverdue({ positionMs: 40_000, at, playing: false }, 90_000, 30_000)).toBe(false);
  });
});
