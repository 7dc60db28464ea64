import { z } from "zod";
import { AlbumSummary, ArtistSummary, Song } from "./catalog.js";
import { PlaylistSummary } from "./playlists.js";

/** Characters of a query that are searched: a longer query is cut here, not refused. */
export const SEARCH_QUERY_MAX = 200;
/** Longer input is refused: it is not something a person typed. */
export const SEARCH_INPUT_MAX = 1_000;
export const SEARCH_LIMIT_MAX = 50;
/** Suggestions autocomplete gives at most. */
export const AUTOCOMPLETE_LIMIT = 8;
/** Recent searches kept per user. */
export const RECENT_SEARCHES_MAX = 20;

// Letters that NFKD leaves whole, folded as PostgreSQL's unaccent folds them.
const LETTERS: Record<string, string> = {
  ø: "o",
  æ: "ae",
  œ: "oe",
  ß: "ss",
  ł: "l",
  đ: "d",
  ð: "d",
  þ: "th",
  ı: "i",
};

/**
 * Text as search compares it: lower case, accents folded ("Björk" → "bjork", "Straße" → "strasse"),
 * as the database's `chorus_fold` folds documents. The server normalizes queries with it and the
 * player highlights matches with it, so both agree on what matched.
 */
export function foldText(text: string): string {
  return text
    .toLowerCase()
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .replace(/[øæœßłđðþı]/g, (c) => LETTERS[c]!);
}

export const SearchType = z.enum(["songs", "albums", "artists", "playlists"]);
export type SearchType = z.infer<typeof SearchType>;

const Query = z
  .string({ error: "q must be text" })
  .max(
    SEARCH_INPUT_MAX,
    `A search has at most ${SEARCH_INPUT_MAX} characters (only the first ${SEARCH_QUERY_MAX} are searched)`,
  );

export const SearchInput = z.object({
  /** Empty answers nothing; 1–2 characters match the start of names; beyond SEARCH_QUERY_MAX is cut. */
  q: Query,
  /** All of them when left out. */
  types: z.array(SearchType).min(1, "Ask for at least one type, or leave types out for all").optional(),
  /** Per type. */
  limit: z
    .number({ error: "limit must be a number" })
    .int("limit must be a whole number")
    .min(1, "limit must be at least 1")
    .max(SEARCH_LIMIT_MAX, `limit must be at most ${SEARCH_LIMIT_MAX}`)
    .default(10),
});
export type SearchInput = z.input<typeof SearchInput>;

export const SearchResult = z.object({
  /** The query as searched: folded to lower case without accents, spaces tidied, cut to length. */
  query: z.string(),
  songs: z.array(Song),
  albums: z.array(AlbumSummary),
  artists: z.array(ArtistSummary),
  /** Public playlists only. */
  playlists: z.array(PlaylistSummary),
});
export type SearchResult = z.infer<typeof SearchResult>;

export const AutocompleteInput = z.object({ q: Query });
export type AutocompleteInput = z.infer<typeof AutocompleteInput>;

export const Suggestion = z.object({
  type: z.enum(["song", "album", "artist"]),
  /** Where to go: catalog.song / catalog.album / catalog.artist with this id. */
  id: z.string(),
  /** The title or name. */
  text: z.string(),
  /** Who a song or album is by. */
  detail: z.string().nullable(),
  /** The album's cover (a song's album's), or the artist's picture; null when there is none. */
  imageUrl: z.string().nullable(),
});
export type Suggestion = z.infer<typeof Suggestion>;

export const AutocompleteResult = z.object({
  query: z.string(),
  /** At most AUTOCOMPLETE_LIMIT: artists, then albums, then songs. */
  suggestions: z.array(Suggestion),
});
export type AutocompleteResult = z.infer<typeof AutocompleteResult>;

export const RecentSearch = z.object({
  /** As the user typed it. */
  query: z.string(),
  searchedAt: z.date(),
});
export type RecentSearch = z.infer<typeof RecentSearch>;

/** Newest first, at most RECENT_SEARCHES_MAX; the same search again moves up instead of repeating. */
export const RecentSearches = z.object({ items: z.array(RecentSearch) });
export type RecentSearches = z.infer<typeof RecentSearches>;

export const RemoveRecentInput = z.object({
  /** As listed by search.recent (or any spelling of it: case and accents do not matter). */
  query: Query,
});
export type RemoveRecentInput = z.infer<typeof RemoveRecentInput>;
