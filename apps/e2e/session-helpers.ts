import { expect, type Page } from "@playwright/test";
import { query } from "./player-helpers.ts";

interface SongLite {
  id: string;
  title: string;
  durationMs: number;
  albumId: string;
}

/** The longest songs of the demo catalog (a seek needs room), longest first. */
export async function longSongs(page: Page, count: number): Promise<SongLite[]> {
  const albums = await query<{ items: { id: string }[] }>(page, "catalog.albums", {
    limit: 50,
    sort: "title",
  });
  const songs: SongLite[] = [];
  for (const a of albums.items) {
    const album = await query<{ tracks: Omit<SongLite, "albumId">[] }>(page, "catalog.album", { id: a.id });
    songs.push(...album.tracks.map((t) => ({ ...t, albumId: a.id })));
  }
  return songs.sort((a, b) => b.durationMs - a.durationMs).slice(0, count);
}

/** The playing audio element's position (s), and when it was read (ms, the same clock in every page). */
export async function audioClock(page: Page): Promise<{ t: number; at: number; paused: boolean }> {
  return page.evaluate(() => {
    const audio = document.querySelector<HTMLAudioElement>('audio[data-testid="audio"]');
    return {
      t: audio?.currentTime ?? -1,
      at: performance.timeOrigin + performance.now(),
      paused: audio?.paused ?? true,
    };
  });
}

/**
 * How far the listener's audio is from the host's (ms; positive: ahead), both read at about the
 * same moment and the host's moved on to the instant the listener's was read.
 */
export async function driftMs(host: Page, listener: Page): Promise<number> {
  const [h, l] = await Promise.all([audioClock(host), audioClock(listener)]);
  const hostThen = h.t * 1000 + (h.paused ? 0 : l.at - h.at);
  return l.t * 1000 - hostThen;
}

/**
 * The median of a few drift readings, 100 ms apart: one reading can catch a page between two audio
 * clock updates on a loaded machine.
 */
export async function medianDriftMs(host: Page, listener: Page, readings = 5): Promise<number> {
  const drifts: number[] = [];
  for (let i = 0; i < readings; i++) {
    drifts.push(await driftMs(host, listener));
    if (i + 1 < readings) await new Promise((r) => setTimeout(r, 100));
  }
  return drifts.sort((a, b) => a - b)[Math.floor(readings / 2)]!;
}

/** Waits until the listener follows the host within `withinMs`, and stays there for a few checks. */
export async function expectInSync(host: Page, listener: Page, withinMs = 250) {
  let streak = 0;
  await expect
    .poll(
      async () => {
        const d = Math.abs(await driftMs(host, listener));
        streak = d < withinMs ? streak + 1 : 0;
        return streak;
      },
      { timeout: 20_000, intervals: [250] },
    )
    .toBeGreaterThanOrEqual(3);
}

/**
 * The page's WebSocket to the server, passed through Playwright so a test can cut it (as a dropped
 * network would) and let it reconnect. Set up before the page opens.
 */
export async function breakableSocket(page: Page) {
  let restored: Promise<void> | null = null;
  let restore = () => {};
  const open = new Set<{ close(): Promise<void> }>();
  await page.routeWebSocket(/\/trpc/, async (ws) => {
    // While the network is down a new connection gets nowhere; it goes through once it is back.
    if (restored) await restored;
    const server = ws.connectToServer();
    open.add({
      async close() {
        await ws.close({ code: 4000, reason: "the test cut the network" });
        await server.close();
      },
    });
  });
  return {
    async drop() {
      restored = new Promise((resolve) => {
        restore = resolve;
      });
      for (const socket of open) await socket.close();
      open.clear();
    },
    restore() {
      restored = null;
      restore();
    },
  };
}

/** The code of the session room `page` shows. */
export async function roomCode(page: Page): Promise<string> {
  return (await page.getByTestId("session-code").getAttribute("data-code")) ?? "";
}

/** Adds songs to the room's queue, each found by its title in the room's song search. */
export async function queueByTitle(page: Page, songs: readonly { title: string }[]) {
  for (const [i, song] of songs.entries()) {
    await page.getByTestId("session-song-search").fill(song.title);
    await page
      .locator(".room-result", { hasText: song.title })
      .first()
      .getByTestId("session-add-song")
      .click();
    await expect(page.getByTestId("session-queue-item")).toHaveCount(i + 1);
  }
  await page.getByTestId("session-song-search").fill("");
}
