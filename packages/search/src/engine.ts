import { foldText } from "@chorus/contracts/search";
export type SearchType = "songs" | "albums" | "artists" | "playlists";
export const SEARCH_TYPES: readonly SearchType[] = ["songs", "albums", "artists", "playlists"];

export interface SearchRequest {
  q: string;
  types: SearchType[];
  limit: number;
}

/** Ids in rank order per type; the API shapes them into songs, albums... */
export interface SearchHits {
  songs: string[];
  albums: string[];
  artists: string[];
  playlists: string[];
}

export interface Suggestion {
  type: "song" | "album" | "artist";
  id: string;
  /** The song or album title, or the artist's name. */
  text: string;
  /** Who it is by (songs and albums), for a second line. */
  detail: string | null;
}

export interface SearchEngine {
  readonly kind: "postgres" | "meilisearch";
  search(request: SearchRequest): Promise<SearchHits>;
  autocomplete(prefix: string, limit: number): Promise<Suggestion[]>;
}

export const NO_HITS: Readonly<SearchHits> = Object.freeze({
  songs: [],
  albums: [],
  artists: [],
  playlists: [],
});

/** The longest query searched, in characters: a longer one is cut here (a pasted paragraph, say). */
export const QUERY_MAX = 200;

/**
 * What a query is searched (and cached, and remembered) as: lower case, accents folded ("Björk" and
 * "bjork" are one query), control characters and runs of spaces made one space, trimmed, and at most
 * QUERY_MAX characters. The database folds documents the same way (`chorus_fold`).
 */
export function normalizeQuery(q: string): string {
  const folded = foldText(q)
    .replace(/[\s\p{Cc}]+/gu, " ")
    .trim();
  return cut(folded, QUERY_MAX).trimEnd();
}

/** A query as typed, tidied for keeping: control characters and runs of spaces made one space. */
export function tidyQuery(q: string): string {
  return cut(q.replace(/[\s\p{Cc}]+/gu, " ").trim(), QUERY_MAX).trimEnd();
}

/** At most `max` characters, never splitting a character that takes two UTF-16 units. */
function cut(s: string, max: number): string {
  return s.length <= max ? s : [...s].slice(0, max).join("");
}
