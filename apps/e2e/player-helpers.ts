import { expect, type Page } from "@playwright/test";

interface SongLite {
  id: string;
  title: string;
  hasLyrics: boolean;
}
interface AlbumLite {
  id: string;
  title: string;
}
interface SyncedLine {
  ms: number;
  text: string;
}

/** A tRPC query over plain HTTP (superjson wraps the input in `json`). */
export async function query<T>(page: Page, procedure: string, input: unknown): Promise<T> {
  const url = `/trpc/${procedure}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`;
  const res = await page.request.get(url);
  const body = (await res.json()) as { result?: { data?: { json?: T } }; error?: unknown };
  if (!res.ok()) throw new Error(`${procedure} failed (${res.status()}): ${JSON.stringify(body.error)}`);
  return body.result?.data?.json as T;
}

/** Opens the n-th album on the screen (a grid of album cards) and reads its song titles. */
export async function openAlbum(page: Page, n: number): Promise<{ title: string; songs: string[] }> {
  const link = page.getByTestId("album-card").nth(n).locator(".tile-title");
  await expect(link).toBeVisible();
  const title = (await link.textContent()) ?? "";
  await link.click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(title);
  await expect(page.getByTestId("song-row").first()).toBeVisible();
  const songs = await page.getByTestId("song-row").getByTestId("song-title").allTextContents();
  return { title, songs };
}

/** The playing audio element's position, in seconds. */
export async function playerTime(page: Page): Promise<number> {
  return page.evaluate(
    () => document.querySelector<HTMLAudioElement>('audio[data-testid="audio"]')?.currentTime ?? -1,
  );
}

/** Waits until the audio plays and has passed `seconds`. */
export async function waitForPlayback(page: Page, seconds: number) {
  await page.waitForFunction(
    (s) => {
      const audio = document.querySelector<HTMLAudioElement>('audio[data-testid="audio"]');
      return audio !== null && !audio.paused && audio.currentTime > s;
    },
    seconds,
    { timeout: 15_000 },
  );
}

/**
 * A demo song with synced lyrics (or, with `without`, one with none), found through the API so the
 * tests do not depend on the demo catalog's titles.
 */
export async function findSongWithSyncedLyrics(
  page: Page,
  { without = false } = {},
): Promise<{ album: AlbumLite; song: SongLite; lines: SyncedLine[] } | null> {
  const albums = await query<{ items: AlbumLite[] }>(page, "catalog.albums", { limit: 50, sort: "title" });
  for (const a of albums.items) {
    const album = await query<AlbumLite & { tracks: SongLite[] }>(page, "catalog.album", { id: a.id });
    for (const song of album.tracks) {
      if (without) {
        if (!song.hasLyrics) return { album, song, lines: [] };
        continue;
      }
      if (!song.hasLyrics) continue;
      const lyrics = await query<{ synced: SyncedLine[] | null }>(page, "lyrics.get", { songId: song.id });
      if (lyrics.synced && lyrics.synced.length >= 3) return { album, song, lines: lyrics.synced };
    }
  }
  return null;
}
