import { type Kysely, sql } from "kysely";

// Frozen history: never edit this file once it has landed; add the next migration instead.
// Live-session presence across server instances (decision 009): one row per member, session and
// server instance holding at least one open events subscription, refreshed by a heartbeat. A member
// is online while any instance has a fresh row for them. Deciding "first subscription opened" and
// "last one closed" under the session row lock keeps the online/offline events in the event log's
// order. Unlogged: presence is worth nothing after a crash (the rows go stale and are swept anyway),
// so it costs no WAL.

// biome-ignore lint/suspicious/noExplicitAny: migrations are typed against no schema on purpose
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create unlogged table session_presence (
    session_id uuid not null references live_sessions (id) on delete cascade,
    user_id uuid not null references users (id) on delete cascade,
    instance_id text not null,
    seen_at timestamptz not null default now(),
    primary key (session_id, user_id, instance_id)
  )`.execute(db);
  // The heartbeat refreshes every row of one instance; the sweep finds stale rows.
  await sql`create index session_presence_instance_idx on session_presence (instance_id)`.execute(db);
  await sql`create index session_presence_seen_idx on session_presence (seen_at)`.execute(db);
}

// biome-ignore lint/suspicious/noExplicitAny: as above
export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists session_presence`.execute(db);
}
