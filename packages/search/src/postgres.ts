import type { Db } from "@chorus/db";
import { type RawBuilder, sql } from "kysely";
import {
  NO_HITS,
  normalizeQuery,
  type SearchEngine,
  type SearchHits,
  type SearchType,
  type Suggestion,
} from "./engine.js";

// How the PostgreSQL engine searches (the indexes are in migration 005):
// - A query of 1–2 characters matches the start of titles and names (a btree, alphabetical).
// - Otherwise its words become a tsquery: every word must match, each as a prefix ("beat" finds
//   "beatles"). A word of 3+ characters that is no word of the catalog, nor the start of one, is a
//   typo: it also matches its nearest catalog words by trigram similarity ("beatls" → "beatles") and
//   its letter swaps ("hte" → "the"). Songs are then matched by their weighted search document
//   (title above album above artists) on its GIN index.
// - Albums, artists and public playlists match on their name by the same tsquery or by trigram
//   similarity of the whole name ("acdc" finds "AC/DC"), each on a GIN index.
// Words are letters and digits only, so nothing a person types can be tsquery syntax; every value
// reaches PostgreSQL as a parameter.

/** Words searched: more only narrows an AND further, and each costs a little. */
export const MAX_WORDS = 10;
/** A word longer than this is no word of the catalog either (nor a typo of one). */
const MAX_WORD = 40;
/** Nearest catalog words tried for a typo. */
export const CORRECTIONS = 3;
/** Query words remembered as catalog words (or starts of one), per engine; past this, it starts over. */
const KNOWN_WORDS = 50_000;
/** Rank weights for search-document labels {D, C, B, A}: title (A) above album (B) above artists (C). */
const WEIGHTS = sql.raw("'{0.1, 0.2, 0.4, 1.0}'::float4[]");

/** A query made ready for SQL. */
export type Prepared =
  /** Too short for words or trigrams: matches the start of the folded title or name. */
  | { kind: "prefix"; text: string; like: string }
  /**
   * tsquery texts: `match` has every word (as a prefix, or its corrections), `phrase` the same words
   * in a row, `exact` any word exactly as typed; `text` feeds trigram similarity.
   */
  | { kind: "words"; text: string; match: string; phrase: string; exact: string };

/** The words of a normalized query: runs of letters and digits (never tsquery syntax). */
export function queryWords(normalized: string): string[] {
  return (normalized.match(/[\p{L}\p{N}]+/gu) ?? [])
    .slice(0, MAX_WORDS)
    .map((w) => [...w].slice(0, MAX_WORD).join(""));
}

/** The word with each pair of neighbouring letters swapped: the commonest typo, invisible to trigrams. */
export function letterSwaps(word: string): string[] {
  const letters = [...word];
  const swaps = new Set<string>();
  for (let i = 0; i + 1 < letters.length; i++) {
    if (letters[i] === letters[i + 1]) continue;
    const swapped = [...letters];
    [swapped[i], swapped[i + 1]] = [swapped[i + 1]!, swapped[i]!];
    swaps.add(swapped.join(""));
  }
  return [...swaps];
}

/**
 * Turns a query into a Prepared one, or null when there is nothing to search. `known` holds words
 * already found in the catalog's words: `search_words` only ever grows, so a word found there once
 * never needs looking up again, and a query made only of such words costs no lookup at all.
 */
export async function prepare(
  db: Db,
  q: string,
  options: { correct: boolean; known?: Set<string> },
): Promise<Prepared | null> {
  const text = normalizeQuery(q);
  if (text === "") return null;
  if (isPrefixQuery(text)) return prefixQuery(text);
  const words = queryWords(text);
  if (words.length === 0) return null;
  const typos = options.correct ? await corrections(db, words, options.known) : new Map<string, string[]>();
  return wordsQuery(text, words, typos);
}

/** A normalized query of 1–2 characters: too short for words or trigrams. */
export const isPrefixQuery = (text: string) => [...text].length < 3;

export function prefixQuery(text: string): Prepared {
  return { kind: "prefix", text, like: `${text.replace(/[\\%_]/g, "\\$&")}%` };
}

/** The tsquery texts for these words of `text`, each also matching what `typos` gives for it. */
export function wordsQuery(text: string, words: string[], typos: ReadonlyMap<string, string[]>): Prepared {
  const groups = words.map((w) => {
    const terms = [`${w}:*`, ...(typos.get(w) ?? [])];
    return terms.length === 1 ? terms[0]! : `(${terms.join(" | ")})`;
  });
  return {
    kind: "words",
    text,
    match: groups.join(" & "),
    phrase: groups.join(" <-> "),
    exact: words.join(" | "),
  };
}

/**
 * Of these words, those that are no catalog word nor the start of one, each with its nearest
 * catalog words (exported for EXPLAIN).
 */
export function unknownWordsQuery(words: string[]): RawBuilder<{ word: string; similar: string[] }> {
  // The range test is "starts with", on the primary key's "C" collation (U+10FFFF sorts last).
  return sql<{ word: string; similar: string[] }>`
    select q.word, array(
      select d.word from search_words d where d.word % q.word
      order by similarity(d.word, q.word) desc, d.word limit ${CORRECTIONS}
    ) as similar
    from unnest(${words}::text[]) as q(word)
    where not exists (
      select 1 from search_words d
      where d.word >= q.word collate "C" and d.word < (q.word || ${"\u{10FFFF}"}) collate "C"
    )`;
}

/** For each word that is not in the catalog's words (nor the start of one): what to try instead. */
async function corrections(db: Db, words: string[], known?: Set<string>): Promise<Map<string, string[]>> {
  const candidates = [...new Set(words.filter((w) => [...w].length >= 3 && !known?.has(w)))];
  if (candidates.length === 0) return new Map();
  const { rows } = await unknownWordsQuery(candidates).execute(db);
  if (known) {
    const unknown = new Set(rows.map((row) => row.word));
    if (known.size + candidates.length > KNOWN_WORDS) known.clear();
    for (const word of candidates) if (!unknown.has(word)) known.add(word);
  }
  const found = new Map<string, string[]>();
  for (const row of rows) {
    // Catalog words can hold other characters ("hey-jude"); only plain ones are safe in a tsquery.
    const similar = row.similar.filter((w) => /^[\p{L}\p{N}]+$/u.test(w));
    found.set(row.word, [...new Set([...similar, ...letterSwaps(row.word)])]);
  }
  return found;
}

// ---------- per type: what matches, and in what order ----------

interface Ranked {
  /** The FROM clause, aliased `x`, with what the suggestions need joined in. */
  from: RawBuilder<unknown>;
  where: RawBuilder<boolean>;
  order: RawBuilder<unknown>;
  /** Title or name, and who it is by: for suggestions. */
  text: RawBuilder<string>;
  detail: RawBuilder<string | null>;
}

const tsquery = (text: string) => sql`to_tsquery('simple', ${text})`;

function songs(p: Prepared): Ranked {
  const byline = sql<string | null>`(select a.name from song_artists sa join artists a on a.id = sa.artist_id
    where sa.song_id = x.id order by sa.position limit 1)`;
  const base = { from: sql`songs x`, text: sql<string>`x.title`, detail: byline };
  if (p.kind === "prefix") {
    return {
      ...base,
      where: sql<boolean>`chorus_fold(x.title) collate "C" like ${p.like}`,
      order: sql`chorus_fold(x.title) collate "C", x.id`,
    };
  }
  // Words in a row (an artist's or a title's full name) first; then by where the words are (title,
  // album, artists), whole words ("love") before longer ones they begin ("lover"); the most played
  // breaks ties, so "beatles" lists first the songs people actually play.
  const match = tsquery(p.match);
  // One word is its own phrase: every match would pass that test, at a cost per match.
  const phrase = p.phrase === p.match ? sql`` : sql`x.search_vector @@ ${tsquery(p.phrase)} desc,`;
  return {
    ...base,
    where: sql<boolean>`x.search_vector @@ ${match}`,
    order: sql`${phrase}
      ts_rank(${WEIGHTS}, x.search_vector, ${match})
      + ts_rank(${WEIGHTS}, x.search_vector, ${tsquery(p.exact)}) desc, x.play_count desc, x.id`,
  };
}

/** Albums, artists and playlists: matched on one name column, in the shape their indexes have. */
function named(
  from: RawBuilder<unknown>,
  column: RawBuilder<unknown>,
  p: Prepared,
  parts: { filter?: RawBuilder<boolean>; detail?: RawBuilder<string | null> } = {},
): Ranked {
  const folded = sql`chorus_fold(${column})`;
  const filter = parts.filter ? sql`${parts.filter} and ` : sql``;
  const base = { from, text: sql<string>`${column}`, detail: parts.detail ?? sql<null>`null` };
  if (p.kind === "prefix") {
    return {
      ...base,
      where: sql<boolean>`${filter}${folded} collate "C" like ${p.like}`,
      order: sql`${folded} collate "C", x.id`,
    };
  }
  const words = sql`to_tsvector('simple', ${folded}) @@ ${tsquery(p.match)}`;
  return {
    ...base,
    where: sql<boolean>`${filter}(${words} or ${folded} % ${p.text})`,
    // All words found, then the closest whole name: "beatles" puts "The Beatles" before
    // "Beatles Revival Band".
    order: sql`${words} desc, similarity(${folded}, ${p.text}) desc, ${column}, x.id`,
  };
}

const RANKERS: Record<SearchType, (p: Prepared) => Ranked> = {
  songs,
  albums: (p) =>
    named(sql`albums x left join artists ar on ar.id = x.artist_id`, sql`x.title`, p, {
      detail: sql<string | null>`ar.name`,
    }),
  artists: (p) => named(sql`artists x`, sql`x.name`, p),
  // Empty public playlists are not listed publicly either.
  playlists: (p) =>
    named(sql`playlists x`, sql`x.name`, p, { filter: sql<boolean>`x.is_public and x.song_count > 0` }),
};

type IdRow = { id: string };

/** The ids of one type, best first: the statement `search` runs per type (exported for EXPLAIN). */
export function idsQuery(type: SearchType, p: Prepared, limit: number): RawBuilder<IdRow> {
  const r = RANKERS[type](p);
  return sql<IdRow>`select x.id::text as id from ${r.from} where ${r.where} order by ${r.order} limit ${limit}`;
}

export function createPostgresSearch(db: Db): SearchEngine {
  const known = new Set<string>();
  return {
    kind: "postgres",

    async search({ q, types, limit }) {
      const p = await prepare(db, q, { correct: true, known });
      const wanted = [...new Set(types)];
      if (!p || wanted.length === 0) return { ...NO_HITS };
      // One array of ids per type asked for. Songs are most of the work: they run in a statement of
      // their own, on another connection, beside the one that does the rest.
      const select = async (group: SearchType[]): Promise<Partial<SearchHits>> => {
        if (group.length === 0) return {};
        const columns = group.map((type) => sql`array(${idsQuery(type, p, limit)}) as ${sql.id(type)}`);
        const { rows } = await sql<Partial<SearchHits>>`select ${sql.join(columns)}`.execute(db);
        return rows[0] ?? {};
      };
      const [songs, rest] = await Promise.all([
        select(wanted.filter((type) => type === "songs")),
        select(wanted.filter((type) => type !== "songs")),
      ]);
      return { ...NO_HITS, ...songs, ...rest };
    },

    async autocomplete(prefix, limit) {
      // No typo correction here: it costs a round trip on every keystroke, and a prefix being typed
      // is not a typo yet. Trigram similarity still forgives names.
      const p = await prepare(db, prefix, { correct: false });
      if (!p || limit < 1) return [];
      const part = (type: Suggestion["type"], r: Ranked) =>
        sql`(select ${type}::text as type, x.id::text as id, ${r.text} as text, ${r.detail} as detail
          from ${r.from} where ${r.where} order by ${r.order} limit ${limit})`;
      // Songs are most of the work, as in search: a statement of their own, beside the names.
      const [names, songs] = await Promise.all([
        sql<Suggestion>`${part("artist", RANKERS.artists(p))}
          union all ${part("album", RANKERS.albums(p))}`.execute(db),
        sql<Suggestion>`${part("song", RANKERS.songs(p))}`.execute(db),
      ]);
      return pickSuggestions([...names.rows, ...songs.rows], limit);
    },
  };
}

/**
 * A few of each kind, in the order artists, albums, songs: up to a third of the places each for
 * artists and albums, songs the rest; places a kind cannot fill go to the others.
 */
export function pickSuggestions(rows: Suggestion[], limit: number): Suggestion[] {
  const of = (type: Suggestion["type"]) => rows.filter((r) => r.type === type);
  const [artists, albums, songs] = [of("artist"), of("album"), of("song")];
  const share = Math.ceil(limit / 3);
  let a = Math.min(share, artists.length);
  let b = Math.min(share, albums.length);
  const s = Math.min(limit - a - b, songs.length);
  let spare = limit - a - b - s;
  const more = Math.min(spare, artists.length - a);
  a += more;
  spare -= more;
  b += Math.min(spare, albums.length - b);
  return [...artists.slice(0, a), ...albums.slice(0, b), ...songs.slice(0, s)];
}
