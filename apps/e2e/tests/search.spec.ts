import type { Page } from "@playwright/test";
import { expect, test } from "../fixtures.ts";
import { rowOf } from "../library-helpers.ts";
import { waitForPlayback } from "../player-helpers.ts";

const searchBox = (page: Page) => page.getByRole("combobox", { name: "Search" });
const nowPlaying = (page: Page) => page.getByTestId("now-playing-title");

/** Whether the page is wider than the window (something pushes it sideways). */
async function sidewaysOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}

test("type a misspelled artist name, pick the suggestion, play a result", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByTestId("library-stats")).toBeVisible();

  // `/` puts the cursor in the search box from anywhere.
  await page.locator("body").press("/");
  const box = searchBox(page);
  await expect(box).toBeFocused();
  await page.keyboard.type("junipr hal");

  // The suggestion forgives the typos, and marks what the typed words share with the name.
  const listbox = page.getByRole("listbox", { name: "Suggestions" });
  const artist = listbox.getByRole("option", { name: /^Juniper Hall, artist/ });
  await expect(artist).toBeVisible();
  await expect(artist.locator("mark")).toHaveText(["Junip", "Hal"]);
  await expect(box).toHaveAttribute("aria-expanded", "true");

  // Escape closes the list; ↓ opens it again, then moves through the options.
  await box.press("Escape");
  await expect(listbox).toBeHidden();
  await expect(box).toHaveAttribute("aria-expanded", "false");
  await expect(box).toHaveValue("junipr hal");
  await box.press("ArrowDown");
  await expect(listbox).toBeVisible();
  const options = listbox.getByRole("option");
  const index = (await options.allInnerTexts()).findIndex((t) => t.startsWith("Juniper Hall\nArtist"));
  expect(index, "Juniper Hall is among the suggestions").toBeGreaterThanOrEqual(0);
  for (let i = 0; i < index; i++) await box.press("ArrowDown");
  await expect(artist).toHaveAttribute("aria-selected", "true");
  await expect(box).toHaveAttribute("aria-activedescendant", (await artist.getAttribute("id")) ?? "");

  // Enter opens the artist; the box empties for the next search.
  await box.press("Enter");
  await expect(page).toHaveURL(/\/artists\/[0-9a-f-]+$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Juniper Hall");
  await expect(box).toHaveValue("");
  await expect(box).not.toBeFocused();

  // Play one of their songs: the player shows it, playing.
  const title = (await page.getByTestId("song-row").first().getByTestId("song-title").textContent()) ?? "";
  await page.getByRole("button", { name: `Play ${title}`, exact: true }).click();
  await expect(nowPlaying(page)).toHaveText(title);
  await waitForPlayback(page, 0.3);
  await expect(page.getByTestId("play-pause")).toHaveAccessibleName("Pause");
});

test("the results page finds a song by a misspelled title, plays it, and the address keeps the search", async ({
  page,
}) => {
  await page.goto("/albums");
  const box = searchBox(page);
  await box.fill("ketle song");
  // Enter with no suggestion picked searches for the text.
  await box.press("Enter");
  await expect(page).toHaveURL(/\/search\?q=ketle\+song$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Results for “ketle song”");
  await expect(box).toHaveValue("ketle song");

  const top = page.getByTestId("top-result");
  await expect(top.getByText("Kettle Song", { exact: true })).toBeVisible();
  await expect(top.getByText("Song", { exact: true })).toBeVisible();
  const row = rowOf(page, "Kettle Song");
  await expect(row).toBeVisible();
  await row.getByRole("button", { name: "Play Kettle Song", exact: true }).click();
  await expect(nowPlaying(page)).toHaveText("Kettle Song");
  await waitForPlayback(page, 0.2);
  await expect(row).toHaveAttribute("aria-current", "true");

  // One kind of result, then back: the address is the state.
  await page
    .getByRole("navigation", { name: "Kinds of results" })
    .getByRole("link", { name: "Songs" })
    .click();
  await expect(page).toHaveURL(/\/search\?q=ketle\+song&type=songs$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Songs for “ketle song”");
  await expect(rowOf(page, "Kettle Song")).toBeVisible();
  await page.goBack();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Results for “ketle song”");
  await page.goBack();
  await expect(page).toHaveURL(/\/albums$/);
  await expect(box).toHaveValue("");
  await page.goForward();
  await expect(box).toHaveValue("ketle song");
  await expect(page.getByTestId("top-result")).toBeVisible();
  // The music went on through all of it.
  await expect(nowPlaying(page)).toHaveText("Kettle Song");
});

test("a slow answer to an earlier keystroke never replaces the suggestions for what is typed now", async ({
  page,
}) => {
  // The answer for "nig" is held back and, when it finally comes, names something that does not exist.
  let held = 0;
  let released = false;
  await page.route(/\/trpc\/[^?]*search\.autocomplete/, async (route) => {
    const input = new URL(route.request().url()).searchParams.get("input") ?? "";
    if (!input.includes('"q":"nig"')) return route.continue();
    held++;
    await new Promise((r) => setTimeout(r, 1_500));
    const stale = {
      type: "artist",
      id: "00000000-0000-4000-8000-000000000000",
      text: "Stale Suggestion",
      detail: null,
    };
    // Cancelled by the page meanwhile, the request cannot be answered any more: that is fine too.
    await route
      .fulfill({ json: [{ result: { data: { json: { query: "nig", suggestions: [stale] } } } }] })
      .catch(() => undefined);
    released = true;
  });
  await page.goto("/");
  const box = searchBox(page);
  await box.click();
  await page.keyboard.type("nig");
  await expect.poll(() => held).toBe(1);
  await page.keyboard.type("ht dri");
  const album = page.getByRole("option", { name: /^Night Drive, album/ });
  await expect(album).toBeVisible();
  await expect.poll(() => released, { timeout: 5_000 }).toBe(true);
  await expect(page.getByRole("option", { name: /Stale Suggestion/ })).toHaveCount(0);
  await expect(album).toBeVisible();
});

test("picking a song suggestion plays it, with its album after it", async ({ page }) => {
  await page.goto("/");
  const box = searchBox(page);
  await box.fill("sea gla");
  const song = page.getByRole("option", { name: /^Sea Glass, song by The Tide Pools/ });
  await song.click();
  await expect(nowPlaying(page)).toHaveText("Sea Glass");
  await waitForPlayback(page, 0.2);
  await expect(box).toHaveValue("");
  await page.getByRole("button", { name: "Queue", exact: true }).click();
  await expect(page.getByTestId("up-next").getByTestId("queue-title").first()).toHaveText("Undertow");
});

test("signed in: results can be liked and added to playlists; recent searches show in the empty box, run again, and can be removed and cleared", async ({
  page,
  accounts,
}) => {
  await accounts.signUp(page, { name: "Search Listener" });
  await page.goto("/");
  const box = searchBox(page);
  for (const q of ["tide", "Bit Orchard", "ketle"]) {
    await box.fill(q);
    await box.press("Enter");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(`Results for “${q}”`);
  }

  // A found song is a song like any other: a heart, and the menu with "Add to playlist…".
  const row = rowOf(page, "Kettle Song");
  const like = row.getByRole("button", { name: "Like Kettle Song" });
  await like.click();
  await expect(like).toHaveAttribute("aria-pressed", "true");
  await row.hover();
  await row.getByRole("button", { name: "More for Kettle Song" }).click();
  await expect(page.getByRole("menuitem", { name: "Add to playlist…" })).toBeVisible();
  await page.keyboard.press("Escape");

  await page.getByRole("link", { name: "Home", exact: true }).click();
  await box.focus();
  const recent = page.getByRole("listbox", { name: "Recent searches" });
  await expect(recent.getByRole("option")).toHaveText(["ketle", "Bit Orchard", "tide"]);

  // A click runs it again.
  await recent.getByRole("option", { name: "Bit Orchard" }).click();
  await expect(page).toHaveURL(/\/search\?q=Bit\+Orchard$/);
  await expect(page.getByTestId("top-result").getByText("Bit Orchard", { exact: true })).toBeVisible();

  // × removes one (the keyboard's Delete does the same); it stays gone after a reload.
  await page.getByRole("link", { name: "Home", exact: true }).click();
  await box.focus();
  await expect(recent.getByRole("option")).toHaveText(["Bit Orchard", "ketle", "tide"]);
  await recent.getByRole("button", { name: "Remove “ketle” from recent searches" }).click();
  await expect(recent.getByRole("option")).toHaveText(["Bit Orchard", "tide"]);
  await expect(box).toBeFocused();
  await box.press("ArrowDown");
  await box.press("Delete");
  await expect(recent.getByRole("option")).toHaveText(["tide"]);
  await page.reload();
  await box.focus();
  await expect(recent.getByRole("option")).toHaveText(["tide"]);

  // Clear all: the list goes, here and on the server.
  await page.getByRole("button", { name: "Clear all" }).click();
  await expect(recent).toBeHidden();
  await page.reload();
  await box.focus();
  await expect(box).toBeFocused();
  await expect(recent).toBeHidden();
});

test("a search that finds nothing says so, and how to find more", async ({ page }) => {
  await page.goto("/search?q=zqxvwk");
  await expect(page.getByRole("heading", { name: "No results for “zqxvwk”" })).toBeVisible();
  await expect(page.getByText("Check the spelling or try fewer words.")).toBeVisible();
  await expect(page.getByTestId("top-result")).toHaveCount(0);
  // One kind: the same, and a way back to all of them.
  await page.goto("/search?q=zqxvwk&type=albums");
  await expect(page.getByRole("heading", { name: "No albums for “zqxvwk”" })).toBeVisible();
  await page.getByRole("link", { name: "See all results" }).click();
  await expect(page).toHaveURL(/\/search\?q=zqxvwk$/);
});

test("on a phone, the search tab opens a search page that fits the screen", async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 800 });
  await page.goto("/");
  await expect(page.getByTestId("library-stats")).toBeVisible();
  await page.getByRole("link", { name: "Search", exact: true }).click();
  await expect(page).toHaveURL(/\/search$/);
  const box = searchBox(page);
  await expect(box).toBeVisible();
  await expect(box).toBeFocused();
  await page.keyboard.type("tide");
  await expect(page.getByRole("listbox", { name: "Suggestions" }).getByRole("option").first()).toBeVisible();
  expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(0);

  await box.press("Enter");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Results for “tide”");
  await expect(page.getByTestId("top-result")).toBeVisible();
  await expect(page.getByTestId("song-row").first()).toBeVisible();
  expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(0);
  await page
    .getByTestId("song-row")
    .first()
    .getByRole("button", { name: /^Play / })
    .click();
  await waitForPlayback(page, 0.2);
  expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(0);
});
