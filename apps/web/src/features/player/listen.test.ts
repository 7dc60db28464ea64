import { describe, expect, it } from "vitest";
import { contextOf, finishListen, type Listen, pauseListen, progress, startListen } from "./listen";

/** Plays from `from` to `to` seconds, a position report every 250 ms of clock, starting at `at`. */
function play(listen: Listen, from: number, to: number, at: number): { listen: Listen; at: number } {
  let l = listen;
  let t = at;
  for (let p = from; p <= to + 1e-9; p += 0.25) {
    l = progress(l, p, t);
    t += 250;
  }
  return { listen: l, at: t - 250 };
}

const entry = { key: "q1", songId: "s1" };

describe("time listened", () => {
  it("counts the time the audio played", () => {
    const { listen } = play(startListen(entry, null, 0), 0, 30, 1000);
    expect(listen.listenedMs).toBe(30_000);
  });

  it("does not count a seek ahead: jumping is not listening", () => {
    let { listen, at } = play(startListen(entry, null, 0), 0, 10, 1000);
    // The seek bar dragged to 3:00 (the player resets the count; without it, the jump is refused too).
    listen = progress(listen, 180, at + 20);
    ({ listen } = play(listen, 180, 190, at + 270));
    expect(listen.listenedMs).toBe(20_000);
    const reset = play(
      progress(pauseListen(play(startListen(entry, null, 0), 0, 10, 0).listen), 180, 5000),
      180,
      190,
      5250,
    );
    expect(reset.listen.listenedMs).toBe(20_000);
  });

  it("counts a part heard again after a seek back", () => {
    let { listen, at } = play(startListen(entry, null, 0), 0, 20, 0);
    listen = progress(listen, 5, at + 10);
    ({ listen } = play(listen, 5, 15, at + 260));
    expect(listen.listenedMs).toBe(30_000);
  });

  it("does not count a pause, nor a seek made while paused", () => {
    let { listen, at } = play(startListen(entry, null, 0), 0, 10, 0);
    listen = pauseListen(listen);
    // Paused a minute, then the thumb moved 30 s on and playback resumed.
    listen = progress(listen, 40, at + 60_000);
    ({ listen } = play(listen, 40, 50, at + 60_250));
    expect(listen.listenedMs).toBe(20_000);
  });

  it("allows reports that arrive unevenly, but not a position far ahead of the clock", () => {
    let l = progress(startListen(entry, null, 0), 0, 0);
    l = progress(l, 0.6, 300); // 600 ms of audio in 300 ms of clock: late events, within the slack
    expect(l.listenedMs).toBeCloseTo(600);
    l = progress(l, 5, 400); // 4.4 s in 100 ms: a seek
    expect(l.listenedMs).toBeCloseTo(600);
  });
});

describe("the play reported", () => {
  const listened = (ms: number): Listen => ({
    ...startListen(entry, { type: "album", id: "a1" }, 0),
    listenedMs: ms,
  });

  it("a song that ended by itself is not a skip", () => {
    expect(finishListen(listened(200_000), { naturally: true, position: 200, duration: 200 })).toEqual({
      songId: "s1",
      playedMs: 200_000,
      skipped: false,
      context: { type: "album", id: "a1" },
    });
  });

  it("one left early is a skip; one left in its last seconds is not", () => {
    expect(finishListen(listened(40_000), { naturally: false, position: 40, duration: 200 })?.skipped).toBe(
      true,
    );
    expect(finishListen(listened(40_000), { naturally: false, position: 198, duration: 200 })?.skipped).toBe(
      false,
    );
  });

  it("a listen of under a second is not reported (clicking through the queue)", () => {
    expect(finishListen(listened(400), { naturally: false, position: 0.4, duration: 200 })).toBeNull();
  });
});

describe("the context of a play", () => {
  it("comes from what the queue was started from", () => {
    expect(contextOf("album:123")).toEqual({ type: "album", id: "123" });
    expect(contextOf("playlist:p-1")).toEqual({ type: "playlist", id: "p-1" });
    expect(contextOf("library:liked-songs")).toEqual({ type: "library", id: "liked-songs" });
    expect(contextOf("queue")).toEqual({ type: "queue", id: null });
    expect(contextOf(null)).toBeNull();
    expect(contextOf("nonsense:1")).toBeNull();
  });
});
