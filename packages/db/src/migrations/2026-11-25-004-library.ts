import { type Kysely, sql } from "kysely";

// Frozen history: never edit this file once it has landed; add the next migration instead.

// biome-ignore lint/suspicious/noExplicitAny: migrations are typed against no schema on purpose
export async function up(db: Kysely<any>): Promise<void> {
  // Times that page cursors carry are stored to the millisecond, as a JavaScript Date holds them:
  // a cursor then names its row exactly, and no row hides between two microseconds.
  for (const kind of ["song", "album"] as const) {
    const table = sql.raw(`${kind}_likes`);
    const column = sql.raw(`${kind}_id`);
    const target = sql.raw(`${kind}s`);
    await sql`create table ${table} (
      user_id uuid not null references users (id) on delete cascade,
      ${column} uuid not null references ${target} (id) on delete cascade,
      created_at timestamptz not null default date_trunc('milliseconds', now()),
      primary key (user_id, ${column})
    )`.execute(db);
    // "Newest first" pages, and the reverse lookup a cascade delete needs.
    await sql`create index ${sql.raw(`${kind}_likes_user_created_idx`)} on ${table} (user_id, created_at desc, ${column} desc)`.execute(
      db,
    );
    await sql`create index ${sql.raw(`${kind}_likes_${kind}_idx`)} on ${table} (${column})`.execute(db);
  }

  await sql`create table playlists (
    id uuid primary key default gen_random_uuid(),
    owner_id uuid not null references users (id) on delete cascade,
    name text not null check (length(btrim(name)) between 1 and 100),
    description text check (length(description) <= 2000),
    is_public boolean not null default false,
    collaborative boolean not null default false,
    cover_url text,
    song_count integer not null default 0,
    duration_ms bigint not null default 0,
    copied_from uuid references playlists (id) on delete set null,
    legacy_id text unique,
    created_at timestamptz not null default date_trunc('milliseconds', now()),
    updated_at timestamptz not null default now()
  )`.execute(db);
  await sql`create index playlists_owner_idx on playlists (owner_id, updated_at desc)`.execute(db);
  await sql`create index playlists_public_idx on playlists (is_public, created_at desc, id desc)`.execute(db);

  await sql`create table playlist_collaborators (
    playlist_id uuid not null references playlists (id) on delete cascade,
    user_id uuid not null references users (id) on delete cascade,
    added_at timestamptz not null default now(),
    primary key (playlist_id, user_id)
  )`.execute(db);
  await sql`create index playlist_collaborators_user_idx on playlist_collaborators (user_id)`.execute(db);

  // Positions are 0-based and dense. The unique check is deferred to commit so one statement can
  // shift a run of positions (a move, an insert in the middle) without colliding with itself.
  await sql`create table playlist_items (
    id uuid primary key default gen_random_uuid(),
    playlist_id uuid not null references playlists (id) on delete cascade,
    song_id uuid not null references songs (id) on delete cascade,
    position integer not null check (position >= 0),
    added_by uuid references users (id) on delete set null,
    added_at timestamptz not null default now(),
    constraint playlist_items_position_key unique (playlist_id, position) deferrable initially deferred
  )`.execute(db);
  await sql`create index playlist_items_song_idx on playlist_items (song_id)`.execute(db);

  // Whoever deletes items (a removal, or a song pruned from the catalog cascading here) leaves the
  // positions dense and the playlist's totals right: the database does it, so no path can forget.
  await sql`create function playlist_items_changed() returns trigger language plpgsql as $$
    begin
      if tg_op = 'DELETE' then
        update playlist_items pi set position = r.rn
        from (
          select id, (row_number() over (partition by playlist_id order by position) - 1)::int as rn
          from playlist_items where playlist_id in (select distinct playlist_id from changed)
        ) r
        where pi.id = r.id and pi.position <> r.rn;
      end if;
      update playlists p set song_count = t.n, duration_ms = t.d
      from (
        select c.playlist_id, count(pi.id)::int as n, coalesce(sum(s.duration_ms), 0)::bigint as d
        from (select distinct playlist_id from changed) c
        left join playlist_items pi on pi.playlist_id = c.playlist_id
        left join songs s on s.id = pi.song_id
        group by c.playlist_id
      ) t
      where p.id = t.playlist_id and (p.song_count <> t.n or p.duration_ms <> t.d);
      return null;
    end $$`.execute(db);
  await sql`create trigger playlist_items_inserted after insert on playlist_items
    referencing new table as changed for each statement execute function playlist_items_changed()`.execute(
    db,
  );
  await sql`create trigger playlist_items_deleted after delete on playlist_items
    referencing old table as changed for each statement execute function playlist_items_changed()`.execute(
    db,
  );

  // The seed's recently_played, partitioned by month (UTC). Rows for a month without a partition
  // land in the default one; ensure_plays_partition() moves them out when it creates that month.
  await sql`create table plays (
    id uuid not null default gen_random_uuid(),
    user_id uuid not null references users (id) on delete cascade,
    song_id uuid not null references songs (id) on delete cascade,
    played_ms integer not null check (played_ms >= 0),
    skipped boolean not null default false,
    context_type text,
    context_id text,
    played_at timestamptz not null default date_trunc('milliseconds', now()),
    legacy_id text,
    primary key (id, played_at),
    unique (legacy_id, played_at)
  ) partition by range (played_at)`.execute(db);
  await sql`create index plays_user_idx on plays (user_id, played_at desc, id desc)`.execute(db);
  await sql`create index plays_song_idx on plays (song_id, played_at desc)`.execute(db);
  await sql`create table plays_default partition of plays default`.execute(db);

  await sql`create function ensure_plays_partition(p_month date) returns text language plpgsql as $$
    declare
      from_at timestamptz := (date_trunc('month', p_month)::timestamp at time zone 'UTC');
      to_at timestamptz := ((date_trunc('month', p_month) + interval '1 month')::timestamp at time zone 'UTC');
      name text := 'plays_' || to_char(p_month, 'YYYY_MM');
    begin
      -- Two instances starting at once must not both create it.
      perform pg_advisory_xact_lock(hashtext('ensure_plays_partition'));
      if to_regclass(name) is not null then
        return name;
      end if;
      execute format('create table %I (like plays including defaults including constraints)', name);
      execute format(
        'with moved as (delete from plays_default where played_at >= %L and played_at < %L returning *) insert into %I select * from moved',
        from_at, to_at, name);
      execute format('alter table plays attach partition %I for values from (%L) to (%L)', name, from_at, to_at);
      return name;
    end $$`.execute(db);
  await sql`select ensure_plays_partition((now() + make_interval(months => m))::date)
    from generate_series(0, 2) m`.execute(db);

  // Most played over 30 days. Skips are not listens. The unique index lets
  // REFRESH ... CONCURRENTLY swap in new numbers without ever blocking a reader.
  await sql`create materialized view popular_songs as
    select song_id, count(*)::int as plays, count(distinct user_id)::int as listeners,
      max(played_at) as last_played_at
    from plays
    where played_at > now() - interval '30 days' and not skipped
    group by song_id`.execute(db);
  await sql`create unique index popular_songs_song_idx on popular_songs (song_id)`.execute(db);
  await sql`create index popular_songs_rank_idx on popular_songs (plays desc, listeners desc, song_id)`.execute(
    db,
  );
  await sql`create table view_refreshes (
    name text primary key,
    refreshed_at timestamptz not null
  )`.execute(db);
  await sql`insert into view_refreshes (name, refreshed_at) values ('popular_songs', now())`.execute(db);
}

// biome-ignore lint/suspicious/noExplicitAny: migrations are typed against no schema on purpose
export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table view_refreshes`.execute(db);
  await sql`drop materialized view popular_songs`.execute(db);
  await sql`drop function ensure_plays_partition(date)`.execute(db);
  await sql`drop table plays`.execute(db);
  await sql`drop table playlist_items`.execute(db);
  await sql`drop function playlist_items_changed()`.execute(db);
  await sql`drop table playlist_collaborators`.execute(db);
  await sql`drop table playlists`.execute(db);
  await sql`drop table album_likes`.execute(db);
  await sql`drop table song_likes`.execute(db);
}
