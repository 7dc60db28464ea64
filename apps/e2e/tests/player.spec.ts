import type { Page } from "@playwright/test";
import { expect, test } from "../fixtures.ts";
import { findSongWithSyncedLyrics, openAlbum, playerTime, waitForPlayback } from "../player-helpers.ts";

const nowPlaying = (page: Page) => page.getByTestId("now-playing-title");

async function upNextTitles(page: Page): Promise<string[]> {
  return page.getByTestId("up-next").getByTestId("queue-title").allTextContents();
}

test("a listener opens an album from the demo catalog, plays it, skips, shuffles and tunes the equalizer", async ({
  page,
  accounts,
}) => {
  await accounts.signUp(page, { name: "Player Listener" });
  await page.goto("/albums");
  const { title: albumTitle, songs } = await openAlbum(page, 0);
  expect(songs.length, `${albumTitle} has enough songs for this test`).toBeGreaterThanOrEqual(4);

  // Play the first track: its row is marked and the audio element's clock runs.
  await page.getByRole("button", { name: `Play ${songs[0]}`, exact: true }).click();
  await expect(nowPlaying(page)).toHaveText(songs[0]!);
  await waitForPlayback(page, 1);
  const rows = page.getByTestId("song-row");
  await expect(rows.first()).toHaveAttribute("aria-current", "true");
  await expect(page.getByTestId("play-pause")).toHaveAccessibleName("Pause");
  const t1 = await playerTime(page);
  await page.waitForFunction((t) => {
    const audio = document.querySelector<HTMLAudioElement>('audio[data-testid="audio"]');
    return audio !== null && audio.currentTime > t + 0.5;
  }, t1);

  // Next and previous (within the first 3 s "previous" goes back, not to the start).
  await page.getByRole("button", { name: "Next", exact: true }).click();
  await expect(nowPlaying(page)).toHaveText(songs[1]!);
  await expect(rows.nth(1)).toHaveAttribute("aria-current", "true");
  await page.getByRole("button", { name: "Previous", exact: true }).click();
  await expect(nowPlaying(page)).toHaveText(songs[0]!);
  await waitForPlayback(page, 0.2);

  // Shuffle: the current song stays, the songs after it come in another order; off restores it.
  await page.getByRole("button", { name: "Queue", exact: true }).click();
  await expect(page.getByRole("complementary", { name: "Queue" })).toBeVisible();
  const ordered = await upNextTitles(page);
  expect(ordered).toEqual(songs.slice(1));
  const shuffle = page.getByRole("button", { name: "Shuffle", exact: true });
  await shuffle.click();
  await expect(shuffle).toHaveAttribute("aria-pressed", "true");
  await expect.poll(() => upNextTitles(page)).not.toEqual(ordered);
  const shuffled = await upNextTitles(page);
  expect([...shuffled].sort()).toEqual([...ordered].sort());
  await expect(nowPlaying(page)).toHaveText(songs[0]!);
  // Next follows the shuffled order.
  await page.getByRole("button", { name: "Next", exact: true }).click();
  await expect(nowPlaying(page)).toHaveText(shuffled[0]!);
  await shuffle.click();
  await expect(shuffle).toHaveAttribute("aria-pressed", "false");
  const at = songs.indexOf(shuffled[0]!);
  await expect.poll(() => upNextTitles(page)).toEqual(songs.slice(at + 1));
  // Paused from here on, so no song ends (and moves on) while the rest is checked.
  await page.getByTestId("play-pause").click();
  await expect(page.getByTestId("play-pause")).toHaveAccessibleName("Play");

  // Repeat cycles off → all → one.
  await page.getByRole("button", { name: "Repeat: off" }).click();
  await expect(page.getByRole("button", { name: "Repeat: all" })).toHaveAttribute("aria-pressed", "true");
  await page.getByRole("button", { name: "Repeat: all" }).click();
  await page.getByRole("button", { name: "Repeat: one" }).click();
  await expect(page.getByRole("button", { name: "Repeat: off" })).toHaveAttribute("aria-pressed", "false");

  // The equalizer: a band changed in the player is applied, saved to the account, and still there
  // after a reload, on the settings screen too.
  await page.getByRole("button", { name: "Equalizer", exact: true }).click();
  const panel = page.getByRole("complementary", { name: "Equalizer" });
  await panel.getByRole("switch", { name: "Use the equalizer" }).check();
  const band = panel.getByRole("slider", { name: "1kHz" });
  await band.focus();
  for (let i = 0; i < 4; i++) await page.keyboard.press("ArrowUp");
  await expect(band).toHaveValue("4");
  await expect(panel.getByLabel("Preset")).toHaveValue("custom");
  await expect(panel.getByTestId("eq-status")).toHaveText("✓ Saved to your account");
  await expect(page.getByTestId("audio")).toHaveAttribute("data-eq", "0,0,0,0,0,4,0,0,0,0");

  await page.reload();
  await expect(nowPlaying(page)).toHaveText(shuffled[0]!);
  await page.getByRole("button", { name: "Equalizer", exact: true }).click();
  await expect(panel.getByRole("switch", { name: "Use the equalizer" })).toBeChecked();
  await expect(panel.getByRole("slider", { name: "1kHz" })).toHaveValue("4");
  await expect(page.getByTestId("audio")).toHaveAttribute("data-eq", "0,0,0,0,0,4,0,0,0,0");
  await page.goto("/settings");
  await expect(page.getByRole("main").getByRole("slider", { name: "1kHz" })).toHaveValue("4");
});

test("the synced lyrics follow the song, and a click on a line seeks there", async ({ page }) => {
  const found = await findSongWithSyncedLyrics(page);
  expect(found, "the demo catalog has songs with synced lyrics").toBeTruthy();
  const { album, song, lines } = found!;

  await page.goto(`/albums/${album.id}`);
  await page.getByRole("button", { name: `Play ${song.title}`, exact: true }).click();
  await expect(nowPlaying(page)).toHaveText(song.title);
  await waitForPlayback(page, 0.3);

  // L opens the lyrics (focus is not in a text field).
  await page.locator("body").press("l");
  const lyrics = page.getByRole("complementary", { name: "Lyrics" });
  await expect(lyrics).toBeVisible();
  const lineButtons = lyrics.locator(".lyric-line");
  await expect(lineButtons).toHaveCount(lines.length);

  // A line in the middle: clicking it seeks the audio there and lights it up…
  const k = Math.min(lines.length - 2, Math.max(1, Math.floor(lines.length / 2)));
  await lineButtons.nth(k).click();
  await expect(lineButtons.nth(k)).toHaveAttribute("aria-current", "true");
  const t = await playerTime(page);
  expect(t).toBeGreaterThanOrEqual(lines[k]!.ms / 1000 - 0.5);
  expect(t).toBeLessThan(lines[k + 1]!.ms / 1000);
  // …and as the song goes on, the next line takes over.
  const gap = lines[k + 1]!.ms - lines[k]!.ms;
  await expect(lineButtons.nth(k + 1)).toHaveAttribute("aria-current", "true", { timeout: gap + 5_000 });
  await expect(lyrics.locator('.lyric-line[aria-current="true"]')).toHaveCount(1);
});

test("a song without lyrics says so", async ({ page }) => {
  const found = await findSongWithSyncedLyrics(page, { without: true });
  expect(found, "the demo catalog has songs without lyrics").toBeTruthy();
  const { album, song } = found!;
  await page.goto(`/albums/${album.id}`);
  await page.getByRole("button", { name: `Play ${song.title}`, exact: true }).click();
  await page.getByRole("button", { name: "Lyrics", exact: true }).click();
  await expect(page.getByText("No lyrics for this song")).toBeVisible();
});

test("the queue: play next, add to queue, reorder, remove; it survives a reload with its position", async ({
  page,
}) => {
  await page.goto("/albums");
  const first = await openAlbum(page, 0);
  await page.getByRole("button", { name: `Play ${first.songs[0]}`, exact: true }).click();
  await waitForPlayback(page, 0.2);
  // Paused while the queue is edited, so the song does not end (and move on) meanwhile.
  await page.getByTestId("play-pause").click();

  // Songs from a second album (reached inside the app: a page load would stop the music): one to
  // play next, one at the end.
  await page.getByRole("link", { name: "Albums", exact: true }).click();
  const second = await openAlbum(page, 1);
  const rowOf = (title: string) => page.getByTestId("song-row").filter({ hasText: title }).first();
  await rowOf(second.songs[0]!)
    .getByRole("button", { name: `More for ${second.songs[0]}` })
    .click();
  await page.getByRole("menuitem", { name: "Play next" }).click();
  await expect(page.getByText("1 song will play next")).toBeVisible();
  await rowOf(second.songs[1]!).click({ button: "right" });
  await page.getByRole("menuitem", { name: "Add to queue" }).click();

  await page.keyboard.press("q");
  await expect(page.getByRole("complementary", { name: "Queue" })).toBeVisible();
  const expected = [second.songs[0]!, ...first.songs.slice(1), second.songs[1]!];
  await expect.poll(() => upNextTitles(page)).toEqual(expected);

  // Reorder with the buttons, and with the keyboard on the drag handle.
  await page.getByRole("button", { name: `Move ${expected[0]} down` }).click();
  [expected[0], expected[1]] = [expected[1]!, expected[0]!];
  await expect.poll(() => upNextTitles(page)).toEqual(expected);
  await page.getByRole("button", { name: `Reorder ${expected.at(-1)} (arrow keys)` }).press("ArrowUp");
  expected.splice(-2, 2, expected.at(-1)!, expected.at(-2)!);
  await expect.poll(() => upNextTitles(page)).toEqual(expected);
  // Drag the last one to the top by its handle.
  const handles = page.getByTestId("up-next").locator(".drag-handle");
  const last = handles.last();
  const top = await handles.first().boundingBox();
  const box = await last.boundingBox();
  await page.mouse.move(box!.x + box!.width / 2, box!.y + box!.height / 2);
  await page.mouse.down();
  await page.mouse.move(box!.x + box!.width / 2, top!.y - 4, { steps: 12 });
  await page.mouse.up();
  expected.unshift(expected.pop()!);
  await expect.poll(() => upNextTitles(page)).toEqual(expected);

  // Remove one.
  const removed = expected.splice(2, 1)[0]!;
  await page.getByRole("button", { name: `Remove ${removed} from the queue` }).click();
  await expect.poll(() => upNextTitles(page)).toEqual(expected);

  // Let it play a little, pause, and reload: the queue, the song and the position come back, paused.
  await page.getByTestId("play-pause").click();
  await waitForPlayback(page, 1.5);
  await page.getByTestId("play-pause").click();
  await expect(page.getByTestId("play-pause")).toHaveAccessibleName("Play");
  const position = await playerTime(page);
  await page.reload();
  await expect(nowPlaying(page)).toHaveText(first.songs[0]!);
  await page.waitForFunction((p) => {
    const audio = document.querySelector<HTMLAudioElement>('audio[data-testid="audio"]');
    return audio !== null && Math.abs(audio.currentTime - p) < 1 && audio.paused;
  }, position);
  await page.getByRole("button", { name: "Queue", exact: true }).click();
  await expect.poll(() => upNextTitles(page)).toEqual(expected);

  // Space resumes (a key press is the gesture browsers want), Shift+→ skips.
  await page.locator("body").press("Space");
  await expect(page.getByTestId("play-pause")).toHaveAccessibleName("Pause");
  await waitForPlayback(page, position + 0.3);
  await page.locator("body").press("Shift+ArrowRight");
  await expect(nowPlaying(page)).toHaveText(expected[0]!);

  // Clear: only the song playing stays.
  await page.getByRole("button", { name: "Clear", exact: true }).click();
  await expect(page.getByText(/Nothing up next/)).toBeVisible();
});

test("with crossfade on, the next song starts under the end of the current one", async ({
  page,
  accounts,
}) => {
  await accounts.signUp(page, { name: "Crossfade Listener" });
  await page.goto("/settings");
  const crossfade = page.getByRole("slider", { name: "Crossfade" });
  await crossfade.focus();
  for (let i = 0; i < 4; i++) await page.keyboard.press("ArrowRight");
  await expect(page.getByTestId("crossfade-value")).toHaveText("4 s");
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(page.getByText("✓ Settings saved")).toBeVisible();

  await page.getByRole("link", { name: "Albums", exact: true }).click();
  const { songs } = await openAlbum(page, 0);
  await page.getByRole("button", { name: `Play ${songs[0]}`, exact: true }).click();
  await waitForPlayback(page, 0.2);
  // Close to the end, whatever the song's length: → seeks 5 s, until under 10 s are left (the
  // crossfade starts 4 s before the end).
  const remaining = () =>
    page.evaluate(() => {
      const audio = document.querySelector<HTMLAudioElement>('audio[data-testid="audio"]');
      return audio && Number.isFinite(audio.duration) ? audio.duration - audio.currentTime : Number.NaN;
    });
  await expect.poll(remaining).toBeGreaterThan(0);
  for (let left = await remaining(), i = 0; left > 10 && i < 20; i++) {
    await page.locator("body").press("ArrowRight");
    await expect.poll(remaining).toBeLessThan(left - 3);
    left = await remaining();
  }
  // The next song takes over while the first still plays, fading out…
  await expect(nowPlaying(page)).toHaveText(songs[1]!, { timeout: 15_000 });
  await page.waitForFunction(() => {
    const next = document.querySelector<HTMLAudioElement>('audio[data-testid="audio"]');
    const fading = document.querySelector<HTMLAudioElement>('audio[data-testid="audio-next"]');
    return next && fading && !next.paused && !fading.paused && fading.currentTime > 0;
  });
  // …and stops once the fade is over.
  await page.waitForFunction(
    () => document.querySelector<HTMLAudioElement>('audio[data-testid="audio-next"]')?.paused === true,
    undefined,
    { timeout: 10_000 },
  );
  await waitForPlayback(page, 1);
});
