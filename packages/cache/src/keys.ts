/** How long each kind of entry is cached, in seconds. */
export const TTL = {
  user: 300,
  settings: 600,
  library: 300,
  song: 600,
  album: 600,
  artist: 600,
  list: 300,
  playlist: 180,
  userPlaylists: 180,
  recentlyPlayed: 120,
  search: 600,
  liveSession: 3600,
  lyrics: 3600,
  recommendations: 600,
  popular: 300,
} as const;

type Cursor = string | number | undefined;
const page = (cursor: Cursor, limit: number) => `${cursor ?? "-"}:${limit}`;

/** JSON with object keys sorted, so one query always yields one key. */
function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/** Cache keys. Entries that change with a user's actions are also tagged (see `tags`). */
export const keys = {
  user: (id: string) => `user:${id}`,
  settings: (userId: string) => `settings:${userId}`,
  /** The counts on the user's library page. */
  library: (userId: string) => `library:${userId}`,
  likedIds: (userId: string) => `liked:ids:${userId}`,
  likedSongs: (userId: string, cursor: Cursor, limit: number) =>
    `liked:songs:${userId}:${page(cursor, limit)}`,
  likedAlbums: (userId: string, cursor: Cursor, limit: number) =>
    `liked:albums:${userId}:${page(cursor, limit)}`,
  /** The playlist's header (name, owner, counts), without its items. */
  playlist: (id: string) => `playlist:${id}`,
  /** Items embed catalog rows, so a catalog change (new revision) moves them to a new key. */
  playlistItems: (id: string, cursor: Cursor, limit: number, catalogRevision: number | string) =>
    `playlist:items:${id}:r${catalogRevision}:${page(cursor, limit)}`,
  userPlaylists: (userId: string) => `playlists:user:${userId}`,
  publicPlaylists: (cursor: Cursor, limit: number) => `playlists:public:${page(cursor, limit)}`,
  recentlyPlayed: (userId: string, cursor: Cursor, limit: number) =>
    `history:${userId}:${page(cursor, limit)}`,
  popular: (window: string, limit: number) => `popular:${window}:${limit}`,
  recommendations: (userId: string, limit: number) => `recs:${userId}:${limit}`,
  /** The validated search input; its fields may come in any order. */
  search: (query: unknown) => `search:${stableJson(query)}`,
  liveSession: (id: string) => `live:${id}`,
} as const;

/** Tags group entries that one write makes stale; `cache.invalidateTags` drops them all at once. */
export const tags = {
  playlist: (id: string) => `playlist:${id}`,
  /** Everything about one user: their likes, their list of playlists. */
  user: (userId: string) => `user:${userId}`,
  userHistory: (userId: string) => `history:${userId}`,
  /** The account itself: profile and settings. */
  account: (userId: string) => `account:${userId}`,
  publicPlaylists: () => "playlists:public",
  /** The popular-songs view, retired when it is recomputed. */
  popular: () => "popular",
} as const;
