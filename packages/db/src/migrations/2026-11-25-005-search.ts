import { type Kysely, sql } from "kysely";

// Frozen history: never edit this file once it has landed; add the next migration instead.

// Song changes a search index cares about. play_count is left out on purpose: it moves with every
// play, and neither the search document nor the outbox may cost anything on that path.
const SONG_SEARCH_COLUMNS = "title, album_id, search_vector";

// GIN indexes normally queue new entries in a pending list that every search then reads in full
// until (auto)vacuum merges it: up to 4 MB of it after an import, which makes searches slow and the
// planner shun the index. The catalog is read far more than written, so entries go in at once.
const GIN = sql.raw("with (fastupdate = off)");

// biome-ignore lint/suspicious/noExplicitAny: migrations are typed against no schema on purpose
export async function up(db: Kysely<any>): Promise<void> {
  // Trusted extensions: the database owner may create them (no superuser needed).
  await sql`create extension if not exists pg_trgm`.execute(db);
  await sql`create extension if not exists unaccent`.execute(db);

  // unaccent() is only STABLE (its dictionary could change), so it cannot sit in an index or a
  // generated column; this wrapper is declared IMMUTABLE, the standard trick. Every name in it is
  // schema-qualified because index expressions are also evaluated with a bare search_path (pg_dump
  // restores; PostgreSQL 17+ runs ANALYZE and REINDEX that way), where `unaccent` would not resolve.
  // This function and those below are PL/pgSQL rather than SQL: PL/pgSQL keeps its plans for the
  // session, while a SQL function that cannot be inlined is planned again on every call from a
  // trigger (before PostgreSQL 18), which made importing songs twice as slow.
  const { rows } = await sql<{ schema: string }>`
    select quote_ident(n.nspname) as schema from pg_extension e
    join pg_namespace n on n.oid = e.extnamespace where e.extname = 'unaccent'`.execute(db);
  const schema = rows[0]!.schema;
  const unaccent = `${schema}.unaccent('${schema.replaceAll("'", "''")}.unaccent'::regdictionary, $1)`;
  await sql`create function chorus_fold(text) returns text language plpgsql immutable strict parallel safe
    as ${sql.raw(`$$ begin return pg_catalog.lower(${unaccent}); end $$`)}`.execute(db);

  // Distinct words (3+ characters) of every song's search document: titles, album titles, artist
  // names. A query word that is not in it (nor the start of a word in it) is a typo, and is widened
  // to its nearest words by trigram similarity: a small table, so that lookup is instant, and songs
  // are then matched by their full-text index alone. Words are only ever added; one left behind by a
  // rename or a delete just widens a typo to a word that matches nothing.
  await sql`create table search_words (word text collate "C" primary key)`.execute(db);
  await sql`create index search_words_trgm_idx on search_words using gin (word gin_trgm_ops) ${GIN}`.execute(
    db,
  );
  await sql`create function add_search_words(docs tsvector[]) returns void language plpgsql as $$
    begin
      insert into search_words (word)
      select distinct w from unnest(docs) d, unnest(tsvector_to_array(d)) w where length(w) between 3 and 40
      on conflict do nothing;
    end $$`.execute(db);

  // A song's search document: its title, its album's title and its artists' names, folded (no case,
  // no accents) and weighted so that a title match ranks above an album match above an artist match.
  // The 'simple' configuration (no stemming, no stop words) suits titles in any language, made of
  // words like "The", "Let", "It", "Be" that an English configuration would drop.
  await sql`alter table songs add column search_vector tsvector not null default ''`.execute(db);
  await sql`create function song_search_document(p_title text, p_album_id uuid, p_song_id uuid)
    returns tsvector language plpgsql stable as $$
    begin
      return setweight(to_tsvector('simple', chorus_fold(p_title)), 'A')
        || setweight(to_tsvector('simple', coalesce(
             (select chorus_fold(title) from albums where id = p_album_id), '')), 'B')
        || setweight(to_tsvector('simple', coalesce(
             (select chorus_fold(string_agg(a.name, ' ' order by sa.position))
              from song_artists sa join artists a on a.id = sa.artist_id where sa.song_id = p_song_id), '')), 'C');
    end $$`.execute(db);

  // The song's own insert or edit: a row trigger, because a statement trigger that can see the
  // changed rows cannot also be limited to some columns, and play_count updates must not pay for it.
  await sql`create function songs_search_document() returns trigger language plpgsql as $$
    begin
      new.search_vector := song_search_document(new.title, new.album_id, new.id);
      perform add_search_words(array[new.search_vector]);
      return new;
    end $$`.execute(db);

  // Changes elsewhere (credits, album titles, artist names) rewrite the documents of the songs they
  // touch, in one statement. Only search_vector is written, which is not one of the columns that
  // move the catalog revision (migration 003): the change that caused it has moved it already.
  await sql`create function refresh_song_search(ids uuid[]) returns void language plpgsql as $$
    declare
      docs tsvector[];
    begin
      with changed as (
        update songs s set search_vector = d.doc
        from (select id, song_search_document(title, album_id, id) as doc from songs where id = any(ids)) d
        where s.id = d.id and s.search_vector is distinct from d.doc
        returning d.doc
      )
      select array_agg(doc) into docs from changed;
      perform add_search_words(docs);
    end $$`.execute(db);
  await sql`create function song_artists_search_refresh() returns trigger language plpgsql as $$
    begin
      if tg_op = 'INSERT' then
        perform refresh_song_search(array(select distinct song_id from new_rows));
      elsif tg_op = 'DELETE' then
        perform refresh_song_search(array(select distinct song_id from old_rows));
      else
        perform refresh_song_search(array(
          select song_id from new_rows union select song_id from old_rows));
      end if;
      return null;
    end $$`.execute(db);
  await sql`create function albums_search_refresh() returns trigger language plpgsql as $$
    begin
      perform refresh_song_search(array(
        select s.id from new_rows n join old_rows o on o.id = n.id join songs s on s.album_id = n.id
        where n.title is distinct from o.title));
      return null;
    end $$`.execute(db);
  await sql`create function artists_search_refresh() returns trigger language plpgsql as $$
    begin
      perform refresh_song_search(array(
        select distinct sa.song_id from new_rows n join old_rows o on o.id = n.id
        join song_artists sa on sa.artist_id = n.id
        where n.name is distinct from o.name));
      -- An album's entry in an external index shows its artist's name: it changed too.
      insert into search_outbox (entity, entity_id)
      select 'album', al.id from new_rows n join old_rows o on o.id = n.id
      join albums al on al.artist_id = n.id
      where n.name is distinct from o.name;
      return null;
    end $$`.execute(db);

  // Backfill before the triggers exist: the outbox has no consumer yet (one starts with a full index).
  await sql`update songs set search_vector = song_search_document(title, album_id, id)`.execute(db);
  await sql`select add_search_words(array_agg(search_vector)) from songs`.execute(db);

  await sql`create trigger songs_search_document before insert or update of title, album_id on songs
    for each row execute function songs_search_document()`.execute(db);
  await sql`create trigger song_artists_search_inserted after insert on song_artists
    referencing new table as new_rows for each statement execute function song_artists_search_refresh()`.execute(
    db,
  );
  await sql`create trigger song_artists_search_deleted after delete on song_artists
    referencing old table as old_rows for each statement execute function song_artists_search_refresh()`.execute(
    db,
  );
  await sql`create trigger song_artists_search_updated after update on song_artists
    referencing old table as old_rows new table as new_rows
    for each statement execute function song_artists_search_refresh()`.execute(db);
  await sql`create trigger albums_search_refresh after update on albums
    referencing old table as old_rows new table as new_rows
    for each statement execute function albums_search_refresh()`.execute(db);
  await sql`create trigger artists_search_refresh after update on artists
    referencing old table as old_rows new table as new_rows
    for each statement execute function artists_search_refresh()`.execute(db);

  // Songs: the GIN index answers the full-text match (prefixes included). Queries too short for
  // words or trigrams (1–2 characters) match the start of the folded title instead, on a btree in
  // the "C" collation: it serves both `like 'ab%'` and the alphabetical order, so such a query
  // reads just the rows it returns.
  await sql`create index songs_search_vector_idx on songs using gin (search_vector) ${GIN}`.execute(db);
  await sql`create index songs_title_prefix_idx on songs ((chorus_fold(title) collate "C"))`.execute(db);
  // Albums, artists and public playlists are matched on their one name, by words and by trigram
  // similarity of the whole name ("acdc" finds "AC/DC", "beatls" finds "The Beatles"). Expression
  // indexes: no column to keep up to date, and nothing new in the rows the API already reads.
  for (const [table, column, where] of [
    ["albums", "title", ""],
    ["artists", "name", ""],
    ["playlists", "name", " where is_public"],
  ] as const) {
    const t = sql.raw(table);
    const folded = sql.raw(`chorus_fold(${column})`);
    const partial = sql.raw(where);
    await sql`create index ${sql.raw(`${table}_search_idx`)} on ${t}
      using gin (to_tsvector('simple', ${folded})) ${GIN}${partial}`.execute(db);
    await sql`create index ${sql.raw(`${table}_${column}_trgm_idx`)} on ${t}
      using gin (${folded} gin_trgm_ops) ${GIN}${partial}`.execute(db);
    await sql`create index ${sql.raw(`${table}_${column}_prefix_idx`)} on ${t}
      ((${folded} collate "C"))${partial}`.execute(db);
  }

  // Searches a signed-in user made, newest first: the same query again (by its normalized form)
  // moves up instead of repeating. The API keeps the newest 20.
  await sql`create table recent_searches (
    user_id uuid not null references users (id) on delete cascade,
    query text not null check (length(query) between 1 and 200),
    normalized text not null check (length(normalized) between 1 and 200),
    searched_at timestamptz not null default date_trunc('milliseconds', now()),
    primary key (user_id, normalized)
  )`.execute(db);
  await sql`create index recent_searches_user_idx on recent_searches (user_id, searched_at desc)`.execute(db);

  // The search outbox: one row per change to something an external search index (Meilisearch)
  // holds, written by triggers, so the index can catch up in batches from any process, whoever wrote
  // the change (the server, the import CLI, psql). The contract for a consumer:
  // - a row means "re-read this entity": load its current state; if it is gone (or, for a playlist,
  //   no longer public), remove it from the index; otherwise write it;
  // - read in id order, in batches; duplicates are normal (one edit can add several rows);
  // - delete exactly the ids it processed, never a range: ids are handed out before commit, so a
  //   smaller id can become visible after a larger one;
  // - a song's row also comes when its credits, its album's title or an artist's name change (its
  //   search_vector changes); an album's row when its artist's name changes;
  // - a consumer that starts on an existing catalog indexes everything first and deletes the
  //   backlog: rows pile up (a few per song imported) while no consumer is configured.
  await sql`create table search_outbox (
    id bigserial primary key,
    entity text not null check (entity in ('song', 'album', 'artist', 'playlist')),
    entity_id uuid not null,
    created_at timestamptz not null default now()
  )`.execute(db);
  await sql`create function search_outbox_rows() returns trigger language plpgsql as $$
    begin
      if tg_op = 'DELETE' then
        insert into search_outbox (entity, entity_id) select tg_argv[0], id from old_rows;
      else
        insert into search_outbox (entity, entity_id) select tg_argv[0], id from new_rows;
      end if;
      return null;
    end $$`.execute(db);
  await sql`create function search_outbox_row() returns trigger language plpgsql as $$
    begin
      insert into search_outbox (entity, entity_id) values (tg_argv[0], new.id);
      return null;
    end $$`.execute(db);
  for (const [table, entity] of [
    ["songs", "song"],
    ["albums", "album"],
    ["artists", "artist"],
    ["playlists", "playlist"],
  ] as const) {
    const t = sql.raw(table);
    const arg = sql.lit(entity);
    await sql`create trigger ${sql.raw(`${table}_search_outbox_inserted`)} after insert on ${t}
      referencing new table as new_rows for each statement execute function search_outbox_rows(${arg})`.execute(
      db,
    );
    await sql`create trigger ${sql.raw(`${table}_search_outbox_deleted`)} after delete on ${t}
      referencing old table as old_rows for each statement execute function search_outbox_rows(${arg})`.execute(
      db,
    );
    // Songs by row, for the same reason as their search document: only some columns count.
    await (table === "songs"
      ? sql`create trigger songs_search_outbox_updated after update of ${sql.raw(SONG_SEARCH_COLUMNS)}
          on songs for each row execute function search_outbox_row(${arg})`
      : sql`create trigger ${sql.raw(`${table}_search_outbox_updated`)} after update on ${t}
          referencing new table as new_rows for each statement execute function search_outbox_rows(${arg})`
    ).execute(db);
  }
}

// biome-ignore lint/suspicious/noExplicitAny: migrations are typed against no schema on purpose
export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ["songs", "albums", "artists", "playlists"]) {
    for (const event of ["inserted", "deleted", "updated"]) {
      await sql`drop trigger ${sql.raw(`${table}_search_outbox_${event}`)} on ${sql.table(table)}`.execute(
        db,
      );
    }
  }
  await sql`drop function search_outbox_row()`.execute(db);
  await sql`drop function search_outbox_rows()`.execute(db);
  await sql`drop table search_outbox`.execute(db);
  await sql`drop table recent_searches`.execute(db);
  for (const [table, column] of [
    ["albums", "title"],
    ["artists", "name"],
    ["playlists", "name"],
  ]) {
    await sql`drop index ${sql.raw(`${table}_search_idx`)}`.execute(db);
    await sql`drop index ${sql.raw(`${table}_${column}_trgm_idx`)}`.execute(db);
    await sql`drop index ${sql.raw(`${table}_${column}_prefix_idx`)}`.execute(db);
  }
  await sql`drop trigger artists_search_refresh on artists`.execute(db);
  await sql`drop trigger albums_search_refresh on albums`.execute(db);
  for (const event of ["inserted", "deleted", "updated"]) {
    await sql`drop trigger ${sql.raw(`song_artists_search_${event}`)} on song_artists`.execute(db);
  }
  await sql`drop trigger songs_search_document on songs`.execute(db);
  await sql`drop function artists_search_refresh()`.execute(db);
  await sql`drop function albums_search_refresh()`.execute(db);
  await sql`drop function song_artists_search_refresh()`.execute(db);
  await sql`drop function refresh_song_search(uuid[])`.execute(db);
  await sql`drop function songs_search_document()`.execute(db);
  await sql`drop function song_search_document(text, uuid, uuid)`.execute(db);
  // Its indexes go with the column.
  await sql`alter table songs drop column search_vector`.execute(db);
  await sql`drop index songs_title_prefix_idx`.execute(db);
  await sql`drop function add_search_words(tsvector[])`.execute(db);
  await sql`drop table search_words`.execute(db);
  await sql`drop function chorus_fold(text)`.execute(db);
  // Refused (rightly) if something else has come to depend on them since.
  await sql`drop extension if exists unaccent`.execute(db);
  await sql`drop extension if exists pg_trgm`.execute(db);
}
