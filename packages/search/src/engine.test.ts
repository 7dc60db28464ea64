import { describe, expect, it } from "vitest";
import { normalizeQuery, QUERY_MAX, type Suggestion, tidyQuery } from "./engine.js";
import { letterSwaps, pickSuggestions, queryWords } from "./postgres.js";

describe("normalizeQuery", () => {
  it("folds case, accents and spacing, so one query is one key", () => {
    expect(normalizeQuery("  Björk   Sigur\tRós \n")).toBe("bjork sigur ros");
    expect(normalizeQuery("BJÖRK")).toBe(normalizeQuery("bjork"));
    expect(normalizeQuery("Mø Æther Straße Łódź Øresund İstanbul")).toBe(
      "mo aether strasse lodz oresund istanbul",
    );
    expect(normalizeQuery("ﬁre ２０２４")).toBe("fire 2024");
  });

  it("turns control characters (NUL included, which PostgreSQL text refuses) into spaces", () => {
    expect(normalizeQuery("hey\u0000jude\u0007")).toBe("hey jude");
    expect(tidyQuery(" Hey\u0000 Jude ")).toBe("Hey Jude");
  });

  it("cuts a long query at QUERY_MAX characters without splitting one", () => {
    expect(normalizeQuery("a".repeat(500))).toHaveLength(QUERY_MAX);
    const emoji = "🎵".repeat(300);
    const cut = normalizeQuery(emoji);
    expect([...cut]).toHaveLength(QUERY_MAX);
    expect(cut).toBe("🎵".repeat(QUERY_MAX));
    expect(tidyQuery(`Hey Jude ${"x".repeat(500)}`)).toHaveLength(QUERY_MAX);
  });

  it("leaves nothing of an empty or blank query", () => {
    expect(normalizeQuery("")).toBe("");
    expect(normalizeQuery(" \t\n ")).toBe("");
  });
});

describe("query words", () => {
  it("are runs of letters and digits: tsquery syntax never survives", () => {
    expect(queryWords(`hey & jude | !(let):* 'it' \\be <-> 1969`)).toEqual([
      "hey",
      "jude",
      "let",
      "it",
      "be",
      "1969",
    ]);
    expect(queryWords("&|!():*'\\<->")).toEqual([]);
    expect(queryWords("日本 кино")).toEqual(["日本", "кино"]);
    expect(queryWords(Array.from({ length: 30 }, (_, i) => `w${i}`).join(" "))).toHaveLength(10);
  });

  it("swap neighbouring letters, the typo trigrams cannot see", () => {
    expect(letterSwaps("hte")).toEqual(["the", "het"]);
    expect(letterSwaps("aa")).toEqual([]);
    expect(letterSwaps("a")).toEqual([]);
  });
});

describe("pickSuggestions", () => {
  const rows = (type: Suggestion["type"], n: number): Suggestion[] =>
    Array.from({ length: n }, (_, i) => ({ type, id: `${type}${i}`, text: `${type} ${i}`, detail: null }));

  it("gives artists and albums a third each and songs the rest, in that order", () => {
    const picked = pickSuggestions([...rows("song", 8), ...rows("album", 8), ...rows("artist", 8)], 8);
    expect(picked.map((s) => s.id)).toEqual([
      "artist0",
      "artist1",
      "artist2",
      "album0",
      "album1",
      "album2",
      "song0",
      "song1",
    ]);
  });

  it("lets the other kinds fill the places one kind cannot", () => {
    expect(pickSuggestions([...rows("artist", 8), ...rows("album", 1)], 8).map((s) => s.id)).toEqual([
      "artist0",
      "artist1",
      "artist2",
      "artist3",
      "artist4",
      "artist5",
      "artist6",
      "album0",
    ]);
    expect(pickSuggestions(rows("song", 3), 8)).toHaveLength(3);
    expect(pickSuggestions([], 8)).toEqual([]);
  });
});
