import type { Page, Request } from "@playwright/test";
import { expect, test } from "../fixtures.ts";
import { openAlbum, playerTime, waitForPlayback } from "../player-helpers.ts";

interface ReportedPlay {
  id?: string;
  songId: string;
  playedMs: number;
  skipped: boolean;
  context?: { type: string; id: string | null } | null;
}

/** The play a `player.recordPlay` request carries (tRPC batches: `{"0": {"json": …}}`). */
function playOf(request: Request): ReportedPlay {
  const body = request.postDataJSON() as Record<string, { json: ReportedPlay }>;
  return Object.values(body)[0]!.json;
}

const isReport = (r: Request) => r.url().includes("player.recordPlay") && r.method() === "POST";

function outbox(page: Page): Promise<ReportedPlay[]> {
  return page.evaluate(() => JSON.parse(localStorage.getItem("chorus-plays") ?? "[]") as ReportedPlay[]);
}

test("plays reach the history with the time really listened, and wait out a dropped connection", async ({
  page,
  accounts,
}) => {
  test.setTimeout(60_000);
  await accounts.signUp(page, { name: "History Listener" });
  await page.goto("/albums");
  const { title: album, songs } = await openAlbum(page, 0);
  const albumId = new URL(page.url()).pathname.split("/").pop();

  // About three seconds of the first song, with two seeks of 5 s on the way: those are not listening.
  await page.getByRole("button", { name: `Play ${songs[0]}`, exact: true }).click();
  await waitForPlayback(page, 2);
  await page.locator("body").press("ArrowRight");
  await page.locator("body").press("ArrowRight");
  const at = await playerTime(page);
  await waitForPlayback(page, at + 1);
  const reported = page.waitForRequest(isReport);
  await page.getByRole("button", { name: "Next", exact: true }).click();
  const first = playOf(await reported);
  expect(first.skipped).toBe(true);
  expect(first.playedMs).toBeGreaterThan(2000);
  expect(first.playedMs).toBeLessThan(6000);
  expect(first.context).toEqual({ type: "album", id: albumId });
  expect(first.id).toMatch(/^[0-9a-f-]{36}$/);

  // The connection drops: the next play waits in the outbox…
  await waitForPlayback(page, 1.5);
  await page.route("**/trpc/player.recordPlay**", (route) => route.abort("internetdisconnected"));
  const failed = page.waitForRequest(isReport);
  await page.getByRole("button", { name: "Next", exact: true }).click();
  const second = playOf(await failed);
  await expect.poll(() => outbox(page)).toHaveLength(1);
  expect((await outbox(page))[0]).toMatchObject({ id: second.id, songId: second.songId });
  await page.getByTestId("play-pause").click();

  // …and goes out when the page loads again, under the id it had.
  await page.unroute("**/trpc/player.recordPlay**");
  const retried = page.waitForRequest(isReport);
  await page.reload();
  expect(playOf(await retried).id).toBe(second.id);
  await expect.poll(() => outbox(page)).toHaveLength(0);

  // Home shows both, newest first, each once.
  await page.getByRole("link", { name: "Home", exact: true }).click();
  const recent = page.getByTestId("recently-played").getByTestId("song-card").locator(".tile-title");
  await expect(recent.first()).toHaveText(songs[1]!);
  await expect(recent.nth(1)).toHaveText(songs[0]!);
  await expect(page.getByTestId("made-for-you")).toBeVisible();
  await expect(page.getByTestId("popular").getByTestId("song-row").first()).toBeVisible();
  expect(album).toBeTruthy();
});
