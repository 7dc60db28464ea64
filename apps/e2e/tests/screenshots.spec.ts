import type { Page } from "@playwright/test";
import { expect, test } from "../fixtures.ts";
import { findSongWithSyncedLyrics, waitForPlayback } from "../player-helpers.ts";

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
}
