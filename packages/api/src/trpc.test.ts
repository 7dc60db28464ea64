import superjson from "superjson";
import { describe, expect, it } from "vitest";
import { immutable, isImmutable, transformer } from "./trpc.js";

describe("the wire transformer", () => {
  const answer = () => ({
    query: "bjork",
    songs: [{ id: "1", createdAt: new Date("2026-11-26T07:00:00Z") }],
  });

  it("writes exactly what superjson writes, marked or not", () => {
    expect(transformer.serialize(answer())).toEqual(superjson.serialize(answer()));
    expect(transformer.serialize(immutable(answer()))).toEqual(superjson.serialize(answer()));
    expect(transformer.deserialize(transformer.serialize(immutable(answer())))).toEqual(answer());
    expect(transformer.serialize(null)).toEqual(superjson.serialize(null));
    expect(transformer.serialize("text")).toEqual(superjson.serialize("text"));
  });

  it("marks values immutable, and serializes them as any other", () => {
    const kept = immutable(answer());
    expect(isImmutable(kept)).toBe(true);
    expect(isImmutable(answer())).toBe(false);
    expect(transformer.serialize(kept)).toEqual(superjson.serialize(answer()));
  });
});

describe("the wire transformer's plain-JSON path", () => {
  const shared = { id: "a", name: "Björk" };
  const withNullProto = Object.assign(Object.create(null), { a: 1, b: ["x"] });
  const cases: Array<[string, () => unknown]> = [
    [
      "plain answer",
      () => ({ query: "q", songs: [{ id: "1", n: 2.5, ok: true, none: null, list: [1, [2, "3"]] }] }),
    ],
    ["empty things", () => ({ a: {}, b: [], c: "" })],
    ["a Date", () => ({ at: new Date("2026-11-26T07:00:00Z") })],
    [
      "Dates deep in arrays and objects",
      () => ({
        query: "q",
        songs: [0, 1, 2].map((i) => ({
          id: String(i),
          createdAt: new Date(i * 1000),
          album: { at: new Date(5) },
        })),
        at: new Date(7),
        nested: [[new Date(8)], { list: [new Date(9), "x"] }],
      }),
    ],
    [
      "Dates under keys with dots and backslashes",
      () => ({ "a.b": { "c\\d": new Date(0), "e.f\\.g": [new Date(1)] } }),
    ],
    [
      "the same Date twice",
      () => {
        const at = new Date(0);
        return { a: at, b: at };
      },
    ],
    ["an invalid Date", () => ({ at: new Date(Number.NaN) })],
    ["a Date alone", () => new Date(0)],
    ["Dates in an array alone", () => [new Date(0), new Date(1)]],
    [
      "a Date in a null-prototype object",
      () => ({ o: Object.assign(Object.create(null), { at: new Date(3) }) }),
    ],
    ["a Date beside undefined", () => ({ at: new Date(3), gone: undefined })],
    ["undefined in an object", () => ({ a: undefined, b: 1 })],
    ["undefined in an array", () => [1, undefined]],
    [
      "a hole in an array",
      () => {
        const holey = [1];
        holey[2] = 3;
        return holey;
      },
    ],
    ["-0", () => ({ n: -0 })],
    ["NaN and Infinity", () => [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]],
    ["a bigint", () => ({ n: 10n })],
    ["a Map and a Set", () => ({ m: new Map([["a", 1]]), s: new Set([1]) })],
    ["an object twice", () => ({ first: shared, second: shared })],
    [
      "one owner of several playlists",
      () => {
        const owner = { id: "u1", name: "Dee" };
        return { playlists: [1, 2, 3].map((i) => ({ id: String(i), owner, at: new Date(i) })) };
      },
    ],
    [
      "two shared objects, met again in the other order, at several depths",
      () => {
        const a = { a: 1 };
        const b = { b: [1, 2] };
        return { x: [a, b], deep: { y: { z: b } }, w: a, v: [[a]], list: b.b, again: b.b };
      },
    ],
    [
      "a shared object holding a Date",
      () => {
        const dated = { at: new Date(0) };
        return { one: dated, two: [dated] };
      },
    ],
    [
      "a shared object under a key with a dot",
      () => {
        const o = { k: "v" };
        return { "a.b": o, c: { "d.e": o } };
      },
    ],
    [
      "a cycle",
      () => {
        const o: Record<string, unknown> = { a: 1 };
        o.self = o;
        return { o };
      },
    ],
    ["an object twice in an array", () => [shared, shared]],
    ["a null-prototype object", () => ({ o: withNullProto })],
    ["a class instance", () => ({ e: new Error("boom") })],
    ["a RegExp", () => ({ r: /a+/g })],
    ["keys with dots", () => ({ "a.b": { "c.d": new Date(0) }, "e.f": 1 })],
    ["top-level primitives", () => 42],
    ["a string", () => "text"],
    ["null", () => null],
    ["undefined", () => undefined],
  ];

  it.each(cases)("writes what superjson writes: %s", (_name, make) => {
    expect(JSON.stringify(transformer.serialize(make()))).toBe(JSON.stringify(superjson.serialize(make())));
    expect(
      transformer.deserialize(JSON.parse(JSON.stringify(transformer.serialize(make()) ?? null))),
    ).toEqual(superjson.deserialize(JSON.parse(JSON.stringify(superjson.serialize(make()) ?? null))));
  });

  it("hands plain JSON over as it is, without superjson's walk", () => {
    const plain = { query: "q", songs: [{ id: "1" }] };
    expect(transformer.serialize(plain).json).toBe(plain);
    // Shared objects: noted, as superjson notes them, still without its walk.
    const owner = { id: "u1" };
    const shared = { playlists: [{ owner }, { owner }] };
    expect(transformer.serialize(shared)).toEqual({
      json: shared,
      meta: { referentialEqualities: { "playlists.0.owner": ["playlists.1.owner"] }, v: 1 },
    });
    expect(transformer.serialize(shared).json).toBe(shared);
    // With Dates: a copy, the original untouched.
    const dated = { at: new Date(0) };
    expect(transformer.serialize(dated)).toEqual({
      json: { at: "1970-01-01T00:00:00.000Z" },
      meta: { values: { at: ["Date"] }, v: 1 },
    });
    expect(dated.at).toBeInstanceOf(Date);
  });

  it("refuses what superjson refuses", () => {
    const polluted = JSON.parse('{"a":{"__proto__":{"x":1}}}');
    expect(() => superjson.serialize(polluted)).toThrow(/prototype pollution/);
    expect(() => transformer.serialize(polluted)).toThrow(/prototype pollution/);
  });
});
