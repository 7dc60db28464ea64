import { type Kysely, sql } from "kysely";

// Frozen history: never edit this file once it has landed; add the next migration instead.
// The import from the old MongoDB app (decision 010): what its data needs that Chorus had no place
// for (recommendations, the legacy ids of likes and recent searches, accounts whose email collided),
// and the importer's own bookkeeping (runs, per-collection checkpoints, every issue it reported).

// biome-ignore lint/suspicious/noExplicitAny: migrations are typed against no schema on purpose
export async function up(db: Kysely<any>): Promise<void> {
  // Two old accounts whose emails differ only in case (or spaces) cannot share one address here:
  // the later one gets a placeholder address, keeps the old one in legacy_email, and is flagged.
  await sql`alter table users
    add column email_needs_attention boolean not null default false,
    add column legacy_email text`.execute(db);
  await sql`create index users_email_attention_idx on users (id) where email_needs_attention`.execute(db);

  // The library document (one per user in the old app) that each like came from.
  await sql`alter table song_likes add column legacy_id text`.execute(db);
  await sql`alter table album_likes add column legacy_id text`.execute(db);
  await sql`create index song_likes_legacy_idx on song_likes (legacy_id) where legacy_id is not null`.execute(
    db,
  );
  await sql`create index album_likes_legacy_idx on album_likes (legacy_id) where legacy_id is not null`.execute(
    db,
  );
  await sql`alter table recent_searches add column legacy_id text unique`.execute(db);

  // "Made for you" lists: songs in order (a song may repeat), a score and why.
  await sql`create table recommendations (
    id uuid primary key default gen_random_uuid(),
    user_id uuid not null references users (id) on delete cascade,
    reason text,
    score double precision,
    generated_at timestamptz not null default date_trunc('milliseconds', now()),
    expires_at timestamptz,
    legacy_id text unique,
    created_at timestamptz not null default date_trunc('milliseconds', now())
  )`.execute(db);
  await sql`create index recommendations_user_idx on recommendations (user_id, generated_at desc)`.execute(
    db,
  );
  await sql`create table recommendation_songs (
    recommendation_id uuid not null references recommendations (id) on delete cascade,
    position integer not null check (position >= 0),
    song_id uuid not null references songs (id) on delete cascade,
    primary key (recommendation_id, position)
  )`.execute(db);
  await sql`create index recommendation_songs_song_idx on recommendation_songs (song_id)`.execute(db);

  // Old ids that name a row whose own legacy_id column holds another one: an album merged into the
  // one of the same name (songs named their album by name, so two such albums were one already).
  await sql`create table legacy_ids (
    collection text not null,
    legacy_id text not null,
    target_id uuid not null,
    note text,
    primary key (collection, legacy_id)
  )`.execute(db);

  // One row per import run; a run killed halfway is resumed by the next run of the same source.
  await sql`create table import_runs (
    id uuid primary key default gen_random_uuid(),
    source text not null,
    fingerprint text not null,
    status text not null default 'running' check (status in ('running', 'finished', 'failed')),
    started_at timestamptz not null default now(),
    finished_at timestamptz,
    report jsonb
  )`.execute(db);
  await sql`create index import_runs_fingerprint_idx on import_runs (fingerprint, started_at desc)`.execute(
    db,
  );
  // A collection's counts, committed with each batch: a finished collection is not read again.
  await sql`create table import_checkpoints (
    run_id uuid not null references import_runs (id) on delete cascade,
    collection text not null,
    read bigint not null default 0,
    written bigint not null default 0,
    rejected bigint not null default 0,
    warnings bigint not null default 0,
    source_checksum text not null default '0',
    done boolean not null default false,
    updated_at timestamptz not null default now(),
    primary key (run_id, collection)
  )`.execute(db);
  // Every record the importer rejected or changed, with the reason and the record as it came.
  await sql`create table import_issues (
    id bigserial primary key,
    run_id uuid not null references import_runs (id) on delete cascade,
    collection text not null,
    legacy_id text,
    severity text not null check (severity in ('rejected', 'warning')),
    reason text not null,
    record jsonb
  )`.execute(db);
  await sql`create index import_issues_run_idx on import_issues (run_id, collection, id)`.execute(db);
}

// biome-ignore lint/suspicious/noExplicitAny: migrations are typed against no schema on purpose
export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table import_issues, import_checkpoints, import_runs, legacy_ids`.execute(db);
  await sql`drop table recommendation_songs, recommendations`.execute(db);
  await sql`alter table recent_searches drop column legacy_id`.execute(db);
  await sql`alter table album_likes drop column legacy_id`.execute(db);
  await sql`alter table song_likes drop column legacy_id`.execute(db);
  await sql`drop index users_email_attention_idx`.execute(db);
  await sql`alter table users drop column email_needs_attention, drop column legacy_email`.execute(db);
}
