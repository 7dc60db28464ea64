import { describe, expect, it } from "vitest";
import {
  addToQueue,
  clearUpcoming,
  current,
  cycleRepeat,
  emptyQueue,
  jumpTo,
  move,
  nextStep,
  playNext,
  previousStep,
  type QueueState,
  remove,
  setQueue,
  toEntries,
  toggleShuffle,
  upcoming,
} from "./queue";

const ids = (q: QueueState) => q.entries.map((e) => e.songId);
const originalIds = (q: QueueState) => q.original?.map((e) => e.songId) ?? null;
const upcomingIds = (q: QueueState) => upcoming(q).map((e) => e.songId);

/** A predictable "random": a fixed sequence that repeats. */
function seq(...values: number[]) {
  let i = 0;
  return () => values[i++ % values.length]!;
}

function queueOf(songIds: string[], start = 0): QueueState {
  return setQueue(emptyQueue, toEntries(songIds), start, false);
}

describe("setQueue", () => {
  it("starts at the chosen song, in order", () => {
    const q = queueOf(["a", "b", "c"], 1);
    expect(ids(q)).toEqual(["a", "b", "c"]);
    expect(current(q)?.songId).toBe("b");
    expect(q.original).toBeNull();
  });

  it("with shuffle plays the chosen song first and keeps the original order", () => {
    const q = setQueue(emptyQueue, toEntries(["a", "b", "c", "d", "e"]), 2, true, seq(0.1, 0.7, 0.3, 0.9));
    expect(current(q)?.songId).toBe("c");
    expect(q.index).toBe(0);
    expect([...ids(q)].sort()).toEqual(["a", "b", "c", "d", "e"]);
    expect(originalIds(q)).toEqual(["a", "b", "c", "d", "e"]);
  });

  it("keeps the repeat mode and empties on an empty list", () => {
    const q = setQueue({ ...emptyQueue, repeat: "all" }, [], 0, false);
    expect(q).toEqual({ ...emptyQueue, repeat: "all" });
  });

  it("gives every entry its own key, also for the same song twice", () => {
    const q = queueOf(["a", "a"]);
    expect(q.entries[0]!.key).not.toBe(q.entries[1]!.key);
  });
});

describe("shuffle", () => {
  it("keeps the current song and changes the order of the rest", () => {
    const q = queueOf(["a", "b", "c", "d", "e", "f"], 0);
    const s = toggleShuffle(q, seq(0.5, 0.2, 0.8, 0.1, 0.6));
    expect(current(s)?.songId).toBe("a");
    expect(s.index).toBe(0);
    expect(upcomingIds(s)).not.toEqual(["b", "c", "d", "e", "f"]);
    expect([...upcomingIds(s)].sort()).toEqual(["b", "c", "d", "e", "f"]);
  });

  it("never leaves the upcoming order as it was, even when the random numbers would", () => {
    // Math.random returning 0.999… keeps Fisher–Yates from swapping anything.
    const q = queueOf(["a", "b", "c"], 0);
    const s = toggleShuffle(q, () => 0.9999);
    expect(upcomingIds(s)).not.toEqual(["b", "c"]);
  });

  it("includes songs already played, after the current one", () => {
    const q = queueOf(["a", "b", "c", "d"], 2);
    const s = toggleShuffle(q, seq(0.3, 0.6));
    expect(current(s)?.songId).toBe("c");
    expect([...upcomingIds(s)].sort()).toEqual(["a", "b", "d"]);
  });

  it("turned off restores the original order and carries on from the current song", () => {
    const q = queueOf(["a", "b", "c", "d", "e"], 1);
    let s = toggleShuffle(q, seq(0.4, 0.1, 0.7));
    s = jumpTo(s, 3);
    const playing = current(s)!;
    const back = toggleShuffle(s);
    expect(ids(back)).toEqual(["a", "b", "c", "d", "e"]);
    expect(back.original).toBeNull();
    expect(current(back)).toEqual(playing);
  });

  it("remembers shuffle on an empty queue, for the next album", () => {
    const s = toggleShuffle(emptyQueue);
    expect(s.original).toEqual([]);
    expect(toggleShuffle(s).original).toBeNull();
  });

  it("keeps songs added while shuffled when turned off", () => {
    let s = toggleShuffle(queueOf(["a", "b", "c"], 0), seq(0.2));
    s = playNext(s, toEntries(["x"]));
    s = addToQueue(s, toEntries(["z"]));
    expect(upcomingIds(s)[0]).toBe("x");
    expect(upcomingIds(s).at(-1)).toBe("z");
    const back = toggleShuffle(s);
    expect(ids(back)).toEqual(["a", "x", "b", "c", "z"]);
    expect(current(back)?.songId).toBe("a");
  });
});

describe("adding, moving, removing", () => {
  it("play next goes right after the current song", () => {
    const q = playNext(queueOf(["a", "b", "c"], 1), toEntries(["x", "y"]));
    expect(ids(q)).toEqual(["a", "b", "x", "y", "c"]);
    expect(current(q)?.songId).toBe("b");
  });

  it("add to queue goes at the end", () => {
    const q = addToQueue(queueOf(["a", "b"], 0), toEntries(["x"]));
    expect(ids(q)).toEqual(["a", "b", "x"]);
  });

  it("adding to an empty queue makes the first added song current", () => {
    expect(current(playNext(emptyQueue, toEntries(["x"])))?.songId).toBe("x");
    expect(current(addToQueue(emptyQueue, toEntries(["y"])))?.songId).toBe("y");
  });

  it("moves an upcoming song and keeps the current one current", () => {
    const q = move(queueOf(["a", "b", "c", "d"], 1), 3, 2);
    expect(ids(q)).toEqual(["a", "b", "d", "c"]);
    expect(current(q)?.songId).toBe("b");
  });

  it("moving a song across the current one shifts the index with it", () => {
    const q = move(queueOf(["a", "b", "c", "d"], 1), 0, 3);
    expect(ids(q)).toEqual(["b", "c", "d", "a"]);
    expect(current(q)?.songId).toBe("b");
    expect(q.index).toBe(0);
  });

  it("ignores moves out of range", () => {
    const q = queueOf(["a", "b"]);
    expect(move(q, 0, 5)).toBe(q);
    expect(move(q, 4, 0)).toBe(q);
  });

  it("removes before, after and at the current song", () => {
    const q = queueOf(["a", "b", "c", "d"], 2);
    const before = remove(q, 0);
    expect(ids(before)).toEqual(["b", "c", "d"]);
    expect(current(before)?.songId).toBe("c");
    const after = remove(q, 3);
    expect(current(after)?.songId).toBe("c");
    const at = remove(q, 2);
    expect(ids(at)).toEqual(["a", "b", "d"]);
    expect(current(at)?.songId).toBe("d");
  });

  it("removing the last song as current steps back; removing everything empties", () => {
    const q = queueOf(["a", "b"], 1);
    expect(current(remove(q, 1))?.songId).toBe("a");
    const empty = remove(queueOf(["a"]), 0);
    expect(empty.index).toBe(-1);
    expect(current(empty)).toBeNull();
  });

  it("removing while shuffled removes from the original order too", () => {
    const s = toggleShuffle(queueOf(["a", "b", "c"], 0), seq(0.1));
    const gone = upcoming(s)[0]!;
    const r = remove(s, 1);
    expect(r.original?.some((e) => e.key === gone.key)).toBe(false);
    expect(r.original).toHaveLength(2);
  });

  it("clear keeps what was played and the current song", () => {
    const q = clearUpcoming(queueOf(["a", "b", "c", "d"], 1));
    expect(ids(q)).toEqual(["a", "b"]);
    expect(current(q)?.songId).toBe("b");
  });
});

describe("next and previous", () => {
  it("moves on in order and stops at the end without repeat, back at the first song", () => {
    const q = queueOf(["a", "b"], 0);
    expect(nextStep(q, { auto: true })).toEqual({ index: 1, stop: false });
    expect(nextStep(jumpTo(q, 1), { auto: true })).toEqual({ index: 0, stop: true });
    expect(nextStep(jumpTo(q, 1), { auto: false })).toEqual({ index: 0, stop: true });
  });

  it("repeat all wraps around", () => {
    const q = { ...queueOf(["a", "b"], 1), repeat: "all" as const };
    expect(nextStep(q, { auto: true })).toEqual({ index: 0, stop: false });
  });

  it("repeat one plays the song again when it ends, but a skip moves on", () => {
    const q = { ...queueOf(["a", "b"], 0), repeat: "one" as const };
    expect(nextStep(q, { auto: true })).toEqual({ index: 0, stop: false });
    expect(nextStep(q, { auto: false })).toEqual({ index: 1, stop: false });
    expect(nextStep(jumpTo(q, 1), { auto: false })).toEqual({ index: 0, stop: false });
  });

  it("previous restarts the song after 3 seconds, else goes back", () => {
    const q = queueOf(["a", "b", "c"], 1);
    expect(previousStep(q, 12)).toEqual({ index: 1, stop: false });
    expect(previousStep(q, 2)).toEqual({ index: 0, stop: false });
  });

  it("previous at the first song restarts it, or wraps with repeat all", () => {
    const q = queueOf(["a", "b", "c"], 0);
    expect(previousStep(q, 0)).toEqual({ index: 0, stop: false });
    expect(previousStep({ ...q, repeat: "all" }, 0)).toEqual({ index: 2, stop: false });
  });

  it("has nowhere to go in an empty queue", () => {
    expect(nextStep(emptyQueue, { auto: false })).toBeNull();
    expect(previousStep(emptyQueue, 0)).toBeNull();
  });

  it("cycles repeat off → all → one → off", () => {
    let q = emptyQueue;
    const seen = [];
    for (let i = 0; i < 4; i++) {
      q = cycleRepeat(q);
      seen.push(q.repeat);
    }
    expect(seen).toEqual(["all", "one", "off", "all"]);
  });
});
