import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiTestEnv, createApiTestEnv, failure } from "../../test-support.js";
import { isSkip } from "./player.service.js";

let env: ApiTestEnv;
let songs: string[];
let short: string | undefined;

beforeAll(async () => {
  env = await createApiTestEnv("player");
  songs = await env.seedSongs(3, { artist: "History", durationMs: 200_000 });
  [short] = await env.seedSongs(1, { artist: "History", durationMs: 20_000 });
});
afterAll(async () => {
  await env?.close();
});

describe("the 30-second rule", () => {
  it("counts a short play as a skip unless the song is shorter", () => {
    expect(isSkip(29_000, 200_000, false)).toBe(true);
    expect(isSkip(30_000, 200_000, false)).toBe(false);
    expect(isSkip(19_000, 20_000, false)).toBe(false);
    expect(isSkip(5_000, 20_000, false)).toBe(true);
    expect(isSkip(120_000, 200_000, true)).toBe(true);
  });
});

describe("listening history", () => {
  it("records plays and lists them newest first, page by page", async () => {
    const ann = await env.signIn("Ann");
    const base = Date.now() - 60_000;
    for (let i = 0; i < 7; i++) {
      await ann.api.player.recordPlay({
        songId: songs[i % 3]!,
        playedMs: 60_000,
        context: { type: "album", id: "x" },
        playedAt: new Date(base + i * 1000),
      });
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<typeof ann.api.player.recentlyPlayed>> =
        await ann.api.player.recentlyPlayed({
          limit: 3,
          cursor,
        });
      seen.push(...page.items.map((p) => p.playedAt.toISOString()));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual([6, 5, 4, 3, 2, 1, 0].map((i) => new Date(base + i * 1000).toISOString()));
    const first = (await ann.api.player.recentlyPlayed({ limit: 1 })).items[0]!;
    expect(first).toMatchObject({
      song: { id: songs[0] },
      playedMs: 60_000,
      skipped: false,
      context: { type: "album", id: "x" },
    });
    await expect((await env.signIn("Bob")).api.player.recentlyPlayed({})).resolves.toMatchObject({
      items: [],
    });
  });

  it("applies the skip rule, counts popular plays once, and stores a retried report once", async () => {
    const ann = await env.signIn("Ann");
    const count = async (id: string) =>
      (await env.db.selectFrom("songs").select("play_count").where("id", "=", id).executeTakeFirstOrThrow())
        .play_count;
    const before = await count(songs[1]!);
    expect(await ann.api.player.recordPlay({ songId: songs[1]!, playedMs: 4_000 })).toMatchObject({
      recorded: true,
      skipped: true,
    });
    expect(await ann.api.player.recordPlay({ songId: short!, playedMs: 19_500 })).toMatchObject({
      skipped: false,
    });
    const id = randomUUID();
    const playedAt = new Date(Date.now() - 3_600_000);
    const report = { id, songId: songs[1]!, playedMs: 150_000, playedAt };
    expect(await ann.api.player.recordPlay(report)).toMatchObject({ recorded: true, reason: null });
    expect(await ann.api.player.recordPlay(report)).toMatchObject({
      reason: "This play was already recorded.",
    });
    expect(await count(songs[1]!)).toBe(before + 1);
    const history = await ann.api.player.recentlyPlayed({});
    expect(history.items.filter((p) => p.id === id)).toHaveLength(1);
  });

  it("records nothing during a private session, and refuses bad reports", async () => {
    const ann = await env.signIn("Ann");
    await ann.api.user.updateSettings({ privateSession: true });
    expect(await ann.api.player.recordPlay({ songId: songs[0]!, playedMs: 90_000 })).toEqual({
      recorded: false,
      skipped: false,
      reason: "Private session is on: this play was not added to your history.",
    });
    await ann.api.user.updateSettings({ privateSession: false });
    expect((await ann.api.player.recentlyPlayed({})).items).toEqual([]);

    expect((await failure(ann.api.player.recordPlay({ songId: songs[0]!, playedMs: -1 }))).message).toBe(
      "playedMs cannot be negative",
    );
    expect(
      (
        await failure(
          ann.api.player.recordPlay({
            songId: songs[0]!,
            playedMs: 1,
            playedAt: new Date(Date.now() + 3_600_000),
          }),
        )
      ).message,
    ).toBe("playedAt is in the future: check the device's clock.");
    expect((await failure(ann.api.player.recordPlay({ songId: randomUUID(), playedMs: 1 }))).message).toBe(
      "This song was not found",
    );
    expect((await ann.api.player.recentlyPlayed({})).items).toEqual([]);
  });
});
