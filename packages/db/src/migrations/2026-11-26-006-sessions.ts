import { type Kysely, sql } from "kysely";

// Frozen history: never edit this file once it has landed; add the next migration instead.
// Live listening sessions (decision 009): the session row holds the playback state (the single
// source of truth) and a per-session event counter; session_events is the bounded log a client
// resumes from after a reconnect.

// biome-ignore lint/suspicious/noExplicitAny: migrations are typed against no schema on purpose
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create table live_sessions (
    id uuid primary key default gen_random_uuid(),
    code text not null unique check (code ~ '^[A-Z0-9]{6,10}$'),
    name text not null check (length(name) <= 80),
    host_id uuid references users (id) on delete set null,
    is_private boolean not null default false,
    is_active boolean not null default true,
    -- Playback state: position_ms at the server time position_at; queue is [{id, songId, addedBy}].
    current_item_id uuid,
    song_id uuid references songs (id) on delete set null,
    position_ms bigint not null default 0,
    position_at timestamptz not null default date_trunc('milliseconds', now()),
    playing boolean not null default false,
    queue jsonb not null default '[]'::jsonb,
    version integer not null default 0,
    -- The id of the last event written to session_events (ids are 1, 2, 3, ... per session).
    last_event_id bigint not null default 0,
    expires_at timestamptz not null,
    ended_at timestamptz,
    legacy_id text unique,
    created_at timestamptz not null default date_trunc('milliseconds', now()),
    updated_at timestamptz not null default now()
  )`.execute(db);
  // The expiry job: active sessions by expiry time.
  await sql`create index live_sessions_active_expires_idx on live_sessions (is_active, expires_at)`.execute(
    db,
  );
  await sql`create index live_sessions_host_idx on live_sessions (host_id)`.execute(db);

  await sql`create table session_participants (
    session_id uuid not null references live_sessions (id) on delete cascade,
    user_id uuid not null references users (id) on delete cascade,
    role text not null check (role in ('host', 'dj', 'listener')),
    -- pending: asked to join a private session, waiting for the host.
    status text not null default 'member' check (status in ('member', 'pending')),
    joined_at timestamptz not null default date_trunc('milliseconds', now()),
    -- Set when they left or were removed; joining again clears it.
    left_at timestamptz,
    kicked boolean not null default false,
    legacy_id text unique,
    primary key (session_id, user_id)
  )`.execute(db);
  // "The sessions I am in".
  await sql`create index session_participants_user_idx on session_participants (user_id, joined_at desc)`.execute(
    db,
  );

  await sql`create table chat_messages (
    id uuid primary key default gen_random_uuid(),
    session_id uuid not null references live_sessions (id) on delete cascade,
    user_id uuid references users (id) on delete set null,
    kind text not null default 'text' check (kind in ('text', 'system', 'reaction')),
    body text not null check (length(body) <= 2000),
    client_id uuid,
    legacy_id text unique,
    created_at timestamptz not null default date_trunc('milliseconds', now()),
    unique (session_id, user_id, client_id)
  )`.execute(db);
  // History pages, newest first.
  await sql`create index chat_messages_session_created_idx on chat_messages (session_id, created_at desc, id desc)`.execute(
    db,
  );

  await sql`create table session_events (
    session_id uuid not null references live_sessions (id) on delete cascade,
    id bigint not null,
    type text not null,
    payload jsonb not null,
    created_at timestamptz not null default now(),
    primary key (session_id, id)
  )`.execute(db);
}

// biome-ignore lint/suspicious/noExplicitAny: as above
export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists session_events, chat_messages, session_participants, live_sessions`.execute(
    db,
  );
}
