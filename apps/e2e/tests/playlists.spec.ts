import type { Page } from "@playwright/test";
import { expect, test } from "../fixtures.ts";
import { addToPlaylist, apiFor, dragRow, playlistTitles, rowOf } from "../library-helpers.ts";
import { openAlbum } from "../player-helpers.ts";

test("a listener makes a playlist, adds songs from three pages, drags one to the top, and the order holds", async ({
  page,
  accounts,
}) => {
  test.setTimeout(90_000);
  await accounts.signUp(page, { name: "Playlist Listener" });

  // A new playlist, from the playlists page.
  await page.goto("/playlists");
  await page.getByRole("main").getByRole("button", { name: "New playlist" }).first().click();
  const form = page.getByRole("dialog", { name: "New playlist" });
  // The contract's rules, before anything is sent.
  await form.getByRole("button", { name: "Create" }).click();
  await expect(form.getByText("A playlist needs a name")).toBeVisible();
  await form.getByLabel("Name").fill("Road trip");
  await form.getByLabel("Description").fill("Songs for the long drive north");
  await form.getByRole("button", { name: "Create" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Road trip");
  await expect(page.getByText("Let’s find something for this playlist")).toBeVisible();
  await expect(page.getByTestId("visibility-badge")).toHaveText("Private");
  const playlistUrl = page.url();

  // 1. From an album's page.
  await page.getByRole("link", { name: "Albums", exact: true }).click();
  const album = await openAlbum(page, 0);
  const first = album.songs[0]!;
  await addToPlaylist(page, rowOf(page, first), "Road trip");

  // 2. From an artist's page: one of their popular songs not added yet.
  await page.getByRole("link", { name: "Artists", exact: true }).click();
  await page.getByTestId("artist-card").nth(1).locator(".tile-title").click();
  await expect(page.getByRole("heading", { name: "Popular" })).toBeVisible();
  const popular = await page.getByTestId("song-row").getByTestId("song-title").allTextContents();
  const second = popular.find((t) => t !== first) ?? "";
  expect(second, "the artist has a song that is not the first one").not.toBe("");
  await addToPlaylist(page, rowOf(page, second), "Road trip");

  // 3. Like a song on another album, find it in the library, and add it from there.
  await page.getByRole("link", { name: "Albums", exact: true }).click();
  const other = await openAlbum(page, 1);
  const third = other.songs.find((t) => t !== first && t !== second)!;
  const heart = rowOf(page, third).getByRole("button", { name: `Like ${third}` });
  await rowOf(page, third).hover();
  await heart.click();
  await expect(heart).toHaveAttribute("aria-pressed", "true");
  await expect(page.getByText("Added to Liked Songs")).toBeVisible();

  await page.getByRole("link", { name: "Library", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Your library" })).toBeVisible();
  await expect(page.getByTestId("library-summary")).toHaveText("1 liked song · 0 albums · 1 playlist");
  await expect(rowOf(page, third)).toBeVisible();
  await expect(rowOf(page, third)).toContainText("just now");
  await addToPlaylist(page, rowOf(page, third), "Road trip");

  // The playlist, in the order the songs were added.
  await page.goto(playlistUrl);
  await expect.poll(() => playlistTitles(page)).toEqual([first, second, third]);
  await expect(page.getByTestId("playlist-totals")).toContainText("3 songs");

  // Drag the last song to the top by its handle, with the mouse; a reload shows the same order.
  await dragRow(page, 2, 0);
  await expect.poll(() => playlistTitles(page)).toEqual([third, first, second]);
  await page.reload();
  await expect.poll(() => playlistTitles(page)).toEqual([third, first, second]);

  // The keyboard does it too: Space picks the song up, ↓ moves it, Space drops it.
  const saved = page.waitForResponse((r) => r.url().includes("playlist.reorder") && r.ok());
  const handle = page.getByRole("button", { name: `Reorder ${third}` });
  await handle.focus();
  await page.keyboard.press("Space");
  // Screen readers hear where it goes (dnd-kit's live region).
  await expect(page.getByText(`${third} would move to position 1.`)).toBeAttached();
  // dnd-kit starts listening for the arrows in a setTimeout after the pick-up, and a browser runs a
  // waiting key press before timers: let the page's pending timers run first.
  await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 0)));
  await page.keyboard.press("ArrowDown");
  await expect(page.getByText(`${third} would move to position 2.`)).toBeAttached();
  await page.keyboard.press("Space");
  await saved;
  await expect.poll(() => playlistTitles(page)).toEqual([first, third, second]);

  // And the menu: "Move down", then "Remove from playlist".
  await rowMenu(page, first, "Move down");
  await expect.poll(() => playlistTitles(page)).toEqual([third, first, second]);
  await rowMenu(page, second, "Remove from playlist");
  await expect.poll(() => playlistTitles(page)).toEqual([third, first]);
  await expect(page.getByTestId("playlist-totals")).toContainText("2 songs");
  await page.waitForLoadState("networkidle");
  await page.reload();
  await expect.poll(() => playlistTitles(page)).toEqual([third, first]);

  // Playing it plays it in its order.
  await page.getByRole("button", { name: "Play Road trip" }).click();
  await expect(page.getByTestId("now-playing-title")).toHaveText(third);
});

/** A playlist row's ⋯ menu item, waiting for the server to take the change. */
async function rowMenu(page: Page, title: string, item: string) {
  const row = page.getByTestId("playlist-items").getByTestId("song-row").filter({ hasText: title }).first();
  await row.hover();
  await row.getByRole("button", { name: `More for ${title}` }).click();
  const done = page.waitForResponse((r) => /playlist\.(reorder|removeSong)/.test(r.url()) && r.ok());
  await page.getByRole("menuitem", { name: item }).click();
  await done;
}

test("a guest sees no hearts, and a public playlist but not a private one", async ({
  page,
  accounts,
  browser,
}) => {
  await accounts.signUp(page, { name: "Sharer" });
  await page.goto("/playlists");
  await page.getByRole("main").getByRole("button", { name: "New playlist" }).first().click();
  const form = page.getByRole("dialog", { name: "New playlist" });
  await form.getByLabel("Name").fill("Shared mix");
  await form.getByRole("switch", { name: "Public" }).check();
  await form.getByRole("button", { name: "Create" }).click();
  await expect(page.getByTestId("visibility-badge")).toHaveText("Public");
  const url = page.url();

  const guest = await browser.newPage();
  await guest.goto(url);
  await expect(guest.getByRole("heading", { level: 1 })).toHaveText("Shared mix");
  await expect(guest.getByText("This playlist is empty")).toBeVisible();
  await guest.goto(new URL("/albums", url).toString());
  await expect(guest.getByTestId("album-card").first()).toBeVisible();
  await guest.getByTestId("album-card").first().locator(".tile-title").click();
  await expect(guest.getByTestId("song-row").first()).toBeVisible();
  await expect(guest.getByTestId("like-button")).toHaveCount(0);

  // Made private, it is gone for guests.
  await page.getByRole("button", { name: "More for Shared mix" }).click();
  await page.getByRole("menuitem", { name: "Make private" }).click();
  await expect(page.getByTestId("visibility-badge")).toHaveText("Private");
  await page.waitForLoadState("networkidle");
  await guest.goto(url);
  await expect(guest.getByRole("heading", { name: "This playlist is not here" })).toBeVisible();
  await guest.close();
});

test("a collaborator changed the order meanwhile: the drag is refused, the playlist reloads and says so", async ({
  page,
  accounts,
  browser,
  server,
}) => {
  // A collaborator, in a browser of their own.
  const theirs = await browser.newContext({ baseURL: server.url });
  const theirPage = await theirs.newPage();
  const friend = await accounts.signUp(theirPage, { name: "Collaborator" });
  const friendApi = await apiFor(theirPage);

  await accounts.signUp(page, { name: "Owner" });
  const api = await apiFor(page);
  const albums = await api.query<{ items: { id: string }[] }>("catalog.albums", { limit: 1, sort: "title" });
  const album = await api.query<{ tracks: { id: string; title: string }[] }>("catalog.album", {
    id: albums.items[0]!.id,
  });
  const [a, b, c] = album.tracks;
  const playlist = await api.mutate<{ id: string }>("playlist.create", {
    name: "Shared",
    collaborative: true,
  });
  await api.mutate("playlist.addSongs", { playlistId: playlist.id, songIds: [a!.id, b!.id, c!.id] });
  await api.mutate("playlist.addCollaborator", { playlistId: playlist.id, email: friend.email });

  await page.goto(`/playlists/${playlist.id}`);
  await expect.poll(() => playlistTitles(page)).toEqual([a!.title, b!.title, c!.title]);
  await expect(page.getByRole("img", { name: "With Collaborator" })).toBeVisible();

  // Meanwhile the collaborator moves the first song to the end.
  await friendApi.mutate("playlist.reorder", { playlistId: playlist.id, from: 0, to: 2, songId: a!.id });
  await theirs.close();

  // The owner, still seeing the old order, drags the last song to the top: the server refuses.
  const refused = page.waitForResponse((r) => r.url().includes("playlist.reorder") && r.status() === 409);
  const handles = page.getByTestId("playlist-items").getByTestId("drag-handle");
  const from = (await handles.nth(2).boundingBox())!;
  const to = (await handles.nth(0).boundingBox())!;
  await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
  await page.mouse.down();
  await page.mouse.move(from.x + from.width / 2, to.y + to.height / 6, { steps: 15 });
  await page.mouse.up();
  await refused;
  await expect(page.getByText("The playlist changed while you were editing it.")).toBeVisible();
  await expect.poll(() => playlistTitles(page)).toEqual([b!.title, c!.title, a!.title]);
});
