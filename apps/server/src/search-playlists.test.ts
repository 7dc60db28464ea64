import path from "node:path";
import { readOutbox } from "@chorus/mail";
import type { IndexedSearch } from "@chorus/search";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./test-server.js";

// Public playlists are searched in each server's process, from a list kept in the cache under the tag
// every public playlist change moves (decision 012). Two servers share a database and Redis: what one
// changes, its own search shows at once, and the other's as soon as the tag's new version reaches it
// (Redis pub/sub, decision 006), as for every other cached answer.

let one: TestServer;
let two: TestServer;

beforeAll(async () => {
  one = await startTestServer("search_playlists", { listen: false });
  two = await startTestServer("search_playlists", { listen: false, sharing: one });
});

afterAll(async () => {
  await two?.close();
  await one?.close();
});

type Answer = { result?: { data: { json: Record<string, unknown> } }; error?: { json: { message: string } } };

const mutate = async (server: TestServer, name: string, input: unknown, token?: string) => {
  const res = await server.app.inject({
    method: "POST",
    url: `/trpc/${name}`,
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    payload: JSON.stringify({ json: input }),
  });
  const answer = res.json() as Answer;
  if (!answer.result) throw new Error(`${name}: ${answer.error?.json.message}`);
  return answer.result.data.json;
};

/** The public playlists `search.query` finds on a server, by name. */
const playlistsFound = async (server: TestServer, q: string): Promise<string[]> => {
  // The index answers (not its PostgreSQL stand-in) once it is current.
  await (server.services.search as IndexedSearch).current();
  const res = await server.app.inject(
    `/trpc/search.query?input=${encodeURIComponent(JSON.stringify({ json: { q } }))}`,
  );
  const answer = res.json() as Answer;
  return (answer.result!.data.json.playlists as { name: string }[]).map((p) => p.name);
};

async function signIn(server: TestServer): Promise<string> {
  const email = `lists-${Date.now()}@example.com`;
  await mutate(server, "auth.signup", { email, password: "a listener's passphrase" });
  let code: string | null = null;
  for (let i = 0; i < 50 && !code; i++) {
    code = (await readOutbox(path.join(server.dataDir, "outbox"))).find((m) => m.to === email)?.code ?? null;
    if (!code) await new Promise((r) => setTimeout(r, 50));
  }
  return (await mutate(server, "auth.verifyEmail", { email, code })).accessToken as string;
}

describe("public playlists in search, across servers", () => {
  it("shows each change made on one server in both servers' search", async () => {
    const { db } = one.services;
    const { id: albumId } = await db
      .insertInto("albums")
      .values({ title: "Coastal Drives" })
      .returning("id")
      .executeTakeFirstOrThrow();
    const { id: songId } = await db
      .insertInto("songs")
      .values({ title: "Harbour Lights", album_id: albumId, track_number: 1, duration_ms: 200_000 })
      .returning("id")
      .executeTakeFirstOrThrow();
    const token = await signIn(one);
    const playlist = await mutate(one, "playlist.create", { name: "Sunday Drive Tunes" }, token);
    const id = playlist.id as string;
    await mutate(one, "playlist.addSongs", { playlistId: id, songIds: [songId] }, token);

    // Private: nobody's search finds it. Both servers have asked, so both have cached answers.
    expect(await playlistsFound(one, "sunday drive")).toEqual([]);
    await expect.poll(() => playlistsFound(two, "sunday drive")).toEqual([]);

    await mutate(one, "playlist.update", { id, isPublic: true }, token);
    expect(await playlistsFound(one, "sunday drive")).toEqual(["Sunday Drive Tunes"]);
    await expect.poll(() => playlistsFound(two, "sunday drive")).toEqual(["Sunday Drive Tunes"]);
    await expect.poll(() => playlistsFound(two, "sundya drive tunse")).toEqual(["Sunday Drive Tunes"]);

    await mutate(one, "playlist.update", { id, name: "Monday Commute" }, token);
    await expect.poll(() => playlistsFound(two, "sunday drive")).toEqual([]);
    await expect.poll(() => playlistsFound(two, "monday commute")).toEqual(["Monday Commute"]);

    // Empty public playlists are not listed.
    await mutate(one, "playlist.removeSong", { playlistId: id, position: 0 }, token);
    expect(await playlistsFound(one, "monday commute")).toEqual([]);
    await expect.poll(() => playlistsFound(two, "monday commute")).toEqual([]);
    await mutate(one, "playlist.addSongs", { playlistId: id, songIds: [songId] }, token);
    await expect.poll(() => playlistsFound(two, "monday commute")).toEqual(["Monday Commute"]);

    await mutate(one, "playlist.update", { id, isPublic: false }, token);
    await expect.poll(() => playlistsFound(two, "monday commute")).toEqual([]);

    // All of it searched in the servers' processes, none by PostgreSQL.
    for (const server of [one, two]) {
      const stats = (server.services.search as IndexedSearch).stats();
      expect(stats.playlistsInProcess).toBeGreaterThan(0);
      expect(stats.playlistsByPostgres).toBe(0);
    }
  });
});
