import { TRPCClientError } from "@trpc/client";
import { describe, expect, it } from "vitest";
import {
  backoffMs,
  due,
  enqueue,
  failed,
  nextRetryAt,
  OUTBOX_MAX,
  OUTBOX_MAX_AGE_MS,
  type PendingPlay,
  parseOutbox,
  remove,
  retryNow,
  uuid,
} from "./play-outbox";
import { verdictOf } from "./play-reporter";

const DAY = 86_400_000;
const now = 100 * DAY;

function play(id: string, over: Partial<PendingPlay> = {}): PendingPlay {
  return {
    id,
    userId: "ann",
    songId: `song-${id}`,
    playedMs: 60_000,
    skipped: false,
    context: { type: "album", id: "a1" },
    playedAt: now - 1000,
    attempts: 0,
    retryAt: now - 1000,
    ...over,
  };
}

describe("the outbox of plays", () => {
  it("sends the oldest first, only the signed-in person's, only once due", () => {
    const list = [
      play("b", { playedAt: now - 500 }),
      play("a", { playedAt: now - 5000 }),
      play("bob", { userId: "bob" }),
      play("later", { retryAt: now + 60_000 }),
    ];
    expect(due(list, "ann", now).map((p) => p.id)).toEqual(["a", "b"]);
    expect(due(list, "bob", now).map((p) => p.id)).toEqual(["bob"]);
  });

  it("backs off after each failure, or waits as long as the server asked", () => {
    const mid = () => 0.5;
    let list = failed([play("a")], "a", now, null, mid);
    expect(list[0]!.attempts).toBe(1);
    expect(list[0]!.retryAt).toBe(now + 5_000);
    list = failed(list, "a", now, null, mid);
    expect(list[0]!.retryAt).toBe(now + 10_000);
    expect(failed(list, "a", now, 42_000)[0]!.retryAt).toBe(now + 42_000);
    expect(due(list, "ann", now)).toEqual([]);
    expect(nextRetryAt(list, "ann", now)).toBe(now + 10_000);
    // Back online: everything goes now.
    expect(due(retryNow(list, now), "ann", now).map((p) => p.id)).toEqual(["a"]);
  });

  it("never waits more than half an hour, and jitters", () => {
    expect(backoffMs(1, () => 0.5)).toBe(5_000);
    expect(backoffMs(30, () => 0.5)).toBe(30 * 60_000);
    expect(backoffMs(1, () => 0)).toBe(4_000);
    expect(backoffMs(1, () => 0.999)).toBeLessThanOrEqual(6_000);
  });

  it("keeps the newest plays when it overflows, and drops what the server would refuse as too old", () => {
    let list: PendingPlay[] = [play("old", { playedAt: now - OUTBOX_MAX_AGE_MS - 1 })];
    for (let i = 0; i < OUTBOX_MAX + 5; i++)
      list = enqueue(list, play(`p${i}`, { playedAt: now - 10_000 + i }), now);
    expect(list).toHaveLength(OUTBOX_MAX);
    expect(list.some((p) => p.id === "old")).toBe(false);
    expect(list[0]!.id).toBe("p5");
    expect(list.at(-1)!.id).toBe(`p${OUTBOX_MAX + 4}`);
  });

  it("adds the same play once (a retry that raced a send)", () => {
    const list = enqueue(enqueue([], play("a"), now), play("a"), now);
    expect(list).toHaveLength(1);
    expect(remove(list, "a")).toEqual([]);
  });

  it("survives a reload and ignores what it cannot read", () => {
    const list = [play("a"), play("b", { context: null })];
    expect(parseOutbox(JSON.stringify(list))).toEqual(list);
    expect(parseOutbox(JSON.stringify([{ id: "x" }, play("c"), 7, null]))).toEqual([play("c")]);
    expect(parseOutbox("{not json")).toEqual([]);
    expect(parseOutbox(null)).toEqual([]);
  });

  it("makes version 4 UUIDs, also where crypto.randomUUID is missing (plain http)", () => {
    const id = uuid(new Uint8Array(16).fill(0xff));
    expect(id).toBe("ffffffff-ffff-4fff-bfff-ffffffffffff");
    expect(uuid()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(uuid()).not.toBe(uuid());
  });
});

describe("which failures are worth another try", () => {
  const refused = (code: string, extra: object = {}) =>
    new TRPCClientError("no", { result: { error: { code: -1, message: "no", data: { code, ...extra } } } });

  it("retries a dropped connection, a server error, a rate limit", () => {
    expect(verdictOf(new TypeError("Failed to fetch"))).toEqual({ retry: true, afterMs: null });
    expect(verdictOf(refused("INTERNAL_SERVER_ERROR"))).toEqual({ retry: true, afterMs: null });
    expect(verdictOf(refused("TOO_MANY_REQUESTS", { retryAfterSeconds: 12.2 }))).toEqual({
      retry: true,
      afterMs: 13_000,
    });
    expect(verdictOf(refused("UNAUTHORIZED"))).toEqual({ retry: true, afterMs: null });
  });

  it("gives up on a play the server will never take", () => {
    expect(verdictOf(refused("BAD_REQUEST"))).toEqual({ retry: false });
    expect(verdictOf(refused("NOT_FOUND"))).toEqual({ retry: false });
  });
});
