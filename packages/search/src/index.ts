export {
  NO_HITS,
  normalizeQuery,
  QUERY_MAX,
  SEARCH_TYPES,
  type SearchEngine,
  type SearchHits,
  type SearchRequest,
  type SearchType,
  type Suggestion,
  tidyQuery,
} from "./engine.js";
export {
  explainError,
  type FallbackOptions,
  type FallbackSearch,
  type SearchState,
  withFallback,
} from "./fallback.js";
export {
  createMeiliSearch,
  type MeiliIndexes,
  type MeiliOptions,
  type MeiliSearchEngine,
  type SearchDocuments,
} from "./meili.js";
export {
  buildCatalogIndex,
  type CatalogIndex,
  createIndexedSearch,
  type IndexedSearch,
  type IndexedSearchOptions,
  type IndexedSearchStats,
  type PlaylistDoc,
  PUBLIC_PLAYLISTS_IN_PROCESS,
  readPublicPlaylists,
} from "./memory.js";
export { createPostgresSearch } from "./postgres.js";
export {
  type ReindexOptions,
  type ReindexProgress,
  type ReindexReport,
  reindex,
  type SearchSync,
  type SearchSyncOptions,
  type SyncLog,
  type SyncResult,
  startSearchSync,
  syncSearchIndex,
} from "./sync.js";
