import { createServer } from "node:net";
import { createDb, type Db, migrateToLatest } from "@chorus/db";
import { createTestDatabase, type TestDatabase } from "@chorus/test-utils";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { NO_HITS, type SearchEngine, type SearchHits } from "./engine.js";
import { type SearchState, withFallback } from "./fallback.js";
import { createMeiliSearch } from "./meili.js";
import { createPostgresSearch } from "./postgres.js";
import { type Fixtures, seedCatalog } from "./test-catalog.js";

// The fallback side is the real PostgreSQL engine on a real database; only the primary is made up
// (a Meilisearch that throws, hangs or comes back), plus one real Meilisearch client pointed at a
// port where nothing listens.

let database: TestDatabase;
let db: Db;
let postgres: SearchEngine;
let f: Fixtures;

beforeAll(async () => {
  database = await createTestDatabase("search_fallback");
  db = createDb({ connectionString: database.url, maxConnections: 4 });
  await migrateToLatest(db);
  f = await seedCatalog(db, { songs: 300 });
  postgres = createPostgresSearch(db);
});

afterAll(async () => {
  await db?.destroy();
  await database?.drop();
});

const request = { q: "hey jude", types: ["songs", "artists"] as const, limit: 5 };
const ask = () => ({ ...request, types: [...request.types] });

/** A primary whose behaviour the test switches: answering, failing, or never answering. */
function fakePrimary() {
  const sentinel: SearchHits = { ...NO_HITS, songs: ["from-primary"] };
  const primary = {
    kind: "meilisearch" as const,
    mode: "fail" as "ok" | "fail" | "hang",
    healthy: false,
    searches: 0,
    async search() {
      primary.searches++;
      if (primary.mode === "fail") throw new Error("connect ECONNREFUSED 127.0.0.1:7700");
      if (primary.mode === "hang") return new Promise<SearchHits>(() => {});
      return sentinel;
    },
    async autocomplete() {
      if (primary.mode !== "ok") throw new Error("connect ECONNREFUSED 127.0.0.1:7700");
      return [];
    },
    async health() {
      if (!primary.healthy) throw new Error("connect ECONNREFUSED 127.0.0.1:7700");
    },
  };
  return { primary, sentinel };
}

const logger = () => ({ info: vi.fn(), warn: vi.fn() });

describe("withFallback", () => {
  it("answers from PostgreSQL when the primary fails, and says so once", async () => {
    const { primary } = fakePrimary();
    const log = logger();
    const states: SearchState[] = [];
    const search = withFallback(primary, postgres, { log, onState: (s) => states.push(s), probeMs: 60_000 });
    try {
      expect(search.state()).toEqual({ engine: "meilisearch", degraded: false, reason: null });
      const expected = await postgres.search(ask());
      expect(expected.songs[0]).toBe(f.songs.heyJude);

      expect(await search.search(ask())).toEqual(expected);
      expect(await search.search(ask())).toEqual(expected);
      expect((await search.autocomplete("hey j", 5)).map((s) => s.id)).toContain(f.songs.heyJude);

      expect(search.state()).toEqual({
        engine: "postgres",
        degraded: true,
        reason: "connect ECONNREFUSED 127.0.0.1:7700",
      });
      expect(search.kind).toBe("postgres");
      expect(states).toEqual([search.state()]);
      expect(log.warn).toHaveBeenCalledTimes(1);
      expect(log.warn.mock.calls[0]?.[1]).toMatch(/meilisearch search failed: answering from postgres/);
      // Once degraded it does not try the primary on every call: the probe does that.
      expect(primary.searches).toBe(1);
    } finally {
      search.close();
    }
  });

  it("does not wait for a primary that does not answer", async () => {
    const { primary } = fakePrimary();
    primary.mode = "hang";
    const search = withFallback(primary, postgres, { timeoutMs: 100, probeMs: 60_000 });
    try {
      const started = performance.now();
      const hits = await search.search(ask());
      expect(performance.now() - started).toBeLessThan(1_000);
      expect(hits.songs[0]).toBe(f.songs.heyJude);
      expect(search.state()).toMatchObject({ degraded: true, reason: "no answer within 100 ms" });
    } finally {
      search.close();
    }
  });

  it("probes the primary's health and goes back to it when it recovers", async () => {
    const { primary, sentinel } = fakePrimary();
    const log = logger();
    const states: SearchState[] = [];
    const search = withFallback(primary, postgres, { log, onState: (s) => states.push(s), probeMs: 20 });
    try {
      await search.search(ask());
      expect(search.state().degraded).toBe(true);
      await new Promise((r) => setTimeout(r, 100));
      expect(search.state().degraded).toBe(true);

      primary.healthy = true;
      primary.mode = "ok";
      await vi.waitFor(() =>
        expect(search.state()).toEqual({ engine: "meilisearch", degraded: false, reason: null }),
      );
      expect(await search.search(ask())).toEqual(sentinel);
      expect(log.info).toHaveBeenCalledTimes(1);
      expect(log.info.mock.calls[0]?.[1]).toBe("meilisearch search is healthy again");
      expect(states.map((s) => s.degraded)).toEqual([true, false]);
    } finally {
      search.close();
    }
  });

  it("check() asks the primary's health at once, e.g. at start-up", async () => {
    const { primary } = fakePrimary();
    const search = withFallback(primary, postgres, { probeMs: 60_000 });
    try {
      expect(await search.check()).toMatchObject({ engine: "postgres", degraded: true });
      primary.healthy = true;
      expect(await search.check()).toEqual({ engine: "meilisearch", degraded: false, reason: null });
      expect(await search.check()).toEqual({ engine: "meilisearch", degraded: false, reason: null });
    } finally {
      search.close();
    }
  });

  it("falls back from the real Meilisearch client when nothing listens at MEILI_URL", async () => {
    const port = await closedPort();
    const meili = createMeiliSearch({ url: `http://127.0.0.1:${port}`, apiKey: "x".repeat(16) });
    await expect(meili.health()).rejects.toThrow();
    const search = withFallback(meili, postgres, { probeMs: 60_000 });
    try {
      const hits = await search.search(ask());
      expect(hits.songs[0]).toBe(f.songs.heyJude);
      expect(hits.artists).toEqual([]);
      expect(search.state()).toMatchObject({ engine: "postgres", degraded: true });
      expect(search.state().reason).toMatch(/multi-search has failed: fetch failed: connect ECONNREFUSED/);
    } finally {
      search.close();
    }
  });
});

/** A local port where nothing listens (connections are refused at once). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (typeof address !== "object" || !address) throw new Error("no port");
  return address.port;
}
