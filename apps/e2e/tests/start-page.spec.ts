import { expect, test } from "../fixtures.ts";

test("the start page loads and shows the library from the server", async ({ page }) => {
  await page.goto("/");
  await expect(page).toHaveTitle("Chorus");
  // A fresh server has the demo catalog: its counts, and its albums ready to play.
  const stats = page.getByTestId("library-stats");
  await expect(stats).toHaveText(
    /[1-9]\d* songs · [1-9]\d* albums · [1-9]\d* artists · Chorus \d+\.\d+\.\d+/,
  );
  await expect(page.getByRole("heading", { name: "Recently added" })).toBeVisible();
  await expect(page.getByTestId("album-card").first()).toBeVisible();
  await expect(page.getByTestId("artist-card").first()).toBeVisible();
  // Album cards open their album.
  const first = page.getByTestId("album-card").first().locator(".tile-title");
  const title = await first.textContent();
  await first.click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(title ?? "");
});

test("the sidebar leads to the albums and the artists", async ({ page }) => {
  await page.goto("/");
  await page.getByRole("link", { name: "Albums", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Albums", level: 1 })).toBeVisible();
  await expect(page.getByTestId("album-card").first()).toBeVisible();
  await page.getByRole("link", { name: "Artists", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Artists", level: 1 })).toBeVisible();
  const artist = page.getByTestId("artist-card").first().locator(".tile-title");
  const name = await artist.textContent();
  await artist.click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(name ?? "");
  await expect(page.getByRole("heading", { name: "Popular" })).toBeVisible();
});

test("an album that does not exist says so", async ({ page }) => {
  await page.goto("/albums/00000000-0000-4000-8000-000000000000");
  await expect(page.getByRole("heading", { name: "This album is not here" })).toBeVisible();
  await page.goto("/albums/not-an-id");
  await expect(page.getByRole("heading", { name: "This album is not here" })).toBeVisible();
});

test("the server page shows the live clock ticking over the WebSocket", async ({ page }) => {
  await page.goto("/status");
  const clock = page.getByTestId("server-clock").locator(".clock");
  await expect(clock).toBeVisible();
  const first = await clock.textContent();
  await expect(clock).not.toHaveText(first ?? "", { timeout: 5_000 });
  await expect(page.getByRole("status")).toHaveText("Live");
  await expect(page.getByText("redis").first()).toBeVisible();
});

test("a client-side route loads the app, and an unknown one says so", async ({ page }) => {
  await page.goto("/no/such/page");
  await expect(page.getByRole("heading", { name: "Nothing here" })).toBeVisible();
  await page.getByRole("link", { name: "Go home" }).click();
  await expect(page.getByTestId("library-stats")).toBeVisible();
});
