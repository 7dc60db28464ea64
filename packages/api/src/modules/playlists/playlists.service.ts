import { getOrSet, keys, TTL, tags } from "@chorus/cache";
import {
  type AddSongsInput,
  type CollaboratorInput,
  type CopyPlaylistInput,
  type CreatePlaylistInput,
  type GetPlaylistInput,
  type MyPlaylist,
  type PersonRef,
  PLAYLIST_MAX_ITEMS,
  type PlaylistDetail,
  type PlaylistEditResult,
  type PlaylistItem,
  type PlaylistPage,
  type PlaylistRole,
  type PlaylistSummary,
  type PublicPlaylistsInput,
  type RemoveSongInput,
  type ReorderInput,
  type UpdatePlaylistInput,
} from "@chorus/contracts";
import type { Database, Playlist } from "@chorus/db";
import { PUBLIC_PLAYLISTS_IN_PROCESS } from "@chorus/search";
import { TRPCError } from "@trpc/server";
import { sql, type Transaction } from "kysely";
import type { Context } from "../../context.js";
import { notFound } from "../../errors.js";
import type { ProtectedContext, ViewerContext } from "../../trpc.js";
import { sendInBackground } from "../auth/auth.service.js";
import { playlistInviteMail } from "../auth/mails.js";
import { catalogRevision, decodeCursor, encodeCursor, loadSongs } from "../catalog/catalog.service.js";
import {
  collaboratorIds,
  findPlaylist,
  itemsPage,
  lockPlaylist,
  memberPlaylists,
  people,
  personColumns,
  playlistCovers,
} from "./playlists.queries.js";

// ---------- shaping ----------

type PersonRow = { id: string; name: string | null; avatar_key: string | null; avatar_url: string | null };

const avatar = (key: string | null, url: string | null) => (key ? `/media/images/${key}` : url);
const toPerson = (row: PersonRow): PersonRef => ({
  id: row.id,
  name: row.name,
  avatarUrl: avatar(row.avatar_key, row.avatar_url),
});

/** Everything about a playlist but its items: cached, and what every access check reads. */
interface Header extends PlaylistSummary {
  collaborators: PersonRef[];
  copiedFrom: { id: string; name: string } | null;
}

async function summaries(ctx: Context, rows: Playlist[]): Promise<PlaylistSummary[]> {
  const ids = rows.map((r) => r.id);
  const [owners, covers] = await Promise.all([
    people(ctx.db, [...new Set(rows.map((r) => r.owner_id))]),
    playlistCovers(ctx.db, ids),
  ]);
  const ownerById = new Map(owners.map((o) => [o.id, toPerson(o)]));
  const coversById = new Map<string, string[]>();
  for (const c of covers) {
    const url = c.cover_key ? ctx.media.imageUrl(c.cover_key, "cover") : c.cover_url;
    const list = coversById.get(c.playlist_id) ?? [];
    if (url && list.length < 4 && !list.includes(url)) list.push(url);
    coversById.set(c.playlist_id, list);
  }
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    description: r.description,
    isPublic: r.is_public,
    collaborative: r.collaborative,
    owner: ownerById.get(r.owner_id) ?? { id: r.owner_id, name: null, avatarUrl: null },
    songCount: r.song_count,
    durationMs: Number(r.duration_ms),
    covers: coversById.get(r.id) ?? (r.cover_url ? [r.cover_url] : []),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  }));
}

/**
 * Every public playlist with songs, shaped, while there are at most PUBLIC_PLAYLISTS_IN_PROCESS (else
 * null): what search shows, without a query per search. Kept as the public list is, under the tag
 * that every change to a public playlist (or to its owner's name or picture) moves.
 */
async function publicPlaylistSummaries(ctx: Context): Promise<ReadonlyMap<string, PlaylistSummary> | null> {
  const all = await getOrSet(
    ctx.cache,
    keys.search({ publicPlaylists: "summaries" }),
    TTL.list,
    async () => {
      const rows = await ctx.db
        .selectFrom("playlists")
        .selectAll()
        .where("is_public", "=", true)
        .where("song_count", ">", 0)
        .orderBy("id")
        .limit(PUBLIC_PLAYLISTS_IN_PROCESS + 1)
        .execute();
      return rows.length > PUBLIC_PLAYLISTS_IN_PROCESS ? null : await summaries(ctx, rows);
    },
    { tags: [tags.publicPlaylists()] },
  );
  if (!all) return null;
  let byId = summaryMaps.get(all);
  if (!byId) {
    byId = new Map(all.map((s) => [s.id, s]));
    summaryMaps.set(all, byId);
  }
  return byId;
}

/** The map of each list read, made once. */
const summaryMaps = new WeakMap<PlaylistSummary[], Map<string, PlaylistSummary>>();

/**
 * Public playlists by id, shaped; any that is private or gone by now is left out. From the list of
 * all of them when there are few enough, the rest (too many, or not in that list) read here.
 */
export async function loadPublicPlaylists(
  ctx: Context,
  ids: readonly string[],
): Promise<Map<string, PlaylistSummary>> {
  const found = new Map<string, PlaylistSummary>();
  if (ids.length === 0) return found;
  const all = await publicPlaylistSummaries(ctx);
  const missing = [...new Set(ids)].filter((id) => {
    const summary = all?.get(id);
    if (summary) found.set(id, summary);
    return !summary;
  });
  if (missing.length === 0) return found;
  const rows = await ctx.db
    .selectFrom("playlists")
    .selectAll()
    .where("id", "in", missing)
    .where("is_public", "=", true)
    .execute();
  for (const summary of await summaries(ctx, rows)) found.set(summary.id, summary);
  return found;
}

function loadHeader(ctx: Context, id: string): Promise<Header | undefined> {
  return getOrSet(
    ctx.cache,
    keys.playlist(id),
    TTL.playlist,
    async () => {
      const row = await findPlaylist(ctx.db, id);
      if (!row) return undefined;
      const [[summary], collaborators, source] = await Promise.all([
        summaries(ctx, [row]),
        ctx.db
          .selectFrom("playlist_collaborators")
          .innerJoin("users", "users.id", "playlist_collaborators.user_id")
          .select(personColumns)
          .where("playlist_collaborators.playlist_id", "=", id)
          .orderBy("playlist_collaborators.added_at")
          .execute(),
        row.copied_from
          ? ctx.db
              .selectFrom("playlists")
              .select(["id", "name"])
              .where("id", "=", row.copied_from)
              .executeTakeFirst()
          : undefined,
      ]);
      return { ...summary!, collaborators: collaborators.map(toPerson), copiedFrom: source ?? null };
    },
    { tags: [tags.playlist(id)] },
  );
}

function roleOf(header: Header, user: { id: string } | null): PlaylistRole | null {
  if (user && header.owner.id === user.id) return "owner";
  if (user && header.collaborators.some((c) => c.id === user.id)) return "collaborator";
  return header.isPublic ? "viewer" : null;
}

/** A playlist the caller may not see does not exist, as far as they can tell. */
const NOT_FOUND_PLAYLIST = () => notFound("This playlist");

// ---------- reading ----------

export async function getPlaylist(ctx: ViewerContext, asked: GetPlaylistInput): Promise<PlaylistDetail> {
  const input = { ...asked, id: await resolvePlaylistId(ctx, asked.id) };
  const header = await loadHeader(ctx, input.id);
  const role = header ? roleOf(header, ctx.user) : null;
  if (!header || (!role && ctx.user?.role !== "admin")) throw NOT_FOUND_PLAYLIST();
  const limit = input.limit ?? 100;
  const from = input.cursor ? (decodeCursor(input.cursor, ["number"])[0] as number) : 0;
  const page = await getOrSet(
    ctx.cache,
    keys.playlistItems(input.id, input.cursor ?? undefined, limit, await catalogRevision(ctx.db)),
    TTL.playlist,
    async () => {
      const rows = await itemsPage(ctx.db, input.id, from, limit + 1);
      const songs = await loadSongs(
        ctx,
        rows.map((r) => r.song_id),
      );
      const items = rows.slice(0, limit).flatMap((r) => {
        const song = songs.get(r.song_id);
        if (!song) return [];
        const addedBy: PersonRef | null = r.added_by
          ? {
              id: r.added_by,
              name: r.added_by_name,
              avatarUrl: avatar(r.added_by_avatar_key, r.added_by_avatar_url),
            }
          : null;
        return [{ id: r.id, position: r.position, song, addedBy, addedAt: r.added_at }];
      });
      const next = rows.length > limit ? rows[limit]!.position : null;
      const page: { items: PlaylistItem[]; nextCursor: string | null } = {
        items,
        nextCursor: next === null ? null : encodeCursor([next]),
      };
      return page;
    },
    { tags: [tags.playlist(input.id)] },
  );
  const effective: PlaylistRole = role ?? "viewer";
  return {
    ...header,
    role: effective,
    canEdit: effective === "owner" || (effective === "collaborator" && header.collaborative),
    items: page.items,
    nextCursor: page.nextCursor,
  };
}

/** A Chorus id as it is; an old app's id (imported playlists keep theirs) as the Chorus id it became. */
async function resolvePlaylistId(ctx: Context, id: string): Promise<string> {
  if (!/^[0-9a-f]{24}$/i.test(id)) return id;
  const row = await ctx.db
    .selectFrom("playlists")
    .select("id")
    .where("legacy_id", "=", id.toLowerCase())
    .executeTakeFirst();
  if (!row) throw NOT_FOUND_PLAYLIST();
  return row.id;
}

/** The caller's own playlists and those shared with them, most recently changed first. */
export function myPlaylists(ctx: ProtectedContext): Promise<MyPlaylist[]> {
  const userId = ctx.user.id;
  return getOrSet(
    ctx.cache,
    keys.userPlaylists(userId),
    TTL.userPlaylists,
    async () => {
      const rows = await memberPlaylists(ctx.db, userId)
        .selectAll()
        .orderBy("updated_at", "desc")
        .orderBy("id")
        .limit(1000)
        .execute();
      return (await summaries(ctx, rows)).map((s) => ({
        ...s,
        role: (s.owner.id === userId ? "owner" : "collaborator") as PlaylistRole,
      }));
    },
    { tags: [tags.user(userId)] },
  );
}

export function publicPlaylists(ctx: Context, input: PublicPlaylistsInput): Promise<PlaylistPage> {
  const limit = input.limit ?? 30;
  return getOrSet(
    ctx.cache,
    keys.publicPlaylists(input.cursor ?? undefined, limit),
    TTL.list,
    async () => {
      let q = ctx.db
        .selectFrom("playlists")
        .selectAll()
        .where("is_public", "=", true)
        .where("song_count", ">", 0);
      if (input.cursor) {
        const [at, id] = decodeCursor(input.cursor, ["string", "string"]) as [string, string];
        q = q.where((eb) =>
          eb.or([
            eb("created_at", "<", new Date(at)),
            eb.and([eb("created_at", "=", new Date(at)), eb("id", "<", id)]),
          ]),
        );
      }
      const rows = await q
        .orderBy("created_at", "desc")
        .orderBy("id", "desc")
        .limit(limit + 1)
        .execute();
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return {
        items: await summaries(ctx, page),
        nextCursor:
          rows.length > limit && last ? encodeCursor([last.created_at.toISOString(), last.id]) : null,
      };
    },
    { tags: [tags.publicPlaylists()] },
  );
}

// ---------- changing ----------

type Trx = Transaction<Database>;
type Need = "owner" | "editor";

/**
 * Runs an edit of one playlist in a transaction that holds the playlist's row lock, so edits from
 * several collaborators apply one after the other: positions read inside `edit` are current, and
 * none is lost. Then retires every cached view of the playlist, on every instance.
 */
async function editPlaylist<T>(
  ctx: ProtectedContext,
  playlistId: string,
  need: Need,
  edit: (trx: Trx, playlist: Playlist, members: string[]) => Promise<T>,
): Promise<T> {
  let members: string[] = [];
  let wasPublic = false;
  const result = await ctx.db.transaction().execute(async (trx) => {
    const playlist = await lockPlaylist(trx, playlistId);
    if (!playlist) throw NOT_FOUND_PLAYLIST();
    const collaborators = await collaboratorIds(trx, playlistId);
    const isOwner = playlist.owner_id === ctx.user.id || ctx.user.role === "admin";
    const isCollaborator = collaborators.includes(ctx.user.id);
    if (!isOwner && !isCollaborator) {
      if (!playlist.is_public) throw NOT_FOUND_PLAYLIST();
      throw new TRPCError({
        code: "FORBIDDEN",
        message: "Only the owner and invited collaborators can change this playlist.",
      });
    }
    if (!isOwner && need === "owner") {
      throw new TRPCError({ code: "FORBIDDEN", message: "Only the playlist's owner can do this." });
    }
    if (!isOwner && !playlist.collaborative) {
      throw new TRPCError({
        code: "FORBIDDEN",
        message: "The owner has turned collaboration off for this playlist: it cannot be changed right now.",
      });
    }
    members = [playlist.owner_id, ...collaborators];
    wasPublic = playlist.is_public;
    const value = await edit(trx, playlist, members);
    await trx.updateTable("playlists").set({ updated_at: new Date() }).where("id", "=", playlistId).execute();
    return value;
  });
  await retire(ctx, playlistId, members, wasPublic);
  return result;
}

async function retire(ctx: Context, playlistId: string, members: string[], isPublic: boolean): Promise<void> {
  await ctx.cache.invalidateTags(
    tags.playlist(playlistId),
    ...members.map((m) => tags.user(m)),
    ...(isPublic ? [tags.publicPlaylists()] : []),
  );
}

async function totals(trx: Trx, playlistId: string): Promise<PlaylistEditResult> {
  const row = await trx
    .selectFrom("playlists")
    .select(["song_count", "duration_ms"])
    .where("id", "=", playlistId)
    .executeTakeFirstOrThrow();
  return { playlistId, songCount: row.song_count, durationMs: Number(row.duration_ms) };
}

function badPosition(field: string, position: number, count: number, allowEnd = false): TRPCError {
  const max = allowEnd ? count : count - 1;
  return new TRPCError({
    code: "BAD_REQUEST",
    message:
      count === 0 && !allowEnd
        ? "This playlist is empty."
        : `${field} ${position} is past the end of the playlist: it has ${count} song${count === 1 ? "" : "s"}, so use 0 to ${max}.`,
  });
}

const CHANGED = () =>
  new TRPCError({
    code: "CONFLICT",
    message: "The playlist changed while you were editing it: reload it and try again.",
  });

export async function createPlaylist(
  ctx: ProtectedContext,
  input: CreatePlaylistInput,
): Promise<PlaylistDetail> {
  const row = await ctx.db
    .insertInto("playlists")
    .values({
      owner_id: ctx.user.id,
      name: input.name,
      description: input.description || null,
      is_public: input.isPublic ?? false,
      collaborative: input.collaborative ?? false,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await retire(ctx, row.id, [ctx.user.id], input.isPublic ?? false);
  return getPlaylist(ctx, { id: row.id });
}

export async function updatePlaylist(
  ctx: ProtectedContext,
  input: UpdatePlaylistInput,
): Promise<PlaylistDetail> {
  const becamePublic = await editPlaylist(ctx, input.id, "owner", async (trx) => {
    await trx
      .updateTable("playlists")
      .set({
        ...(input.name !== undefined ? { name: input.name } : {}),
        ...(input.description !== undefined ? { description: input.description || null } : {}),
        ...(input.isPublic !== undefined ? { is_public: input.isPublic } : {}),
        ...(input.collaborative !== undefined ? { collaborative: input.collaborative } : {}),
      })
      .where("id", "=", input.id)
      .execute();
    return input.isPublic === true;
  });
  if (becamePublic) await ctx.cache.invalidateTags(tags.publicPlaylists());
  return getPlaylist(ctx, { id: input.id });
}

export async function deletePlaylist(
  ctx: ProtectedContext,
  id: string,
): Promise<{ id: string; deleted: true }> {
  await editPlaylist(ctx, id, "owner", async (trx) => {
    await trx.deleteFrom("playlists").where("id", "=", id).execute();
  });
  return { id, deleted: true };
}

export async function addSongs(ctx: ProtectedContext, input: AddSongsInput): Promise<PlaylistEditResult> {
  const known = await ctx.db.selectFrom("songs").select("id").where("id", "in", input.songIds).execute();
  const missing = new Set(input.songIds).size - known.length;
  if (missing > 0) {
    throw new TRPCError({
      code: "BAD_REQUEST",
      message:
        input.songIds.length === 1
          ? "This song is not in the catalog any more."
          : missing === 1
            ? "One of these songs is not in the catalog any more: nothing was added."
            : `${missing} of these songs are not in the catalog any more: nothing was added.`,
    });
  }
  return editPlaylist(ctx, input.playlistId, "editor", async (trx, playlist) => {
    const count = playlist.song_count;
    const n = input.songIds.length;
    if (count + n > PLAYLIST_MAX_ITEMS) {
      throw new TRPCError({
        code: "BAD_REQUEST",
        message: `A playlist holds at most ${PLAYLIST_MAX_ITEMS.toLocaleString("en")} songs; this one has ${count.toLocaleString("en")}, so ${n} more do not fit.`,
      });
    }
    const at = input.position ?? count;
    if (at > count) throw badPosition("position", at, count, true);
    if (at < count) {
      await trx
        .updateTable("playlist_items")
        .set((eb) => ({ position: eb("position", "+", n) }))
        .where("playlist_id", "=", input.playlistId)
        .where("position", ">=", at)
        .execute();
    }
    await trx
      .insertInto("playlist_items")
      .values(
        input.songIds.map((songId, i) => ({
          playlist_id: input.playlistId,
          song_id: songId,
          position: at + i,
          added_by: ctx.user.id,
        })),
      )
      .execute();
    return totals(trx, input.playlistId);
  });
}

export async function removeSong(ctx: ProtectedContext, input: RemoveSongInput): Promise<PlaylistEditResult> {
  return editPlaylist(ctx, input.playlistId, "editor", async (trx, playlist) => {
    const item = await trx
      .selectFrom("playlist_items")
      .select(["id", "song_id"])
      .where("playlist_id", "=", input.playlistId)
      .where("position", "=", input.position)
      .executeTakeFirst();
    if (!item) throw badPosition("position", input.position, playlist.song_count);
    if (input.songId && item.song_id !== input.songId) throw CHANGED();
    // The delete trigger closes the gap (migration 004).
    await trx.deleteFrom("playlist_items").where("id", "=", item.id).execute();
    return totals(trx, input.playlistId);
  });
}

export async function reorder(ctx: ProtectedContext, input: ReorderInput): Promise<PlaylistEditResult> {
  return editPlaylist(ctx, input.playlistId, "editor", async (trx, playlist) => {
    const count = playlist.song_count;
    if (input.from >= count) throw badPosition("from", input.from, count);
    if (input.to >= count) throw badPosition("to", input.to, count);
    if (input.songId) {
      const item = await trx
        .selectFrom("playlist_items")
        .select("song_id")
        .where("playlist_id", "=", input.playlistId)
        .where("position", "=", input.from)
        .executeTakeFirst();
      if (item?.song_id !== input.songId) throw CHANGED();
    }
    if (input.from !== input.to) {
      const { from, to } = input;
      // One statement moves the item and shifts the run between; the unique check waits for commit.
      const shift = from < to ? -1 : 1;
      await sql`update playlist_items
        set position = case when position = ${from}::int then ${to}::int else position + ${shift}::int end
        where playlist_id = ${input.playlistId}
          and position between ${Math.min(from, to)}::int and ${Math.max(from, to)}::int`.execute(trx);
    }
    return totals(trx, input.playlistId);
  });
}

export async function copyPlaylist(ctx: ProtectedContext, input: CopyPlaylistInput): Promise<PlaylistDetail> {
  const header = await loadHeader(ctx, input.id);
  if (!header || (!roleOf(header, ctx.user) && ctx.user.role !== "admin")) throw NOT_FOUND_PLAYLIST();
  const name = input.name ?? `${header.name} (copy)`.slice(0, 100);
  const id = await ctx.db.transaction().execute(async (trx) => {
    const copy = await trx
      .insertInto("playlists")
      .values({ owner_id: ctx.user.id, name, description: header.description, copied_from: header.id })
      .returning("id")
      .executeTakeFirstOrThrow();
    await sql`insert into playlist_items (playlist_id, song_id, position, added_by)
      select ${copy.id}, song_id, position, ${ctx.user.id} from playlist_items
      where playlist_id = ${header.id} order by position`.execute(trx);
    return copy.id;
  });
  await retire(ctx, id, [ctx.user.id], false);
  return getPlaylist(ctx, { id });
}

export async function addCollaborator(
  ctx: ProtectedContext,
  input: CollaboratorInput,
): Promise<PlaylistDetail> {
  const invitee = await ctx.db
    .selectFrom("users")
    .select(["id", "email", "name"])
    .where((eb) =>
      input.userId
        ? eb("id", "=", input.userId)
        : eb(eb.fn("lower", ["email"]), "=", input.email!.toLowerCase()),
    )
    .executeTakeFirst();
  if (!invitee) {
    throw new TRPCError({
      code: "NOT_FOUND",
      message: input.email
        ? `No one on this Chorus server uses ${input.email}: ask them to sign up first.`
        : "No one on this Chorus server has that id.",
    });
  }
  const added = await editPlaylist(ctx, input.playlistId, "owner", async (trx, playlist, members) => {
    if (invitee.id === playlist.owner_id) {
      throw new TRPCError({ code: "BAD_REQUEST", message: "The owner can already edit this playlist." });
    }
    await trx
      .insertInto("playlist_collaborators")
      .values({ playlist_id: input.playlistId, user_id: invitee.id })
      .onConflict((oc) => oc.doNothing())
      .execute();
    // Inviting someone is asking them to collaborate: turn collaboration on.
    await trx
      .updateTable("playlists")
      .set({ collaborative: true })
      .where("id", "=", input.playlistId)
      .execute();
    members.push(invitee.id);
    return playlist;
  });
  const inviter = await ctx.db
    .selectFrom("users")
    .select(["name", "email"])
    .where("id", "=", ctx.user.id)
    .executeTakeFirst();
  sendInBackground(
    ctx,
    playlistInviteMail(invitee.email, inviter?.name || inviter?.email || "Someone", added.name),
  );
  return getPlaylist(ctx, { id: input.playlistId });
}

/** The owner removes a collaborator; a collaborator may also remove themselves (leave). */
export async function removeCollaborator(
  ctx: ProtectedContext,
  input: CollaboratorInput,
): Promise<{ removed: boolean }> {
  const target = input.userId
    ? input.userId
    : (
        await ctx.db
          .selectFrom("users")
          .select("id")
          .where(sql<string>`lower(email)`, "=", input.email!.toLowerCase())
          .executeTakeFirst()
      )?.id;
  const leaving = target === ctx.user.id;
  const removed = await editPlaylist(
    ctx,
    input.playlistId,
    leaving ? "editor" : "owner",
    async (trx, _p, members) => {
      if (!target) return false;
      const result = await trx
        .deleteFrom("playlist_collaborators")
        .where("playlist_id", "=", input.playlistId)
        .where("user_id", "=", target)
        .executeTakeFirst();
      if (!members.includes(target)) members.push(target);
      return Number(result.numDeletedRows) > 0;
    },
  ).catch((error: unknown) => {
    // Leaving a playlist whose collaboration was switched off is still allowed.
    if (leaving && error instanceof TRPCError && error.code === "FORBIDDEN")
      return leaveAnyway(ctx, input.playlistId);
    throw error;
  });
  return { removed };
}

async function leaveAnyway(ctx: ProtectedContext, playlistId: string): Promise<boolean> {
  const result = await ctx.db
    .deleteFrom("playlist_collaborators")
    .where("playlist_id", "=", playlistId)
    .where("user_id", "=", ctx.user.id)
    .executeTakeFirst();
  const playlist = await findPlaylist(ctx.db, playlistId);
  await retire(
    ctx,
    playlistId,
    [ctx.user.id, ...(playlist ? [playlist.owner_id] : [])],
    playlist?.is_public ?? false,
  );
  return Number(result.numDeletedRows) > 0;
}
