import { expect, test } from "../fixtures.ts";

test("the start page loads and shows the library from the server", async ({ page }) => {
  await page.goto("/");
  await expect(page).toHaveTitle("Chorus");
  const stats = page.getByTestId("library-stats");
  await expect(stats).toBeVisible();
  // A fresh database: the counts come from the server, and the empty state tells what to do.
  await expect(stats.getByText("Songs")).toBeVisible();
  await expect(stats.locator(".stat-value").first()).toHaveText("0");
  await expect(page.getByRole("heading", { name: "Your library is empty" })).toBeVisible();
  await expect(page.getByText(/Chorus \d+\.\d+\.\d+/)).toBeVisible();
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
