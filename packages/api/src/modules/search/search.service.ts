import { getOrSet, keys, TTL, tags } from "@chorus/cache";
import {
  AUTOCOMPLETE_LIMIT,
  type AutocompleteInput,
  type AutocompleteResult,
  RECENT_SEARCHES_MAX,
  type RecentSearches,
  type SearchInput,
  type SearchResult,
  SearchType,
  type Suggestion,
} from "@chorus/contracts";
import type { Db } from "@chorus/db";
import { type Suggestion as EngineSuggestion, normalizeQuery, tidyQuery } from "@chorus/search";
import type { Context } from "../../context.js";
import { immutable, type ProtectedContext, type ViewerContext } from "../../trpc.js";
import { catalogKey, loadAlbums, loadArtists, loadSongs } from "../catalog/catalog.service.js";
import { loadPublicPlaylists } from "../playlists/playlists.service.js";

/** The values of `byId` for `ids`, in that order, skipping any that is gone. */
function inOrder<T>(ids: readonly string[], byId: ReadonlyMap<string, T>): T[] {
  return ids.flatMap((id) => {
    const value = byId.get(id);
    return value === undefined ? [] : [value];
  });
}

/**
 * Grouped results, cached per normalized query under the catalog revision (decision 005), which any
 * catalog write moves, whoever makes it; with public playlists asked for, also under the
 * `playlists:public` tag, which every server-side change to a public playlist (or one going public or
 * private) invalidates, as it does for the public list. A playlist edit also retires the songs,
 * albums and artists cached beside them; one entry per query keeps a hit to one lookup.
 *
 * Uncached, public playlists are asked of the engine apart from the rest, and each part is shaped as
 * soon as it is known: the in-process index answers songs, albums and artists at once, while public
 * playlists always take a round trip to PostgreSQL, and on a busy server every round trip waits its
 * turn on the event loop (decision 012). Songs, albums and artists are shaped from per-item caches.
 */
export async function search(ctx: ViewerContext, input: SearchInput): Promise<SearchResult> {
  const query = normalizeQuery(input.q);
  const empty: SearchResult = { query, songs: [], albums: [], artists: [], playlists: [] };
  if (!query) return empty;
  // Sorted, so that the same request in any order is one cache entry.
  const types = [...new Set(input.types ?? SearchType.options)].sort();
  const limit = input.limit ?? 10;
  const result = await getOrSet(
    ctx.cache,
    await catalogKey(ctx, keys.search({ q: query, types, limit })),
    TTL.search,
    async (): Promise<SearchResult> => {
      const catalogTypes = types.filter((type) => type !== "playlists");
      const [catalog, playlists] = await Promise.all([
        catalogTypes.length === 0
          ? { songs: [], albums: [], artists: [] }
          : ctx.search.search({ q: query, types: catalogTypes, limit }).then(async (hits) => {
              const [songs, albums, artists] = await Promise.all([
                loadSongs(ctx, hits.songs),
                loadAlbums(ctx, hits.albums),
                loadArtists(ctx, hits.artists),
              ]);
              return {
                songs: inOrder(hits.songs, songs),
                albums: inOrder(hits.albums, albums),
                artists: inOrder(hits.artists, artists),
              };
            }),
        types.includes("playlists")
          ? ctx.search
              .search({ q: query, types: ["playlists"], limit })
              .then(async (hits) => inOrder(hits.playlists, await loadPublicPlaylists(ctx, hits.playlists)))
          : [],
      ]);
      return { query, ...catalog, playlists };
    },
    types.includes("playlists") ? { tags: [tags.publicPlaylists()] } : undefined,
  );
  // A search that found nothing is no search worth running again: it is not kept.
  const found = result.songs.length + result.albums.length + result.artists.length + result.playlists.length;
  if (ctx.user && found > 0) remember(ctx, ctx.user.id, input.q, query);
  return immutable(result);
}

export async function autocomplete(ctx: Context, input: AutocompleteInput): Promise<AutocompleteResult> {
  const query = normalizeQuery(input.q);
  if (!query) return { query, suggestions: [] };
  // The whole answer is cached (not just its suggestions): a hit then hands out the very object that
  // was serialized before, and it is not serialized again (`immutable`).
  const result = await getOrSet(
    ctx.cache,
    await catalogKey(ctx, keys.search({ autocomplete: query, answer: "whole" })),
    TTL.search,
    async (): Promise<AutocompleteResult> => ({
      query,
      suggestions: await withImages(ctx, await ctx.search.autocomplete(query, AUTOCOMPLETE_LIMIT)),
    }),
  );
  return immutable(result);
}

/**
 * Suggestions with their pictures, from the per-item catalog caches (a song's cover, an album's, an
 * artist's image). Part of the cached answer, so a keystroke that hits the cache costs none of this.
 */
async function withImages(ctx: Context, found: EngineSuggestion[]): Promise<Suggestion[]> {
  const idsOf = (type: EngineSuggestion["type"]) => found.filter((s) => s.type === type).map((s) => s.id);
  const [songs, albums, artists] = await Promise.all([
    loadSongs(ctx, idsOf("song")),
    loadAlbums(ctx, idsOf("album")),
    loadArtists(ctx, idsOf("artist")),
  ]);
  const imageOf = (s: EngineSuggestion) =>
    s.type === "song"
      ? songs.get(s.id)?.coverUrl
      : s.type === "album"
        ? albums.get(s.id)?.coverUrl
        : artists.get(s.id)?.imageUrl;
  return found.map((s) => ({ ...s, imageUrl: imageOf(s) ?? null }));
}

// ---------- recent searches ----------

/**
 * Records a search without holding up its answer: a failure to record costs the user one entry in
 * their recent list, never their results. The time is taken now, so two searches in quick succession
 * keep their order even if their writes finish the other way round.
 */
function remember(ctx: Context, userId: string, typed: string, normalized: string): void {
  recordSearch(ctx.db, userId, tidyQuery(typed), normalized, new Date()).catch((error: unknown) =>
    ctx.log.warn({ err: error, userId, requestId: ctx.requestId }, "recent search not recorded"),
  );
}

export async function recordSearch(
  db: Db,
  userId: string,
  query: string,
  normalized: string,
  at: Date,
): Promise<void> {
  await db
    .insertInto("recent_searches")
    .values({ user_id: userId, query, normalized, searched_at: at })
    .onConflict((oc) =>
      oc
        .columns(["user_id", "normalized"])
        .doUpdateSet((eb) => ({
          query: eb.ref("excluded.query"),
          searched_at: eb.ref("excluded.searched_at"),
        }))
        .where("recent_searches.searched_at", "<=", at),
    )
    .execute();
  await db
    .deleteFrom("recent_searches")
    .where("user_id", "=", userId)
    .where("normalized", "not in", (eb) =>
      eb
        .selectFrom("recent_searches")
        .select("normalized")
        .where("user_id", "=", userId)
        .orderBy("searched_at", "desc")
        .limit(RECENT_SEARCHES_MAX),
    )
    .execute();
}

export async function recent(ctx: ProtectedContext): Promise<RecentSearches> {
  const rows = await ctx.db
    .selectFrom("recent_searches")
    .select(["query", "searched_at"])
    .where("user_id", "=", ctx.user.id)
    .orderBy("searched_at", "desc")
    .limit(RECENT_SEARCHES_MAX)
    .execute();
  return { items: rows.map((r) => ({ query: r.query, searchedAt: r.searched_at })) };
}

export async function clearRecent(ctx: ProtectedContext): Promise<{ cleared: number }> {
  const result = await ctx.db
    .deleteFrom("recent_searches")
    .where("user_id", "=", ctx.user.id)
    .executeTakeFirst();
  return { cleared: Number(result.numDeletedRows) };
}

export async function removeRecent(ctx: ProtectedContext, query: string): Promise<{ removed: boolean }> {
  const result = await ctx.db
    .deleteFrom("recent_searches")
    .where("user_id", "=", ctx.user.id)
    .where("normalized", "=", normalizeQuery(query))
    .executeTakeFirst();
  return { removed: result.numDeletedRows > 0n };
}
