import type { Database, Db } from "@chorus/db";
import { sql, type Transaction } from "kysely";

type Executor = Db | Transaction<Database>;

export function findPlaylist(db: Executor, id: string) {
  return db.selectFrom("playlists").selectAll().where("id", "=", id).executeTakeFirst();
}

/** The playlist row locked for this transaction: edits of one playlist run one after another. */
export function lockPlaylist(trx: Transaction<Database>, id: string) {
  return trx.selectFrom("playlists").selectAll().where("id", "=", id).forUpdate().executeTakeFirst();
}

/** The playlists a user owns or collaborates on: "mine" in every list and count. */
export function memberPlaylists(db: Executor, userId: string) {
  return db
    .selectFrom("playlists")
    .where((eb) =>
      eb.or([
        eb("owner_id", "=", userId),
        eb(
          "id",
          "in",
          eb.selectFrom("playlist_collaborators").select("playlist_id").where("user_id", "=", userId),
        ),
      ]),
    );
}

export function collaboratorIds(db: Executor, playlistId: string) {
  return db
    .selectFrom("playlist_collaborators")
    .select("user_id")
    .where("playlist_id", "=", playlistId)
    .execute()
    .then((rows) => rows.map((r) => r.user_id));
}

export const personColumns = ["users.id", "users.name", "users.avatar_key", "users.avatar_url"] as const;

export function people(db: Executor, ids: string[]) {
  if (ids.length === 0) return Promise.resolve([]);
  return db.selectFrom("users").select(personColumns).where("id", "in", ids).execute();
}

/** Cover candidates from the first items of each playlist, in order (the service keeps four distinct). */
export async function playlistCovers(db: Executor, playlistIds: string[]) {
  if (playlistIds.length === 0) return [];
  const { rows } = await sql<{ playlist_id: string; cover_key: string | null; cover_url: string | null }>`
    select p.id as playlist_id,
      coalesce(s.cover_key, a.cover_key) as cover_key,
      case when s.cover_key is null and a.cover_key is null then coalesce(s.cover_url, a.cover_url) end as cover_url
    from unnest(${playlistIds}::uuid[]) as p(id)
    cross join lateral (
      select song_id, position from playlist_items where playlist_id = p.id order by position limit 24
    ) pi
    join songs s on s.id = pi.song_id
    left join albums a on a.id = s.album_id
    order by p.id, pi.position`.execute(db);
  return rows;
}

export function itemsPage(db: Executor, playlistId: string, fromPosition: number, limit: number) {
  return db
    .selectFrom("playlist_items")
    .leftJoin("users", "users.id", "playlist_items.added_by")
    .select([
      "playlist_items.id",
      "playlist_items.position",
      "playlist_items.song_id",
      "playlist_items.added_at",
      "playlist_items.added_by",
      "users.name as added_by_name",
      "users.avatar_key as added_by_avatar_key",
      "users.avatar_url as added_by_avatar_url",
    ])
    .where("playlist_items.playlist_id", "=", playlistId)
    .where("playlist_items.position", ">=", fromPosition)
    .orderBy("playlist_items.position")
    .limit(limit)
    .execute();
}
