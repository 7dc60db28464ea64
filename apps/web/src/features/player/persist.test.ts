import { describe, expect, it } from "vitest";
import { parseSaved, restoreQueue, toSaved } from "./persist";
import { current, emptyQueue, jumpTo, type QueueState, setQueue, toEntries, toggleShuffle } from "./queue";

function roundTrip(queue: QueueState, positionMs = 0, known: (id: string) => boolean = () => true) {
  const json = JSON.stringify(toSaved({ queue, positionMs, volume: 0.6, muted: false }));
  const saved = parseSaved(json);
  if (!saved) throw new Error("nothing parsed");
  return { saved, ...restoreQueue(saved, known) };
}

const ids = (q: QueueState) => q.entries.map((e) => e.songId);

describe("saving and restoring the player", () => {
  it("keeps the queue, the current song, the position, repeat and volume", () => {
    const q = { ...setQueue(emptyQueue, toEntries(["a", "b", "c"]), 1, false), repeat: "one" as const };
    const { saved, queue, positionMs } = roundTrip(q, 42_500);
    expect(ids(queue)).toEqual(["a", "b", "c"]);
    expect(current(queue)?.songId).toBe("b");
    expect(queue.repeat).toBe("one");
    expect(queue.original).toBeNull();
    expect(positionMs).toBe(42_500);
    expect(saved.volume).toBe(0.6);
  });

  it("keeps what the queue was started from", () => {
    const queue = setQueue(emptyQueue, toEntries(["a"]), 0, false);
    const json = JSON.stringify(
      toSaved({ queue, positionMs: 0, volume: 1, muted: false, source: "playlist:p1" }),
    );
    expect(parseSaved(json)?.source).toBe("playlist:p1");
    expect(parseSaved(JSON.stringify({ v: 1, ids: [], source: 42 }))?.source).toBeNull();
  });

  it("keeps a shuffled order and the original one, with the same song twice", () => {
    let q = setQueue(emptyQueue, toEntries(["a", "b", "a", "c", "d"]), 0, false);
    q = jumpTo(
      toggleShuffle(q, () => 0.3),
      2,
    );
    const { queue } = roundTrip(q);
    expect(ids(queue)).toEqual(ids(q));
    expect(queue.original?.map((e) => e.songId)).toEqual(["a", "b", "a", "c", "d"]);
    expect(queue.index).toBe(2);
    // Turning shuffle off after the reload still finds the current entry in the original order.
    const unshuffled = toggleShuffle(queue);
    expect(current(unshuffled)?.songId).toBe(current(q)?.songId);
  });

  it("remembers shuffle on with nothing queued", () => {
    const { queue } = roundTrip(toggleShuffle(emptyQueue));
    expect(queue.original).toEqual([]);
    expect(queue.index).toBe(-1);
  });

  it("drops songs that no longer exist and moves on when the current one is gone", () => {
    const q = setQueue(emptyQueue, toEntries(["a", "b", "c", "d"]), 1, false);
    const { queue, positionMs } = roundTrip(q, 30_000, (id) => id !== "b");
    expect(ids(queue)).toEqual(["a", "c", "d"]);
    expect(current(queue)?.songId).toBe("c");
    expect(positionMs).toBe(0);
  });

  it("keeps the position when the current song survives", () => {
    const q = setQueue(emptyQueue, toEntries(["a", "b", "c"]), 2, false);
    const { queue, positionMs } = roundTrip(q, 5_000, (id) => id !== "a");
    expect(current(queue)?.songId).toBe("c");
    expect(positionMs).toBe(5_000);
  });

  it("ends up empty when nothing survives", () => {
    const q = setQueue(emptyQueue, toEntries(["a"]), 0, false);
    const { queue } = roundTrip(q, 0, () => false);
    expect(queue.entries).toEqual([]);
    expect(queue.index).toBe(-1);
  });

  it("never stores a stream URL", () => {
    const q = setQueue(emptyQueue, toEntries(["a"]), 0, false);
    const json = JSON.stringify(toSaved({ queue: q, positionMs: 0, volume: 1, muted: false }));
    expect(json).not.toMatch(/http|stream/i);
  });

  it("ignores junk and other versions", () => {
    expect(parseSaved(null)).toBeNull();
    expect(parseSaved("not json")).toBeNull();
    expect(parseSaved(JSON.stringify({ v: 2, ids: [] }))).toBeNull();
    expect(parseSaved(JSON.stringify({ v: 1, ids: [1, 2] }))).toBeNull();
  });

  it("repairs values out of range", () => {
    const saved = parseSaved(
      JSON.stringify({
        v: 1,
        ids: ["a", "b"],
        order: [0, 0],
        index: 9,
        positionMs: -5,
        repeat: "x",
        volume: 7,
      }),
    );
    expect(saved).toMatchObject({
      order: null,
      index: 1,
      positionMs: 0,
      repeat: "off",
      volume: 1,
      muted: false,
    });
  });
});
