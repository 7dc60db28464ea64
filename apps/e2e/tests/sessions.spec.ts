import type { Browser, Page } from "@playwright/test";
import { expect, test } from "../fixtures.ts";
import { waitForPlayback } from "../player-helpers.ts";
import {
  audioClock,
  breakableSocket,
  driftMs,
  expectInSync,
  longSongs,
  medianDriftMs,
  queueByTitle,
  roomCode,
} from "../session-helpers.ts";

// Live listening sessions: two people in two browser contexts (two cookie jars, two sockets).

async function twoPeople(browser: Browser, baseURL: string): Promise<[Page, Page, () => Promise<void>]> {
  const a = await browser.newContext({ baseURL });
  const b = await browser.newContext({ baseURL });
  const pages: [Page, Page] = [await a.newPage(), await b.newPage()];
  return [...pages, async () => void (await Promise.all([a.close(), b.close()]))];
}

/** The room's screen, wide and narrow, into the screenshots folder the screens test uses. */
async function shoot(page: Page, name: string) {
  await page.evaluate(() => document.querySelector(".content")?.scrollTo({ top: 0 }));
  await page.waitForFunction(() =>
    Array.from(document.images).every((img) => {
      const r = img.getBoundingClientRect();
      return !(r.bottom > 0 && r.top < innerHeight) || img.complete;
    }),
  );
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow, `${name} overflows sideways`).toBeLessThanOrEqual(0);
  await page.screenshot({ path: `test-results/screens/${name}.png`, animations: "disabled" });
  const tall = await page.addStyleTag({ content: ".shell { height: auto; min-height: 100vh; }" });
  await page.screenshot({
    path: `test-results/screens/${name}-full.png`,
    fullPage: true,
    animations: "disabled",
  });
  await tall.evaluate((el) => el.parentNode?.removeChild(el));
}

test("a listener joins by code and hears the host's song in step; chat goes both ways", async ({
  browser,
  server,
  accounts,
}) => {
  test.setTimeout(120_000);
  const [host, listener, close] = await twoPeople(browser, server.url);
  try {
    await accounts.signUp(host, { name: "Hana Host" });
    await accounts.signUp(listener, { name: "Leo Listener" });
    const songs = await longSongs(host, 2);
    expect(songs[0]!.durationMs, "the demo catalog has a song long enough to seek in").toBeGreaterThan(
      30_000,
    );

    // The host starts a session and queues two songs found by name.
    await host.goto("/session");
    await host.getByTestId("session-name").fill("Friday night");
    await host.getByRole("button", { name: "Start session" }).click();
    await expect(host.getByTestId("session-room")).toBeVisible();
    await expect(host.getByRole("heading", { level: 1 })).toHaveText("Friday night");
    const code = await roomCode(host);
    expect(code).toMatch(/^[A-Z0-9]{6}$/);
    await expect(host.getByTestId("session-live")).toHaveText("Live");
    await queueByTitle(host, songs);

    // The listener types the code as it sounds: lower case, with a dash.
    const network = await breakableSocket(listener);
    await listener.goto("/session");
    await listener
      .getByTestId("join-code")
      .fill(`${code.slice(0, 3).toLowerCase()}-${code.slice(3).toLowerCase()}`);
    await listener.getByRole("button", { name: "Join", exact: true }).click();
    await expect(listener).toHaveURL(new RegExp(`/session/${code}$`));
    await expect(listener.getByTestId("session-room")).toBeVisible();
    await expect(listener.getByTestId("session-queue-item")).toHaveCount(2);
    // Both see both, with their roles; the listener has no controls.
    await expect(host.getByTestId("session-person")).toHaveCount(2);
    await expect(listener.locator('[data-testid="session-person"][data-role="host"]')).toContainText(
      "Hana Host",
    );
    await expect(listener.getByTestId("session-play")).toHaveCount(0);

    // The host plays: both hear the first song, in step.
    await host.getByTestId("session-play").click();
    await expect(listener.getByTestId("session-song-title")).toHaveText(songs[0]!.title);
    await waitForPlayback(host, 0.5);
    await waitForPlayback(listener, 0.5);
    await expectInSync(host, listener);

    // A seek 20 s in: the listener jumps along.
    await host.getByTestId("session-seek").fill("20");
    await listener.waitForFunction(() => {
      const a = document.querySelector<HTMLAudioElement>('audio[data-testid="audio"]');
      return a !== null && !a.paused && a.currentTime > 19.5;
    });
    await expectInSync(host, listener);
    const drift = await medianDriftMs(host, listener);
    expect(Math.abs(drift), `the listener is ${Math.round(drift)} ms off the host`).toBeLessThan(250);
    test.info().annotations.push({ type: "drift after seek (ms)", description: String(Math.round(drift)) });

    // Pause: the listener stops too, at the same place.
    await host.getByRole("button", { name: "Pause for everyone" }).click();
    await expect.poll(async () => (await audioClock(listener)).paused).toBe(true);
    await expect.poll(async () => Math.abs(await driftMs(host, listener))).toBeLessThan(250);

    // Chat, both ways, as text.
    await listener.getByTestId("chat-input").fill("Hi <b>Hana</b>!");
    await listener.getByRole("button", { name: "Send" }).click();
    await expect(host.getByTestId("session-chat").getByText("Hi <b>Hana</b>!")).toBeVisible();
    await host.getByTestId("chat-input").fill("Welcome, Leo");
    await host.getByRole("button", { name: "Send" }).click();
    // A second message within the second is held back, with a word why.
    await expect(host.getByTestId("chat-input")).toHaveValue("");
    await host.getByTestId("chat-input").fill("Too quick");
    await host.getByTestId("chat-input").press("Enter");
    await expect(host.getByText("One message a second")).toBeVisible();
    await expect(listener.getByTestId("session-chat").getByText("Welcome, Leo")).toBeVisible();
    await expect(listener.getByTestId("session-chat").getByText("Too quick")).toHaveCount(0);
    // A reaction, one tap: both see who reacted with what.
    await listener.getByRole("button", { name: "React with 🔥" }).click();
    const reaction = host.locator('[data-testid="chat-message"][data-kind="reaction"]');
    await expect(reaction).toContainText("Leo Listener");
    await expect(reaction.getByRole("img", { name: "reacted 🔥" })).toBeVisible();
    await expect(
      listener.locator('[data-testid="chat-message"][data-kind="reaction"]').getByText("You"),
    ).toBeVisible();

    // Near the end of the song: when it is over, the room moves on to the next one by itself.
    await host.getByRole("button", { name: "Play for everyone" }).click();
    await host.getByTestId("session-seek").fill(String(Math.floor(songs[0]!.durationMs / 1000) - 2));
    await expect(listener.getByTestId("session-song-title")).toHaveText(songs[1]!.title, { timeout: 15_000 });
    await waitForPlayback(listener, 0.3);
    await expectInSync(host, listener);
    // Back to the first song, picked from the queue.
    await host.getByRole("button", { name: `Play “${songs[0]!.title}” for everyone` }).click();
    await expect(listener.getByTestId("session-song-title")).toHaveText(songs[0]!.title);
    await expectInSync(host, listener);

    // The room, wide and narrow.
    for (const [name, size] of [
      ["wide", { width: 1280, height: 800 }],
      ["narrow", { width: 390, height: 800 }],
    ] as const) {
      await listener.setViewportSize(size);
      await host.setViewportSize(size);
      await shoot(host, `session-room-host-${name}`);
      await shoot(listener, `session-room-listener-${name}`);
    }

    // The listener's connection drops: the room says so, and what happened meanwhile arrives once
    // it is back (the subscription resumes after the last event it had).
    await network.drop();
    await expect(listener.getByTestId("session-live")).toHaveText("Reconnecting…");
    await host.getByTestId("chat-input").fill("While you were away");
    await host.getByRole("button", { name: "Send" }).click();
    await expect(host.getByTestId("session-chat").getByText("While you were away")).toBeVisible();
    network.restore();
    await expect(listener.getByTestId("session-live")).toHaveText("Live", { timeout: 20_000 });
    await expect(listener.getByTestId("session-chat").getByText("While you were away")).toHaveCount(1);
    await expectInSync(host, listener);

    // The listener leaves; the host sees them go.
    await listener.getByTestId("leave-session").click();
    await expect(listener).toHaveURL(/\/session$/);
    await expect(host.getByTestId("session-person")).toHaveCount(1);
  } finally {
    await close();
  }
});

test("the music goes on to the next song when the host's browser is gone and only a listener is left", async ({
  browser,
  server,
  accounts,
}) => {
  test.setTimeout(90_000);
  const [host, listener, close] = await twoPeople(browser, server.url);
  try {
    await accounts.signUp(host, { name: "Hugo Host" });
    await accounts.signUp(listener, { name: "Lina Listener" });
    const songs = await longSongs(host, 2);
    await host.goto("/session");
    await host.getByRole("button", { name: "Start session" }).click();
    await expect(host.getByTestId("session-room")).toBeVisible();
    const code = await roomCode(host);
    await queueByTitle(host, songs);
    await listener.goto(`/session/${code}`);
    await expect(listener.getByTestId("session-room")).toBeVisible();
    await host.getByTestId("session-play").click();
    await waitForPlayback(listener, 0.3);

    // Five seconds from the end, the host's browser closes (the host stays the host, just offline).
    await host.getByTestId("session-seek").fill(String(Math.floor(songs[0]!.durationMs / 1000) - 5));
    await listener.waitForFunction((end) => {
      const a = document.querySelector<HTMLAudioElement>('audio[data-testid="audio"]');
      return a !== null && !a.paused && a.currentTime > end - 6;
    }, songs[0]!.durationMs / 1000);
    await host.close();
    await expect(listener.locator('[data-testid="session-person"][data-role="host"]')).toContainText(
      "Hugo Host",
    );
    // The listener's player says when the song is over; the server checks and moves the room on.
    await expect(listener.getByTestId("session-song-title")).toHaveText(songs[1]!.title, { timeout: 20_000 });
    await waitForPlayback(listener, 0.5);
    // Still no controls for the listener: only the end of a song was theirs to call.
    await expect(listener.getByTestId("session-play")).toHaveCount(0);
  } finally {
    await close();
  }
});

test("a join link to a private session waits for the host, who lets the person in and makes them DJ", async ({
  page,
  browser,
  server,
  accounts,
}) => {
  test.setTimeout(60_000);
  const [host, , close] = await twoPeople(browser, server.url);
  try {
    await accounts.signUp(host, { name: "Hana Host" });
    await host.goto("/session");
    await host.getByRole("switch", { name: "Private" }).check();
    await host.getByRole("button", { name: "Start session" }).click();
    await expect(host.getByTestId("session-room")).toBeVisible();
    await expect(host.getByText("Private", { exact: true })).toBeVisible();
    const code = await roomCode(host);

    // Signed out, the link goes to the login page and back.
    const account = await accounts.signUp(page, { name: "Link Follower" });
    await page.context().clearCookies();
    await page.goto(`/session/${code.toLowerCase()}`);
    await expect(page).toHaveURL(/\/login/);
    const form = page.getByRole("tabpanel");
    await form.getByLabel("Email").fill(account.email);
    await form.getByLabel("Password", { exact: true }).fill(account.password);
    await page.getByRole("button", { name: "Log in", exact: true }).click();
    await expect(page).toHaveURL(new RegExp(`/session/${code}$`));
    // Private: they wait until the host lets them in.
    await expect(page.getByRole("heading", { name: "Waiting for the host" })).toBeVisible();
    await shoot(page, "session-waiting-wide");
    const waiting = host.getByTestId("session-waiting");
    await expect(waiting).toContainText("Link Follower");
    await waiting.getByRole("button", { name: "Let in" }).click();
    await expect(page.getByTestId("session-room")).toBeVisible({ timeout: 15_000 });
    await expect(host.getByTestId("session-person")).toHaveCount(2);
    await expect(page.getByText("Nothing playing yet")).toBeVisible();
    await expect(page.getByTestId("session-play")).toHaveCount(0);

    // The host makes them a DJ: the controls appear for them.
    await host.getByRole("button", { name: "Options for Link Follower" }).click();
    await host.getByRole("menuitem", { name: "Make DJ" }).click();
    await expect(page.locator('[data-testid="session-person"][data-role="dj"]')).toContainText(
      "Link Follower",
    );
    await expect(page.getByTestId("session-play")).toBeVisible();

    // The host ends it: the room says so, and the way out leads back to the start.
    await host.getByRole("button", { name: "End session" }).click();
    await host.getByRole("dialog").getByRole("button", { name: "End session" }).click();
    await expect(page.getByTestId("session-ended")).toContainText("The host ended this session.");
    await page.setViewportSize({ width: 390, height: 800 });
    await shoot(page, "session-ended-narrow");
    await page.getByTestId("session-ended").getByRole("button", { name: "Back to Listen together" }).click();
    await expect(page.getByRole("heading", { name: "Listen together" })).toBeVisible();
    await page.setViewportSize({ width: 1280, height: 800 });

    // A code that names no session says so.
    await page.goto("/session/ZZZZ22");
    await expect(page.getByRole("alert")).toContainText("No session has the code ZZZZ22");
    await page.getByRole("link", { name: "Back to Listen together" }).click();
    await expect(page.getByRole("heading", { name: "Listen together" })).toBeVisible();
    await page.getByTestId("join-code").fill("abc");
    await page.getByRole("button", { name: "Join", exact: true }).click();
    await expect(page.getByText("A session code is 6 letters and digits")).toBeVisible();
    for (const [name, size] of [
      ["wide", { width: 1280, height: 800 }],
      ["narrow", { width: 390, height: 800 }],
    ] as const) {
      await page.setViewportSize(size);
      await shoot(page, `session-start-${name}`);
    }
  } finally {
    await close();
  }
});

test("a listener whose browser blocks sound until a click gets one button to start listening", async ({
  browser,
  server,
  accounts,
}) => {
  test.setTimeout(90_000);
  const [host, listener, close] = await twoPeople(browser, server.url);
  try {
    // Headless Chromium plays sound without a click whatever its flags say: this page keeps the
    // strict rule browsers apply to a tab opened from a link (no sound before a click on the page).
    await listener.addInitScript(() => {
      let clicked = false;
      addEventListener("pointerdown", () => (clicked = true), true);
      const play = HTMLMediaElement.prototype.play;
      HTMLMediaElement.prototype.play = function (this: HTMLMediaElement) {
        if (clicked) return play.call(this);
        return Promise.reject(new DOMException("play() needs a click on the page first", "NotAllowedError"));
      };
    });
    await accounts.signUp(host, { name: "Hana Host" });
    await accounts.signUp(listener, { name: "Leo Listener" });
    const [song] = await longSongs(host, 1);
    // The host was listening to something: the room offers to queue it.
    await host.goto(`/albums/${song!.albumId}`);
    await host.getByRole("button", { name: `Play ${song!.title}`, exact: true }).click();
    await waitForPlayback(host, 0.2);
    await host.goto("/session");
    await host.getByRole("button", { name: "Start session" }).click();
    const code = await roomCode(host);
    await host.getByRole("button", { name: `Add “${song!.title}”, which you were playing` }).click();
    await expect(host.getByTestId("session-queue-item")).toHaveCount(1);
    await host.getByTestId("session-play").click();
    await waitForPlayback(host, 0.5);

    // Straight from a link, with no click yet: the room shows, silent, with the way to start.
    await listener.goto(`/session/${code}`);
    await expect(listener.getByTestId("session-song-title")).toHaveText(song!.title);
    await expect(listener.getByText("Your browser needs a click before it plays sound.")).toBeVisible();
    expect((await audioClock(listener)).paused).toBe(true);
    await listener.getByTestId("start-listening").click();
    await waitForPlayback(listener, 0.5);
    await expectInSync(host, listener);
    await expect(listener.getByTestId("start-listening")).toHaveCount(0);
    // Both are here.
    await expect(listener.getByTestId("session-people")).toContainText("2 of 2 here");
  } finally {
    await close();
  }
});
