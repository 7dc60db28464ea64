import superjson from "superjson";
import { describe, expect, it } from "vitest";
import { immutable, transformer } from "./trpc.js";

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

  it("serializes a value marked immutable once, and any other value every time", () => {
    const kept = immutable(answer());
    expect(transformer.serialize(kept)).toBe(transformer.serialize(kept));
    const plain = answer();
    const first = transformer.serialize(plain);
    plain.query = "sigur ros";
    expect(transformer.serialize(plain)).not.toEqual(first);
  });
});
