import type { Db } from "@chorus/db";
import { type RawBuilder, sql } from "kysely";
import {
  NO_HITS,
  normalizeQuery,
  type SearchEngine,
  type SearchHits,
  type SearchRequest,
  type SearchType,
  type Suggestion,
} from "./engine.js";
import {
  CORRECTIONS,
  idsQuery,
  isPrefixQuery,
  letterSwaps,
  type Prepared,
  pickSuggestions,
  prefixQuery,
  queryWords,
  wordsQuery,
} from "./postgres.js";

// The catalog's search documents held in this process (decision 012): the same documents, words and
// matching as the PostgreSQL engine (postgres.ts), a simpler ranking, answered from arrays, not SQL.
// - Built from one consistent snapshot of the database: the songs' own `search_vector` (so the words,
//   their positions and their fields are PostgreSQL's, not a second tokenizer's) and the names of
//   albums and artists, parsed by the same `to_tsvector('simple', chorus_fold(...))` as their indexes.
// - Tagged with the catalog revision and the search documents' revision of that snapshot, and used
//   only while the search documents are unchanged (a catalog change that leaves them alone, such as
//   lyrics, costs one read): until a fresh index is built, PostgreSQL answers. Public playlists, which
//   users edit all the time and which are not part of the catalog revision, are always searched in
//   PostgreSQL.
// - Words are sorted, so "every word starting with x" is one range of word numbers, and each word has
//   the list of documents it is in. A query word matches by that range, or by its corrections (the
//   nearest words by trigram similarity, and letter swaps) when it is no word nor the start of one.

/** pg_trgm's default similarity threshold (its `%` operator). */
const SIMILARITY = 0.3;
/**
 * What a word weighs where it is found, by its tsvector label D, C, B, A: the engine's WEIGHTS
 * {0.1, 0.2, 0.4, 1.0}, times ten, so that sums are exact whatever their order.
 */
const WEIGHTS = [1, 2, 4, 10];
const LABELS: Record<string, number> = { D: 0, C: 1, B: 2, A: 3 };
/** Past the end of any word that starts with a prefix, in code-unit order (no word holds U+FFFF). */
const AFTER = "\uffff";
/** The longest a build holds the event loop at a time, in milliseconds (roughly: it looks every 64 documents). */
const SLICE_MS = 8;

// ---------- trigrams, as pg_trgm makes them ----------

/** The distinct trigrams of a folded text as pg_trgm makes them: each word padded "  word ", in threes. */
export function trigrams(text: string): Set<string> {
  const out = new Set<string>();
  // Letters, digits and combining marks (Devanagari vowel signs, say) are word characters to pg_trgm.
  for (const word of text.match(/[\p{L}\p{N}\p{M}]+/gu) ?? []) {
    const chars = [" ", " ", ...word, " "];
    for (let i = 0; i + 2 < chars.length; i++) out.add(chars[i]! + chars[i + 1]! + chars[i + 2]!);
  }
  return out;
}

// ---------- the index ----------

/** Numbered lists: list i is values[start[i] .. start[i + 1]). */
interface Lists {
  start: Int32Array;
  values: Int32Array;
}

/**
 * Many strings as one: the garbage collector then sees one string and one array, not 100,000
 * strings to mark on every full collection of a busy server's heap.
 */
export class StringList {
  private readonly text: string;
  private readonly start: Int32Array;
  constructor(strings: readonly string[]) {
    this.text = strings.join("");
    this.start = new Int32Array(strings.length + 1);
    for (let i = 0; i < strings.length; i++) this.start[i + 1] = this.start[i]! + strings[i]!.length;
  }
  get length(): number {
    return this.start.length - 1;
  }
  at(i: number): string {
    return this.text.slice(this.start[i]!, this.start[i + 1]!);
  }
  startsWith(i: number, prefix: string): boolean {
    return (
      this.start[i + 1]! - this.start[i]! >= prefix.length && this.text.startsWith(prefix, this.start[i]!)
    );
  }
}

/** Documents of one kind. A document's number is its id's rank, so number order is id order. */
interface Docs {
  ids: StringList;
  /** Title or name as stored, and who it is by (songs and albums): for suggestions and ties. */
  texts: StringList;
  /** Empty for none. */
  details: StringList;
  /** `chorus_fold` of the text, and the documents in that order (code units, as collate "C"). */
  folded: StringList;
  byFolded: Int32Array;
  /** Each document's words in position order, with their positions and labels. */
  entries: Lists;
  positions: Uint16Array;
  labels: Uint8Array;
  /** Word number → documents with that word, ascending. */
  postings: Lists;
}

interface NameDocs extends Docs {
  /** Trigram number → documents whose folded name has it. */
  grams: Lists;
  /** Each document's trigram numbers (their count is its list's length). */
  docGrams: Lists;
}

export interface CatalogIndex {
  /**
   * The catalog revision it holds: that of its snapshot, moved on when the catalog changes in ways
   * the search documents do not see (their own revision unchanged).
   */
  revision: bigint;
  /** The search documents' revision of its snapshot (migration 009). */
  searchRevision: bigint;
  /** Every word of every document, sorted by code units. */
  words: string[];
  /** Trigram → number, for the dictionary and the names. */
  gramIds: Map<string, number>;
  /** Trigram number → words (3–40 letters and digits only) that have it; each word's trigram count. */
  wordGrams: Lists;
  wordGramCounts: Int32Array;
  /** Songs, with their play counts, and the most any song with each word has (word number → plays). */
  songs: Docs & { plays: Float64Array; maxPlays: Float64Array };
  albums: NameDocs;
  artists: NameDocs;
  /** Milliseconds the last build took. */
  buildMs: number;
}

/** A document as read from PostgreSQL. */
interface SourceDoc {
  id: string;
  text: string;
  folded: string;
  vector: string;
  detail: string | null;
  plays?: string;
}

/** Documents of one kind, read and parsed: lexemes with provisional word numbers. */
interface Parsed {
  ids: string[];
  texts: string[];
  folded: string[];
  details: string[];
  plays: number[];
  /** Each document's lexemes in position order: entries start[d] .. start[d + 1]. */
  start: number[];
  word: number[];
  pos: number[];
  label: number[];
  /** Document numbers in folded order. */
  byFolded: Int32Array;
}

/** Rows read at a time: the server parses each page before the next one arrives. */
const PAGE = 5_000;

/** The number of `key` in `numbers`, given the next number when new. */
function intern(numbers: Map<string, number>, key: string): number {
  let id = numbers.get(key);
  if (id === undefined) {
    id = numbers.size;
    numbers.set(key, id);
  }
  return id;
}

const yieldNow = () => new Promise<void>((resolve) => setImmediate(resolve));
let sliceStart = 0;
/** Lets other work run when this build has held the event loop for SLICE_MS. */
async function pause(): Promise<void> {
  if (performance.now() - sliceStart < SLICE_MS) return;
  await yieldNow();
  sliceStart = performance.now();
}

/** The lexemes of a tsvector's text form, each with its positions and labels. */
export function parseTsvector(text: string): { word: string; pos: number; label: number }[] {
  const out: { word: string; pos: number; label: number }[] = [];
  const lexeme = /'((?:[^'\\]|''|\\.)*)'(?::([0-9A-D,]+))?/g;
  for (let m = lexeme.exec(text); m; m = lexeme.exec(text)) {
    const word = m[1]!.replace(/''/g, "'").replace(/\\(.)/g, "$1");
    if (!m[2]) {
      out.push({ word, pos: 0, label: 0 });
      continue;
    }
    for (const p of m[2].split(",")) {
      const last = p.charCodeAt(p.length - 1);
      const labelled = last >= 65 && last <= 68;
      out.push({
        word,
        pos: Number(labelled ? p.slice(0, -1) : p),
        label: labelled ? LABELS[p[p.length - 1]!]! : 0,
      });
    }
  }
  return out;
}

/** The catalog's revision and its search documents' revision, read together (migrations 003, 009). */
async function catalogState(db: Db): Promise<{ revision: bigint; searchRevision: bigint }> {
  const row = await db
    .selectFrom("catalog_state")
    .select(["revision", "search_revision"])
    .executeTakeFirstOrThrow();
  return { revision: BigInt(row.revision), searchRevision: BigInt(row.search_revision) };
}

/**
 * Reads one consistent snapshot of the catalog's search documents, a page at a time (keyset on id)
 * and each page parsed before the next is asked for, so that neither PostgreSQL's rows nor their
 * parsing hold the event loop long, and at most a page of rows is in memory.
 */
async function load(db: Db, wordIds: Map<string, number>, signal?: AbortSignal) {
  return db
    .transaction()
    .setIsolationLevel("repeatable read")
    .execute(async (trx) => {
      const state = await catalogState(trx);
      const read = async (
        page: (after: RawBuilder<boolean>) => RawBuilder<SourceDoc>,
        order: RawBuilder<{ d: number }>,
      ): Promise<Parsed> => {
        const parsed: Parsed = {
          ids: [],
          texts: [],
          folded: [],
          details: [],
          plays: [],
          start: [0],
          word: [],
          pos: [],
          label: [],
          byFolded: new Int32Array(0),
        };
        for (let after: string | null = null; ; ) {
          signal?.throwIfAborted();
          const { rows } = await page(
            after === null ? sql<boolean>`true` : sql<boolean>`x.id > ${after}::uuid`,
          ).execute(trx);
          for (const [i, row] of rows.entries()) {
            if ((i & 63) === 63) await pause();
            parsed.ids.push(row.id);
            parsed.texts.push(row.text);
            parsed.folded.push(row.folded);
            parsed.details.push(row.detail ?? "");
            parsed.plays.push(Number(row.plays ?? 0));
            for (const l of parseTsvector(row.vector).sort((x, y) => x.pos - y.pos)) {
              parsed.word.push(intern(wordIds, l.word));
              parsed.pos.push(Math.min(l.pos, 65_535));
              parsed.label.push(l.label);
            }
            parsed.start.push(parsed.word.length);
          }
          if (rows.length < PAGE) break;
          after = rows[rows.length - 1]!.id;
        }
        // The folded order, sorted by PostgreSQL (collate "C") so that this event loop need not:
        // document numbers are ranks in id order.
        const { rows } = await order.execute(trx);
        parsed.byFolded = Int32Array.from(rows, (r: { d: number }) => Number(r.d));
        if (parsed.byFolded.length !== parsed.ids.length)
          throw new Error(
            `search index: ${parsed.ids.length} documents read but ${parsed.byFolded.length} ordered`,
          );
        return parsed;
      };
      const artists = await read(
        (after) => sql<SourceDoc>`select id::text as id, name as text, chorus_fold(name) as folded,
          to_tsvector('simple', chorus_fold(name))::text as vector
          from artists x where ${after} order by id limit ${PAGE}`,
        sql<{ d: number }>`select (row_number() over (order by id) - 1)::int as d from artists
          order by chorus_fold(name) collate "C", id`,
      );
      const albums = await read(
        (after) => sql<SourceDoc>`select x.id::text as id, x.title as text, chorus_fold(x.title) as folded,
          to_tsvector('simple', chorus_fold(x.title))::text as vector, a.name as detail
          from albums x left join artists a on a.id = x.artist_id
          where ${after} order by x.id limit ${PAGE}`,
        sql<{ d: number }>`select (row_number() over (order by id) - 1)::int as d from albums
          order by chorus_fold(title) collate "C", id`,
      );
      const songs = await read(
        (after) => sql<SourceDoc>`select x.id::text as id, x.title as text, chorus_fold(x.title) as folded,
          x.search_vector::text as vector, x.play_count::text as plays,
          (select a.name from song_artists sa join artists a on a.id = sa.artist_id
           where sa.song_id = x.id order by sa.position limit 1) as detail
          from songs x where ${after} order by x.id limit ${PAGE}`,
        sql<{ d: number }>`select (row_number() over (order by id) - 1)::int as d from songs
          order by chorus_fold(title) collate "C", id`,
      );
      return {
        ...state,
        artists,
        albums,
        songs,
      };
    });
}

/** Lists from (list, value) pairs given in list order or not: values kept in the order given. */
function lists(count: number, owners: Int32Array, values: Int32Array, length: number): Lists {
  const start = new Int32Array(count + 1);
  for (let i = 0; i < length; i++) start[owners[i]! + 1]!++;
  for (let i = 0; i < count; i++) start[i + 1]! += start[i]!;
  const fill = start.slice(0, count);
  const out = new Int32Array(length);
  for (let i = 0; i < length; i++) out[fill[owners[i]!]!++] = values[i]!;
  return { start, values: out };
}

/** For each word, the most plays of a song that has it. */
function mostPlayed(postings: Lists, plays: Float64Array): Float64Array {
  const most = new Float64Array(postings.start.length - 1);
  for (let w = 0; w < most.length; w++) {
    let m = 0;
    for (let p = postings.start[w]!; p < postings.start[w + 1]!; p++)
      m = Math.max(m, plays[postings.values[p]!]!);
    most[w] = m;
  }
  return most;
}

/** Builds the index from a snapshot read now; yields to the event loop as it goes. */
export async function buildCatalogIndex(db: Db, signal?: AbortSignal): Promise<CatalogIndex> {
  const started = performance.now();
  const wordIds = new Map<string, number>();
  const gramIds = new Map<string, number>();
  const source = await load(db, wordIds, signal);
  const parsed = { songs: source.songs, albums: source.albums, artists: source.artists };

  // Words in code-unit order: a prefix is then one range of word numbers.
  const words = [...wordIds.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const rank = new Int32Array(words.length);
  words.forEach((w, i) => {
    rank[wordIds.get(w)!] = i;
  });
  wordIds.clear();
  await yieldNow();

  const gramsOf = (text: string) => {
    const ids: number[] = [];
    for (const g of trigrams(text)) {
      ids.push(intern(gramIds, g));
    }
    return ids;
  };

  const docs = async (p: Parsed): Promise<Docs> => {
    const n = p.ids.length;
    const word = new Int32Array(p.word.length);
    for (let e = 0; e < word.length; e++) {
      if ((e & 4095) === 4095) await pause();
      word[e] = rank[p.word[e]!]!;
    }
    const start = Int32Array.from(p.start);
    await yieldNow();
    // Postings: each document once per word.
    const owners = new Int32Array(word.length);
    const values = new Int32Array(word.length);
    const last = new Int32Array(words.length).fill(-1);
    let count = 0;
    for (let d = 0; d < n; d++) {
      if ((d & 63) === 63) await pause();
      for (let e = start[d]!; e < start[d + 1]!; e++) {
        const w = word[e]!;
        if (last[w] === d) continue;
        last[w] = d;
        owners[count] = w;
        values[count++] = d;
      }
    }
    // Each of these takes a few milliseconds at 100,000 songs: other work runs between them.
    const step = async <T>(make: () => T): Promise<T> => {
      await yieldNow();
      return make();
    };
    return {
      ids: await step(() => new StringList(p.ids)),
      texts: await step(() => new StringList(p.texts)),
      details: await step(() => new StringList(p.details)),
      folded: await step(() => new StringList(p.folded)),
      byFolded: p.byFolded,
      entries: { start, values: word },
      positions: await step(() => Uint16Array.from(p.pos)),
      labels: await step(() => Uint8Array.from(p.label)),
      postings: await step(() => lists(words.length, owners, values, count)),
    };
  };

  // Names' trigrams: (trigram, document) pairs now, lists once every trigram has its number.
  const names = async (p: Parsed) => {
    const base = await docs(p);
    const owners: number[] = [];
    const values: number[] = [];
    for (let d = 0; d < p.ids.length; d++) {
      if ((d & 63) === 63) await pause();
      const ids = gramsOf(p.folded[d]!);
      for (const g of ids) {
        owners.push(g);
        values.push(d);
      }
    }
    return (count: number): NameDocs => ({
      ...base,
      grams: lists(count, Int32Array.from(owners), Int32Array.from(values), owners.length),
      docGrams: lists(p.ids.length, Int32Array.from(values), Int32Array.from(owners), owners.length),
    });
  };

  const songs = await docs(parsed.songs);
  const plays = Float64Array.from(source.songs.plays);
  const albums = await names(parsed.albums);
  const artists = await names(parsed.artists);

  // The dictionary's trigrams, for typos: words of 3–40 letters and digits, as `search_words` keeps.
  const owners: number[] = [];
  const values: number[] = [];
  const wordGramCounts = new Int32Array(words.length);
  for (let w = 0; w < words.length; w++) {
    if ((w & 255) === 255) await pause();
    const word = words[w]!;
    const length = [...word].length;
    if (length < 3 || length > 40 || !/^[\p{L}\p{N}]+$/u.test(word)) continue;
    const ids = gramsOf(word);
    wordGramCounts[w] = ids.length;
    for (const g of ids) {
      owners.push(g);
      values.push(w);
    }
  }
  const gramCount = gramIds.size;
  return {
    revision: source.revision,
    searchRevision: source.searchRevision,
    words,
    gramIds,
    wordGrams: lists(gramCount, Int32Array.from(owners), Int32Array.from(values), owners.length),
    wordGramCounts,
    songs: { ...songs, plays, maxPlays: mostPlayed(songs.postings, plays) },
    albums: albums(gramCount),
    artists: artists(gramCount),
    buildMs: performance.now() - started,
  };
}

// ---------- matching ----------

/** First index in sorted `list` whose value is not below `value`. */
function lowerBound(list: readonly string[], value: string): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The same, over `list` in the order `order` gives. */
function lowerBoundIn(list: StringList, order: Int32Array, value: string): number {
  let lo = 0;
  let hi = order.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list.at(order[mid]!) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** What one query word matches: word-number ranges [lo, hi), flat. */
type Group = number[];

/** Bits of a word's mask: bit g, the query's word g matches it; bit EXACT + g, it is word g as typed. */
const EXACT = 16;

/** Scratch arrays, reused by every query (one runs at a time: ranking never awaits). */
export class Scratch {
  /** Per word: its mask for the current query, valid where `wordStamp` is the query's stamp. */
  readonly wordMask: Int32Array;
  readonly wordStamp: Int32Array;
  /** Per document of each kind: seen by the current walk. */
  readonly seen: Record<"songs" | "albums" | "artists", Int32Array>;
  /** Per trigram: in the current query, where it is this query's stamp. */
  readonly gramStamp: Int32Array;
  /** Per album and artist: its trigrams in common with the query (`shared`), where `counted` is the walk's stamp. */
  readonly grams: Record<"albums" | "artists", { counted: Int32Array; shared: Int32Array }>;
  /** Best weight per mask bit, for the document being scored (all zero between documents). */
  readonly best = new Float64Array(32);
  private stamp = 0;
  constructor(index: CatalogIndex) {
    this.wordMask = new Int32Array(index.words.length);
    this.wordStamp = new Int32Array(index.words.length);
    this.gramStamp = new Int32Array(index.gramIds.size);
    this.seen = {
      songs: new Int32Array(index.songs.ids.length),
      albums: new Int32Array(index.albums.ids.length),
      artists: new Int32Array(index.artists.ids.length),
    };
    const counters = (n: number) => ({ counted: new Int32Array(n), shared: new Int32Array(n) });
    this.grams = { albums: counters(index.albums.ids.length), artists: counters(index.artists.ids.length) };
  }

  /**
   * Before each query. The stamps live in Int32Arrays: long before the count could wrap (after some
   * hundreds of millions of searches), the arrays are cleared and it starts again; never in the middle
   * of a query, which takes a dozen stamps at most.
   */
  begin(): void {
    if (this.stamp < 2 ** 30) return;
    this.stamp = 0;
    const counted = Object.values(this.grams).map((g) => g.counted);
    for (const a of [this.wordStamp, this.gramStamp, ...Object.values(this.seen), ...counted]) a.fill(0);
  }

  /** A stamp no array holds yet. */
  next(): number {
    return ++this.stamp;
  }
}

/** Keeps the best `limit` of what it is offered, in order (`before(a, b)`: a ranks above b). */
function top<T>(limit: number, before: (a: T, b: T) => boolean) {
  const best: T[] = [];
  return {
    /** Whether `x` would be kept (cheaper than building it, for most of what is offered). */
    full: () => best.length === limit,
    worst: () => best[best.length - 1]!,
    offer(x: T) {
      if (best.length === limit && !before(x, best[limit - 1]!)) return;
      let lo = 0;
      let hi = best.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (before(best[mid]!, x)) lo = mid + 1;
        else hi = mid;
      }
      best.splice(lo, 0, x);
      if (best.length > limit) best.pop();
    },
    best,
  };
}

/** A query made ready for the index: its groups, and the same query for PostgreSQL (playlists). */
interface Query {
  prepared: Prepared;
  /** The query's words, and the corrections tried for those that are typos (public playlists use them). */
  words: string[];
  typos: ReadonlyMap<string, string[]>;
  groups: Group[];
  /** The mask bits of every group: a document matches when its words' masks cover them. */
  all: number;
  /** The stamp under which the words' masks of this query are set in the scratch. */
  stamp: number;
  /** The most a song can score: every group, and every word as typed, found in its title. */
  maxScore: number;
}

/** Dictionary words nearest to `word` by trigram similarity, best first, at most CORRECTIONS. */
function nearestWords(index: CatalogIndex, word: string): string[] {
  const grams = trigrams(word);
  const counts = new Map<number, number>();
  for (const g of grams) {
    const id = index.gramIds.get(g);
    if (id === undefined) continue;
    for (let p = index.wordGrams.start[id]!; p < index.wordGrams.start[id + 1]!; p++) {
      const w = index.wordGrams.values[p]!;
      counts.set(w, (counts.get(w) ?? 0) + 1);
    }
  }
  const best = top<{ w: number; sim: number }>(
    CORRECTIONS,
    (a, b) => a.sim > b.sim || (a.sim === b.sim && a.w < b.w),
  );
  for (const [w, common] of counts) {
    const sim = common / (grams.size + index.wordGramCounts[w]! - common);
    if (sim >= SIMILARITY) best.offer({ w, sim });
  }
  return best.best.map((b) => index.words[b.w]!);
}

function prepareQuery(index: CatalogIndex, scratch: Scratch, q: string, correct: boolean): Query | null {
  scratch.begin();
  const text = normalizeQuery(q);
  if (text === "") return null;
  if (isPrefixQuery(text))
    return {
      prepared: prefixQuery(text),
      words: [],
      typos: new Map(),
      groups: [],
      all: 0,
      stamp: 0,
      maxScore: 0,
    };
  const words = queryWords(text);
  if (words.length === 0) return null;
  const exactly = (w: string) => {
    const i = lowerBound(index.words, w);
    return index.words[i] === w ? i : -1;
  };
  const typos = new Map<string, string[]>();
  const groups = words.map((w) => {
    const lo = lowerBound(index.words, w);
    const hi = lowerBound(index.words, w + AFTER);
    const group: Group = [lo, hi];
    if (correct && lo === hi && [...w].length >= 3 && !typos.has(w)) {
      // No word starts with it: a typo. Its nearest words and its letter swaps, as PostgreSQL's.
      typos.set(w, [...new Set([...nearestWords(index, w), ...letterSwaps(w)])]);
    }
    for (const t of typos.get(w) ?? []) {
      const i = exactly(t);
      if (i >= 0) group.push(i, i + 1);
    }
    return group;
  });
  // Each word's mask: which groups it matches, and which query word it is exactly.
  const stamp = scratch.next();
  const mark = (word: number, bit: number) => {
    if (scratch.wordStamp[word] !== stamp) {
      scratch.wordStamp[word] = stamp;
      scratch.wordMask[word] = 0;
    }
    scratch.wordMask[word]! |= bit;
  };
  groups.forEach((group, g) => {
    for (let i = 0; i < group.length; i += 2) for (let w = group[i]!; w < group[i + 1]!; w++) mark(w, 1 << g);
  });
  let exact = 0;
  words.forEach((w, g) => {
    const i = exactly(w);
    if (i >= 0 && words.indexOf(w) === g) {
      mark(i, 1 << (EXACT + g));
      exact++;
    }
  });
  return {
    prepared: wordsQuery(text, words, typos),
    words,
    typos,
    groups,
    all: (1 << groups.length) - 1,
    stamp,
    maxScore: (groups.length + exact) * WEIGHTS[3]!,
  };
}

/** Documents whose folded text starts with `text`, in that order: the first `limit`. */
function byPrefix(docs: Docs, text: string, limit: number): number[] {
  const out: number[] = [];
  for (
    let i = lowerBoundIn(docs.folded, docs.byFolded, text);
    i < docs.byFolded.length && out.length < limit;
    i++
  ) {
    const d = docs.byFolded[i]!;
    if (!docs.folded.startsWith(d, text)) break;
    out.push(d);
  }
  return out;
}

/**
 * Calls `visit` with each document that has a word of every group, once, with its score: the sum of
 * the best weight (title, album, artists) at which each group, and each word as typed, is found in it.
 * Walks the rarest group's documents.
 */
function eachMatch(
  docs: Docs,
  query: Query,
  scratch: Scratch,
  seen: Int32Array,
  visit: (d: number, score: number) => void,
  /** Documents not worth scoring (nothing they could score would get them kept). */
  skip?: (d: number) => boolean,
  /** For a word, the last document number worth scoring in its list (-1: none, Infinity: all). */
  stop?: (word: number) => number,
): void {
  const { groups, all } = query;
  if (groups.length === 0) return;
  const size = (g: Group) => {
    let n = 0;
    for (let i = 0; i < g.length; i += 2) n += docs.postings.start[g[i + 1]!]! - docs.postings.start[g[i]!]!;
    return n;
  };
  let rarest = groups[0]!;
  let least = size(rarest);
  for (let i = 1; i < groups.length && least > 0; i++) {
    const n = size(groups[i]!);
    if (n < least) [rarest, least] = [groups[i]!, n];
  }
  if (least === 0) return;
  const walk = scratch.next();
  const { start, values } = docs.entries;
  const { wordMask, wordStamp, best } = scratch;
  for (let i = 0; i < rarest.length; i += 2) {
    for (let word = rarest[i]!; word < rarest[i + 1]!; word++) {
      // A word's documents are in number order: past `last`, none is worth scoring.
      let last = stop ? stop(word) : Number.POSITIVE_INFINITY;
      for (let p = docs.postings.start[word]!; p < docs.postings.start[word + 1]!; p++) {
        const d = docs.postings.values[p]!;
        if (d > last) break;
        if (seen[d] === walk) continue;
        seen[d] = walk;
        if (skip?.(d)) continue;
        let covered = 0;
        for (let e = start[d]!; e < start[d + 1]!; e++) {
          const w = values[e]!;
          if (wordStamp[w] !== query.stamp) continue;
          const mask = wordMask[w]!;
          covered |= mask;
          const weight = WEIGHTS[docs.labels[e]!]!;
          for (let m = mask; m !== 0; m &= m - 1) {
            const bit = 31 - Math.clz32(m & -m);
            if (weight > best[bit]!) best[bit] = weight;
          }
        }
        // The score: the best weight of each group and of each word as typed; `best` is left zeroed.
        let score = 0;
        for (let m = covered; m !== 0; m &= m - 1) {
          const bit = 31 - Math.clz32(m & -m);
          score += best[bit]!;
          best[bit] = 0;
        }
        if ((covered & all) === all) {
          visit(d, score);
          if (stop) last = stop(word);
        }
      }
    }
  }
}

/**
 * Songs: every word found (as a prefix, or a correction); the words in a row first, then by where
 * they are (title above album above artists), whole words as typed above longer ones; the most
 * played breaks ties, then the id.
 */
function rankSongs(index: CatalogIndex, scratch: Scratch, query: Query, limit: number): number[] {
  const docs = index.songs;
  if (query.prepared.kind === "prefix") return byPrefix(docs, query.prepared.text, limit);
  type Hit = { d: number; phrase: boolean; score: number };
  const plays = docs.plays;
  const best = top<Hit>(limit, (a, b) => {
    if (a.phrase !== b.phrase) return a.phrase;
    if (a.score !== b.score) return a.score > b.score;
    const pa = plays[a.d]!;
    const pb = plays[b.d]!;
    return pa !== pb ? pa > pb : a.d < b.d;
  });
  const several = query.groups.length > 1;
  // Once every kept song has the best score there is (and the words in a row, if several), only a
  // more played one can get in: the rest are turned away before their words are read. Common words
  // match thousands of songs, and this keeps them cheap.
  const cannotGetIn = (d: number) => {
    if (!best.full()) return false;
    const worst = best.worst();
    if (worst.score < query.maxScore || (several && !worst.phrase)) return false;
    const pd = plays[d]!;
    const pw = plays[worst.d]!;
    return pd < pw || (pd === pw && d > worst.d);
  };
  eachMatch(
    docs,
    query,
    scratch,
    scratch.seen.songs,
    (d, score) => {
      if (best.full()) {
        // Most matches are below the last kept one: they are turned away before the phrase test.
        const worst = best.worst();
        if (worst.phrase && score < worst.score) return;
        const phrase = several && inARow(docs, d, query, scratch);
        if (phrase === worst.phrase && score < worst.score) return;
        best.offer({ d, phrase, score });
      } else best.offer({ d, phrase: several && inARow(docs, d, query, scratch), score });
    },
    cannotGetIn,
    // The same test for a whole word: when no song with it is more played than the last kept one,
    // those after that one (in number order, which breaks ties) cannot get in either. Most songs are
    // never played, so a common word's list mostly stops after the first few matches.
    (word) => {
      if (!best.full()) return Number.POSITIVE_INFINITY;
      const worst = best.worst();
      if (worst.score < query.maxScore || (several && !worst.phrase)) return Number.POSITIVE_INFINITY;
      const most = docs.maxPlays[word]!;
      const pw = plays[worst.d]!;
      return most < pw ? -1 : most === pw ? worst.d : Number.POSITIVE_INFINITY;
    },
  );
  return best.best.map((h) => h.d);
}

/** Whether the document has the query's words at consecutive positions (a phrase). */
function inARow(docs: Docs, d: number, query: Query, scratch: Scratch): boolean {
  const { start, values } = docs.entries;
  const { positions } = docs;
  const maskAt = (e: number) =>
    scratch.wordStamp[values[e]!] === query.stamp ? scratch.wordMask[values[e]!]! : 0;
  const n = query.groups.length;
  const end = start[d + 1]!;
  // Entries are in position order: each next word is looked for after the last one found.
  for (let e = start[d]!; e < end; e++) {
    if ((maskAt(e) & 1) === 0) continue;
    const p = positions[e]!;
    let k = 1;
    let f = e + 1;
    for (; k < n; k++) {
      while (f < end && (positions[f]! < p + k || (positions[f] === p + k && (maskAt(f) & (1 << k)) === 0)))
        f++;
      if (f === end || positions[f] !== p + k) break;
      f++;
    }
    if (k === n) return true;
  }
  return false;
}

/**
 * Albums and artists: every word found, or the whole name close by trigram similarity ("acdc" finds
 * "AC/DC"); all words found first, then the closest name, then the name and the id.
 */
function rankNames(
  index: CatalogIndex,
  scratch: Scratch,
  kind: "albums" | "artists",
  query: Query,
  limit: number,
): number[] {
  const docs = index[kind];
  if (query.prepared.kind === "prefix") return byPrefix(docs, query.prepared.text, limit);
  const grams = trigrams(query.prepared.text);
  const queryGrams: number[] = [];
  for (const g of grams) {
    const id = index.gramIds.get(g);
    if (id !== undefined) queryGrams.push(id);
  }
  const gramsOf = (d: number) => docs.docGrams.start[d + 1]! - docs.docGrams.start[d]!;
  const similarity = (d: number, common: number) => common / (grams.size + gramsOf(d) - common);
  type Hit = { d: number; words: boolean; sim: number };
  const best = top<Hit>(limit, (a, b) => {
    if (a.words !== b.words) return a.words;
    if (a.sim !== b.sim) return a.sim > b.sim;
    const ta = docs.texts.at(a.d);
    const tb = docs.texts.at(b.d);
    return ta !== tb ? ta < tb : a.d < b.d;
  });
  const matched: number[] = [];
  eachMatch(docs, query, scratch, scratch.seen[kind], (d) => void matched.push(d));
  // A name's trigrams in common with the query: counted on the name's own list.
  const stamp = scratch.next();
  for (const g of queryGrams) scratch.gramStamp[g] = stamp;
  const common = (d: number) => {
    let n = 0;
    for (let p = docs.docGrams.start[d]!; p < docs.docGrams.start[d + 1]!; p++)
      if (scratch.gramStamp[docs.docGrams.values[p]!] === stamp) n++;
    return n;
  };
  // The most a name can share is all of the shorter list: a name whose best cannot beat the last kept
  // one is not counted.
  const most = (d: number) => Math.min(grams.size, gramsOf(d)) / Math.max(grams.size, gramsOf(d));
  for (const d of matched) {
    if (best.full() && best.worst().sim > most(d)) continue;
    best.offer({ d, words: true, sim: similarity(d, common(d)) });
  }
  // Names with every word fill the places: no other can get in.
  if (matched.length >= limit) return best.best.map((h) => h.d);

  // Otherwise names close by trigrams come next. A name at SIMILARITY shares at least that part of
  // the query's trigrams (its similarity is at most shared / the query's trigrams), so it is on one of
  // the rarest lists (all but that part, less one): the names on those are the candidates, each
  // counted as it is met. The longer lists are not walked: a candidate has at most one trigram on
  // each, which bounds its similarity; only a candidate whose bound could get it in has its own
  // trigrams counted, the likeliest (most found on the rarest lists) first.
  const seen = scratch.seen[kind];
  const walk = scratch.next();
  for (const d of matched) seen[d] = walk;
  const needed = Math.ceil(SIMILARITY * grams.size - 1e-9);
  const posting = (g: number) => docs.grams.start[g + 1]! - docs.grams.start[g]!;
  const rarest = [...queryGrams].sort((x, y) => posting(x) - posting(y));
  const firsts = rarest.length - needed + 1;
  if (firsts <= 0) return best.best.map((h) => h.d);
  const { counted, shared } = scratch.grams[kind];
  const candidates: number[] = [];
  for (const g of rarest.slice(0, firsts)) {
    for (let p = docs.grams.start[g]!; p < docs.grams.start[g + 1]!; p++) {
      const d = docs.grams.values[p]!;
      if (counted[d] === walk) shared[d]!++;
      else if (seen[d] !== walk) {
        counted[d] = walk;
        shared[d] = 1;
        candidates.push(d);
      }
    }
  }
  // By what they share on the rarest lists, most first.
  const byShared: number[][] = Array.from({ length: firsts + 1 }, () => []);
  for (const d of candidates) byShared[shared[d]!]!.push(d);
  const others = rarest.length - firsts;
  for (let found = firsts; found >= 1; found--) {
    for (const d of byShared[found]!) {
      const m = gramsOf(d);
      const most = Math.min(found + others, m);
      const bound = most / (grams.size + m - most);
      if (bound < SIMILARITY) continue;
      if (best.full() && (best.worst().words || bound < best.worst().sim)) continue;
      const sim = similarity(d, common(d));
      if (sim >= SIMILARITY) best.offer({ d, words: false, sim });
    }
  }
  return best.best.map((h) => h.d);
}

/**
 * Songs, albums and artists for a request, from the index (playlists are left empty), and the query
 * as PostgreSQL takes it, with the corrections found here, for public playlists.
 */
export function searchIndex(
  index: CatalogIndex,
  scratch: Scratch,
  request: SearchRequest,
): { hits: SearchHits; prepared: Prepared | null; query: Query | null } {
  const wanted = new Set<SearchType>(request.types);
  const query = prepareQuery(index, scratch, request.q, true);
  const { limit } = request;
  if (!query || wanted.size === 0 || limit < 1) return { hits: { ...NO_HITS }, prepared: null, query: null };
  const ids = (docs: Docs, numbers: number[]) => numbers.map((d) => docs.ids.at(d));
  const hits: SearchHits = {
    songs: wanted.has("songs") ? ids(index.songs, rankSongs(index, scratch, query, limit)) : [],
    albums: wanted.has("albums") ? ids(index.albums, rankNames(index, scratch, "albums", query, limit)) : [],
    artists: wanted.has("artists")
      ? ids(index.artists, rankNames(index, scratch, "artists", query, limit))
      : [],
    playlists: [],
  };
  return { hits, prepared: query.prepared, query };
}

/** Autocomplete's suggestions from the index: no typo correction, as in PostgreSQL (a prefix being typed is not a typo yet). */
export function suggestFromIndex(
  index: CatalogIndex,
  scratch: Scratch,
  prefix: string,
  limit: number,
): Suggestion[] {
  const query = prepareQuery(index, scratch, prefix, false);
  if (!query || limit < 1) return [];
  const suggest = (type: Suggestion["type"], docs: Docs, numbers: number[]): Suggestion[] =>
    numbers.map((d) => ({
      type,
      id: docs.ids.at(d),
      text: docs.texts.at(d),
      detail: docs.details.at(d) || null,
    }));
  return pickSuggestions(
    [
      ...suggest("artist", index.artists, rankNames(index, scratch, "artists", query, limit)),
      ...suggest("album", index.albums, rankNames(index, scratch, "albums", query, limit)),
      ...suggest("song", index.songs, rankSongs(index, scratch, query, limit)),
    ],
    limit,
  );
}

// ---------- public playlists ----------

/** A public playlist with songs, as search reads it (`readPublicPlaylists`). */
export interface PlaylistDoc {
  id: string;
  /** `chorus_fold(name)`, and its `to_tsvector('simple', …)` as text. */
  folded: string;
  vector: string;
  /** Its place in folded order (collate "C", then id), and by name in the database's collation. */
  rank: number;
  nameRank: number;
}

/** Public playlists searched in the server's process at most (past this, PostgreSQL searches them). */
export const PUBLIC_PLAYLISTS_IN_PROCESS = 2_000;

/**
 * The public playlists search can find (public, with songs), or null when there are more than `max`:
 * public playlists change with every edit, so they are kept whole and searched one by one, which
 * suits hundreds or a few thousand; past that, PostgreSQL searches them.
 */
export async function readPublicPlaylists(db: Db, max: number): Promise<PlaylistDoc[] | null> {
  const { rows } = await sql<PlaylistDoc>`select id::text as id, chorus_fold(name) as folded,
      to_tsvector('simple', chorus_fold(name))::text as vector,
      (row_number() over (order by chorus_fold(name) collate "C", id) - 1)::int as rank,
      (row_number() over (order by name, id) - 1)::int as "nameRank"
    from playlists where is_public and song_count > 0 order by id limit ${max + 1}`.execute(db);
  return rows.length > max ? null : rows;
}

/** Playlists made ready to search, once per list read: their words and trigrams, each with its playlists. */
interface PlaylistSet {
  docs: { id: string; folded: string; nameRank: number }[];
  /** Document numbers in folded order. */
  byFolded: number[];
  /** The playlists' words, sorted by code units (a prefix is one range), and who has each. */
  words: string[];
  wordDocs: number[][];
  /** Trigram → number; each playlist's trigram count, and each trigram's playlists. */
  gramIds: Map<string, number>;
  gramCounts: Int32Array;
  gramDocs: number[][];
}

const playlistSets = new WeakMap<readonly PlaylistDoc[], PlaylistSet>();

function playlistSet(list: readonly PlaylistDoc[]): PlaylistSet {
  const known = playlistSets.get(list);
  if (known) return known;
  const byFolded: number[] = [];
  const wordDocs = new Map<string, number[]>();
  const gramIds = new Map<string, number>();
  const gramDocs: number[][] = [];
  const gramCounts = new Int32Array(list.length);
  list.forEach((p, d) => {
    byFolded[p.rank] = d;
    for (const word of new Set(parseTsvector(p.vector).map((l) => l.word))) {
      const docs = wordDocs.get(word);
      if (docs) docs.push(d);
      else wordDocs.set(word, [d]);
    }
    const grams = trigrams(p.folded);
    gramCounts[d] = grams.size;
    for (const g of grams) {
      const id = intern(gramIds, g);
      const docs = gramDocs[id];
      if (docs) docs.push(d);
      else gramDocs[id] = [d];
    }
  });
  const words = [...wordDocs.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const set: PlaylistSet = {
    docs: list.map((p) => ({ id: p.id, folded: p.folded, nameRank: p.nameRank })),
    byFolded,
    words,
    wordDocs: words.map((w) => wordDocs.get(w)!),
    gramIds,
    gramCounts,
    gramDocs,
  };
  playlistSets.set(list, set);
  return set;
}

/**
 * Public playlists matching a query prepared by the index, by the rules PostgreSQL's engine applies
 * to names (`named` in postgres.ts): every word (as a prefix, or one of its corrections), or the whole
 * name close by trigrams; all words first, then the closest name, then the name and the id.
 */
export function searchPlaylists(list: readonly PlaylistDoc[], query: Query, limit: number): string[] {
  const set = playlistSet(list);
  const { docs, byFolded, words } = set;
  const { prepared } = query;
  if (prepared.kind === "prefix") {
    const out: string[] = [];
    for (const d of byFolded) {
      if (out.length === limit) break;
      if (docs[d]!.folded.startsWith(prepared.text)) out.push(docs[d]!.id);
    }
    return out;
  }
  // Words: how many of the query's words each playlist has (as a prefix, or a correction).
  const found = new Int32Array(docs.length);
  const inGroup = new Int32Array(docs.length).fill(-1);
  query.words.forEach((w, g) => {
    const mark = (i: number) => {
      for (const d of set.wordDocs[i]!) {
        if (inGroup[d] === g) continue;
        inGroup[d] = g;
        found[d]!++;
      }
    };
    for (let i = lowerBound(words, w); i < words.length && words[i]!.startsWith(w); i++) mark(i);
    for (const t of query.typos.get(w) ?? []) {
      const i = lowerBound(words, t);
      if (words[i] === t && !t.startsWith(w)) mark(i);
    }
  });
  // Trigrams in common with the query.
  const grams = trigrams(prepared.text);
  const common = new Int32Array(docs.length);
  for (const g of grams) {
    const id = set.gramIds.get(g);
    if (id !== undefined) for (const d of set.gramDocs[id]!) common[d]!++;
  }
  const hits: { d: number; words: boolean; sim: number }[] = [];
  for (let d = 0; d < docs.length; d++) {
    const all = found[d] === query.words.length;
    if (!all && common[d] === 0) continue;
    // pg_trgm's similarity is a float4: rounded alike, equal names tie alike.
    const sim = Math.fround(common[d]! / (grams.size + set.gramCounts[d]! - common[d]!));
    if (all || sim >= SIMILARITY) hits.push({ d, words: all, sim });
  }
  hits.sort((a, b) => {
    if (a.words !== b.words) return a.words ? -1 : 1;
    if (a.sim !== b.sim) return b.sim - a.sim;
    // Then by name and id, in the database's collation as PostgreSQL's engine orders them.
    return docs[a.d]!.nameRank - docs[b.d]!.nameRank;
  });
  return hits.slice(0, limit).map((h) => docs[h.d]!.id);
}

// ---------- the engine ----------

export interface IndexedSearchLog {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export interface IndexedSearchOptions {
  /**
   * The catalog revision as the caller's cache keys see it (decision 005), read before each search.
   * Default: read from the database on every call.
   */
  revision?: () => Promise<string | number | bigint>;
  log?: IndexedSearchLog;
  /**
   * The least time from the end of one build to the start of the next: this, or five times the last
   * build's time if longer. Default 2 s.
   */
  rebuildGapMs?: number;
  /** How often play counts (which only break ties) are read again. Default 5 min. */
  playsRefreshMs?: number;
  /**
   * The public playlists, as current as the caller's cached answers (`readPublicPlaylists`, kept in
   * the cache under the tag every public playlist change moves), or null when there are too many to
   * search here. Without it, PostgreSQL searches public playlists.
   */
  publicPlaylists?: () => Promise<readonly PlaylistDoc[] | null>;
}

export interface IndexedSearchStats {
  /** The revision the index holds, or null before the first build. */
  revision: string | null;
  songs: number;
  words: number;
  builds: number;
  buildMs: number | null;
  /** Calls answered from the index, and by PostgreSQL while the index was missing or behind. */
  fromIndex: number;
  fromPostgres: number;
  /** Public playlists searched in this process, and by PostgreSQL (too many, or no list given). */
  playlistsInProcess: number;
  playlistsByPostgres: number;
}

export interface IndexedSearch extends SearchEngine {
  /** Builds the index now if it is missing or behind the catalog; resolves when it is current. */
  current(): Promise<void>;
  stats(): IndexedSearchStats;
  close(): void;
}

/**
 * Search answered from the in-process index while it matches the catalog revision, and by
 * `postgres` (the PostgreSQL engine on the same database) while it is missing or being rebuilt.
 */
export function createIndexedSearch(
  db: Db,
  postgres: SearchEngine,
  options: IndexedSearchOptions = {},
): IndexedSearch {
  const gap = options.rebuildGapMs ?? 2_000;
  const readRevision = options.revision ?? (async () => (await catalogState(db)).revision);
  /** The index, with the scratch arrays its queries use: swapped as one. */
  let held: { index: CatalogIndex; scratch: Scratch } | null = null;
  let building: Promise<void> | null = null;
  let lastBuild = 0;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  /** Aborted by close(): a build in progress stops at its next page and rolls back. */
  const stopping = new AbortController();
  let failing = false;
  const counters = {
    builds: 0,
    fromIndex: 0,
    fromPostgres: 0,
    playlistsInProcess: 0,
    playlistsByPostgres: 0,
  };

  const build = (): Promise<void> => {
    if (closed) return Promise.resolve();
    building ??= buildCatalogIndex(db, stopping.signal)
      .then((built) => {
        if (closed) return;
        held = { index: built, scratch: new Scratch(built) };
        counters.builds++;
        if (failing) options.log?.info({ revision: String(built.revision) }, "search index built again");
        failing = false;
      })
      .catch((error: unknown) => {
        if (closed) return;
        if (!failing)
          options.log?.warn({ err: error }, "search index not built: PostgreSQL answers searches");
        failing = true;
      })
      .finally(() => {
        building = null;
        lastBuild = Date.now();
      });
    return building;
  };

  /** A rebuild soon: now, or when the gap since the last one has passed. */
  const schedule = () => {
    if (closed || building || timer) return;
    // A catalog that keeps changing (an import) would keep this process building: the index then
    // waits five times its build time, and PostgreSQL answers meanwhile.
    const wait = lastBuild + Math.max(gap, 5 * (held?.index.buildMs ?? 0)) - Date.now();
    if (wait <= 0) void build();
    else {
      timer = setTimeout(() => {
        timer = undefined;
        void build();
      }, wait);
      timer.unref();
    }
  };

  /**
   * Whether the search documents are still those of the index: read after the caller's revision, so
   * the answer holds for it. Concurrent callers share one read.
   */
  let checking: Promise<boolean> | null = null;
  const unchanged = (current: NonNullable<typeof held>): Promise<boolean> => {
    checking ??= catalogState(db)
      .then(({ revision, searchRevision }) => {
        if (searchRevision !== current.index.searchRevision) return false;
        // Lyrics, genres and the like moved the catalog, not the search documents: still current.
        if (revision > current.index.revision) current.index.revision = revision;
        return true;
      })
      .finally(() => {
        checking = null;
      });
    return checking;
  };

  /** The index if it holds the catalog at `revision` (or later); else null, and a rebuild is on its way. */
  const usable = async () => {
    const revision = BigInt(await readRevision());
    if (held && held.index.revision >= revision) return held;
    const current = held;
    if (current && (await unchanged(current)) && current.index.revision >= revision) return current;
    schedule();
    return null;
  };

  let playsTimer: NodeJS.Timeout | undefined;
  if (options.playsRefreshMs !== 0) {
    // Play counts only break ties between equal matches; they are read again now and then, and only
    // into the index of the revision they were read at.
    playsTimer = setInterval(() => {
      const index = held?.index;
      if (!index || building) return;
      void db
        .transaction()
        .setIsolationLevel("repeatable read")
        .execute(async (trx) => {
          // The same songs in the same order as long as the search documents are unchanged.
          if ((await catalogState(trx)).searchRevision !== index.searchRevision) return;
          const { rows } = await sql<{
            plays: string;
          }>`select play_count::text as plays from songs order by id`.execute(trx);
          if (rows.length === index.songs.plays.length) {
            for (const [i, r] of rows.entries()) index.songs.plays[i] = Number(r.plays);
            index.songs.maxPlays = mostPlayed(index.songs.postings, index.songs.plays);
          }
        })
        .catch((error: unknown) =>
          options.log?.warn({ err: error }, "search index: play counts not refreshed"),
        );
    }, options.playsRefreshMs ?? 300_000);
    playsTimer.unref();
  }

  return {
    kind: "postgres",

    async search(request: SearchRequest): Promise<SearchHits> {
      const wanted = new Set<SearchType>(request.types);
      // Public playlists alone are PostgreSQL's whatever the index's state: not counted as either.
      const catalogTypes = wanted.has("songs") || wanted.has("albums") || wanted.has("artists");
      const current = await usable();
      if (!current) {
        if (catalogTypes) counters.fromPostgres++;
        return postgres.search(request);
      }
      if (catalogTypes) counters.fromIndex++;
      const { hits, prepared, query } = searchIndex(current.index, current.scratch, request);
      if (prepared && query && request.types.includes("playlists") && request.limit >= 1) {
        // Public playlists change with every edit: not in the index, but read whole and searched
        // here with the corrections found in it; PostgreSQL searches them when there are too many.
        const list = await options.publicPlaylists?.();
        if (list) {
          counters.playlistsInProcess++;
          hits.playlists = searchPlaylists(list, query, request.limit);
        } else {
          counters.playlistsByPostgres++;
          const { rows } = await idsQuery("playlists", prepared, request.limit).execute(db);
          hits.playlists = rows.map((row) => row.id);
        }
      }
      return hits;
    },

    async autocomplete(prefix, limit) {
      const current = await usable();
      if (!current) {
        counters.fromPostgres++;
        return postgres.autocomplete(prefix, limit);
      }
      counters.fromIndex++;
      return suggestFromIndex(current.index, current.scratch, prefix, limit);
    },

    async current() {
      while (!closed) {
        const revision = BigInt(await readRevision());
        if (held && held.index.revision >= revision) return;
        const current = held;
        if (current && (await unchanged(current)) && current.index.revision >= revision) return;
        if (timer) {
          clearTimeout(timer);
          timer = undefined;
        }
        await (building ?? build());
        if (failing) throw new Error("The search index could not be built (see the log)");
      }
    },

    stats() {
      const index = held?.index;
      return {
        revision: index ? String(index.revision) : null,
        songs: index?.songs.ids.length ?? 0,
        words: index?.words.length ?? 0,
        buildMs: index ? Math.round(index.buildMs) : null,
        ...counters,
      };
    },

    close() {
      closed = true;
      stopping.abort();
      clearTimeout(timer);
      clearInterval(playsTimer);
    },
  };
}
