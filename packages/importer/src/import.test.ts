import { createReadStream } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import bcrypt from "bcryptjs";
import { BSON } from "bson";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiTestEnv, createApiTestEnv } from "../../api/src/test-support.js";
import { type ExportSummary, writeBsonFile, writeLegacyExport } from "./fixtures.js";
import { ImportAborted, ImportAlreadyRunning, type ImportReport, importMongo, issuesOf } from "./import.js";
import { COLLECTIONS, openFolder, readJson } from "./sources.js";

// A copy of ../shared/legacy-mongo/sample (the old app's sample export), so a clone tests on its own.
const SAMPLE = path.resolve(import.meta.dirname, "../fixtures/legacy-sample");
const ALICE = { email: "legacy.alice@example.com", password: "correct horse battery staple" };
const PASSWORD = "an old password from the old app";

const byName = (report: ImportReport) => new Map(report.collections.map((c) => [c.name, c]));

async function allPlays(env: ApiTestEnv, token: string): Promise<number> {
  const client = env.client();
  client.token = token;
  let total = 0;
  let cursor: string | null = null;
  do {
    const page = await client.api.player.recentlyPlayed({ limit: 100, cursor });
    total += page.items.length;
    cursor = page.nextCursor;
  } while (cursor);
  return total;
}

async function songIdOf(env: ApiTestEnv, legacyId: string): Promise<string> {
  return (
    await env.db.selectFrom("songs").select("id").where("legacy_id", "=", legacyId).executeTakeFirstOrThrow()
  ).id;
}

/** Every table the import writes, each as one fingerprint of its rows (ids included). */
async function snapshot(env: ApiTestEnv): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const table of [
    "users",
    "user_settings",
    "albums",
    "songs",
    "lyrics",
    "playlists",
    "playlist_items",
    "playlist_collaborators",
    "song_likes",
    "album_likes",
    "live_sessions",
    "session_participants",
    "chat_messages",
    "plays",
    "recent_searches",
    "recommendations",
    "recommendation_songs",
    "legacy_ids",
  ]) {
    const { rows } = await sql<{ n: string; h: string | null }>`
      select count(*) as n, md5(string_agg(t::text, ',' order by t::text)) as h from ${sql.table(table)} t`.execute(
      env.db,
    );
    out[table] = `${rows[0]!.n}:${rows[0]!.h}`;
  }
  return out;
}

describe("migrate-mongo: the sample export", () => {
  let env: ApiTestEnv;
  let report: ImportReport;

  beforeAll(async () => {
    env = await createApiTestEnv("import-sample");
    report = await importMongo(env.db, await openFolder(SAMPLE));
  });
  afterAll(async () => {
    await env?.close();
  });

  it("accounts for every document and the checksums match", () => {
    expect(report.ok).toBe(true);
    const c = byName(report);
    expect(c.get("users")).toMatchObject({ read: 6, written: 6, rejected: 0, unaccounted: 0 });
    expect(c.get("recentlyplayeds")).toMatchObject({ read: 20, written: 20, rejected: 0 });
    // One user appears twice in the only session (host, then dj): one membership, the other reported.
    expect(c.get("sessionparticipants")).toMatchObject({ read: 6, written: 5, rejected: 1 });
    for (const collection of report.collections) {
      expect(collection.read).toBe(collection.written + collection.rejected);
      expect(collection.checksum.match).toBe(true);
    }
  });

  it("lets a legacy user sign in with their old password, then upgrades the hash", async () => {
    const before = await env.db
      .selectFrom("users")
      .select("password_hash")
      .where("email", "=", ALICE.email)
      .executeTakeFirstOrThrow();
    expect(before.password_hash).toMatch(/^\$2a\$10\$/);
    const signIn = await env.client().api.auth.login(ALICE);
    expect(signIn.accessToken).toBeTruthy();
    const after = await env.db
      .selectFrom("users")
      .select("password_hash")
      .where("email", "=", ALICE.email)
      .executeTakeFirstOrThrow();
    expect(after.password_hash).toMatch(/^\$argon2id\$/);
    // And the new hash takes the same password.
    expect((await env.client().api.auth.login(ALICE)).accessToken).toBeTruthy();

    // Her history: as many plays as the export has for her.
    const lines = (await readFile(path.join(SAMPLE, "recentlyplayeds.json"), "utf8")).trim().split("\n");
    const hers = lines.filter((l) => l.includes('"userId":{"$oid":"65f000000000000000001eef"}')).length;
    expect(hers).toBeGreaterThan(0);
    expect(await allPlays(env, signIn.accessToken)).toBe(hers);
  });

  it("keeps a playlist's order and repeats, and opens it by its old id", async () => {
    const guest = env.client();
    const list = await guest.api.playlist.get({ id: "65f0001c0000000000038113" });
    expect(list.name).toBe("Drift Wild mix");
    expect(list.id).toMatch(/^[0-9a-f-]{36}$/);
    const expected = [
      "65f000110000000000022cce",
      "65f00015000000000002a88a",
      "65f000130000000000026aac",
      "65f000120000000000024bbd",
      "65f000110000000000022cce",
      "65f000100000000000020ddf",
    ];
    expect(list.items.map((i) => i.song.id)).toEqual(
      await Promise.all(expected.map((id) => songIdOf(env, id))),
    );
    expect(list.items.map((i) => i.position)).toEqual([0, 1, 2, 3, 4, 5]);
    // The same playlist by its new id.
    expect((await guest.api.playlist.get({ id: list.id })).items).toHaveLength(6);
  });

  it("brings synced lyrics back as lines, from an LRC string and from a list", async () => {
    const guest = env.client();
    const fromLrc = await guest.api.lyrics.get({ songId: await songIdOf(env, "65f0000f000000000001eef0") });
    expect(fromLrc.synced?.slice(0, 2)).toEqual([
      { ms: 0, text: "Ember Paper Velvet Hollow" },
      { ms: 4130, text: "Golden Midnight Wild Golden" },
    ]);
    expect(fromLrc.synced).toHaveLength(25);
    const fromList = await guest.api.lyrics.get({ songId: await songIdOf(env, "65f000100000000000020ddf") });
    expect(fromList.synced?.[0]).toEqual({ ms: 260, text: "Paper Drift Midnight Winter" });
    const plainOnly = await guest.api.lyrics.get({ songId: await songIdOf(env, "65f000110000000000022cce") });
    expect(plainOnly.synced).toBeNull();
    expect(plainOnly.plain).toMatch(/^Ember Ocean River Hollow\n/);
  });

  it("changes nothing when run again, and a dry run changes nothing either", async () => {
    const before = await snapshot(env);
    const again = await importMongo(env.db, await openFolder(SAMPLE));
    expect(again.ok).toBe(true);
    expect(again.collections.map((c) => [c.name, c.read, c.written, c.rejected])).toEqual(
      report.collections.map((c) => [c.name, c.read, c.written, c.rejected]),
    );
    expect(await snapshot(env)).toEqual(before);
    const dry = await importMongo(env.db, await openFolder(SAMPLE), { dryRun: true });
    expect(dry.ok).toBe(true);
    expect(await snapshot(env)).toEqual(before);
  });

  it("runs one import at a time: a second one started meanwhile is refused, saying why", async () => {
    const before = await snapshot(env);
    const runs = await Promise.allSettled([
      importMongo(env.db, await openFolder(SAMPLE)),
      importMongo(env.db, await openFolder(SAMPLE)),
    ]);
    expect(runs.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const refused = runs.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(refused.reason).toBeInstanceOf(ImportAlreadyRunning);
    expect(refused.reason.message).toMatch(/^Another import is running against this database/);
    expect(await snapshot(env)).toEqual(before);
    // Once it is done, the next one runs.
    expect((await importMongo(env.db, await openFolder(SAMPLE))).ok).toBe(true);
  });
});

describe("migrate-mongo: a generated export with the messy cases", () => {
  let env: ApiTestEnv;
  let dir: string;
  let summary: ExportSummary;
  let report: ImportReport;

  beforeAll(async () => {
    env = await createApiTestEnv("import-messy");
    dir = await mkdtemp(path.join(os.tmpdir(), "chorus-mongo-"));
    const hash = bcrypt.hashSync(PASSWORD, 4);
    summary = await writeLegacyExport(dir, {
      users: 12,
      songs: 40,
      plays: 3_000,
      passwordHashes: { 0: bcrypt.hashSync(PASSWORD, 10).replace(/^\$2b\$/, "$2a$"), 3: hash },
    });
    report = await importMongo(env.db, await openFolder(dir), { batchSize: 500 });
  }, 60_000);
  afterAll(async () => {
    await env?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("accounts for every document: read = written + rejected, with the reasons", async () => {
    const c = byName(report);
    for (const name of COLLECTIONS) {
      const got = c.get(name)!;
      expect(got.read, name).toBe(summary.docs[name]);
      expect(got.rejected, name).toBe(summary.rejected[name] ?? 0);
      expect(got.unaccounted, name).toBe(0);
      expect(got.checksum.match, name).toBe(true);
    }
    expect(report.ok).toBe(true);
    const reasons = async (name: (typeof COLLECTIONS)[number]) => {
      const out: string[] = [];
      for await (const issue of issuesOf(env.db, report.runId, name))
        out.push(`${issue.severity}: ${issue.reason}`);
      return out;
    };
    expect(await reasons("recentlyplayeds")).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^rejected: songId [0-9a-f]{24}: no such song \(dangling reference\)$/),
        expect.stringMatching(/^rejected: userId [0-9a-f]{24}: no such user/),
        expect.stringMatching(/^rejected: unparseable JSON/),
      ]),
    );
    expect(await reasons("songs")).toEqual(
      expect.arrayContaining([
        'warning: duration: "four minutes" is not m:ss or h:mm:ss; set to 0',
        'warning: album: no album is called "An Album Nobody Made"; created it',
        "rejected: name: missing",
      ]),
    );
    expect(await reasons("usersettings")).toEqual(
      expect.arrayContaining([
        "warning: crossfade: 30 s is outside 0–12; clamped",
        expect.stringMatching(/^rejected: the user already has settings/),
      ]),
    );
    expect(await reasons("chatmessages")).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/author/),
        "warning: message: 2500 characters, cut to 2000 (the full text is in this record)",
      ]),
    );
    // An unreadable line is kept in the report as it was.
    const broken = [];
    for await (const issue of issuesOf(env.db, report.runId, "users"))
      if (!issue.legacyId) broken.push(issue);
    expect(broken.map((b) => b.record)).toEqual(
      expect.arrayContaining([
        { raw: '{"_id":{"$oid":"65f0000100000000000000ff"},"email":"broken@example.com",' },
      ]),
    );
  });

  it("keeps both accounts whose emails collide, flags the later one and reports it", async () => {
    const rows = await env.db
      .selectFrom("users")
      .select(["email", "legacy_email", "email_needs_attention", "name"])
      .where((eb) =>
        eb.or([
          eb(sql`lower(email)`, "=", "listener0@example.com"),
          eb(sql`lower(legacy_email)`, "=", "listener0@example.com"),
        ]),
      )
      .orderBy("created_at")
      .execute();
    expect(rows).toEqual([
      {
        email: "listener0@example.com",
        legacy_email: null,
        email_needs_attention: false,
        name: "Listener 0",
      },
      {
        email: expect.stringMatching(/@import\.invalid$/),
        legacy_email: "LISTENER0@example.com",
        email_needs_attention: true,
        name: "Listener 0 again",
      },
    ]);
    expect(report.emailCollisions).toHaveLength(1);
    // Emails are trimmed and compared whatever their case: "  Listener1@Example.COM " signs in.
    const one = await env.db
      .selectFrom("users")
      .select("email")
      .where("name", "=", "Listener 1")
      .executeTakeFirstOrThrow();
    expect(one.email).toBe("Listener1@Example.COM");
  });

  it("lets the legacy user sign in ($2a$ and $2b$ hashes), upgrades the hash, and shows their library", async () => {
    const client = env.client();
    const { accessToken } = await client.api.auth.login({
      email: "listener0@example.com",
      password: PASSWORD,
    });
    client.token = accessToken;
    const stored = await env.db
      .selectFrom("users")
      .select("password_hash")
      .where("legacy_id", "=", summary.userIds[0]!)
      .executeTakeFirstOrThrow();
    expect(stored.password_hash).toMatch(/^\$argon2id\$/);
    const other = env.client();
    expect(
      (await other.api.auth.login({ email: "listener3@example.com", password: PASSWORD })).accessToken,
    ).toBeTruthy();

    // History: every play of theirs that landed, page by page.
    expect(await allPlays(env, accessToken)).toBe(summary.playsByUser.get(summary.userIds[0]!));

    // Their playlists: same songs, same order, repeats kept; a deleted song is left out (and reported).
    for (const [legacyId, { owner, songIds }] of summary.playlistSongs) {
      if (owner !== summary.userIds[0]) continue;
      const list = await client.api.playlist.get({ id: legacyId, limit: 500 });
      const known = await env.db
        .selectFrom("songs")
        .select(["id", "legacy_id"])
        .where("legacy_id", "in", songIds)
        .execute();
      const ids = new Map(known.map((k) => [k.legacy_id!, k.id]));
      const expected = songIds.flatMap((s) => (ids.has(s) ? [ids.get(s)!] : []));
      expect(list.items.map((i) => i.song.id)).toEqual(expected);
      expect(expected.length).toBeGreaterThan(new Set(expected).size); // a repeat is there
    }
    const mine = await client.api.playlist.mine();
    expect(mine.length).toBeGreaterThan(0);

    // Likes from both of their library records, each once.
    const likes = await env.db
      .selectFrom("song_likes")
      .innerJoin("songs", "songs.id", "song_likes.song_id")
      .select("songs.legacy_id")
      .where("song_likes.user_id", "=", (await client.api.user.me()).id)
      .orderBy("songs.legacy_id")
      .execute();
    expect(likes.map((l) => l.legacy_id)).toEqual([
      summary.songIds[0],
      summary.songIds[1],
      summary.songIds[5],
    ]);
  });

  it("reads synced lyrics from a list of times and from an LRC string as lines", async () => {
    const guest = env.client();
    const list = await guest.api.lyrics.get({ songId: await songIdOf(env, summary.lyricsSongs.array) });
    expect(list.synced).toEqual([
      { ms: 1250, text: "first line" },
      { ms: 12500, text: "second line" },
    ]);
    const lrc = await guest.api.lyrics.get({ songId: await songIdOf(env, summary.lyricsSongs.lrc) });
    expect(lrc.synced).toEqual([
      { ms: 1000, text: "one" },
      { ms: 2500, text: "two" },
      { ms: 4000, text: "three" },
    ]);
    expect(lrc.plain).toBe("one\ntwo\nthree");
  });

  it("turns m:ss and h:mm:ss into milliseconds, and links songs to their album by name", async () => {
    const rows = await env.db
      .selectFrom("songs")
      .leftJoin("albums", "albums.id", "songs.album_id")
      .select(["songs.legacy_id", "songs.duration_ms", "albums.title"])
      .where("songs.legacy_id", "in", summary.songIds.slice(0, 6))
      .orderBy("songs.legacy_id")
      .execute();
    expect(rows[0]!.duration_ms).toBe(60_000); // "1:00"
    expect(rows[3]!.duration_ms).toBe(3_723_000); // "1:02:03"
    expect(rows[4]!.duration_ms).toBe(0); // "four minutes", reported
    expect(rows[5]!.title).toBe("An Album Nobody Made");
    // "ALBUM 0" was merged into "Album 0": its old id resolves to it.
    const alias = await env.db
      .selectFrom("legacy_ids")
      .selectAll()
      .where("collection", "=", "albums")
      .execute();
    expect(alias).toHaveLength(1);
  });

  it("resumes a run killed halfway: the second run completes with exactly the expected rows", async () => {
    const fresh = await createApiTestEnv("import-resume");
    try {
      const source = await openFolder(dir);
      await expect(
        importMongo(fresh.db, source, { batchSize: 500, abortAfterBatches: 13 }),
      ).rejects.toBeInstanceOf(ImportAborted);
      const partway = await fresh.db
        .selectFrom("plays")
        .select(sql<string>`count(*)`.as("n"))
        .executeTakeFirstOrThrow();
      expect(Number(partway.n)).toBeGreaterThan(0);
      expect(Number(partway.n)).toBeLessThan(summary.docs.recentlyplayeds! - 3);
      const resumed = await importMongo(fresh.db, await openFolder(dir), { batchSize: 500 });
      expect(resumed.ok).toBe(true);
      expect(resumed.runId).not.toBe(report.runId);
      expect(resumed.collections.some((c) => c.resumed)).toBe(true);
      expect(resumed.collections.map((c) => [c.name, c.read, c.written, c.rejected, c.rows])).toEqual(
        report.collections.map((c) => [c.name, c.read, c.written, c.rejected, c.rows]),
      );
      for (const c of resumed.collections) expect(c.checksum.database, c.name).toBe(c.checksum.source);
      const plays = await fresh.db
        .selectFrom("plays")
        .select(sql<string>`count(*)`.as("n"))
        .executeTakeFirstOrThrow();
      expect(Number(plays.n)).toBe(summary.docs.recentlyplayeds! - summary.rejected.recentlyplayeds!);
    } finally {
      await fresh.close();
    }
  }, 60_000);

  it("gives the same database when run twice", async () => {
    const before = await snapshot(env);
    const again = await importMongo(env.db, await openFolder(dir), { batchSize: 700 });
    expect(again.ok).toBe(true);
    expect(await snapshot(env)).toEqual(before);
  }, 60_000);

  it("reads the same documents from a --jsonArray export, and fails verification when a row no longer matches", async () => {
    const arrays = await mkdtemp(path.join(os.tmpdir(), "chorus-mongo-array-"));
    const fresh = await createApiTestEnv("import-array");
    try {
      for (const name of ["users", "songs", "albums", "playlists"]) {
        const lines = (await readFile(path.join(dir, `${name}.json`), "utf8"))
          .split("\n")
          .filter((l) => l.trim() && !l.startsWith('{"_id":{"$oid":"65f0000100000000000000ff"'));
        const body = lines[0]!.startsWith("[") ? lines.join("\n") : `[\n${lines.join(",\n")}\n]`;
        await writeFile(path.join(arrays, `${name}.json`), body);
      }
      const first = await importMongo(fresh.db, await openFolder(arrays));
      const users = byName(first).get("users")!;
      expect(users.read).toBe(summary.docs.users! - 1);
      expect(first.ok).toBe(true);
      // Someone edits an imported song behind the importer's back: the next run says so.
      await fresh.db
        .updateTable("songs")
        .set({ title: "Edited" })
        .where("legacy_id", "=", summary.songIds[7]!)
        .execute();
      const second = await importMongo(fresh.db, await openFolder(arrays));
      expect(second.ok).toBe(false);
      expect(byName(second).get("songs")!.checksum.match).toBe(false);
    } finally {
      await fresh.close();
      await rm(arrays, { recursive: true, force: true });
    }
  }, 60_000);
});

describe("migrate-mongo: a mongodump folder", () => {
  it("imports the sample as BSON (dump/<db>/NAME.bson, one of them gzipped) exactly as from JSON", async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), "chorus-mongodump-"));
    const env = await createApiTestEnv("import-bson");
    try {
      const folder = path.join(root, "dump", "music");
      await mkdir(folder, { recursive: true });
      for (const name of COLLECTIONS) {
        const docs: Record<string, unknown>[] = [];
        for await (const item of readJson(createReadStream(path.join(SAMPLE, `${name}.json`)))) {
          if ("doc" in item) docs.push(item.doc);
        }
        if (name === "songs") {
          await writeFile(
            path.join(folder, "songs.bson.gz"),
            gzipSync(Buffer.concat(docs.map((d) => BSON.serialize(d)))),
          );
        } else {
          await writeBsonFile(path.join(folder, `${name}.bson`), docs);
        }
      }
      const report = await importMongo(env.db, await openFolder(path.join(root, "dump")));
      expect(report.ok).toBe(true);
      expect(report.collections.map((c) => [c.name, c.read, c.written, c.rejected])).toEqual([
        ["users", 6, 6, 0],
        ["usersettings", 6, 6, 0],
        ["albums", 3, 3, 0],
        ["songs", 12, 12, 0],
        ["lyrics", 3, 3, 0],
        ["playlists", 3, 3, 0],
        ["libraries", 5, 5, 0],
        ["sessions", 1, 1, 0],
        ["sessionparticipants", 6, 5, 1],
        ["chatmessages", 5, 5, 0],
        ["recentlyplayeds", 20, 20, 0],
        ["recentsearches", 5, 5, 0],
        ["recommendations", 2, 2, 0],
      ]);
      expect(report.collections.every((c) => c.origin?.includes(`${path.sep}music${path.sep}`))).toBe(true);
      const signIn = await env.client().api.auth.login(ALICE);
      expect(await allPlays(env, signIn.accessToken)).toBe(4); // hers in recentlyplayeds.json
    } finally {
      await env.close();
      await rm(root, { recursive: true, force: true });
    }
  }, 60_000);
});
