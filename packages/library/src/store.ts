import path from "node:path";
import type { Database, Db } from "@chorus/db";
import { type ImageType, imageExtension, type MediaStore, sniffImageType } from "@chorus/media";
import { sql, type Transaction } from "kysely";
import type { ParsedLrc } from "./lrc.js";
import type { Picture, Track } from "./read-tags.js";
import type { ScannedFile } from "./walk.js";

type Trx = Transaction<Database>;

/** What the catalog already holds for a file under the root. */
export interface ExistingSong {
  id: string;
  size: number;
  mtimeMs: number;
  albumHasCover: boolean;
  /** When the import last wrote the row: an `.lrc` changed after this is read again. */
  updatedAtMs: number;
  lyricsSource: string | null;
}

/** One file read and ready to be written. */
export interface ReadSong {
  file: ScannedFile;
  track: Track;
  lyrics: ParsedLrc | null;
  existing: ExistingSong | undefined;
  /** Whether covers were read: if not, a missing album cover may still be in the file. */
  coversRead: boolean;
}

export interface WriteResult {
  added: number;
  updated: number;
  failed: { path: string; reason: string }[];
}

const NO_ARTIST = "00000000-0000-0000-0000-000000000000";
/** Files of one album tried for a cover that were first read without covers, per import. */
const COVER_RETRIES = 3;

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** Every song whose file lies under `root` (a real path), keyed by path: one query. */
export async function loadExisting(db: Db, root: string): Promise<Map<string, ExistingSong>> {
  const prefix = root.endsWith("/") ? root : `${root}/`;
  const rows = await db
    .selectFrom("songs as s")
    .leftJoin("albums as a", "a.id", "s.album_id")
    .leftJoin("lyrics as l", "l.song_id", "s.id")
    .select([
      "s.id",
      "s.file_path",
      "s.size_bytes",
      "s.file_mtime",
      "s.updated_at",
      "a.cover_key as album_cover_key",
      "l.source as lyrics_source",
    ])
    .where("s.file_path", "like", `${escapeLike(prefix)}%`)
    .execute();
  const map = new Map<string, ExistingSong>();
  for (const row of rows) {
    map.set(row.file_path!, {
      id: row.id,
      size: row.size_bytes === null ? -1 : Number(row.size_bytes),
      mtimeMs: row.file_mtime ? row.file_mtime.getTime() : -1,
      albumHasCover: row.album_cover_key !== null,
      updatedAtMs: row.updated_at.getTime(),
      lyricsSource: row.lyrics_source,
    });
  }
  return map;
}

/** True when neither the file nor its `.lrc` changed since the import last wrote the song. */
export function isUnchanged(file: ScannedFile, existing: ExistingSong): boolean {
  if (file.size !== existing.size || file.mtimeMs !== existing.mtimeMs) return false;
  if (file.lrc) return file.lrc.mtimeMs <= existing.updatedAtMs;
  return existing.lyricsSource !== "lrc-file";
}

export function removeSongs(db: Db, ids: string[]): Promise<number> {
  return db.transaction().execute(async (trx) => {
    let removed = 0;
    for (let i = 0; i < ids.length; i += 1000) {
      const result = await trx
        .deleteFrom("songs")
        .where("id", "in", ids.slice(i, i + 1000))
        .executeTakeFirst();
      removed += Number(result.numDeletedRows);
    }
    return removed;
  });
}

interface AlbumState {
  id: string;
  coverKey: string | null;
  /** Hash of the cover this import stored, to tell a track with different art. */
  coverHash: string | null;
}

type AlbumRef = AlbumState & { key: string };

interface CoverSet {
  albumKey: string;
  coverKey: string;
  hash: string;
  dir: string;
}

/** SQLSTATE classes that blame the row (bad data, a constraint), not the connection. */
function isDataError(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return typeof code === "string" && /^(22|23|54)/.test(code);
}

/** From the bytes, not the tag's claim: tags often say image/jpg, or nothing. */
function imageTypeOf(picture: Picture): ImageType | null {
  return sniffImageType(toBuffer(picture.data.subarray(0, 16)));
}

/**
 * Writes read songs in batches: one transaction per batch, one multi-row statement per table, each
 * distinct artist and album upserted once per import (ids are remembered after each commit).
 */
export class CatalogWriter {
  private readonly artistIds = new Map<string, string>();
  private readonly albums = new Map<string, AlbumState>();
  private readonly coverRetries = new Map<string, number>();

  constructor(
    private readonly db: Db,
    private readonly media: MediaStore,
    /** Reads a file again with covers, for an album that has none yet. */
    private readonly readPicture: (file: ScannedFile) => Promise<Picture | null>,
    /** Told of each album cover stored, with the folder of the file it came from. */
    private readonly onCover: (dir: string) => void = () => {},
  ) {}

  async write(batch: ReadSong[]): Promise<WriteResult> {
    if (batch.length === 0) return { added: 0, updated: 0, failed: [] };
    try {
      return await this.writeOnce(batch);
    } catch (error) {
      if (!isDataError(error) || batch.length === 1) {
        if (batch.length === 1 && isDataError(error)) {
          return {
            added: 0,
            updated: 0,
            failed: [
              { path: batch[0]!.file.path, reason: `the database refused it: ${(error as Error).message}` },
            ],
          };
        }
        throw error;
      }
      // One bad row fails its whole batch: write the songs one by one to find it.
      const total: WriteResult = { added: 0, updated: 0, failed: [] };
      for (const song of batch) {
        const r = await this.write([song]);
        total.added += r.added;
        total.updated += r.updated;
        total.failed.push(...r.failed);
      }
      return total;
    }
  }

  private async writeOnce(batch: ReadSong[]): Promise<WriteResult> {
    const newArtists = new Map<string, string>();
    const newAlbums = new Map<string, AlbumState>();
    const covers: CoverSet[] = [];
    const result = await this.db.transaction().execute(async (trx) => {
      const artistId = await this.upsertArtists(trx, batch, newArtists);
      const albumOf = await this.upsertAlbums(trx, batch, artistId, newAlbums);
      await this.storeAlbumCovers(trx, batch, albumOf, covers);
      const songCover = await this.storeSongCovers(batch, albumOf);

      // This machine's clock, like the files' times it is compared with (see isUnchanged).
      const now = new Date();
      const rows = batch.map(({ file, track }, i) => {
        const album = albumOf[i];
        return {
          title: track.title,
          album_id: album?.id ?? null,
          duration_ms: track.durationMs,
          track_number: track.trackNumber,
          disc_number: track.discNumber,
          year: track.year,
          genre: track.genre,
          file_path: file.path,
          mime_type: track.mimeType,
          size_bytes: file.size,
          bitrate: track.bitrate,
          file_mtime: new Date(file.mtimeMs),
          codec: track.codec,
          sample_rate: track.sampleRate,
          channels: track.channels,
          lossless: track.lossless,
          cover_key: songCover[i] ?? null,
          replaygain_track_gain_db: track.replayGain.trackGainDb,
          replaygain_track_peak: track.replayGain.trackPeak,
          replaygain_album_gain_db: track.replayGain.albumGainDb,
          replaygain_album_peak: track.replayGain.albumPeak,
          updated_at: now,
        };
      });
      const saved = await trx
        .insertInto("songs")
        .values(rows)
        .onConflict((oc) =>
          oc.column("file_path").doUpdateSet((eb) => ({
            title: eb.ref("excluded.title"),
            album_id: eb.ref("excluded.album_id"),
            duration_ms: eb.ref("excluded.duration_ms"),
            track_number: eb.ref("excluded.track_number"),
            disc_number: eb.ref("excluded.disc_number"),
            year: eb.ref("excluded.year"),
            genre: eb.ref("excluded.genre"),
            mime_type: eb.ref("excluded.mime_type"),
            size_bytes: eb.ref("excluded.size_bytes"),
            bitrate: eb.ref("excluded.bitrate"),
            file_mtime: eb.ref("excluded.file_mtime"),
            codec: eb.ref("excluded.codec"),
            sample_rate: eb.ref("excluded.sample_rate"),
            channels: eb.ref("excluded.channels"),
            lossless: eb.ref("excluded.lossless"),
            // A track read without covers keeps the cover it had.
            cover_key: sql<string | null>`coalesce(excluded.cover_key, songs.cover_key)`,
            replaygain_track_gain_db: eb.ref("excluded.replaygain_track_gain_db"),
            replaygain_track_peak: eb.ref("excluded.replaygain_track_peak"),
            replaygain_album_gain_db: eb.ref("excluded.replaygain_album_gain_db"),
            replaygain_album_peak: eb.ref("excluded.replaygain_album_peak"),
            updated_at: eb.ref("excluded.updated_at"),
          })),
        )
        .returning(["id", "file_path"])
        .execute();
      const idOf = new Map(saved.map((row) => [row.file_path!, row.id]));
      const songIds = batch.map(({ file }) => idOf.get(file.path)!);

      const replaced = batch.flatMap((song, i) => (song.existing ? [songIds[i]!] : []));
      if (replaced.length > 0)
        await trx.deleteFrom("song_artists").where("song_id", "in", replaced).execute();
      const credits = batch.flatMap(({ track }, i) => {
        const ids = [...new Set(track.artists.map((name) => artistId.get(name.toLowerCase())!))];
        return ids.map((artist_id, position) => ({
          song_id: songIds[i]!,
          artist_id,
          position,
          role: "primary" as const,
        }));
      });
      if (credits.length > 0) await trx.insertInto("song_artists").values(credits).execute();

      await this.writeLyrics(trx, batch, songIds);
      return {
        added: batch.filter((s) => !s.existing).length,
        updated: batch.filter((s) => s.existing).length,
        failed: [],
      };
    });
    // Only what the database kept is remembered.
    for (const [k, v] of newArtists) this.artistIds.set(k, v);
    for (const [k, v] of newAlbums) this.albums.set(k, v);
    for (const cover of covers) {
      const album = this.albums.get(cover.albumKey);
      if (album) {
        album.coverKey = cover.coverKey;
        album.coverHash = cover.hash;
      }
      this.onCover(cover.dir);
    }
    return result;
  }

  private async upsertArtists(
    trx: Trx,
    batch: ReadSong[],
    fresh: Map<string, string>,
  ): Promise<Map<string, string>> {
    const ids = new Map<string, string>();
    const missing = new Map<string, string>();
    for (const { track } of batch) {
      const names = track.albumArtist ? [...track.artists, track.albumArtist] : track.artists;
      for (const name of names) {
        const key = name.toLowerCase();
        const known = this.artistIds.get(key);
        if (known) ids.set(key, known);
        else if (!missing.has(key)) missing.set(key, name);
      }
    }
    if (missing.size > 0) {
      // Sorted, so that two imports running at once lock rows in the same order (no deadlock).
      const keys = [...missing.keys()].sort();
      // The no-op update makes RETURNING give the id of an artist that already exists.
      const rows = await trx
        .insertInto("artists")
        .values(keys.map((key) => ({ name: missing.get(key)! })))
        .onConflict((oc) => oc.expression(sql`lower(name)`).doUpdateSet({ name: sql<string>`artists.name` }))
        .returning("id")
        .execute();
      // RETURNING follows the order of the VALUES list.
      rows.forEach((row, i) => {
        ids.set(keys[i]!, row.id);
        fresh.set(keys[i]!, row.id);
      });
    }
    return ids;
  }

  private async upsertAlbums(
    trx: Trx,
    batch: ReadSong[],
    artistId: Map<string, string>,
    fresh: Map<string, AlbumState>,
  ): Promise<(AlbumRef | undefined)[]> {
    const keyOf = batch.map(({ track }) => {
      if (!track.album) return null;
      const artist = track.albumArtist ? artistId.get(track.albumArtist.toLowerCase())! : null;
      return { key: `${track.album.toLowerCase()}\u0000${artist ?? ""}`, artist };
    });
    const missing = new Map<
      string,
      { title: string; artist_id: string | null; year: number | null; genre: string | null }
    >();
    keyOf.forEach((k, i) => {
      if (!k || this.albums.has(k.key)) return;
      const { track } = batch[i]!;
      const seen = missing.get(k.key);
      if (seen) {
        seen.year ??= track.year;
        seen.genre ??= track.genre;
      } else {
        missing.set(k.key, {
          title: track.album!,
          artist_id: k.artist,
          year: track.year,
          genre: track.genre,
        });
      }
    });
    const states = new Map<string, AlbumState>();
    if (missing.size > 0) {
      const keys = [...missing.keys()].sort();
      const rows = await trx
        .insertInto("albums")
        .values(keys.map((key) => missing.get(key)!))
        .onConflict((oc) =>
          oc.expression(sql`lower(title), coalesce(artist_id, ${sql.lit(NO_ARTIST)}::uuid)`).doUpdateSet({
            year: sql<number | null>`coalesce(albums.year, excluded.year)`,
            genre: sql<string | null>`coalesce(albums.genre, excluded.genre)`,
          }),
        )
        .returning(["id", "cover_key"])
        .execute();
      rows.forEach((row, i) => {
        const state = { id: row.id, coverKey: row.cover_key, coverHash: null };
        states.set(keys[i]!, state);
        fresh.set(keys[i]!, state);
      });
    }
    return keyOf.map((k) =>
      k ? { ...(states.get(k.key) ?? this.albums.get(k.key)!), key: k.key } : undefined,
    );
  }

  /**
   * One cover per album without one: the first picture met in the batch, else (up to COVER_RETRIES
   * files per album and import) a file that was read without covers, read again with them. Albums
   * are handled in parallel: each cover is a few file operations, and done one after another they
   * would wait behind the reads in libuv's small thread pool.
   */
  private async storeAlbumCovers(
    trx: Trx,
    batch: ReadSong[],
    albumOf: (AlbumRef | undefined)[],
    covers: CoverSet[],
  ): Promise<void> {
    const needing = new Map<string, number[]>();
    albumOf.forEach((album, i) => {
      if (!album || album.coverKey !== null) return;
      const indexes = needing.get(album.key);
      if (indexes) indexes.push(i);
      else needing.set(album.key, [i]);
    });
    const found = await Promise.all(
      [...needing].map(async ([albumKey, indexes]) => {
        for (const i of indexes) {
          const picture = batch[i]!.track.picture;
          if (picture) return { albumKey, indexes, picture, index: i };
        }
        for (const i of indexes) {
          const tries = this.coverRetries.get(albumKey) ?? 0;
          if (batch[i]!.coversRead || tries >= COVER_RETRIES) continue;
          this.coverRetries.set(albumKey, tries + 1);
          const picture = await this.readPicture(batch[i]!.file);
          if (picture) return { albumKey, indexes, picture, index: i };
        }
        return null;
      }),
    );
    const stored = await Promise.all(
      found.map(async (f) => {
        const type = f && imageTypeOf(f.picture);
        if (!f || !type) return null;
        const album = albumOf[f.index]!;
        const key = `cover-${album.id}.${imageExtension[type]}`;
        await this.media.put(key, toBuffer(f.picture.data), type);
        for (const i of f.indexes) albumOf[i] = { ...albumOf[i]!, coverKey: key, coverHash: f.picture.hash };
        covers.push({
          albumKey: f.albumKey,
          coverKey: key,
          hash: f.picture.hash,
          dir: path.dirname(batch[f.index]!.file.path),
        });
        return { id: album.id, key };
      }),
    );
    const updates = stored.filter((u) => u !== null);
    if (updates.length > 0) {
      await sql`update albums set cover_key = v.key, updated_at = now()
        from (values ${sql.join(updates.map((u) => sql`(${u.id}::uuid, ${u.key})`))}) as v(id, key)
        where albums.id = v.id and albums.cover_key is null`.execute(trx);
    }
  }

  /** A track whose picture differs from its album's cover gets its own (keyed by content). */
  private async storeSongCovers(
    batch: ReadSong[],
    albumOf: (AlbumRef | undefined)[],
  ): Promise<(string | null)[]> {
    return Promise.all(
      batch.map(async ({ track }, i) => {
        const picture = track.picture;
        const album = albumOf[i];
        if (!picture || !album || album.coverHash === null || album.coverHash === picture.hash) return null;
        const type = imageTypeOf(picture);
        if (!type) return null;
        const key = `cover-${picture.hash.slice(0, 24)}.${imageExtension[type]}`;
        await this.media.put(key, toBuffer(picture.data), type);
        return key;
      }),
    );
  }

  private async writeLyrics(trx: Trx, batch: ReadSong[], songIds: string[]): Promise<void> {
    const rows = batch.flatMap(({ lyrics }, i) =>
      lyrics && (lyrics.plain !== null || lyrics.synced !== null)
        ? [
            {
              song_id: songIds[i]!,
              plain: lyrics.plain,
              synced: lyrics.synced ? JSON.stringify(lyrics.synced) : null,
              source: "lrc-file",
            },
          ]
        : [],
    );
    // An .lrc that went away (or emptied) takes its lyrics with it; lyrics from elsewhere stay.
    const written = new Set(rows.map((r) => r.song_id));
    const dropped = batch.flatMap((song, i) =>
      song.existing?.lyricsSource === "lrc-file" && !written.has(songIds[i]!) ? [songIds[i]!] : [],
    );
    if (dropped.length > 0) {
      await trx
        .deleteFrom("lyrics")
        .where("song_id", "in", dropped)
        .where("source", "=", "lrc-file")
        .execute();
    }
    if (rows.length > 0) {
      await trx
        .insertInto("lyrics")
        .values(rows)
        .onConflict((oc) =>
          oc
            .column("song_id")
            .doUpdateSet((eb) => ({
              plain: eb.ref("excluded.plain"),
              synced: eb.ref("excluded.synced"),
              updated_at: sql<Date>`now()`,
            }))
            .where("lyrics.source", "=", "lrc-file"),
        )
        .execute();
    }
  }
}

function toBuffer(data: Uint8Array): Buffer {
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}
