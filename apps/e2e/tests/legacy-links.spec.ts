import pg from "pg";
import { expect, test } from "../fixtures.ts";

// People moving from the old app have its links saved: /playlist/<MongoDB id>. The importer keeps
// each old id (legacy_id); the page resolves it and puts the Chorus address in the bar.
test("an old app's playlist link opens the imported playlist at its Chorus address", async ({
  page,
  accounts,
  server,
}) => {
  const account = await accounts.signUp(page, { name: "Moved Over" });
  const oldId = `65f0001c${Date.now().toString(16).padStart(16, "0")}`.slice(0, 24);
  const db = new pg.Client(server.databaseUrl);
  await db.connect();
  let playlistId: string;
  try {
    // What `pnpm chorus migrate-mongo` writes for a public playlist of the old app.
    const { rows } = await db.query<{ id: string }>(
      `insert into playlists (owner_id, name, is_public, legacy_id)
       select id, 'Drift Wild mix', true, $2 from users where email = $1 returning id`,
      [account.email, oldId],
    );
    playlistId = rows[0]!.id;
    await db.query(
      `insert into playlist_items (playlist_id, song_id, position)
       select $1, id, row_number() over (order by title) - 1 from (select id, title from songs order by title limit 3) s`,
      [playlistId],
    );
  } finally {
    await db.end();
  }

  await page.goto(`/playlist/${oldId}`);
  await expect(page.getByRole("heading", { level: 1, name: "Drift Wild mix" })).toBeVisible();
  await expect(page).toHaveURL(new RegExp(`/playlists/${playlistId}$`));
  await expect(page.getByText(/\b3 songs\b/).first()).toBeVisible();

  // An old id that was never imported is simply not there.
  await page.goto("/playlist/65f0001c00000000deadbeef");
  await expect(page.getByText("This playlist is not here")).toBeVisible();
});
