import { type Kysely, sql } from "kysely";

// Frozen history: never edit this file once it has landed; add the next migration instead.
// The search documents' own revision (decision 012). The catalog revision moves with any catalog
// change (lyrics, genres, replay gain...), and each server's in-process search index would be rebuilt
// for each. Every change the search documents care about already writes the search outbox (migration
// 005), so a row of songs, albums or artists written there moves `search_revision` too, in the same
// transaction. Public playlists are searched in PostgreSQL and do not move it.

// biome-ignore lint/suspicious/noExplicitAny: migrations are typed against no schema on purpose
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table catalog_state add column search_revision bigint not null default 1`.execute(db);
  await sql`create function search_revision_bump() returns trigger language plpgsql as $$
    begin
      if exists (select 1 from new_rows where entity <> 'playlist') then
        update catalog_state set search_revision = search_revision + 1;
      end if;
      return null;
    end $$`.execute(db);
  await sql`create trigger search_outbox_revision after insert on search_outbox
    referencing new table as new_rows for each statement execute function search_revision_bump()`.execute(db);
}

// biome-ignore lint/suspicious/noExplicitAny: migrations are typed against no schema on purpose
export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop trigger search_outbox_revision on search_outbox`.execute(db);
  await sql`drop function search_revision_bump()`.execute(db);
  await sql`alter table catalog_state drop column search_revision`.execute(db);
}
