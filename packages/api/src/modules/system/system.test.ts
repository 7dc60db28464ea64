import type { Db } from "@chorus/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createContextInner } from "../../context.js";
import { createCaller } from "../../root.js";
import { type ApiTestEnv, createApiTestEnv } from "../../test-support.js";

let env: ApiTestEnv;
let db: Db;
const startedAt = new Date(Date.now() - 5_000);

beforeAll(async () => {
  env = await createApiTestEnv("system");
  db = env.db;
});

afterAll(async () => {
  await env?.close();
});

function caller() {
  return createCaller(createContextInner({ ...env.deps, version: "9.9.9", startedAt }));
}

describe("system.info", () => {
  it("reports the version, backends and what the library holds", async () => {
    const empty = await caller().system.info();
    expect(empty).toMatchObject({
      name: "Chorus",
      version: "9.9.9",
      library: { songs: 0, albums: 0, artists: 0 },
    });
    expect(empty.startedAt).toEqual(startedAt);

    const artist = await db
      .insertInto("artists")
      .values({ name: "Alice Coltrane" })
      .returning("id")
      .executeTakeFirstOrThrow();
    const album = await db
      .insertInto("albums")
      .values({ title: "Journey in Satchidananda", artist_id: artist.id })
      .returning("id")
      .executeTakeFirstOrThrow();
    await db
      .insertInto("songs")
      .values([
        { title: "Shiva-Loka", album_id: album.id, duration_ms: 400_000 },
        { title: "Isis and Osiris", album_id: album.id, duration_ms: 700_000 },
      ])
      .execute();
    const info = await caller().system.info();
    expect(info.library).toEqual({ songs: 2, albums: 1, artists: 1 });
  });
});

describe("system.clock", () => {
  it("yields the server time at the asked interval until the client stops", async () => {
    const stream = await caller().system.clock({ intervalMs: 100 });
    const ticks: { serverTime: Date; uptimeMs: number }[] = [];
    for await (const tick of stream) {
      ticks.push(tick);
      if (ticks.length === 3) break;
    }
    expect(ticks).toHaveLength(3);
    expect(ticks[0]!.uptimeMs).toBeGreaterThanOrEqual(5_000);
    const gap = ticks[2]!.serverTime.getTime() - ticks[0]!.serverTime.getTime();
    expect(gap).toBeGreaterThanOrEqual(180);
  });

  it("refuses an interval out of range with a message that says why", async () => {
    await expect(caller().system.clock({ intervalMs: 1 })).rejects.toThrow("intervalMs must be at least 100");
  });
});
