import { expect, test } from "../fixtures.ts";

// Screenshots of each screen, wide and narrow, for a person to look at (test-results/screens/).
for (const [name, size] of [
  ["wide", { width: 1280, height: 800 }],
  ["narrow", { width: 390, height: 800 }],
] as const) {
  test(`screens render at ${name} width`, async ({ page }) => {
    await page.setViewportSize(size);
    await page.goto("/");
    await expect(page.getByTestId("library-stats")).toBeVisible();
    await page.screenshot({ path: `test-results/screens/home-${name}.png`, fullPage: true });
    await page.goto("/status");
    await expect(page.getByTestId("server-clock").locator(".clock")).toBeVisible();
    await page.screenshot({ path: `test-results/screens/status-${name}.png`, fullPage: true });
    // Nothing may overflow sideways on a phone.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
  });
}
