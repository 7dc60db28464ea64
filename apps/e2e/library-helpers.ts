import { expect, type Locator, type Page } from "@playwright/test";

/** A song's row on the screen, by its title (the first one when it is listed twice). */
export function rowOf(page: Page, title: string): Locator {
  return page
    .getByTestId("song-row")
    .filter({ has: page.getByTestId("song-title").getByText(title, { exact: true }) })
    .first();
}

/** Through a row's ⋯ menu: "Add to playlist…", then the playlist by name; waits for the toast. */
export async function addToPlaylist(page: Page, row: Locator, playlist: string) {
  await row.hover();
  await row.getByRole("button", { name: /^More for / }).click();
  await page.getByRole("menuitem", { name: "Add to playlist…" }).click();
  const dialog = page.getByRole("dialog", { name: "Add to playlist" });
  await expect(dialog).toBeVisible();
  await dialog.getByRole("button", { name: new RegExp(`^${escapeRegExp(playlist)}`) }).click();
  await expect(dialog).toBeHidden();
  await expect(
    page.getByText(new RegExp(`(Added to|Already in) ${escapeRegExp(playlist)}`)).last(),
  ).toBeVisible();
}

/** The song titles of the playlist on screen, in order. */
export function playlistTitles(page: Page): Promise<string[]> {
  return page.getByTestId("playlist-items").getByTestId("song-title").allTextContents();
}

/**
 * Drags the playlist row at `from` by its handle onto the row at `to`, with the real mouse (small
 * steps, as a hand would), and waits for the server to take the move.
 */
export async function dragRow(page: Page, from: number, to: number) {
  const handles = page.getByTestId("playlist-items").getByTestId("drag-handle");
  const source = await handles.nth(from).boundingBox();
  const target = await handles.nth(to).boundingBox();
  if (!source || !target) throw new Error("the drag handles are not on screen");
  const x = source.x + source.width / 2;
  const saved = page.waitForResponse((r) => r.url().includes("playlist.reorder") && r.ok());
  await page.mouse.move(x, source.y + source.height / 2);
  await page.mouse.down();
  // Past the middle of the target row, in the direction of travel.
  const dy = to < from ? -target.height / 3 : target.height / 3;
  await page.mouse.move(x, target.y + target.height / 2 + dy, { steps: 15 });
  await page.mouse.up();
  await saved;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

export interface Api {
  query<T>(procedure: string, input?: unknown): Promise<T>;
  mutate<T>(procedure: string, input?: unknown): Promise<T>;
}

/**
 * Calls the API as the page's signed-in user, to set a scene quickly (playlists, likes, plays).
 * It trades the refresh cookie for an access token, as the app does: call it before the page loads
 * the app, so the two do not spend the same rotating refresh token.
 */
export async function apiFor(page: Page): Promise<Api> {
  const refreshed = await page.request.post("/trpc/auth.refresh", { data: { json: {} } });
  const body = (await refreshed.json()) as { result?: { data?: { json?: { accessToken?: string } } } };
  const token = body.result?.data?.json?.accessToken;
  if (!token) throw new Error(`auth.refresh gave no token (${refreshed.status()})`);
  const headers = { Authorization: `Bearer ${token}` };
  const unwrap = async <T>(procedure: string, res: Awaited<ReturnType<Page["request"]["get"]>>) => {
    const json = (await res.json()) as { result?: { data?: { json?: T } }; error?: unknown };
    if (!res.ok()) throw new Error(`${procedure} failed (${res.status()}): ${JSON.stringify(json.error)}`);
    return json.result?.data?.json as T;
  };
  return {
    async query<T>(procedure: string, input?: unknown) {
      const q = input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify({ json: input }))}`;
      return unwrap<T>(procedure, await page.request.get(`/trpc/${procedure}${q}`, { headers }));
    },
    async mutate<T>(procedure: string, input?: unknown) {
      return unwrap<T>(
        procedure,
        await page.request.post(`/trpc/${procedure}`, { headers, data: { json: input } }),
      );
    },
  };
}
