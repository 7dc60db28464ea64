import {
  type Index,
  Meilisearch,
  MeilisearchApiError,
  type MultiSearchQuery,
  type Settings,
} from "meilisearch";
import {
  NO_HITS,
  normalizeQuery,
  SEARCH_TYPES,
  type SearchEngine,
  type SearchHits,
  type SearchType,
  type Suggestion,
} from "./engine.js";
import { pickSuggestions } from "./postgres.js";

// The Meilisearch engine: one index per type, named `<prefix>songs` and so on, holding the documents
// below. PostgreSQL stays the source of truth; sync.ts copies changes over through search_outbox.

/** Every document's: when it was read from PostgreSQL (ms since 1970, by the database's clock). */
export interface Stamped {
  id: string;
  /** A full reindex removes what it did not write or see written since it started: see reindex. */
  synced_at: number;
}

/** A song as Meilisearch holds it: what it is searched by, and what breaks ties. */
export interface SongDocument extends Stamped {
  title: string;
  album: string | null;
  /** As credited, in order. */
  artists: string[];
  play_count: number;
}

export interface AlbumDocument extends Stamped {
  title: string;
  /** The album artist's name. */
  artist: string | null;
  year: number | null;
  /** Plays of its songs, when it was last written (play counts are not synced on every play). */
  play_count: number;
}

export interface ArtistDocument extends Stamped {
  name: string;
  /** Plays of the songs they are credited on, when it was last written. */
  play_count: number;
}

/** Only public playlists with at least one song are indexed, as the PostgreSQL engine lists them. */
export interface PlaylistDocument extends Stamped {
  name: string;
  description: string | null;
  song_count: number;
}

export interface SearchDocuments {
  songs: SongDocument;
  albums: AlbumDocument;
  artists: ArtistDocument;
  playlists: PlaylistDocument;
}

export type SearchDocument = SearchDocuments[SearchType];

/** An enqueued Meilisearch task, to wait for. */
export interface TaskRef {
  taskUid: number;
}

/**
 * The Meilisearch writes that sync and reindex make. The real implementation is the engine from
 * createMeiliSearch; tests of the outbox draining use an in-memory one.
 */
export interface MeiliIndexes {
  /** Creates the indexes when missing and applies their settings; resolves once they are applied. */
  ensureSettings(): Promise<void>;
  /** Adds or replaces whole documents (by id). */
  addDocuments<T extends SearchType>(type: T, documents: SearchDocuments[T][]): Promise<TaskRef>;
  deleteDocuments(type: SearchType, ids: string[]): Promise<TaskRef>;
  /** Resolves when every task has been applied; throws when one failed or took too long. */
  waitForTasks(tasks: TaskRef[]): Promise<void>;
  /** Deletes the documents last written before `syncedAt` (see Stamped). */
  deleteDocumentsSyncedBefore(type: SearchType, syncedAt: number): Promise<TaskRef>;
  /** How many documents an index holds (0 when it does not exist yet). */
  countDocuments(type: SearchType): Promise<number>;
}

export interface MeiliSearchEngine extends SearchEngine, MeiliIndexes {
  readonly kind: "meilisearch";
  /** Index uid per type. */
  readonly indexes: Readonly<Record<SearchType, string>>;
  /** Resolves when the server answers that it is available; throws otherwise. */
  health(): Promise<void>;
}

export interface MeiliOptions {
  url: string;
  apiKey?: string | undefined;
  /** Put before every index uid, so deployments (and tests) can share one server. Default "chorus_". */
  indexPrefix?: string | undefined;
  /** Longest wait for one HTTP call (searches, health). Default 2 s. */
  requestTimeoutMs?: number;
  /** Longest wait for Meilisearch to apply a task (a batch of documents, the settings). Default 60 s. */
  taskTimeoutMs?: number;
}

// Relevance first (Meilisearch's own rules, in their usual order), then popularity as the last
// tie-breaker: "beatles" lists the songs people actually play first, as the PostgreSQL engine does.
const RELEVANCE = ["words", "typo", "proximity", "attribute", "sort", "exactness"];

/** The settings of each index. Searchable attributes are in rank order: a title match ranks first. */
export const INDEX_SETTINGS: Readonly<Record<SearchType, Settings>> = {
  songs: {
    searchableAttributes: ["title", "album", "artists"],
    rankingRules: [...RELEVANCE, "play_count:desc"],
    sortableAttributes: ["play_count"],
  },
  albums: {
    searchableAttributes: ["title", "artist"],
    rankingRules: [...RELEVANCE, "play_count:desc"],
    filterableAttributes: ["synced_at", "year"],
    sortableAttributes: ["play_count", "year"],
  },
  artists: {
    searchableAttributes: ["name"],
    rankingRules: [...RELEVANCE, "play_count:desc"],
    sortableAttributes: ["play_count"],
  },
  playlists: {
    searchableAttributes: ["name", "description"],
    rankingRules: [...RELEVANCE, "song_count:desc"],
    sortableAttributes: ["song_count"],
  },
};

/** Applied to every index: typo tolerance on, at Meilisearch's default word lengths. */
const COMMON_SETTINGS: Settings = {
  // A full reindex deletes what it did not rewrite by this stamp.
  filterableAttributes: ["synced_at"],
  typoTolerance: { enabled: true, minWordSizeForTypos: { oneTypo: 5, twoTypos: 9 } },
  // Enough for any page the API asks for; smaller than the default (1,000) keeps searches cheap.
  pagination: { maxTotalHits: 500 },
};

/** Meilisearch caps the words of a query at 10; so does the PostgreSQL engine. */
const MAX_WORDS = 10;

/** What autocomplete reads of each hit: only what a suggestion shows. */
const SUGGEST: Record<Suggestion["type"], { type: SearchType; fields: string[] }> = {
  artist: { type: "artists", fields: ["id", "name"] },
  album: { type: "albums", fields: ["id", "title", "artist"] },
  song: { type: "songs", fields: ["id", "title", "artists"] },
};

export function createMeiliSearch(options: MeiliOptions): MeiliSearchEngine {
  const prefix = options.indexPrefix ?? "chorus_";
  if (!/^[\w-]*$/.test(prefix)) {
    throw new Error(`The Meilisearch index prefix may hold letters, digits, _ and - only (got "${prefix}")`);
  }
  const requestTimeoutMs = options.requestTimeoutMs ?? 2_000;
  const taskTimeoutMs = options.taskTimeoutMs ?? 60_000;
  const connect = (timeout: number) =>
    new Meilisearch({
      host: options.url,
      ...(options.apiKey ? { apiKey: options.apiKey } : {}),
      timeout,
      defaultWaitOptions: { timeout: taskTimeoutMs, interval: 50 },
      clientAgents: ["chorus"],
    });
  // Two clients for two time limits: a search or a health check that is slow is as good as down,
  // while a batch of documents can take seconds to upload.
  const reader = connect(requestTimeoutMs);
  const client = connect(30_000);
  const indexes = Object.fromEntries(SEARCH_TYPES.map((t) => [t, `${prefix}${t}`])) as Record<
    SearchType,
    string
  >;
  const index = <T extends SearchType>(type: T): Index<SearchDocuments[T]> =>
    client.index<SearchDocuments[T]>(indexes[type]);

  const waitForTasks = async (tasks: TaskRef[]) => {
    if (tasks.length === 0) return;
    const done = await client.tasks.waitForTasks(
      tasks.map((t) => t.taskUid),
      { timeout: taskTimeoutMs },
    );
    const failed = done.find((t) => t.status !== "succeeded");
    if (failed) {
      throw new Error(
        `Meilisearch task ${failed.uid} (${failed.type} on ${failed.indexUid}) ${failed.status}: ${
          failed.error?.message ?? "no reason given"
        }`,
      );
    }
  };

  const engine: MeiliSearchEngine = {
    kind: "meilisearch",
    indexes,

    async search({ q, types, limit }) {
      const query = searchText(q);
      const wanted = [...new Set(types)];
      if (query === "" || wanted.length === 0 || limit < 1) return { ...NO_HITS };
      const { results } = await reader.multiSearch({
        queries: wanted.map(
          (type): MultiSearchQuery => ({
            indexUid: indexes[type],
            q: query,
            limit,
            attributesToRetrieve: ["id"],
          }),
        ),
      });
      const hits: SearchHits = { ...NO_HITS };
      wanted.forEach((type, i) => {
        hits[type] = (results[i]?.hits ?? []).map((h) => String(h.id));
      });
      return hits;
    },

    async autocomplete(prefixText, limit) {
      const query = searchText(prefixText);
      if (query === "" || limit < 1) return [];
      const kinds = ["artist", "album", "song"] as const;
      const { results } = await reader.multiSearch({
        queries: kinds.map(
          (kind): MultiSearchQuery => ({
            indexUid: indexes[SUGGEST[kind].type],
            q: query,
            limit,
            attributesToRetrieve: SUGGEST[kind].fields,
          }),
        ),
      });
      const rows: Suggestion[] = kinds.flatMap((kind, i) =>
        (results[i]?.hits ?? []).map((h): Suggestion => {
          const id = String(h.id);
          if (kind === "artist") return { type: kind, id, text: String(h.name), detail: null };
          const detail = kind === "album" ? h.artist : (h.artists as string[] | undefined)?.[0];
          return {
            type: kind,
            id,
            text: String(h.title),
            detail: typeof detail === "string" ? detail : null,
          };
        }),
      );
      return pickSuggestions(rows, limit);
    },

    async health() {
      const { status } = await reader.health();
      if (status !== "available") throw new Error(`Meilisearch answered status "${status}"`);
    },

    async ensureSettings() {
      // Creating an index that exists fails its task with index_already_exists: that is fine.
      const created = await Promise.all(
        SEARCH_TYPES.map((t) => client.createIndex(indexes[t], { primaryKey: "id" })),
      );
      const createdTasks = await client.tasks.waitForTasks(
        created.map((t) => t.taskUid),
        { timeout: taskTimeoutMs },
      );
      const refused = createdTasks.find(
        (t) => t.status !== "succeeded" && t.error?.code !== "index_already_exists",
      );
      if (refused)
        throw new Error(`Could not create Meilisearch index ${refused.indexUid}: ${refused.error?.message}`);
      const updated = await Promise.all(
        SEARCH_TYPES.map((t) => index(t).updateSettings({ ...COMMON_SETTINGS, ...INDEX_SETTINGS[t] })),
      );
      await waitForTasks(updated);
    },

    addDocuments: (type, documents) => index(type).addDocuments(documents, { primaryKey: "id" }),
    deleteDocuments: (type, ids) => index(type).deleteDocuments(ids),
    waitForTasks,

    deleteDocumentsSyncedBefore: (type, syncedAt) =>
      index(type).deleteDocuments({ filter: `synced_at < ${Math.floor(syncedAt)}` }),

    async countDocuments(type) {
      try {
        return (await reader.index(indexes[type]).getStats()).numberOfDocuments;
      } catch (error) {
        if (error instanceof MeilisearchApiError && error.cause?.code === "index_not_found") return 0;
        throw error;
      }
    },
  };
  return engine;
}

/**
 * The query as sent: normalized like the PostgreSQL engine's, without Meilisearch's operators (a
 * double quote starts a phrase, a leading minus excludes a word: nobody typing "-ish" means that),
 * and no more words than Meilisearch reads.
 */
export function searchText(q: string): string {
  return normalizeQuery(q)
    .replaceAll('"', " ")
    .split(" ")
    .map((word) => word.replace(/^-+/, ""))
    .filter(Boolean)
    .slice(0, MAX_WORDS)
    .join(" ");
}
