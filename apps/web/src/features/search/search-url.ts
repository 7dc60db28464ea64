import type { SearchType } from "@chorus/contracts";

/** What the results page can be narrowed to ("Show all" songs), in the order the page shows them. */
export const RESULT_TYPES: readonly SearchType[] = ["songs", "artists", "albums", "playlists"];

/** A query as the page searches it: runs of spaces made one, trimmed. */
export function tidy(q: string): string {
  return q.replace(/\s+/g, " ").trim();
}

/** The results page's state, read from its address: `/search?q=tide&type=songs`. */
export function readSearch(params: URLSearchParams): { q: string; type: SearchType | null } {
  const q = tidy(params.get("q") ?? "");
  const type = params.get("type");
  return { q, type: RESULT_TYPES.find((t) => t === type) ?? null };
}

/** The address of the results for `q`, all kinds or one. */
export function searchHref(q: string, type?: SearchType | null): string {
  const params = new URLSearchParams();
  if (tidy(q)) params.set("q", tidy(q));
  if (type) params.set("type", type);
  const s = params.toString();
  return s ? `/search?${s}` : "/search";
}
