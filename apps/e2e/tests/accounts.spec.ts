import { expect, test } from "../fixtures.ts";

const password = "lantern-velvet-harbor-42";

// A 1×1 PNG: the smallest picture the server accepts as an avatar.
const tinyPng = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==",
  "base64",
);

test("a new user signs up, verifies the emailed code, stays signed in across a reload, logs out and back in", async ({
  page,
  mailbox,
  accounts,
}) => {
  const email = accounts.uniqueEmail("signup");
  await page.goto("/");
  await page.getByRole("link", { name: "Sign up" }).click();
  await expect(page.getByRole("heading", { name: "Create your account" })).toBeVisible();
  await page.getByLabel("Name").fill("Ada Listener");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Sign up" }).click();

  await expect(page).toHaveURL(/\/verify\?email=/);
  await expect(page.getByRole("heading", { name: "Check your email" })).toBeVisible();
  await expect(page.getByText(email)).toBeVisible();
  // The resend button waits out the server's resend interval.
  await expect(page.getByRole("button", { name: /Send a new code in/ })).toBeDisabled();
  const code = await mailbox.waitForCode(email);
  // The sixth digit submits.
  await page.getByLabel("6-digit code").fill(code);

  const accountName = page.getByTestId("account-name");
  await expect(accountName).toHaveText("Ada Listener");
  await expect(page).toHaveURL(/\/$/);
  // The access token stays in memory: nothing in storage a script could lift.
  expect(await page.evaluate(() => JSON.stringify({ ...localStorage, ...sessionStorage }))).not.toContain(
    "eyJ",
  );

  await page.reload();
  await expect(accountName).toHaveText("Ada Listener");

  await page.getByRole("button", { name: "Account: Ada Listener" }).click();
  await page.getByRole("menuitem", { name: "Log out" }).click();
  await expect(page.getByRole("link", { name: "Log in" })).toBeVisible();
  await expect(accountName).toHaveCount(0);
  // The server ended the session too: a reload does not bring it back.
  await page.reload();
  await expect(page.getByRole("link", { name: "Log in" })).toBeVisible();

  await page.getByRole("link", { name: "Log in" }).click();
  await expect(page.getByRole("heading", { name: "Welcome back" })).toBeVisible();
  const form = page.getByRole("tabpanel");
  await form.getByLabel("Email").fill(email);
  await form.getByLabel("Password", { exact: true }).fill("not-the-password");
  await page.getByRole("button", { name: "Log in", exact: true }).click();
  const passwordInput = form.getByLabel("Password", { exact: true });
  await expect(passwordInput).toHaveAttribute("aria-invalid", "true");
  await expect(passwordInput).toHaveAccessibleDescription(/email or password is wrong/);

  await passwordInput.fill(password);
  await page.getByRole("button", { name: "Log in", exact: true }).click();
  await expect(accountName).toHaveText("Ada Listener");
});

test("a wrong code is shown next to the code field, and the right one then works", async ({
  page,
  mailbox,
  accounts,
}) => {
  const email = accounts.uniqueEmail("wrong-code");
  await page.goto("/signup");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Sign up" }).click();
  await expect(page.getByRole("heading", { name: "Check your email" })).toBeVisible();

  const code = await mailbox.waitForCode(email);
  const wrong = code === "000000" ? "111111" : "000000";
  const input = page.getByLabel("6-digit code");
  await input.fill(wrong);
  await expect(input).toHaveAttribute("aria-invalid", "true");
  await expect(input).toHaveAccessibleDescription(/code is wrong or has expired/);
  await expect(page.getByTestId("account-name")).toHaveCount(0);

  await input.fill(code);
  // No name given: the account goes by the first part of the address.
  await expect(page.getByTestId("account-name")).toHaveText(email.split("@")[0]!);
});

test("sign-up problems are shown next to the field they concern", async ({ page, accounts }) => {
  await page.goto("/signup");
  const emailInput = page.getByLabel("Email");
  const passwordInput = page.getByLabel("Password", { exact: true });
  // Checked in the browser with the shared contract…
  await emailInput.fill("not-an-email");
  await passwordInput.fill("short");
  await page.getByRole("button", { name: "Sign up" }).click();
  await expect(emailInput).toHaveAccessibleDescription(/valid email address/);
  await expect(passwordInput).toHaveAccessibleDescription(/at least 8 characters/);
  await expect(emailInput).toBeFocused();
  // …and by the server, which names the field (a password everybody uses).
  await emailInput.fill(accounts.uniqueEmail("common"));
  await passwordInput.fill("password1234");
  await page.getByRole("button", { name: "Sign up" }).click();
  await expect(passwordInput).toHaveAccessibleDescription(/commonly used passwords/);
  await expect(page).toHaveURL(/\/signup/);
});

test("signed-out visitors of account screens log in by emailed code and come back", async ({
  page,
  mailbox,
  accounts,
  server,
}) => {
  const account = await accounts.signUp(page, { name: "Returning Listener" });
  await page.context().clearCookies();
  await page.goto("/settings");
  await expect(page).toHaveURL(/\/login\?next=%2Fsettings/);
  await page.getByRole("tab", { name: "Email code" }).click();
  const form = page.getByRole("tabpanel");
  await form.getByLabel("Email").fill(account.email);
  const before = (await mailbox.codesSentTo(account.email)).length;
  // The sign-up code went out moments ago: the server asks to wait, and the form says how long.
  await page.getByRole("button", { name: "Email me a code" }).click();
  await expect(page.getByRole("alert")).toContainText(/You can try again in \d+ s/);
  await server.resetRateLimit(`code-send:${account.email}`);
  await page.getByRole("button", { name: "Email me a code" }).click();
  await expect(page.getByText(`We sent a code to ${account.email}`)).toBeVisible();
  await form.getByLabel("6-digit code").fill(await mailbox.waitForCode(account.email, { after: before }));
  await expect(page).toHaveURL(/\/settings$/);
  await expect(page.getByRole("heading", { name: "Settings" })).toBeVisible();
});

test("profile and settings edits are saved and still there after a reload", async ({ page, accounts }) => {
  await accounts.signUp(page, { name: "Bo Settings" });

  await page.goto("/profile");
  await expect(page.getByRole("heading", { name: "Profile" })).toBeVisible();
  await page.getByLabel("Display name").fill("Bo Renamed");
  await page.getByLabel("Bio").fill("Synth-pop at night.");
  await expect(page.getByTestId("bio-counter")).toHaveText(/^19 \/ \d+$/);
  await page.getByRole("button", { name: "Save profile" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Saved" })).toBeVisible();
  await expect(page.getByTestId("account-name")).toHaveText("Bo Renamed");

  // A file that is not a picture is refused before it is sent; a picture is uploaded.
  const fileInput = page.locator('input[type="file"]');
  await fileInput.setInputFiles({ name: "notes.txt", mimeType: "text/plain", buffer: Buffer.from("hello") });
  await expect(page.getByRole("alert")).toContainText("not a picture Chorus can use");
  await fileInput.setInputFiles({ name: "me.png", mimeType: "image/png", buffer: tinyPng });
  const avatar = page.getByTestId("profile-avatar").locator("img");
  await expect(avatar).toHaveAttribute("src", /^\/media\/images\//);
  await expect(page.getByRole("button", { name: "Remove" })).toBeVisible();

  await page.reload();
  await expect(page.getByLabel("Display name")).toHaveValue("Bo Renamed");
  await expect(page.getByLabel("Bio")).toHaveValue("Synth-pop at night.");
  await expect(avatar).toHaveAttribute("src", /^\/media\/images\//);
  expect(await avatar.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(1);

  await page.goto("/settings");
  await expect(page.getByRole("heading", { name: "Settings" })).toBeVisible();
  await page.getByRole("radio", { name: "Light" }).check();
  await expect(page.locator("html")).toHaveAttribute("data-theme", "light");
  await page.getByRole("radio", { name: /^High/ }).check();
  const crossfade = page.getByRole("slider", { name: "Crossfade" });
  await crossfade.focus();
  for (let i = 0; i < 5; i++) await page.keyboard.press("ArrowRight");
  await expect(page.getByTestId("crossfade-value")).toHaveText("5 s");
  await page.getByRole("switch", { name: "Use the equalizer" }).check();
  await page.getByLabel("Preset").selectOption("bass-boost");
  const band = page.getByRole("slider", { name: "16kHz" });
  await band.focus();
  for (let i = 0; i < 3; i++) await page.keyboard.press("ArrowUp");
  await expect(page.getByLabel("Preset")).toHaveValue("custom");
  await page.getByRole("switch", { name: "Private session" }).check();
  await page.getByLabel("Language").selectOption("pt-BR");
  await expect(page.getByText("You have unsaved changes")).toBeVisible();
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(page.getByText("✓ Settings saved")).toBeVisible();

  await page.reload();
  await expect(page.getByRole("radio", { name: "Light" })).toBeChecked();
  await expect(page.locator("html")).toHaveAttribute("data-theme", "light");
  await expect(page.getByRole("radio", { name: /^High/ })).toBeChecked();
  await expect(page.getByTestId("crossfade-value")).toHaveText("5 s");
  await expect(page.getByRole("switch", { name: "Use the equalizer" })).toBeChecked();
  await expect(page.getByRole("slider", { name: "16kHz" })).toHaveValue("3");
  await expect(page.getByRole("slider", { name: "32Hz" })).toHaveValue("6");
  await expect(page.getByRole("switch", { name: "Private session" })).toBeChecked();
  await expect(page.getByLabel("Language")).toHaveValue("pt-BR");
  await expect(page.getByText("All changes saved")).toBeVisible();
});

test("changing the password keeps this session and the new password logs in", async ({ page, accounts }) => {
  const account = await accounts.signUp(page, { name: "Cy Secure" });
  const newPassword = "meadow-copper-violin-77";
  await page.goto("/settings");
  await page.getByLabel("Current password", { exact: true }).fill("wrong-password-here");
  await page.getByLabel("New password", { exact: true }).fill(newPassword);
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByLabel("Current password", { exact: true })).toHaveAccessibleDescription(
    /current password is wrong/,
  );
  await page.getByLabel("Current password", { exact: true }).fill(account.password);
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByText(/Password changed/)).toBeVisible();
  await page.reload();
  await expect(page.getByTestId("account-name")).toHaveText("Cy Secure");

  await page.getByRole("button", { name: "Log out everywhere" }).click();
  await page.getByRole("button", { name: "Yes, log out everywhere" }).click();
  await expect(page.getByRole("link", { name: "Log in" })).toBeVisible();
  await page.goto("/login");
  const form = page.getByRole("tabpanel");
  await form.getByLabel("Email").fill(account.email);
  await form.getByLabel("Password", { exact: true }).fill(newPassword);
  await page.getByRole("button", { name: "Log in", exact: true }).click();
  await expect(page.getByTestId("account-name")).toHaveText("Cy Secure");
});

test("deleting the account needs the password, then signs out for good", async ({ page, accounts }) => {
  const account = await accounts.signUp(page, { name: "Di Leaving" });
  await page.goto("/settings");
  await page.getByRole("button", { name: "Delete account…" }).click();
  const confirm = page.getByLabel("Confirm with your password", { exact: true });
  await confirm.fill("not-my-password");
  await page.getByRole("button", { name: "Delete my account" }).click();
  await expect(confirm).toHaveAccessibleDescription(/password is wrong/);
  await confirm.fill(account.password);
  await page.getByRole("button", { name: "Delete my account" }).click();
  await expect(page.getByRole("link", { name: "Log in" })).toBeVisible();
  await expect(page).toHaveURL(/\/$/);

  await page.goto("/login");
  const form = page.getByRole("tabpanel");
  await form.getByLabel("Email").fill(account.email);
  await form.getByLabel("Password", { exact: true }).fill(account.password);
  await page.getByRole("button", { name: "Log in", exact: true }).click();
  await expect(form.getByLabel("Password", { exact: true })).toHaveAccessibleDescription(/wrong/);
});
