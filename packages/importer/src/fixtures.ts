// A generated export of the old app, as mongoexport writes it, with the messy data the import must
// survive: for the tests (small, every edge case) and the benchmark (large, mostly history).
// Deterministic: the same options give the same files.

import { once } from "node:events";
import { createWriteStream, type WriteStream } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { BSON, EJSON, ObjectId } from "bson";

export interface ExportOptions {
  users?: number;
  songs?: number;
  albums?: number;
  playlists?: number;
  plays?: number;
  /** Messy records (collisions, dangling references, bad values, a broken line...). Default true. */
  edgeCases?: boolean;
  /** bcrypt hash every generated account gets (tests add real ones for the accounts they sign in as). */
  passwordHash?: string;
  /** Hashes for chosen accounts by index, e.g. { 0: bcrypt("…") }. */
  passwordHashes?: Record<number, string>;
}

export interface ExportSummary {
  /** Documents written per collection (unreadable lines included). */
  docs: Record<string, number>;
  /** Expected rejections per collection (edge cases only). */
  rejected: Record<string, number>;
  userIds: string[];
  songIds: string[];
  /** Plays that land, per user id. */
  playsByUser: Map<string, number>;
  /** Each generated playlist's song ids in order (dangling ones included), by playlist id. */
  playlistSongs: Map<string, { owner: string; songIds: string[] }>;
  /** A song with synced lyrics as an array, and one with an LRC string. */
  lyricsSongs: { array: string; lrc: string };
  /** Emails of the accounts used as login examples, by index. */
  emails: string[];
}

const DEFAULT_HASH = "$2a$10$s9vHfK1G9vlWg2a1sSJVXew5Zr8caxLG/U/qAtzbNcTpwniwqtaPa";

/** Small, fast pseudo-random numbers (mulberry32): the same seed, the same export. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

let counter = 0;
/** ObjectIds with a fixed timestamp and a counter: unique, sortable, repeatable. */
function oid(kind: number): string {
  counter++;
  return `65f0${kind.toString(16).padStart(4, "0")}${counter.toString(16).padStart(16, "0")}`;
}

class Out {
  private stream: WriteStream;
  count = 0;
  constructor(file: string) {
    this.stream = createWriteStream(file, { highWaterMark: 1 << 20 });
  }
  async line(text: string): Promise<void> {
    this.count++;
    if (!this.stream.write(`${text}\n`)) await once(this.stream, "drain");
  }
  doc(value: unknown): Promise<void> {
    return this.line(EJSON.stringify(value, { relaxed: true }));
  }
  async close(): Promise<void> {
    this.stream.end();
    await once(this.stream, "finish");
  }
}

const date = (ms: number) => new Date(ms);
const id = (hex: string) => ObjectId.createFromHexString(hex);

/** Writes `<collection>.json` files into `dir` and says what the import should make of them. */
export async function writeLegacyExport(dir: string, options: ExportOptions = {}): Promise<ExportSummary> {
  await mkdir(dir, { recursive: true });
  counter = 0;
  const rnd = random(42);
  const pick = <T>(list: T[]) => list[Math.floor(rnd() * list.length)]!;
  const edge = options.edgeCases ?? true;
  const nUsers = options.users ?? 20;
  const nSongs = options.songs ?? 60;
  const nAlbums = options.albums ?? 6;
  const nPlaylists = options.playlists ?? 10;
  const nPlays = options.plays ?? 1_000;
  const hash = options.passwordHash ?? DEFAULT_HASH;
  const t0 = Date.UTC(2023, 0, 1);
  const summary: ExportSummary = {
    docs: {},
    rejected: {},
    userIds: [],
    songIds: [],
    playsByUser: new Map(),
    playlistSongs: new Map(),
    lyricsSongs: { array: "", lrc: "" },
    emails: [],
  };
  const reject = (collection: string, n = 1) => {
    summary.rejected[collection] = (summary.rejected[collection] ?? 0) + n;
  };
  const gone = () => oid(0xdead); // an id nothing has

  // users
  const users = new Out(path.join(dir, "users.json"));
  for (let i = 0; i < nUsers; i++) {
    const userId = oid(1);
    summary.userIds.push(userId);
    const email = `listener${i}@example.com`;
    summary.emails.push(email);
    await users.doc({
      _id: id(userId),
      email: i === 1 && edge ? `  Listener1@Example.COM ` : email,
      password: options.passwordHashes?.[i] ?? hash,
      name: `Listener ${i}`,
      avatar: i % 3 === 0 ? `https://res.cloudinary.com/demo/image/upload/avatars/u${i}.jpg` : undefined,
      bio: i === 2 ? "x".repeat(5_000) : undefined,
      isEmailVerified: true,
      refreshToken: null,
      createdAt: date(t0 + i * 86_400_000),
      updatedAt: date(t0 + i * 86_400_000 + 3_600_000),
    });
  }
  if (edge) {
    // A later account with the same address as listener0, but in capitals and with spaces.
    const twin = oid(1);
    await users.doc({
      _id: id(twin),
      email: " LISTENER0@example.com",
      password: hash,
      name: "Listener 0 again",
      isEmailVerified: false,
      createdAt: date(t0 + 400 * 86_400_000),
    });
    // No email at all; a password that is not bcrypt; no createdAt (the id's time is used).
    await users.doc({ _id: id(oid(1)), password: "plaintext?!", name: "No email" });
    // No _id: nothing could ever tell a second run it was imported already.
    await users.doc({ email: "noid@example.com", password: hash });
    reject("users");
    await users.line('{"_id":{"$oid":"65f0000100000000000000ff"},"email":"broken@example.com",');
    reject("users");
  }
  await users.close();
  summary.docs.users = users.count;

  // usersettings (canonical Extended JSON, as `mongoexport --jsonFormat=canonical` writes it)
  const settings = new Out(path.join(dir, "usersettings.json"));
  const canonical = (value: unknown) => settings.line(EJSON.stringify(value, { relaxed: false }));
  for (let i = 0; i < nUsers; i += 2) {
    await canonical({
      _id: id(oid(2)),
      userId: id(summary.userIds[i]!),
      theme: pick(["dark", "light", "system"]),
      audioQuality: pick(["low", "normal", "high", "lossless"]),
      equalizer: { enabled: true, preset: "custom", bands: [1, -2, 3.5, 0, 0, 0, 0, 0, 0, -11.9] },
      crossfade: i === 0 && edge ? 30 : 4,
      autoplay: true,
      privateSession: false,
      language: "en",
      notifications: { email: true, push: false },
      createdAt: date(t0),
      updatedAt: date(t0 + 1000),
    });
  }
  if (edge) {
    await canonical({ _id: id(oid(2)), userId: id(gone()), theme: "dark" });
    reject("usersettings");
    // A second settings record for listener0.
    await canonical({ _id: id(oid(2)), userId: id(summary.userIds[0]!), theme: "neon" });
    reject("usersettings");
  }
  await settings.close();
  summary.docs.usersettings = settings.count;

  // albums (one JSON array, as `--jsonArray` writes it)
  const albumNames: string[] = [];
  const albumIds: string[] = [];
  const albumDocs: unknown[] = [];
  for (let i = 0; i < nAlbums; i++) {
    const albumId = oid(3);
    albumIds.push(albumId);
    albumNames.push(`Album ${i}`);
    albumDocs.push({
      _id: id(albumId),
      name: `Album ${i}`,
      desc: i % 2 ? "liner notes" : "",
      bgColour: i === 1 && edge ? "not a colour" : "#a0b0c0",
      image: `https://res.cloudinary.com/demo/image/upload/albums/a${i}.jpg`,
      createdAt: date(t0),
      updatedAt: date(t0),
    });
  }
  if (edge) {
    // The same name in other capitals: merged into Album 0.
    albumDocs.push({ _id: id(oid(3)), name: "ALBUM 0", desc: "a second pressing", createdAt: date(t0) });
    albumDocs.push({ _id: id(oid(3)), desc: "no name" });
    reject("albums");
  }
  await writeFile(
    path.join(dir, "albums.json"),
    `[${albumDocs.map((d) => EJSON.stringify(d, { relaxed: true })).join(",\n")}]`,
  );
  summary.docs.albums = albumDocs.length;

  // songs
  const songs = new Out(path.join(dir, "songs.json"));
  for (let i = 0; i < nSongs; i++) {
    const songId = oid(4);
    summary.songIds.push(songId);
    const duration =
      edge && i === 3
        ? "1:02:03"
        : edge && i === 4
          ? "four minutes"
          : `${1 + (i % 6)}:${String((i * 7) % 60).padStart(2, "0")}`;
    await songs.doc({
      _id: id(songId),
      name: `Song ${i}`,
      album: edge && i === 5 ? "An Album Nobody Made" : i % 10 === 9 ? undefined : pick(albumNames),
      image: `https://res.cloudinary.com/demo/image/upload/songs/s${i}.jpg`,
      file: `https://res.cloudinary.com/demo/video/upload/songs/s${i}.mp3`,
      duration,
      createdAt: date(t0 + i * 1000),
      updatedAt: date(t0 + i * 1000),
    });
  }
  if (edge) {
    await songs.doc({ _id: id(oid(4)), album: "Album 1", duration: "3:00" });
    reject("songs");
  }
  await songs.close();
  summary.docs.songs = songs.count;

  // lyrics
  const lyrics = new Out(path.join(dir, "lyrics.json"));
  summary.lyricsSongs = { array: summary.songIds[0]!, lrc: summary.songIds[1]! };
  await lyrics.doc({
    _id: id(oid(5)),
    songId: summary.songIds[0],
    plain: "first line\nsecond line",
    synced: [
      { time: 12.5, text: "second line" },
      { time: 1.25, text: "first line" },
    ],
    language: "en",
    source: "musixmatch",
  });
  await lyrics.doc({
    _id: id(oid(5)),
    songId: summary.songIds[1],
    synced: "[ar:Someone]\n[00:01.00]one\n[00:02.50]two\n[00:04.00]three",
    source: "lrclib",
  });
  await lyrics.doc({ _id: id(oid(5)), songId: summary.songIds[2], plain: "only plain words" });
  if (edge) {
    await lyrics.doc({ _id: id(oid(5)), songId: gone(), plain: "orphan" });
    reject("lyrics");
    await lyrics.doc({ _id: id(oid(5)), songId: summary.songIds[3] });
    reject("lyrics");
  }
  await lyrics.close();
  summary.docs.lyrics = lyrics.count;

  // playlists: repeats, and (edge) a deleted song in the middle
  const playlists = new Out(path.join(dir, "playlists.json"));
  const playlistIds: string[] = [];
  for (let i = 0; i < nPlaylists; i++) {
    const playlistId = oid(6);
    playlistIds.push(playlistId);
    const owner = summary.userIds[i % nUsers]!;
    const songIds = Array.from({ length: 3 + (i % 5) }, () => pick(summary.songIds));
    songIds.push(songIds[0]!); // a repeat
    if (edge && i === 0) songIds.splice(1, 0, gone());
    summary.playlistSongs.set(playlistId, { owner, songIds });
    await playlists.doc({
      _id: id(playlistId),
      userId: id(owner),
      name: i === 1 && edge ? "   " : `Mix ${i}`,
      desc: "",
      songIds,
      isPublic: i % 2 === 0,
      collaborative: i === 2,
      collaborators: i === 2 ? [id(summary.userIds[(i + 1) % nUsers]!), id(gone())] : [],
      createdAt: date(t0 + i * 1000),
      updatedAt: date(t0 + i * 2000),
    });
  }
  if (edge) {
    await playlists.doc({ _id: id(oid(6)), userId: id(gone()), name: "orphan", songIds: [] });
    reject("playlists");
  }
  await playlists.close();
  summary.docs.playlists = playlists.count;

  // libraries
  const libraries = new Out(path.join(dir, "libraries.json"));
  for (let i = 0; i < nUsers; i += 3) {
    await libraries.doc({
      _id: id(oid(7)),
      userId: id(summary.userIds[i]!),
      likedSongIds: [
        summary.songIds[i % nSongs],
        summary.songIds[(i + 1) % nSongs],
        summary.songIds[i % nSongs],
      ],
      likedAlbumIds: [albumIds[i % nAlbums], ...(edge ? [gone()] : [])],
      createdAt: date(t0),
      updatedAt: date(t0 + 5000),
    });
  }
  if (edge) {
    // A second library for listener0: one like they had already, one new.
    await libraries.doc({
      _id: id(oid(7)),
      userId: id(summary.userIds[0]!),
      likedSongIds: [summary.songIds[0], summary.songIds[5]],
      createdAt: date(t0),
    });
    await libraries.doc({ _id: id(oid(7)), userId: id(gone()), likedSongIds: [summary.songIds[0]] });
    reject("libraries");
  }
  await libraries.close();
  summary.docs.libraries = libraries.count;

  // sessions, participants, chat
  const sessions = new Out(path.join(dir, "sessions.json"));
  const sessionId = oid(8);
  await sessions.doc({
    _id: id(sessionId),
    sessionCode: "abc",
    name: "Friday",
    hostId: id(summary.userIds[0]!),
    isActive: false,
    currentSongId: summary.songIds[0],
    currentTime: 61.3,
    isPlaying: false,
    queueIds: [summary.songIds[1], gone(), summary.songIds[2]],
    expiresAt: date(t0 + 86_400_000),
    createdAt: date(t0),
    updatedAt: date(t0 + 1000),
  });
  if (edge) {
    // The same code again, and a host who is gone.
    await sessions.doc({
      _id: id(oid(8)),
      sessionCode: "ABC",
      hostId: id(gone()),
      isActive: false,
      expiresAt: date(t0),
      createdAt: date(t0),
    });
  }
  await sessions.close();
  summary.docs.sessions = sessions.count;

  const participants = new Out(path.join(dir, "sessionparticipants.json"));
  for (let i = 0; i < Math.min(5, nUsers); i++) {
    await participants.doc({
      _id: id(oid(9)),
      sessionId: id(sessionId),
      userId: id(summary.userIds[i]!),
      role: i === 0 ? "host" : i === 1 ? "dj" : "listener",
      joinedAt: date(t0 + i),
      leftAt: i % 2 ? date(t0 + 10_000) : null,
    });
  }
  if (edge) {
    await participants.doc({
      _id: id(oid(9)),
      sessionId: id(sessionId),
      userId: id(summary.userIds[0]!),
      role: "dj",
    });
    reject("sessionparticipants");
    await participants.doc({ _id: id(oid(9)), sessionId: id(gone()), userId: id(summary.userIds[0]!) });
    reject("sessionparticipants");
  }
  await participants.close();
  summary.docs.sessionparticipants = participants.count;

  const chat = new Out(path.join(dir, "chatmessages.json"));
  for (let i = 0; i < 10; i++) {
    await chat.doc({
      _id: id(oid(10)),
      sessionId: id(sessionId),
      userId: id(summary.userIds[i % Math.min(5, nUsers)]!),
      message: i === 3 ? "🔥🔥🔥" : `message ${i}`,
      type: i === 3 ? "reaction" : "text",
      createdAt: date(t0 + i * 1000),
    });
  }
  if (edge) {
    await chat.doc({
      _id: id(oid(10)),
      sessionId: id(sessionId),
      userId: id(gone()),
      message: "author gone",
    });
    await chat.doc({ _id: id(oid(10)), sessionId: id(sessionId), message: "y".repeat(2_500), type: "shout" });
    await chat.doc({ _id: id(oid(10)), sessionId: id(sessionId), userId: id(summary.userIds[0]!) });
    reject("chatmessages");
  }
  await chat.close();
  summary.docs.chatmessages = chat.count;

  // history: most of the documents, over two years of months
  const history = new Out(path.join(dir, "recentlyplayeds.json"));
  for (let i = 0; i < nPlays; i++) {
    const user = summary.userIds[Math.floor(rnd() * nUsers)]!;
    const song = summary.songIds[Math.floor(rnd() * nSongs)]!;
    const at = date(t0 + Math.floor(rnd() * 730) * 86_400_000 + i);
    const context = i % 4;
    await history.doc({
      _id: id(oid(11)),
      userId: id(user),
      songId: song,
      playDuration: Math.floor(rnd() * 400),
      skipped: rnd() < 0.1,
      ...(context === 0
        ? { contextType: "playlist", contextId: id(playlistIds[i % playlistIds.length] ?? gone()) }
        : context === 1
          ? { contextType: "album" }
          : {}),
      playedAt: at,
      createdAt: at,
    });
    summary.playsByUser.set(user, (summary.playsByUser.get(user) ?? 0) + 1);
  }
  if (edge) {
    await history.doc({
      _id: id(oid(11)),
      userId: id(summary.userIds[0]!),
      songId: gone(),
      playedAt: date(t0),
    });
    await history.doc({
      _id: id(oid(11)),
      userId: id(gone()),
      songId: summary.songIds[0],
      playedAt: date(t0),
    });
    reject("recentlyplayeds", 2);
    await history.line("this is not JSON at all");
    reject("recentlyplayeds");
  }
  await history.close();
  summary.docs.recentlyplayeds = history.count;

  // recent searches: the same search twice (the newer kept)
  const searches = new Out(path.join(dir, "recentsearches.json"));
  await searches.doc({
    _id: id(oid(12)),
    userId: id(summary.userIds[0]!),
    query: "Björk",
    createdAt: date(t0 + 5000),
  });
  await searches.doc({
    _id: id(oid(12)),
    userId: id(summary.userIds[0]!),
    query: "bjork ",
    createdAt: date(t0 + 9000),
  });
  reject("recentsearches");
  await searches.doc({
    _id: id(oid(12)),
    userId: id(summary.userIds[1 % nUsers]!),
    query: "echo river",
    createdAt: date(t0),
  });
  if (edge) {
    await searches.doc({
      _id: id(oid(12)),
      userId: id(summary.userIds[0]!),
      query: "   ",
      createdAt: date(t0),
    });
    reject("recentsearches");
  }
  await searches.close();
  summary.docs.recentsearches = searches.count;

  const recommendations = new Out(path.join(dir, "recommendations.json"));
  await recommendations.doc({
    _id: id(oid(13)),
    userId: id(summary.userIds[0]!),
    songIds: [summary.songIds[2], summary.songIds[2], gone(), summary.songIds[1]],
    reason: "popular",
    score: 0.831,
    generatedAt: date(t0),
    expiresAt: date(t0 + 86_400_000),
  });
  await recommendations.close();
  summary.docs.recommendations = recommendations.count;
  return summary;
}

/** The same documents as mongodump writes them: `<name>.bson`, one BSON document after another. */
export async function writeBsonFile(file: string, docs: Record<string, unknown>[]): Promise<void> {
  const out = createWriteStream(file);
  for (const doc of docs) {
    if (!out.write(BSON.serialize(doc))) await once(out, "drain");
  }
  out.end();
  await once(out, "finish");
}
