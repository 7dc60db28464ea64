// Test-only (excluded from the build): a realistic catalog, generated from a seed, with known fixtures.
import type { Db } from "@chorus/db";
import { sql } from "kysely";

// Words song, album and artist names are made of. None of the fixtures' distinctive words
// (beatles, bjork, sigur, ros, jude, velvet, harbor...) is among them.
const WORDS = `love night heart fire dream light rain summer blue wild river city moon star road home
  time girl boy baby dance run free gold silver shadow ghost angel devil sweet cold hot world sky ocean
  sea stone paper glass broken lonely last first forever never little big young old midnight morning
  winter autumn spring garden window door train highway desert mountain valley storm thunder lightning
  fever honey sugar whiskey wine diamond crystal echo mirror secret story song letter
  promise memory heaven island kingdom empire machine radio neon electric silent golden crimson
  purple violet green black white red wolf tiger lion eagle raven dove horse snake rose lily daisy
  wave tide shore street avenue bridge tower castle circus carnival parade
  hunter dancer lover stranger soldier sailor pilot king queen prince princess`
  .split(/\s+/)
  .filter(Boolean);
// Real catalogs are full of names and words from many languages: a few thousand rarer words, made
// of syllables, so that the catalog has as many distinct words as a real one of its size.
const SYLLABLES = `ka lo mi ra ven tor sa lu bel dor fa ne ri zo mar til ga sho an el is um ta vi no che pa
  qu ix ber wen dal fin gro hal jor kri lem mos nar pol rud sel tam ulm vor yst zan`.split(/\s+/);
const GLUE = ["the", "of", "in", "my", "your", "on", "and", "to", "a", "for", "with", "under"];
const FIRST = [
  "Maria",
  "John",
  "Lena",
  "Oscar",
  "Nina",
  "Paolo",
  "Ingrid",
  "Tom",
  "Aiko",
  "Omar",
  "Clara",
  "Felix",
];
const LAST = ["Lindqvist", "Moreau", "Okafor", "Costa", "Nakamura", "Schmidt", "Rivera", "Novak", "Walsh"];

/** A small deterministic PRNG (mulberry32): the same seed, the same catalog. */
function random(seed: number) {
  let a = seed;
  const next = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
  return { next, pick };
}

const title = (s: string) => s.replace(/(^|\s)\p{L}/gu, (c) => c.toUpperCase());

export interface Fixtures {
  artists: Record<"beatles" | "bjork" | "sigurRos" | "velvetHarbor" | "lanterns" | "acdc", string>;
  albums: Record<"abbeyRoad" | "letItBe" | "heyJudeAlbum" | "homogenic" | "agaetis", string>;
  songs: Record<
    | "heyJude"
    | "letItBe"
    | "getBack"
    | "comeTogether"
    | "hereComesTheSun"
    | "joga"
    | "hoppipolla"
    | "harborOfVelvet",
    string
  >;
  velvetHarborSongs: string[];
  playlists: Record<"roadTrip" | "secretMix" | "emptyPublic", string>;
  userId: string;
}

/**
 * `songs` generated songs (on ~songs/8 albums by ~songs/15 artists) plus the fixtures, then ANALYZE
 * so the planner sees the real table sizes.
 */
export async function seedCatalog(
  db: Db,
  options: { songs?: number; seed?: number } = {},
): Promise<Fixtures> {
  const count = options.songs ?? 5_000;
  const { next, pick } = random(options.seed ?? 7);
  const rare = new Set<string>();
  while (rare.size < Math.ceil(count / 2)) {
    rare.add(Array.from({ length: 2 + Math.floor(next() * 2) }, () => pick(SYLLABLES)).join(""));
  }
  const rareWords = [...rare];
  const word = () => (next() < 0.25 ? pick(rareWords) : pick(WORDS));
  const phrase = (min: number, max: number) => {
    const n = min + Math.floor(next() * (max - min + 1));
    const words = Array.from({ length: n }, (_, i) =>
      i > 0 && i < n - 1 && next() < 0.3 ? pick(GLUE) : word(),
    );
    return title(words.join(" "));
  };

  const artistNames = new Set<string>();
  while (artistNames.size < Math.ceil(count / 15)) {
    const r = next();
    artistNames.add(
      r < 0.3 ? `The ${phrase(1, 2)}` : r < 0.6 ? `${pick(FIRST)} ${pick(LAST)}` : phrase(1, 3),
    );
  }
  const artistIds = (
    await db
      .insertInto("artists")
      .values([...artistNames].map((name) => ({ name })))
      .returning("id")
      .execute()
  ).map((r) => r.id);

  const albumKeys = new Set<string>();
  const albums: { title: string; artist_id: string; year: number }[] = [];
  while (albums.length < Math.ceil(count / 8)) {
    const album = { title: phrase(1, 3), artist_id: pick(artistIds), year: 1960 + Math.floor(next() * 65) };
    const key = `${album.title.toLowerCase()}|${album.artist_id}`;
    if (albumKeys.has(key)) continue;
    albumKeys.add(key);
    albums.push(album);
  }
  const albumRows = await db.insertInto("albums").values(albums).returning(["id", "artist_id"]).execute();

  for (let start = 0; start < count; start += 1_000) {
    const batch = Array.from({ length: Math.min(1_000, count - start) }, (_, i) => {
      const album = pick(albumRows);
      return {
        album,
        row: {
          title: phrase(1, 4),
          album_id: album.id,
          duration_ms: 120_000 + Math.floor(next() * 240_000),
          track_number: (i % 12) + 1,
          play_count: Math.floor(next() * next() * 1_000),
        },
      };
    });
    const songs = await db
      .insertInto("songs")
      .values(batch.map((b) => b.row))
      .returning("id")
      .execute();
    // Every song by its album's artist; one in ten featuring another.
    const links = songs.flatMap((s, i) => {
      const main = batch[i]!.album.artist_id!;
      const featured = next() < 0.1 ? pick(artistIds) : main;
      return [
        { song_id: s.id, artist_id: main, position: 0 },
        ...(featured !== main
          ? [{ song_id: s.id, artist_id: featured, position: 1, role: "featured" as const }]
          : []),
      ];
    });
    await db.insertInto("song_artists").values(links).execute();
  }

  const fixtures = await seedFixtures(db);
  // Public and private playlists of other people, each with a song (empty ones are not listed).
  const firstSongs = await db
    .selectFrom("songs")
    .select("id")
    .limit(Math.ceil(count / 10))
    .execute();
  const playlists = await db
    .insertInto("playlists")
    .values(
      firstSongs.map((_, i) => ({ owner_id: fixtures.userId, name: phrase(1, 3), is_public: i % 2 === 0 })),
    )
    .returning("id")
    .execute();
  await db
    .insertInto("playlist_items")
    .values(playlists.map((p, i) => ({ playlist_id: p.id, song_id: firstSongs[i]!.id, position: 0 })))
    .execute();
  await sql`analyze`.execute(db);
  return fixtures;
}

async function seedFixtures(db: Db): Promise<Fixtures> {
  const artist = async (name: string) =>
    (await db.insertInto("artists").values({ name }).returning("id").executeTakeFirstOrThrow()).id;
  const album = async (t: string, artistId: string) =>
    (
      await db
        .insertInto("albums")
        .values({ title: t, artist_id: artistId })
        .returning("id")
        .executeTakeFirstOrThrow()
    ).id;
  const song = async (t: string, albumId: string | null, artistIds: string[], playCount = 0) => {
    const { id } = await db
      .insertInto("songs")
      .values({ title: t, album_id: albumId, duration_ms: 200_000, play_count: playCount })
      .returning("id")
      .executeTakeFirstOrThrow();
    await db
      .insertInto("song_artists")
      .values(artistIds.map((artist_id, position) => ({ song_id: id, artist_id, position })))
      .execute();
    return id;
  };

  const beatles = await artist("The Beatles");
  const bjork = await artist("Björk");
  const sigurRos = await artist("Sigur Rós");
  const velvetHarbor = await artist("Velvet Harbor");
  const lanterns = await artist("Northern Lanterns");
  const acdc = await artist("AC/DC");

  const abbeyRoad = await album("Abbey Road", beatles);
  const letItBeAlbum = await album("Let It Be", beatles);
  const heyJudeAlbum = await album("Hey Jude", beatles);
  const homogenic = await album("Homogenic", bjork);
  const agaetis = await album("Ágætis byrjun", sigurRos);
  const harborAlbum = await album("Tidewater", velvetHarbor);
  const lanternsAlbum = await album("Paper Boats", lanterns);

  const songs = {
    comeTogether: await song("Come Together", abbeyRoad, [beatles], 900),
    hereComesTheSun: await song("Here Comes the Sun", abbeyRoad, [beatles], 800),
    letItBe: await song("Let It Be", letItBeAlbum, [beatles], 700),
    getBack: await song("Get Back", letItBeAlbum, [beatles], 300),
    heyJude: await song("Hey Jude", heyJudeAlbum, [beatles], 950),
    joga: await song("Jóga", homogenic, [bjork], 400),
    hoppipolla: await song("Hoppípolla", agaetis, [sigurRos], 500),
    // The other band's song has both words in its title: the artist's own songs must still come first.
    harborOfVelvet: await song("Harbor of Velvet", lanternsAlbum, [lanterns], 999),
  };
  await song("Bachelorette", homogenic, [bjork], 350);
  await song("Svefn-g-englar", agaetis, [sigurRos], 200);
  await song("Starálfur", agaetis, [sigurRos], 150);
  const velvetHarborSongs = [
    await song("Low Tide", harborAlbum, [velvetHarbor], 10),
    await song("Salt Lines", harborAlbum, [velvetHarbor], 20),
    await song("Drift", harborAlbum, [velvetHarbor, lanterns], 5),
  ];

  const { id: userId } = await db
    .insertInto("users")
    .values({ email: `search-${Date.now()}@example.com`, name: "Dee" })
    .returning("id")
    .executeTakeFirstOrThrow();
  const playlist = async (name: string, isPublic: boolean, songIds: string[]) => {
    const { id } = await db
      .insertInto("playlists")
      .values({ owner_id: userId, name, is_public: isPublic })
      .returning("id")
      .executeTakeFirstOrThrow();
    if (songIds.length > 0) {
      await db
        .insertInto("playlist_items")
        .values(songIds.map((song_id, position) => ({ playlist_id: id, song_id, position })))
        .execute();
    }
    return id;
  };
  return {
    artists: { beatles, bjork, sigurRos, velvetHarbor, lanterns, acdc },
    albums: { abbeyRoad, letItBe: letItBeAlbum, heyJudeAlbum, homogenic, agaetis },
    songs,
    velvetHarborSongs,
    playlists: {
      roadTrip: await playlist("Road Trip Clássics", true, [songs.comeTogether, songs.heyJude]),
      secretMix: await playlist("Secret Road Mix", false, [songs.getBack]),
      emptyPublic: await playlist("Empty Road", true, []),
    },
    userId,
  };
}
