import type { Page } from "@playwright/test";
import { expect, test } from "../fixtures.ts";
import { apiFor } from "../library-helpers.ts";
import { findSongWithSyncedLyrics, waitForPlayback } from "../player-helpers.ts";

interface SongLite {
  id: string;
  title: string;
}

// Screenshots of each screen, wide and narrow, for a person to look at (test-results/screens/).
const sizes = [
  ["wide", { width: 1280, height: 800 }],
  ["narrow", { width: 390, height: 800 }],
] as const;

/** Waits for the pictures on screen (covers load lazily) so the shot shows them. */
async function settle(page: Page) {
  await page.waitForFunction(() =>
    Array.from(document.images).every((img) => {
      const r = img.getBoundingClientRect();
      const onScreen = r.bottom > 0 && r.top < innerHeight && r.right > 0 && r.left < innerWidth;
      return !onScreen || img.complete;
    }),
  );
}

async function shoot(page: Page, name: string) {
  await settle(page);
  // Nothing may overflow, on a phone or a desktop: the page is the shell, and only the content scrolls.
  const overflow = await page.evaluate(() => ({
    sideways: document.documentElement.scrollWidth - window.innerWidth,
    down: document.documentElement.scrollHeight - window.innerHeight,
  }));
  expect(overflow.sideways, `${name} overflows sideways`).toBeLessThanOrEqual(0);
  expect(overflow.down, `${name} makes the page itself scroll`).toBeLessThanOrEqual(0);
  // Transitions end at once: a line of lyrics just lit up shows lit.
  await page.screenshot({ path: `test-results/screens/${name}.png`, fullPage: true, animations: "disabled" });
  // The content scrolls inside the shell: let it grow for once to see the whole screen.
  const tall = await page.addStyleTag({ content: ".shell { height: auto; min-height: 100vh; }" });
  await page.screenshot({
    path: `test-results/screens/${name}-full.png`,
    fullPage: true,
    animations: "disabled",
  });
  await tall.evaluate((el) => el.parentNode?.removeChild(el));
}

for (const [name, size] of sizes) {
  test(`screens render at ${name} width`, async ({ page }) => {
    await page.setViewportSize(size);
    await page.goto("/");
    await expect(page.getByTestId("library-stats")).toBeVisible();
    await shoot(page, `home-${name}`);
    await page.goto("/status");
    await expect(page.getByTestId("server-clock").locator(".clock")).toBeVisible();
    await shoot(page, `status-${name}`);
  });

  test(`sign-in screens render at ${name} width`, async ({ page, accounts }) => {
    await page.setViewportSize(size);
    await page.goto("/signup");
    await expect(page.getByRole("heading", { name: "Create your account" })).toBeVisible();
    await shoot(page, `signup-${name}`);
    // With the errors the browser finds before sending.
    await page.getByLabel("Email").fill("ann@");
    await page.getByRole("button", { name: "Sign up" }).click();
    await expect(page.getByLabel("Email")).toHaveAttribute("aria-invalid", "true");
    await shoot(page, `signup-errors-${name}`);

    await page.goto("/login");
    await expect(page.getByRole("heading", { name: "Welcome back" })).toBeVisible();
    await shoot(page, `login-${name}`);
    await page.getByRole("tab", { name: "Email code" }).click();
    await shoot(page, `login-code-${name}`);

    const email = accounts.uniqueEmail("verify-shot");
    await page.goto(`/verify?email=${encodeURIComponent(email)}`);
    await expect(page.getByRole("heading", { name: "Check your email" })).toBeVisible();
    await shoot(page, `verify-${name}`);
  });

  test(`account screens render at ${name} width`, async ({ page, accounts }) => {
    await page.setViewportSize(size);
    // New accounts follow the device's theme: a dark device first, then the light theme picked.
    await page.emulateMedia({ colorScheme: "dark" });
    await accounts.signUp(page, { name: "Screenshot Listener" });
    await page.goto("/profile");
    await expect(page.getByRole("heading", { name: "Profile" })).toBeVisible();
    await shoot(page, `profile-${name}`);
    await page.goto("/settings");
    await expect(page.getByRole("switch", { name: "Autoplay" })).toBeVisible();
    await shoot(page, `settings-${name}`);
    await page.getByRole("radio", { name: "Light" }).check();
    await page.getByRole("switch", { name: "Use the equalizer" }).check();
    await page.getByLabel("Preset").selectOption("rock");
    await shoot(page, `settings-light-${name}`);
    await page.getByRole("button", { name: /^Account/ }).click();
    await expect(page.getByRole("menu")).toBeVisible();
    await page.screenshot({ path: `test-results/screens/account-menu-${name}.png` });
  });

  test(`player screens render at ${name} width`, async ({ page, accounts }) => {
    test.setTimeout(60_000);
    await page.setViewportSize(size);
    await page.emulateMedia({ colorScheme: "dark" });
    await accounts.signUp(page, { name: "Screenshot Listener" });
    const found = await findSongWithSyncedLyrics(page);
    expect(found, "the demo catalog has a song with synced lyrics").not.toBeNull();
    const { album, song } = found!;

    await page.goto("/");
    await expect(page.getByTestId("album-card").first()).toBeVisible();
    await shoot(page, `library-home-${name}`);
    await page.goto("/albums");
    await expect(page.getByTestId("album-card").first()).toBeVisible();
    await shoot(page, `albums-${name}`);

    await page.goto(`/albums/${album.id}`);
    await expect(page.getByTestId("song-row").first()).toBeVisible();
    await shoot(page, `album-${name}`);
    await page.getByRole("button", { name: `Play ${song.title}`, exact: true }).click();
    await waitForPlayback(page, 0.5);
    await shoot(page, `album-playing-${name}`);
    await page
      .getByTestId("song-row")
      .first()
      .getByRole("button", { name: /^More for/ })
      .click();
    await expect(page.getByRole("menu")).toBeVisible();
    await page.screenshot({ path: `test-results/screens/song-menu-${name}.png` });
    await page.keyboard.press("Escape");

    await page.getByRole("button", { name: "Queue", exact: true }).click();
    await expect(page.getByRole("complementary", { name: "Queue" })).toBeVisible();
    await shoot(page, `queue-${name}`);
    await page.getByRole("button", { name: "Lyrics", exact: true }).click();
    await expect(page.locator('.lyric-line[aria-current="true"]')).toBeVisible({ timeout: 15_000 });
    await shoot(page, `lyrics-${name}`);
    await page.getByRole("button", { name: "Equalizer", exact: true }).click();
    await page.getByRole("switch", { name: "Use the equalizer" }).check();
    await page.getByRole("complementary", { name: "Equalizer" }).getByLabel("Preset").selectOption("rock");
    await shoot(page, `equalizer-${name}`);
    await page.getByRole("button", { name: "Close equalizer" }).click();

    await page.locator("a.hero-artist").click();
    await expect(page.getByRole("heading", { name: "Popular" })).toBeVisible();
    await shoot(page, `artist-${name}`);
    await page.goto("/artists");
    await expect(page.getByTestId("artist-card").first()).toBeVisible();
    await shoot(page, `artists-${name}`);

    // The same screens in the light theme.
    await page.emulateMedia({ colorScheme: "light" });
    await page.goto(`/albums/${album.id}`);
    await expect(page.getByTestId("song-row").first()).toBeVisible();
    await shoot(page, `album-light-${name}`);
  });

  test(`library and playlist screens render at ${name} width`, async ({
    page,
    accounts,
    browser,
    server,
  }) => {
    test.setTimeout(90_000);
    await page.setViewportSize(size);
    await page.emulateMedia({ colorScheme: "dark" });

    // A collaborator, in a browser of their own.
    const theirs = await browser.newContext({ baseURL: server.url });
    const theirPage = await theirs.newPage();
    const friend = await accounts.signUp(theirPage, { name: "Rosalind Okonkwo-Fairweather" });
    const friendApi = await apiFor(theirPage);

    await accounts.signUp(page, { name: "Screenshot Listener" });
    // Empty first: what a new listener sees.
    await page.goto("/library");
    await expect(page.getByText("Songs you like appear here")).toBeVisible();
    await shoot(page, `library-empty-${name}`);
    await page.goto("/playlists");
    await expect(page.getByText("No playlists yet")).toBeVisible();
    await shoot(page, `playlists-empty-${name}`);

    const api = await apiFor(page);
    const albums = await api.query<{ items: { id: string }[] }>("catalog.albums", {
      limit: 6,
      sort: "title",
    });
    const tracks: SongLite[] = [];
    for (const a of albums.items) {
      const album = await api.query<{ tracks: SongLite[] }>("catalog.album", { id: a.id });
      tracks.push(...album.tracks.slice(0, 3));
    }
    const playlist = await api.mutate<{ id: string }>("playlist.create", {
      name: "Road trip to the coast, windows down",
      description:
        "Everything for the long drive north: the early songs for the motorway, the slow ones for the last hour by the sea.",
      isPublic: true,
      collaborative: true,
    });
    await api.mutate("playlist.addSongs", {
      playlistId: playlist.id,
      songIds: tracks.slice(0, 9).map((t) => t.id),
    });
    await api.mutate("playlist.addCollaborator", { playlistId: playlist.id, email: friend.email });
    await friendApi.mutate("playlist.addSongs", {
      playlistId: playlist.id,
      songIds: tracks.slice(9, 12).map((t) => t.id),
    });
    await api.mutate("playlist.create", {
      name: "A playlist with a name long enough to need more than one line on any screen at all",
    });
    const theirList = await friendApi.mutate<{ id: string }>("playlist.create", { name: "Rosalind’s picks" });
    await friendApi.mutate("playlist.addSongs", {
      playlistId: theirList.id,
      songIds: tracks.slice(3, 8).map((t) => t.id),
    });
    await friendApi.mutate("playlist.addCollaborator", {
      playlistId: theirList.id,
      email: (await api.query<{ email: string }>("user.me")).email,
    });
    for (const t of tracks.slice(2, 8)) await api.mutate("library.likeSong", { songId: t.id });
    for (const a of albums.items.slice(0, 3)) await api.mutate("library.likeAlbum", { albumId: a.id });
    for (const t of tracks.slice(0, 7))
      await api.mutate("player.recordPlay", { songId: t.id, playedMs: 60_000 });
    await theirs.close();

    await page.goto("/");
    await expect(page.getByTestId("recently-played").getByTestId("song-card").first()).toBeVisible();
    await expect(page.getByTestId("made-for-you").getByTestId("song-card").first()).toBeVisible();
    await expect(page.getByTestId("popular").getByTestId("song-row").first()).toBeVisible();
    await shoot(page, `home-signed-in-${name}`);

    await page.getByRole("link", { name: "Library", exact: true }).click();
    await expect(page.getByTestId("song-row").first()).toBeVisible();
    await shoot(page, `library-${name}`);
    await page.getByRole("tab", { name: /^Albums/ }).click();
    await expect(page.getByTestId("album-card").first()).toBeVisible();
    await shoot(page, `library-albums-${name}`);
    await page.getByRole("tab", { name: /^Playlists/ }).click();
    await expect(page.getByTestId("playlist-card").first()).toBeVisible();
    await shoot(page, `library-playlists-${name}`);

    await page.getByRole("link", { name: "Playlists", exact: true }).click();
    await expect(page.getByRole("heading", { name: "Public playlists" })).toBeVisible();
    await expect(page.getByTestId("playlist-card").first()).toBeVisible();
    await shoot(page, `playlists-${name}`);
    await page.getByRole("main").getByRole("button", { name: "New playlist" }).first().click();
    await page.getByRole("dialog").getByRole("button", { name: "Create" }).click();
    await expect(page.getByText("A playlist needs a name")).toBeVisible();
    await shoot(page, `new-playlist-dialog-${name}`);
    await page.keyboard.press("Escape");

    await page.goto(`/playlists/${playlist.id}`);
    await expect(page.getByTestId("song-row")).toHaveCount(12);
    await shoot(page, `playlist-${name}`);
    await page.getByRole("button", { name: "Invite", exact: true }).click();
    await expect(page.getByRole("dialog", { name: "Invite collaborators" })).toBeVisible();
    await shoot(page, `invite-dialog-${name}`);
    await page.keyboard.press("Escape");

    const row = page.getByTestId("song-row").first();
    await row.hover();
    await row.getByRole("button", { name: /^More for/ }).click();
    await page.getByRole("menuitem", { name: "Add to playlist…" }).click();
    await expect(
      page.getByRole("dialog", { name: "Add to playlist" }).getByRole("listitem").first(),
    ).toBeVisible();
    await shoot(page, `add-to-playlist-${name}`);
    await page.keyboard.press("Escape");

    // Someone else's playlist, shared with this listener, and an empty one.
    await page.goto(`/playlists/${theirList.id}`);
    await expect(page.getByTestId("song-row").first()).toBeVisible();
    await shoot(page, `playlist-shared-${name}`);
  });

  test(`search screens render at ${name} width`, async ({ page, accounts }) => {
    test.setTimeout(60_000);
    await page.setViewportSize(size);
    await page.emulateMedia({ colorScheme: "dark" });
    await accounts.signUp(page, { name: "Screenshot Listener" });
    const box = page.getByRole("combobox", { name: "Search" });
    // On a phone the box is on the search page (the top bar has its tab); wide, in the sidebar.
    const openBox = async () => {
      if (name === "narrow") {
        await page.getByRole("link", { name: "Search", exact: true }).click();
        await expect(page).toHaveURL(/\/search$/);
      }
      await box.click();
    };

    await page.goto("/");
    await expect(page.getByTestId("library-stats")).toBeVisible();
    for (const q of ["tide pools", "neon", "kettle", "Juniper Hall"]) {
      await openBox();
      await box.fill(q);
      await box.press("Enter");
      await expect(page.getByTestId("top-result")).toBeVisible();
    }
    await page.goto("/");
    await expect(page.getByTestId("library-stats")).toBeVisible();
    await openBox();
    await expect(page.getByRole("listbox", { name: "Recent searches" }).getByRole("option")).toHaveCount(4);
    await shoot(page, `search-recent-${name}`);

    await box.fill("tid");
    await expect(page.getByRole("listbox", { name: "Suggestions" }).getByRole("option").nth(1)).toBeVisible();
    await box.press("ArrowDown");
    await box.press("ArrowDown");
    await shoot(page, `search-suggestions-${name}`);

    await box.fill("tide");
    await box.press("Enter");
    await expect(page.getByTestId("top-result")).toBeVisible();
    await expect(page.getByTestId("song-row").first()).toBeVisible();
    await shoot(page, `search-results-${name}`);
    await page
      .getByRole("navigation", { name: "Kinds of results" })
      .getByRole("link", { name: "Songs" })
      .click();
    await expect(page.getByRole("heading", { name: "Songs for “tide”" })).toBeVisible();
    await expect(page.getByTestId("song-row").first()).toBeVisible();
    await shoot(page, `search-songs-${name}`);

    // While the answer is on its way (held back here).
    await page.route(/\/trpc\/[^?]*search\.query/, async (route) => {
      await new Promise((r) => setTimeout(r, 4_000));
      await route.continue().catch(() => undefined);
    });
    await page.goto("/search?q=neon");
    await expect(page.getByTestId("search-loading")).toBeVisible();
    await shoot(page, `search-loading-${name}`);
    await page.unrouteAll({ behavior: "ignoreErrors" });

    await page.goto("/search?q=zqxvwk");
    await expect(page.getByText("Check the spelling or try fewer words.")).toBeVisible();
    await shoot(page, `search-empty-${name}`);
    await page.goto("/search");
    await expect(page.getByRole("heading", { name: "Search", exact: true })).toBeVisible();
    await shoot(page, `search-start-${name}`);
  });
}
