import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createDb, type Db, migrateToLatest } from "@chorus/db";
import { createLocalMediaStore, type MediaStore, sniffImageType } from "@chorus/media";
import { createTestDatabase, type TestDatabase } from "@chorus/test-utils";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mp3File } from "./fixture-formats.js";
import { type GeneratedFile, type GeneratedLibrary, generateLibrary } from "./fixtures.js";
import { type ImportProgress, importLibrary } from "./import.js";
import { formatReport } from "./progress.js";

let testDb: TestDatabase;
let db: Db;
let tmp: string;
let lib: GeneratedLibrary;
let media: MediaStore;

beforeAll(async () => {
  testDb = await createTestDatabase("library");
  db = createDb({ connectionString: testDb.url });
  await migrateToLatest(db);
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), "chorus-library-"));
  lib = await generateLibrary(path.join(tmp, "library"), { count: 520, seed: 11 });
  media = createLocalMediaStore(path.join(tmp, "media"));
});

afterAll(async () => {
  await db?.destroy();
  await testDb?.drop();
  if (tmp) await fs.rm(tmp, { recursive: true, force: true });
});

const MIME: Record<GeneratedFile["format"], string> = {
  mp3: "audio/mpeg",
  flac: "audio/flac",
  wav: "audio/wav",
  ogg: "audio/ogg",
  opus: "audio/ogg",
  m4a: "audio/mp4",
};

async function catalog() {
  const songs = await db
    .selectFrom("songs as s")
    .leftJoin("albums as a", "a.id", "s.album_id")
    .leftJoin("artists as aa", "aa.id", "a.artist_id")
    .select([
      "s.id",
      "s.title",
      "s.file_path",
      "s.duration_ms",
      "s.track_number",
      "s.disc_number",
      "s.year",
      "s.genre",
      "s.mime_type",
      "s.size_bytes",
      "s.file_mtime",
      "s.updated_at",
      "s.cover_key",
      "s.replaygain_track_gain_db",
      "s.replaygain_track_peak",
      "s.replaygain_album_gain_db",
      "s.replaygain_album_peak",
      "a.title as album",
      "a.cover_key as album_cover",
      "a.year as album_year",
      "aa.name as album_artist",
    ])
    .execute();
  const credits = await db
    .selectFrom("song_artists as sa")
    .innerJoin("artists as ar", "ar.id", "sa.artist_id")
    .select(["sa.song_id", "ar.name", "sa.position", "sa.role"])
    .orderBy("sa.song_id")
    .orderBy("sa.position")
    .execute();
  const artistsOf = new Map<string, string[]>();
  for (const c of credits) artistsOf.set(c.song_id, [...(artistsOf.get(c.song_id) ?? []), c.name]);
  const lyrics = await db.selectFrom("lyrics").selectAll().execute();
  return {
    byPath: new Map(songs.map((s) => [s.file_path!, { ...s, artists: artistsOf.get(s.id) ?? [] }])),
    credits,
    lyrics: new Map(lyrics.map((l) => [l.song_id, l])),
  };
}

async function counts() {
  const [songs, albums, artists, credits, lyrics] = await Promise.all(
    (["songs", "albums", "artists", "song_artists", "lyrics"] as const).map((t) =>
      db
        .selectFrom(t)
        .select((eb) => eb.fn.countAll<string>().as("n"))
        .executeTakeFirstOrThrow(),
    ),
  );
  return {
    songs: Number(songs!.n),
    albums: Number(albums!.n),
    artists: Number(artists!.n),
    credits: Number(credits!.n),
    lyrics: Number(lyrics!.n),
  };
}

const lower = (names: string[]) => names.map((n) => n.toLowerCase());

describe("importLibrary", () => {
  it("lands every good file with its tags, and reports the bad ones", async () => {
    expect(lib.files.length + lib.corrupt.length).toBe(520);
    const progress: ImportProgress[] = [];
    const report = await importLibrary(db, media, lib.root, { onProgress: (p) => progress.push(p) });

    expect(report).toMatchObject({ added: lib.files.length, updated: 0, skipped: 0, removed: [], pruned: 0 });
    expect(report.failed.map((f) => f.path)).toEqual([...lib.corrupt].sort());
    expect(report.failed.find((f) => f.path.endsWith("broken.flac"))?.reason).toMatch(
      /^not a readable FLAC file: /,
    );
    expect(report.failed.find((f) => f.path.endsWith("truncated.mp3"))?.reason).toMatch(
      /^not a readable MP3 file: ID3v2 tag size/,
    );
    expect(progress.at(-1)).toMatchObject({ done: 520, total: 520 });
    expect(progress.every((p, i) => i === 0 || p.done >= progress[i - 1]!.done)).toBe(true);
    const summary = formatReport(report);
    expect(summary).toMatch(
      /^added \d+ · updated 0 · skipped 0 · failed 2 · removed 0 in [\d.]+ s \([\d,]+ files\/s\)\n/,
    );
    expect(summary).toContain("  ✗ Unsorted/broken.flac: not a readable FLAC file: ");

    const { byPath, credits, lyrics } = await catalog();
    expect(byPath.size).toBe(lib.files.length);
    for (const hidden of lib.hidden) expect(byPath.has(hidden)).toBe(false);
    for (const file of lib.files) {
      const song = byPath.get(file.path);
      const where = `${file.format} ${file.path}`;
      expect(song, where).toBeDefined();
      expect(song!.title, where).toBe(file.title);
      // Credited order; one artist per name whatever its case, so compare lower-cased.
      expect(lower(song!.artists), where).toEqual(lower(file.artists));
      expect(song!.album, where).toBe(file.album);
      expect(song!.album_artist?.toLowerCase() ?? null, where).toBe(file.albumArtist?.toLowerCase() ?? null);
      expect(song!.track_number, where).toBe(file.track);
      expect(song!.disc_number, where).toBe(file.disc);
      expect(song!.year, where).toBe(file.year);
      expect(song!.genre, where).toBe(file.genre);
      expect(Math.abs(song!.duration_ms - file.durationMs), where).toBeLessThanOrEqual(50);
      expect(song!.mime_type, where).toBe(MIME[file.format]);
      const stat = await fs.stat(file.path);
      expect(Number(song!.size_bytes), where).toBe(stat.size);
      expect(song!.file_mtime?.getTime(), where).toBe(Math.floor(stat.mtimeMs));
      if (file.replayGain) {
        expect(song!.replaygain_track_gain_db, where).toBeCloseTo(file.replayGain.trackGainDb, 4);
        expect(song!.replaygain_track_peak, where).toBeCloseTo(file.replayGain.trackPeak, 4);
        expect(song!.replaygain_album_gain_db, where).toBeCloseTo(file.replayGain.albumGainDb, 4);
        expect(song!.replaygain_album_peak, where).toBeCloseTo(file.replayGain.albumPeak, 4);
      } else {
        expect(song!.replaygain_track_gain_db, where).toBeNull();
      }
      if (file.cover) {
        expect(song!.album_cover, where).toMatch(/^cover-[0-9a-f-]{36}\.(jpg|png)$/);
        const stored = await media.read(song!.album_cover!);
        const chunks: Buffer[] = [];
        for await (const chunk of stored!) chunks.push(chunk as Buffer);
        expect(sniffImageType(Buffer.concat(chunks)), where).toBe(file.cover);
      } else if (song!.album) {
        expect(song!.album_cover, where).toBeNull();
      }
      // Every track of an album carries the same picture: no track needs a cover of its own.
      expect(song!.cover_key, where).toBeNull();
      const words = lyrics.get(song!.id);
      if (file.lyrics) {
        expect(words?.source, where).toBe("lrc-file");
        expect(words?.synced, where).toEqual(file.lyrics);
        expect(words?.plain, where).toBe(
          file.lyrics
            .map((l) => l.text)
            .join("\n")
            .trim(),
        );
      } else {
        expect(words, where).toBeUndefined();
      }
    }
    expect(new Set(credits.map((c) => c.role))).toEqual(new Set(["primary"]));
    expect(lib.files.some((f) => f.lyrics)).toBe(true);
    expect(lib.files.some((f) => f.artists.length > 1)).toBe(true);
    expect(lib.files.some((f) => f.disc === 2)).toBe(true);
    expect(lib.files.some((f) => !f.hasAlbumArtistTag && f.album)).toBe(true);

    // The untagged file lands under its file name, with no album and no artist.
    const untagged = byPath.get(lib.untagged[0]!)!;
    expect(untagged).toMatchObject({ title: "untagged track 01", album: null, artists: [] });

    // One artist per name, whatever the case ("MARA QUINN" and "Mara Quinn" are one).
    const names = await db.selectFrom("artists").select("name").execute();
    expect(new Set(lower(names.map((n) => n.name))).size).toBe(names.length);
    // One album per (title, album artist): every album has songs, and none is repeated.
    const albums = await db.selectFrom("albums").select(["title", "artist_id"]).execute();
    expect(new Set(albums.map((a) => `${a.title.toLowerCase()}|${a.artist_id}`)).size).toBe(albums.length);
    expect(albums.length).toBe(
      new Set(lib.files.filter((f) => f.album).map((f) => `${f.album}|${f.albumArtist?.toLowerCase()}`)).size,
    );
  });

  it("changes nothing on a second run", async () => {
    const before = await catalog();
    const countsBefore = await counts();
    const report = await importLibrary(db, media, lib.root);
    expect(report).toMatchObject({ added: 0, updated: 0, skipped: lib.files.length, removed: [], pruned: 0 });
    expect(report.failed.map((f) => f.path)).toEqual([...lib.corrupt].sort());
    expect(await counts()).toEqual(countsBefore);
    const after = await catalog();
    for (const [file, song] of before.byPath) expect(after.byPath.get(file)).toEqual(song);
  });

  it("updates a file that changed, and only that one", async () => {
    const file = lib.files.find((f) => f.format === "mp3" && f.album && !f.lyrics)!;
    const before = (await catalog()).byPath.get(file.path)!;
    await fs.writeFile(
      file.path,
      mp3File(
        { title: "Retitled", artists: ["Brand New Artist", ...file.artists], album: file.album! },
        61_000,
      ),
    );
    const later = new Date(Date.now() + 5_000);
    await fs.utimes(file.path, later, later);

    const report = await importLibrary(db, media, lib.root);
    expect(report).toMatchObject({ added: 0, updated: 1, skipped: lib.files.length - 1, removed: [] });
    const song = (await catalog()).byPath.get(file.path)!;
    expect(song).toMatchObject({ id: before.id, title: "Retitled", album: file.album, track_number: null });
    expect(lower(song.artists)).toEqual(lower(["Brand New Artist", ...file.artists]));
    expect(Math.abs(song.duration_ms - 61_000)).toBeLessThan(50);
    // Album artist now comes from the first track artist.
    expect(song.album_artist).toBe("Brand New Artist");

    const again = await importLibrary(db, media, lib.root);
    expect(again).toMatchObject({ added: 0, updated: 0, skipped: lib.files.length });
  });

  it("reads a song again when its .lrc sidecar changes", async () => {
    const file = lib.files.find((f) => f.lyrics)!;
    const lrc = `${file.path.slice(0, -path.extname(file.path).length)}.lrc`;
    await fs.writeFile(lrc, "[00:01.00]new first line\n[00:03.50]new second line\n");
    const later = new Date(Date.now() + 5_000);
    await fs.utimes(lrc, later, later);
    const report = await importLibrary(db, media, lib.root);
    expect(report).toMatchObject({ added: 0, updated: 1 });
    const { byPath, lyrics } = await catalog();
    expect(lyrics.get(byPath.get(file.path)!.id)).toMatchObject({
      synced: [
        { ms: 1000, text: "new first line" },
        { ms: 3500, text: "new second line" },
      ],
      plain: "new first line\nnew second line",
    });

    await fs.rm(lrc);
    expect(await importLibrary(db, media, lib.root)).toMatchObject({ updated: 1 });
    expect((await catalog()).lyrics.has(byPath.get(file.path)!.id)).toBe(false);
    expect(await importLibrary(db, media, lib.root)).toMatchObject({ updated: 0, added: 0 });
  });

  it("reports a file that is gone, and prunes it only when asked", async () => {
    const file = lib.files.find((f) => f.format === "flac" && f.artists.length > 1)!;
    const id = (await catalog()).byPath.get(file.path)!.id;
    await fs.rm(file.path);

    const report = await importLibrary(db, media, lib.root);
    expect(report).toMatchObject({ added: 0, updated: 0, removed: [file.path], pruned: 0 });
    expect(formatReport(report)).toContain("gone (--prune removes it from the catalog)");
    expect((await catalog()).byPath.has(file.path)).toBe(true);

    const pruned = await importLibrary(db, media, lib.root, { prune: true });
    expect(pruned).toMatchObject({ added: 0, updated: 0, removed: [file.path], pruned: 1 });
    const { byPath, credits } = await catalog();
    expect(byPath.has(file.path)).toBe(false);
    expect(credits.some((c) => c.song_id === id)).toBe(false);

    expect(await importLibrary(db, media, lib.root, { prune: true })).toMatchObject({
      removed: [],
      pruned: 0,
    });
  });

  it("reports a file replaced by garbage and leaves its song and everything else alone", async () => {
    const file = lib.files.find((f) => f.format === "flac" && !lib.corrupt.includes(f.path) && f.cover)!;
    const before = await catalog();
    const countsBefore = await counts();
    await fs.writeFile(
      file.path,
      Buffer.from("this is not audio at all, just some text that went wrong\n".repeat(50)),
    );

    const report = await importLibrary(db, media, lib.root, { prune: true });
    expect(report).toMatchObject({ added: 0, updated: 0, removed: [], pruned: 0 });
    expect(report.failed.map((f) => f.path)).toEqual([...lib.corrupt, file.path].sort());
    expect(report.failed.find((f) => f.path === file.path)?.reason).toMatch(/^not a readable FLAC file: /);
    expect(await counts()).toEqual(countsBefore);
    const after = await catalog();
    for (const [p, song] of before.byPath) expect(after.byPath.get(p)).toEqual(song);
  });

  it("never follows a symbolic link out of the root, nor lists a file twice through one", async () => {
    const root = path.join(tmp, "linked", "root");
    const outside = path.join(tmp, "linked", "outside");
    await fs.mkdir(path.join(root, "real"), { recursive: true });
    await fs.mkdir(outside, { recursive: true });
    const song = (title: string) => mp3File({ title, artists: ["Link Tester"], album: "Links" }, 30_000);
    await fs.writeFile(path.join(root, "real", "inside.mp3"), song("Inside"));
    await fs.writeFile(path.join(outside, "escaped.mp3"), song("Escaped"));
    await fs.symlink(outside, path.join(root, "to-outside"));
    await fs.symlink(path.join(outside, "escaped.mp3"), path.join(root, "escaped-link.mp3"));
    await fs.symlink(path.join(root, "real"), path.join(root, "again")); // inside: same files, once
    await fs.symlink(root, path.join(root, "real", "loop")); // a loop back to the root
    await fs.symlink(path.join(root, "nowhere"), path.join(root, "broken.mp3"));

    const report = await importLibrary(db, media, root);
    expect(report.added).toBe(1);
    const rows = await db
      .selectFrom("songs")
      .select(["title", "file_path"])
      .where("file_path", "like", `${path.join(tmp, "linked")}%`)
      .execute();
    expect(rows).toEqual([
      { title: "Inside", file_path: path.join(await fs.realpath(root), "real", "inside.mp3") },
    ]);
    expect(report.failed).toEqual([
      { path: path.join(root, "broken.mp3"), reason: expect.stringMatching(/^broken link/) },
    ]);
  });

  it("reports a song the database refuses, and writes the rest of its batch", async () => {
    const root = path.join(tmp, "refused");
    await fs.mkdir(root, { recursive: true });
    for (const title of ["Fine One", "Refuse Me", "Fine Two"]) {
      await fs.writeFile(
        path.join(root, `${title}.mp3`),
        mp3File({ title, artists: ["Picky"], album: "Refusals" }, 20_000),
      );
    }
    await sql`create function refuse_me() returns trigger language plpgsql as $$
      begin
        if new.title = 'Refuse Me' then
          raise exception 'no songs called Refuse Me' using errcode = 'check_violation';
        end if;
        return new;
      end $$`.execute(db);
    await sql`create trigger refuse_me before insert on songs for each row execute function refuse_me()`.execute(
      db,
    );
    try {
      const report = await importLibrary(db, media, root);
      expect(report).toMatchObject({
        added: 2,
        failed: [
          {
            path: path.join(root, "Refuse Me.mp3"),
            reason: "the database refused it: no songs called Refuse Me",
          },
        ],
      });
    } finally {
      await sql`drop trigger refuse_me on songs`.execute(db);
      await sql`drop function refuse_me`.execute(db);
    }
    expect(await importLibrary(db, media, root)).toMatchObject({ added: 1, skipped: 2, failed: [] });
  });

  it("refuses a folder that does not exist", async () => {
    await expect(importLibrary(db, media, path.join(tmp, "no-such-folder"))).rejects.toThrow(
      /^library folder not found: /,
    );
  });
});
