import type { ColumnType, Generated, Insertable, Selectable, Updateable } from "kysely";

/** A timestamp the database fills in, read back as a Date. */
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
/** jsonb with a database default: optional on insert, written as a value or JSON text, read parsed. */
type JsonWithDefault<T> = ColumnType<T, T | string | undefined, T | string>;

export type UserRole = "user" | "admin";
export type Theme = "dark" | "light" | "system";
export type AudioQuality = "low" | "normal" | "high" | "lossless";

export interface EqualizerSettings {
  enabled: boolean;
  preset: string;
  /** Ten bands in dB, each within ±12. */
  bands: number[];
}

export interface NotificationSettings {
  email: boolean;
  push: boolean;
}

export interface UsersTable {
  id: Generated<string>;
  /** Unique case-insensitively (index on lower(email)); stored as given. */
  email: string;
  /** argon2id, or a bcrypt hash carried over from the old app until the first login re-hashes it. */
  password_hash: string | null;
  name: string | null;
  bio: string | null;
  /** Media-store key of an uploaded avatar. */
  avatar_key: string | null;
  /** An avatar URL carried over from the old app. */
  avatar_url: string | null;
  role: Generated<UserRole>;
  email_verified_at: NullableTimestamp;
  legacy_id: string | null;
  /** Set on an imported account whose email collided with another (see legacy_email). */
  email_needs_attention: Generated<boolean>;
  /** The old app's address of a flagged account, whose email is then a placeholder. */
  legacy_email: string | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface UserSettingsTable {
  user_id: string;
  theme: Generated<Theme>;
  audio_quality: Generated<AudioQuality>;
  equalizer: JsonWithDefault<EqualizerSettings>;
  crossfade_seconds: Generated<number>;
  autoplay: Generated<boolean>;
  private_session: Generated<boolean>;
  language: Generated<string>;
  notifications: JsonWithDefault<NotificationSettings>;
  legacy_id: string | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface ArtistsTable {
  id: Generated<string>;
  name: string;
  /** Name used for ordering ("Beatles, The"); defaults to name. */
  sort_name: string | null;
  bio: string | null;
  image_key: string | null;
  legacy_id: string | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface AlbumsTable {
  id: Generated<string>;
  title: string;
  /** The album artist (as opposed to each track's artists). */
  artist_id: string | null;
  year: number | null;
  genre: string | null;
  description: string | null;
  /** `#rrggbb` accent colour, as the old app had. */
  color: string | null;
  cover_key: string | null;
  cover_url: string | null;
  legacy_id: string | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface SongsTable {
  id: Generated<string>;
  title: string;
  album_id: string | null;
  duration_ms: number;
  track_number: number | null;
  disc_number: number | null;
  year: number | null;
  genre: string | null;
  description: string | null;
  /** Media-store key of the audio (uploaded songs). */
  audio_key: string | null;
  /** Absolute path of a file imported in place from a library folder. */
  file_path: string | null;
  /** An audio URL carried over from the old app. */
  audio_url: string | null;
  mime_type: string | null;
  size_bytes: ColumnType<string | null, number | string | null | undefined, number | string | null>;
  bitrate: number | null;
  file_mtime: NullableTimestamp;
  cover_key: string | null;
  cover_url: string | null;
  replaygain_track_gain_db: number | null;
  replaygain_track_peak: number | null;
  replaygain_album_gain_db: number | null;
  replaygain_album_peak: number | null;
  uploaded_by: string | null;
  legacy_id: string | null;
  play_count: Generated<number>;
  codec: string | null;
  sample_rate: number | null;
  channels: number | null;
  lossless: boolean | null;
  /** Folded title (A), album title (B) and artists (C), kept by triggers (migration 005). */
  search_vector: ColumnType<string, never, never>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface LyricsLine {
  ms: number;
  text: string;
}

export interface LyricsTable {
  song_id: string;
  plain: string | null;
  synced: ColumnType<
    LyricsLine[] | null,
    LyricsLine[] | string | null | undefined,
    LyricsLine[] | string | null
  >;
  language: string | null;
  source: string | null;
  updated_by: string | null;
  legacy_id: string | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export type SongArtistRole = "primary" | "featured";

export interface SongArtistsTable {
  song_id: string;
  artist_id: string;
  /** Order of the artists as credited (0 first). */
  position: number;
  role: Generated<SongArtistRole>;
}

export interface RefreshTokensTable {
  id: Generated<string>;
  user_id: string;
  family_id: string;
  token_hash: string;
  created_at: CreatedAt;
  expires_at: Timestamp;
  rotated_at: NullableTimestamp;
  revoked_at: NullableTimestamp;
  user_agent: string | null;
  ip: string | null;
}

export type EmailCodePurpose = "verify" | "login" | "delete";

export interface EmailCodesTable {
  id: Generated<string>;
  user_id: string;
  purpose: EmailCodePurpose;
  code_hash: string;
  attempts: Generated<number>;
  created_at: CreatedAt;
  expires_at: Timestamp;
  consumed_at: NullableTimestamp;
}

/** The whole schema, as Kysely sees it. Each migration that adds a table adds it here. */
export interface Database {
  users: UsersTable;
  user_settings: UserSettingsTable;
  artists: ArtistsTable;
  albums: AlbumsTable;
  songs: SongsTable;
  song_artists: SongArtistsTable;
  refresh_tokens: RefreshTokensTable;
  email_codes: EmailCodesTable;
  lyrics: LyricsTable;
  catalog_state: CatalogStateTable;
  song_likes: SongLikesTable;
  album_likes: AlbumLikesTable;
  playlists: PlaylistsTable;
  playlist_collaborators: PlaylistCollaboratorsTable;
  playlist_items: PlaylistItemsTable;
  plays: PlaysTable;
  popular_songs: PopularSongsView;
  view_refreshes: ViewRefreshesTable;
  recent_searches: RecentSearchesTable;
  search_words: SearchWordsTable;
  search_outbox: SearchOutboxTable;
  live_sessions: LiveSessionsTable;
  session_participants: SessionParticipantsTable;
  chat_messages: ChatMessagesTable;
  session_events: SessionEventsTable;
  recommendations: RecommendationsTable;
  recommendation_songs: RecommendationSongsTable;
  legacy_ids: LegacyIdsTable;
  import_runs: ImportRunsTable;
  import_checkpoints: ImportCheckpointsTable;
  import_issues: ImportIssuesTable;
  session_presence: SessionPresenceTable;
}

export interface SongLikesTable {
  user_id: string;
  song_id: string;
  created_at: CreatedAt;
  /** The old app's library document it came from. */
  legacy_id: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface AlbumLikesTable {
  user_id: string;
  album_id: string;
  created_at: CreatedAt;
  legacy_id: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface PlaylistsTable {
  id: Generated<string>;
  owner_id: string;
  name: string;
  description: string | null;
  is_public: Generated<boolean>;
  /** When true, invited collaborators may add, remove and reorder items (never delete the playlist). */
  collaborative: Generated<boolean>;
  /** A banner URL carried over from the old app. */
  cover_url: string | null;
  /** Kept by triggers on playlist_items. */
  song_count: ColumnType<number, never, never>;
  duration_ms: ColumnType<string, never, never>;
  copied_from: string | null;
  legacy_id: string | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface PlaylistCollaboratorsTable {
  playlist_id: string;
  user_id: string;
  added_at: CreatedAt;
}

export interface PlaylistItemsTable {
  id: Generated<string>;
  playlist_id: string;
  song_id: string;
  /** 0-based and dense within a playlist (a trigger renumbers after deletes). */
  position: number;
  added_by: string | null;
  added_at: CreatedAt;
}

/** Partitioned by month of played_at (UTC); see ensurePlaysPartitions. */
export interface PlaysTable {
  id: Generated<string>;
  user_id: string;
  song_id: string;
  played_ms: number;
  skipped: Generated<boolean>;
  context_type: string | null;
  context_id: string | null;
  played_at: CreatedAt;
  legacy_id: string | null;
}

/** Materialized view: non-skipped plays and listeners per song over the last 30 days. */
export interface PopularSongsView {
  song_id: string;
  plays: ColumnType<number, never, never>;
  listeners: ColumnType<number, never, never>;
  last_played_at: ColumnType<Date, never, never>;
}

export interface ViewRefreshesTable {
  name: string;
  refreshed_at: Timestamp;
}

/** A single row whose revision moves on every catalog change (triggers). */
export interface CatalogStateTable {
  id: Generated<boolean>;
  revision: ColumnType<string, never, never>;
  /** Moves only when the search documents change (songs, albums, artists; migration 009). */
  search_revision: ColumnType<string, never, never>;
}

/** A signed-in user's searches; one row per normalized query, the newest kept. */
export interface RecentSearchesTable {
  user_id: string;
  /** As typed (trimmed). */
  query: string;
  /** What identifies it: see normalizeQuery in @chorus/search. */
  normalized: string;
  searched_at: Timestamp;
  legacy_id: ColumnType<string | null, string | null | undefined, string | null>;
}

/** Distinct words of the song search documents, for typo correction (kept by triggers). */
export interface SearchWordsTable {
  word: string;
}

export type SearchEntity = "song" | "album" | "artist" | "playlist";

/** Changes for an external search index to pick up; see migration 005 for the contract. */
export interface SearchOutboxTable {
  id: ColumnType<string, never, never>;
  entity: SearchEntity;
  entity_id: string;
  created_at: CreatedAt;
}

/** One entry of a live session's queue (the same song may be queued twice). */
export interface SessionQueueItem {
  id: string;
  songId: string;
  addedBy: string | null;
}

/** A live listening session; its row holds the playback state (migration 006). */
export interface LiveSessionsTable {
  id: Generated<string>;
  /** 6 characters from SESSION_CODE_ALPHABET; imported ones up to 10 of [A-Z0-9]. */
  code: string;
  name: string;
  host_id: string | null;
  is_private: Generated<boolean>;
  is_active: Generated<boolean>;
  current_item_id: string | null;
  song_id: string | null;
  /** bigint: read as a string. */
  position_ms: ColumnType<string, number | string | undefined, number | string>;
  position_at: Timestamp;
  playing: Generated<boolean>;
  queue: JsonWithDefault<SessionQueueItem[]>;
  version: Generated<number>;
  /** The id of the last event in session_events (bigint: read as a string). */
  last_event_id: ColumnType<string, number | string | undefined, number | string>;
  expires_at: Timestamp;
  ended_at: NullableTimestamp;
  legacy_id: string | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export type SessionRoleName = "host" | "dj" | "listener";

export interface SessionParticipantsTable {
  session_id: string;
  user_id: string;
  role: SessionRoleName;
  status: ColumnType<"member" | "pending", "member" | "pending" | undefined, "member" | "pending">;
  joined_at: Timestamp;
  left_at: NullableTimestamp;
  kicked: Generated<boolean>;
  legacy_id: string | null;
}

export interface ChatMessagesTable {
  id: Generated<string>;
  session_id: string;
  /** Null for system messages, or when the author's account was deleted. */
  user_id: string | null;
  kind: ColumnType<"text" | "system" | "reaction", "text" | "system" | "reaction" | undefined, never>;
  body: string;
  client_id: string | null;
  legacy_id: string | null;
  created_at: CreatedAt;
}

/** The bounded log of a session's events, for resuming after a reconnect. */
export interface SessionEventsTable {
  session_id: string;
  /** 1, 2, 3, ... per session (bigint: read as a string). */
  id: ColumnType<string, number | string, never>;
  type: string;
  payload: unknown;
  created_at: CreatedAt;
}

/** Who has an events subscription open, per server instance (migration 008, unlogged). */
export interface SessionPresenceTable {
  session_id: string;
  user_id: string;
  instance_id: string;
  seen_at: Timestamp;
}

/** A "made for you" list (migration 007); its songs are in recommendation_songs. */
export interface RecommendationsTable {
  id: Generated<string>;
  user_id: string;
  reason: string | null;
  score: number | null;
  generated_at: Timestamp;
  expires_at: NullableTimestamp;
  legacy_id: string | null;
  created_at: CreatedAt;
}

export interface RecommendationSongsTable {
  recommendation_id: string;
  /** 0-based; a song may repeat. */
  position: number;
  song_id: string;
}

/** Old ids that resolve to a row whose own legacy_id is another (merged records). */
export interface LegacyIdsTable {
  collection: string;
  legacy_id: string;
  target_id: string;
  note: string | null;
}

export interface ImportRunsTable {
  id: Generated<string>;
  source: string;
  fingerprint: string;
  status: ColumnType<"running" | "finished" | "failed", "running" | "finished" | "failed" | undefined>;
  started_at: CreatedAt;
  finished_at: NullableTimestamp;
  report: unknown;
}

/** Counts per collection of a run, committed with each batch (bigints read as strings). */
export interface ImportCheckpointsTable {
  run_id: string;
  collection: string;
  read: ColumnType<string, number | string | undefined, number | string>;
  written: ColumnType<string, number | string | undefined, number | string>;
  rejected: ColumnType<string, number | string | undefined, number | string>;
  warnings: ColumnType<string, number | string | undefined, number | string>;
  source_checksum: ColumnType<string, string | undefined, string>;
  done: Generated<boolean>;
  updated_at: Timestamp;
}

export interface ImportIssuesTable {
  id: ColumnType<string, never, never>;
  run_id: string;
  collection: string;
  legacy_id: string | null;
  severity: "rejected" | "warning";
  reason: string;
  record: unknown;
}

export type User = Selectable<UsersTable>;
export type NewUser = Insertable<UsersTable>;
export type UserUpdate = Updateable<UsersTable>;
export type UserSettings = Selectable<UserSettingsTable>;
export type Artist = Selectable<ArtistsTable>;
export type NewArtist = Insertable<ArtistsTable>;
export type Album = Selectable<AlbumsTable>;
export type NewAlbum = Insertable<AlbumsTable>;
export type Song = Selectable<SongsTable>;
export type NewSong = Insertable<SongsTable>;
export type SongArtist = Selectable<SongArtistsTable>;
export type RefreshToken = Selectable<RefreshTokensTable>;
export type EmailCode = Selectable<EmailCodesTable>;
export type LyricsRow = Selectable<LyricsTable>;
export type Playlist = Selectable<PlaylistsTable>;
export type PlaylistItem = Selectable<PlaylistItemsTable>;
export type Play = Selectable<PlaysTable>;
