// Live listening sessions (decision 009). The session row is the single source of truth for the
// playback state; every change runs in one transaction that locks the row (`select ... for update`),
// checks who may do it, applies it, appends its events to the log and bumps the idle expiry. Changes
// to one session therefore serialize and converge; the events go out on the bus after the commit.
import { randomInt } from "node:crypto";
import {
  type ChatHistoryInput,
  type ChatMessage,
  type ControlInput,
  type CreateSessionInput,
  type JoinSessionResult,
  type MemberInput,
  type MySession,
  type Page,
  type Participant,
  type PlaybackState,
  type QueueAddInput,
  type QueueRemoveInput,
  type QueueReorderInput,
  SESSION_CODE_ALPHABET,
  SESSION_CODE_LENGTH,
  SESSION_IDLE_EXPIRY_MS,
  SESSION_MEMBERS_MAX,
  SESSION_QUEUE_MAX,
  type SendChatInput,
  type SessionEvent,
  type SessionEventsInput,
  type SessionRole,
  type SessionSummary,
  type SessionView,
  type SetRoleInput,
  type Song,
} from "@chorus/contracts";
import { TRPCError, tracked } from "@trpc/server";
import { sql } from "kysely";
import type { z } from "zod";
import type { ApiDeps, Context } from "../../context.js";
import { tooManyRequests } from "../../errors.js";
import type { ProtectedContext } from "../../trpc.js";
import { decodeCursor, encodeCursor, loadSongs } from "../catalog/catalog.service.js";
import {
  appendEvents,
  type LoggedEvent,
  oldestLogged,
  PRESENCE_STALE_MS,
  publishEvents,
  type Q,
  readLog,
  SessionHub,
} from "./sessions.events.js";
import {
  findParticipant,
  findSession,
  findSessionById,
  listParticipants,
  type ParticipantRow,
  participantView,
  type SessionRow,
  toParticipant,
  userName,
} from "./sessions.queries.js";
import {
  addToQueue,
  applyControl,
  playbackColumns,
  positionAt,
  removeFromQueue,
  reorderQueue,
  toPlayback,
} from "./sessions.state.js";

type Code = string;
/** What the session machinery needs beyond a request: the background jobs pass these alone. */
export type SessionDeps = Pick<ApiDeps, "db" | "bus"> & { log: Pick<ApiDeps["log"], "warn"> };
type In<T extends z.ZodType> = z.output<T>;

// ---------- errors a person can act on ----------

const noSuchSession = (code: Code) =>
  new TRPCError({
    code: "NOT_FOUND",
    message: `No session has the code ${code}: check the code with the person who shared it.`,
  });
const sessionEnded = (code: Code) =>
  new TRPCError({
    code: "NOT_FOUND",
    message: `The session ${code} has ended: start a new one or join another.`,
  });
const forbidden = (message: string) => new TRPCError({ code: "FORBIDDEN", message });
const badRequest = (message: string) => new TRPCError({ code: "BAD_REQUEST", message });

// ---------- the transaction every change runs in ----------

interface Change<T> {
  result: T;
  events?: SessionEvent[];
  /** live_sessions columns to set besides the counter and the expiry. */
  columns?: Record<string, unknown>;
}

/**
 * Runs `apply` with the session row locked. Its events get their ids and go into the log in the same
 * transaction; after the commit they are published. Nothing changes when `apply` throws.
 */
async function inSession<T>(
  ctx: SessionDeps,
  where: { code: Code; as?: string } | { id: string },
  apply: (trx: Q, session: SessionRow, caller: ParticipantRow | undefined) => Promise<Change<T>>,
  options: { allowEnded?: boolean } = {},
): Promise<T> {
  const { result, sessionId, logged } = await ctx.db.transaction().execute(async (trx) => {
    const found =
      "code" in where
        ? where.as
          ? await findWithCaller(trx, where.code, where.as, { lock: true })
          : { session: await findSession(trx, where.code, true), caller: undefined }
        : { session: await findSessionById(trx, where.id, true), caller: undefined };
    const session = found.session;
    if (!session) throw noSuchSession("code" in where ? where.code : "given");
    if (session.ended_at && !options.allowEnded) throw sessionEnded(session.code);
    const change = await apply(trx, session, found.caller);
    const events = change.events ?? [];
    let logged: LoggedEvent[] = [];
    if (events.length > 0 || change.columns) {
      logged = await appendEvents(
        trx,
        session.id,
        events,
        change.columns,
        new Date(Date.now() + SESSION_IDLE_EXPIRY_MS),
      );
    }
    return { result: change.result, sessionId: session.id, logged };
  });
  await publishEvents(ctx, sessionId, logged);
  return result;
}

/**
 * The session row and the caller's participant row, in one round trip: every command pays it while
 * holding the lock (`lock`), and every subscription start pays it too (10,000 sockets open at once at
 * times).
 */
async function findWithCaller(
  db: Q,
  code: Code,
  userId: string,
  { lock }: { lock: boolean },
): Promise<{ session: SessionRow | undefined; caller: ParticipantRow | undefined }> {
  const query = db
    .selectFrom("live_sessions as s")
    .leftJoin("session_participants as p", (join) =>
      join.onRef("p.session_id", "=", "s.id").on("p.user_id", "=", userId),
    )
    .selectAll("s")
    .select([
      "p.user_id as p_user_id",
      "p.role as p_role",
      "p.status as p_status",
      "p.left_at as p_left_at",
      "p.kicked as p_kicked",
      "p.joined_at as p_joined_at",
      "p.legacy_id as p_legacy_id",
    ])
    .where("s.code", "=", code);
  const row = await (lock ? query.forUpdate("s") : query).executeTakeFirst();
  if (!row) return { session: undefined, caller: undefined };
  const { p_user_id, p_role, p_status, p_left_at, p_kicked, p_joined_at, p_legacy_id, ...session } = row;
  return {
    session,
    caller: p_user_id
      ? {
          session_id: session.id,
          user_id: p_user_id,
          role: p_role!,
          status: p_status!,
          left_at: p_left_at,
          kicked: p_kicked!,
          joined_at: p_joined_at!,
          legacy_id: p_legacy_id,
        }
      : undefined,
  };
}

/** The caller as an active member (not pending, not gone), or the error that explains why not. */
async function requireMember(trx: Q, session: SessionRow, userId: string): Promise<ParticipantRow> {
  return checkMember(session, await findParticipant(trx, session.id, userId));
}

function checkMember(session: SessionRow, me: ParticipantRow | undefined): ParticipantRow {
  if (me && !me.left_at && me.status === "member") return me;
  // A private session does not exist for those outside it.
  if (session.is_private && !(me && !me.left_at)) throw noSuchSession(session.code);
  if (me?.kicked) throw forbidden("The host removed you from this session.");
  if (me && !me.left_at) throw forbidden("The host has not let you in yet: wait for them to approve you.");
  throw forbidden(`You are not in this session: join it with the code ${session.code} first.`);
}

function requireRole(me: ParticipantRow, roles: SessionRole[], message: string): void {
  if (!roles.includes(me.role)) throw forbidden(message);
}

const ONLY_HOST_DJ_CONTROL = "Only the host and DJs can control playback: ask the host to make you a DJ.";
const ONLY_HOST = (what: string) => `Only the host can ${what}.`;

// ---------- codes ----------

function newCode(): string {
  let code = "";
  for (let i = 0; i < SESSION_CODE_LENGTH; i++)
    code += SESSION_CODE_ALPHABET[randomInt(SESSION_CODE_ALPHABET.length)];
  return code;
}

// ---------- shaping ----------

function summary(row: SessionRow): SessionSummary {
  return {
    id: row.id,
    code: row.code,
    name: row.name,
    isPrivate: row.is_private,
    hostId: row.host_id,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    endedAt: row.ended_at,
  };
}

async function songsOf(ctx: Context, state: PlaybackState): Promise<Song[]> {
  const ids = [...new Set(state.queue.map((q) => q.songId))];
  const songs = await loadSongs(ctx, ids);
  return ids.flatMap((id) => songs.get(id) ?? []);
}

/**
 * The room as `userId` sees it, read in one snapshot of the database, so that `lastEventId` is
 * exactly the last event it includes.
 */
async function loadView(
  ctx: Context,
  where: { code: Code } | { id: string },
  userId: string,
): Promise<SessionView> {
  const { session, participants, me } = await ctx.db
    .transaction()
    .setIsolationLevel("repeatable read")
    .execute(async (trx) => {
      const session =
        "code" in where ? await findSession(trx, where.code) : await findSessionById(trx, where.id);
      if (!session) throw noSuchSession("code" in where ? where.code : "given");
      const participants = await listParticipants(trx, session.id);
      const mine = participants.find((p) => p.userId === userId && p.status === "member");
      // Not among the members: read their row for the reason.
      const me = mine ?? (await requireMember(trx, session, userId));
      return { session, participants, me };
    });
  const state = toPlayback(session);
  return {
    session: summary(session),
    state,
    participants,
    songs: await songsOf(ctx, state),
    me: { role: me.role, status: me.status },
    lastEventId: String(session.last_event_id),
  };
}

async function systemMessage(trx: Q, sessionId: string, text: string): Promise<SessionEvent> {
  const row = await trx
    .insertInto("chat_messages")
    .values({ session_id: sessionId, user_id: null, kind: "system", body: text })
    .returning(["id", "created_at"])
    .executeTakeFirstOrThrow();
  return {
    type: "chat",
    message: { id: row.id, userId: null, userName: null, kind: "system", text, createdAt: row.created_at },
  };
}

/** Songs by id, in the catalog; refuses (changing nothing) when any is missing. */
async function requireSongs(ctx: Context, songIds: readonly string[]): Promise<Map<string, Song>> {
  const songs = await loadSongs(ctx, songIds);
  const missing = [...new Set(songIds)].filter((id) => !songs.has(id));
  if (missing.length > 0) {
    throw new TRPCError({
      code: "NOT_FOUND",
      message: `${missing.length === 1 ? "A song" : `${missing.length} songs`} you picked ${missing.length === 1 ? "is" : "are"} not in the catalog (${missing.slice(0, 3).join(", ")}${missing.length > 3 ? ", ..." : ""}): it may have been deleted.`,
    });
  }
  return songs;
}

// ---------- create, join, leave ----------

export async function createSession(
  ctx: ProtectedContext,
  input: In<typeof CreateSessionInput>,
): Promise<SessionView> {
  const songIds = input.songIds ?? [];
  if (songIds.length > 0) await requireSongs(ctx, songIds);
  const name = input.name || `${await userName(ctx.db, ctx.user.id)}'s session`;
  const queue = songIds.map((songId) => ({ id: crypto.randomUUID(), songId, addedBy: ctx.user.id }));
  for (let attempt = 0; attempt < 20; attempt++) {
    const code = newCode();
    const created = await ctx.db.transaction().execute(async (trx) => {
      const row = await trx
        .insertInto("live_sessions")
        .values({
          code,
          name,
          host_id: ctx.user.id,
          is_private: input.isPrivate,
          queue: JSON.stringify(queue),
          expires_at: new Date(Date.now() + SESSION_IDLE_EXPIRY_MS),
        })
        // Another session has this code: pick another (31^6 codes make this rare).
        .onConflict((oc) => oc.column("code").doNothing())
        .returning("id")
        .executeTakeFirst();
      if (!row) return null;
      await trx
        .insertInto("session_participants")
        .values({ session_id: row.id, user_id: ctx.user.id, role: "host", status: "member" })
        .execute();
      return row.id;
    });
    if (created) return loadView(ctx, { id: created }, ctx.user.id);
  }
  throw new TRPCError({
    code: "INTERNAL_SERVER_ERROR",
    message: "Could not find a free session code: try again in a moment.",
  });
}

export async function joinSession(ctx: ProtectedContext, code: Code): Promise<JoinSessionResult> {
  const status = await inSession(ctx, { code }, async (trx, session) => {
    const me = await findParticipant(trx, session.id, ctx.user.id);
    if (me?.kicked) throw forbidden("The host removed you from this session, so you cannot join it again.");
    if (me && !me.left_at) return { result: me.status };
    const members = await trx
      .selectFrom("session_participants")
      .select((eb) => eb.fn.countAll<string>().as("n"))
      .where("session_id", "=", session.id)
      .where("left_at", "is", null)
      .executeTakeFirstOrThrow();
    if (Number(members.n) >= SESSION_MEMBERS_MAX) {
      throw forbidden(`This session is full (${SESSION_MEMBERS_MAX} people): ask the host to make room.`);
    }
    const status = session.is_private ? ("pending" as const) : ("member" as const);
    const values = { role: "listener" as const, status, joined_at: new Date(), left_at: null, kicked: false };
    await trx
      .insertInto("session_participants")
      .values({ session_id: session.id, user_id: ctx.user.id, ...values })
      .onConflict((oc) => oc.columns(["session_id", "user_id"]).doUpdateSet(values))
      .execute();
    const participant = await participantView(trx, session.id, ctx.user.id);
    const events: SessionEvent[] =
      status === "member"
        ? [
            await systemMessage(trx, session.id, `${participant.name} joined`),
            { type: "presence", change: "join", participant },
          ]
        : [{ type: "presence", change: "request", participant }];
    return { result: status, events };
  });
  return {
    code,
    status,
    view: status === "member" ? await loadView(ctx, { code }, ctx.user.id) : null,
  };
}

/** The host lets someone waiting into a private session. */
export async function approveMember(ctx: ProtectedContext, input: In<typeof MemberInput>) {
  await inSession(ctx, { code: input.code, as: ctx.user.id }, async (trx, session, caller) => {
    const me = checkMember(session, caller);
    requireRole(me, ["host"], ONLY_HOST("let people in"));
    const them = await findParticipant(trx, session.id, input.userId);
    if (!them || them.left_at)
      throw new TRPCError({
        code: "NOT_FOUND",
        message: "That person is not asking to join this session (they may have given up).",
      });
    if (them.status === "member") return { result: undefined };
    await trx
      .updateTable("session_participants")
      .set({ status: "member", joined_at: new Date() })
      .where("session_id", "=", session.id)
      .where("user_id", "=", input.userId)
      .execute();
    const participant = await participantView(trx, session.id, input.userId);
    return {
      result: undefined,
      events: [
        await systemMessage(trx, session.id, `${participant.name} joined`),
        { type: "presence", change: "join", participant },
      ],
    };
  });
  return { ok: true as const };
}

/** The host turns down someone waiting; they may ask again. */
export async function denyMember(ctx: ProtectedContext, input: In<typeof MemberInput>) {
  await inSession(ctx, { code: input.code, as: ctx.user.id }, async (trx, session, caller) => {
    const me = checkMember(session, caller);
    requireRole(me, ["host"], ONLY_HOST("turn people away"));
    const them = await findParticipant(trx, session.id, input.userId);
    if (!them || them.left_at || them.status !== "pending") {
      throw new TRPCError({ code: "NOT_FOUND", message: "That person is not waiting to join this session." });
    }
    const participant = await participantView(trx, session.id, input.userId);
    await trx
      .deleteFrom("session_participants")
      .where("session_id", "=", session.id)
      .where("user_id", "=", input.userId)
      .execute();
    return { result: undefined, events: [{ type: "presence", change: "leave", participant }] };
  });
  return { ok: true as const };
}

/** The member who takes over from a leaving host: the longest-present DJ, else the longest-present member. */
async function successor(trx: Q, sessionId: string, leaving: string): Promise<string | null> {
  const row = await trx
    .selectFrom("session_participants")
    .select("user_id")
    .where("session_id", "=", sessionId)
    .where("user_id", "!=", leaving)
    .where("left_at", "is", null)
    .where("status", "=", "member")
    .orderBy(sql`role = 'dj'`, "desc")
    .orderBy("joined_at")
    .orderBy("user_id")
    .limit(1)
    .executeTakeFirst();
  return row?.user_id ?? null;
}

export async function leaveSession(ctx: ProtectedContext, code: Code) {
  await inSession(ctx, { code }, async (trx, session) => {
    const me = await findParticipant(trx, session.id, ctx.user.id);
    if (!me || me.left_at) {
      if (session.is_private) throw noSuchSession(code);
      return { result: undefined };
    }
    const participant = await participantView(trx, session.id, ctx.user.id);
    if (me.status === "pending") {
      await trx
        .deleteFrom("session_participants")
        .where("session_id", "=", session.id)
        .where("user_id", "=", ctx.user.id)
        .execute();
      return { result: undefined, events: [{ type: "presence", change: "leave", participant }] };
    }
    await trx
      .updateTable("session_participants")
      .set({ left_at: new Date(), role: "listener" })
      .where("session_id", "=", session.id)
      .where("user_id", "=", ctx.user.id)
      .execute();
    const events: SessionEvent[] = [{ type: "presence", change: "leave", participant }];
    const next = me.role === "host" ? await successor(trx, session.id, ctx.user.id) : undefined;
    if (next === null) {
      // The last one out ends it.
      events.push({ type: "ended", reason: "host" });
      return {
        result: undefined,
        events,
        columns: { ended_at: new Date(), is_active: false, host_id: null },
      };
    }
    events.push(await systemMessage(trx, session.id, `${participant.name} left`));
    if (next) {
      await trx
        .updateTable("session_participants")
        .set({ role: "host" })
        .where("session_id", "=", session.id)
        .where("user_id", "=", next)
        .execute();
      events.push({
        type: "presence",
        change: "role",
        participant: await participantView(trx, session.id, next),
      });
      return { result: undefined, events, columns: { host_id: next } };
    }
    return { result: undefined, events };
  });
  return { ok: true as const };
}

// ---------- reading ----------

export async function getSession(ctx: ProtectedContext, code: Code): Promise<SessionView> {
  const view = await loadView(ctx, { code }, ctx.user.id);
  return view;
}

export async function mySessions(ctx: ProtectedContext): Promise<MySession[]> {
  const rows = await ctx.db
    .selectFrom("session_participants as me")
    .innerJoin("live_sessions as s", "s.id", "me.session_id")
    .selectAll("s")
    .select([
      "me.role as my_role",
      "me.status as my_status",
      sql<number>`(select count(*)::int from session_participants p
        where p.session_id = s.id and p.left_at is null and p.status = 'member')`.as("member_count"),
    ])
    .where("me.user_id", "=", ctx.user.id)
    .where("me.left_at", "is", null)
    .where("s.ended_at", "is", null)
    .orderBy("me.joined_at", "desc")
    .limit(50)
    .execute();
  return rows.map((r) => ({
    ...summary(r),
    role: r.my_role,
    status: r.my_status,
    memberCount: r.member_count,
  }));
}

// ---------- playback ----------

async function durations(trx: Q, songIds: (string | null | undefined)[]): Promise<Map<string, number>> {
  const ids = [...new Set(songIds.filter((id): id is string => !!id))];
  if (ids.length === 0) return new Map();
  const rows = await trx.selectFrom("songs").select(["id", "duration_ms"]).where("id", "in", ids).execute();
  return new Map(rows.map((r) => [r.id, Number(r.duration_ms)]));
}

function checkVersion(state: PlaybackState, version: number | undefined): void {
  if (version !== undefined && version !== state.version) {
    throw new TRPCError({
      code: "CONFLICT",
      message: `Someone changed the session first (you acted on version ${version}, it is now at ${state.version}): look at what is playing now and try again.`,
    });
  }
}

export async function control(ctx: ProtectedContext, input: In<typeof ControlInput>): Promise<PlaybackState> {
  return inSession(ctx, { code: input.code, as: ctx.user.id }, async (trx, session, caller) => {
    const me = checkMember(session, caller);
    const state = toPlayback(session);
    if (me.role !== "host" && me.role !== "dj") {
      // Any member's player may move the room on once the song is over, so a room keeps playing while
      // its host and DJs are offline. The server's clock decides whether it is over, and the version
      // makes only the first of several players count.
      if (input.action !== "next" || input.version === undefined) throw forbidden(ONLY_HOST_DJ_CONTROL);
      checkVersion(state, input.version);
      if (!(await songIsOver(trx, state, new Date()))) throw forbidden(ONLY_HOST_DJ_CONTROL);
    }
    checkVersion(state, input.version);
    const target = input.itemId ? state.queue.find((q) => q.id === input.itemId)?.songId : undefined;
    // Positions are checked against the song's length; next and previous start songs at 0.
    const lengths =
      input.action === "next" || input.action === "previous"
        ? new Map<string, number>()
        : await durations(trx, [
            state.songId,
            state.currentItemId ? undefined : state.queue[0]?.songId,
            target,
          ]);
    const next = applyControl(state, input, new Date(), (id) => lengths.get(id));
    return {
      result: next,
      columns: playbackColumns(next),
      events: [{ type: "state", state: next, action: input.action, by: ctx.user.id }],
    };
  });
}

/** A player's "the song ended" may come this much before the server's clock gets there. */
const SONG_END_SLACK_MS = 1500;

async function songIsOver(trx: Q, state: PlaybackState, now: Date): Promise<boolean> {
  if (!state.playing || !state.songId) return false;
  const length = (await durations(trx, [state.songId])).get(state.songId);
  return length !== undefined && positionAt(state, now) >= length - SONG_END_SLACK_MS;
}

export async function queueAdd(
  ctx: ProtectedContext,
  input: In<typeof QueueAddInput>,
): Promise<PlaybackState> {
  const songs = await requireSongs(ctx, input.songIds);
  return inSession(ctx, { code: input.code, as: ctx.user.id }, async (_trx, session, caller) => {
    const me = checkMember(session, caller);
    // Listeners may suggest songs at the end of the queue; jumping the line is for the host and DJs.
    if (input.at === "next") {
      requireRole(me, ["host", "dj"], "Only the host and DJs can put songs next: add it to the end instead.");
    }
    const state = toPlayback(session);
    if (state.queue.length + input.songIds.length > SESSION_QUEUE_MAX) {
      throw badRequest(
        `The queue holds at most ${SESSION_QUEUE_MAX} songs and has ${state.queue.length}: remove some before adding ${input.songIds.length} more.`,
      );
    }
    const before = new Set(state.queue.map((q) => q.songId));
    const items = input.songIds.map((songId) => ({ id: crypto.randomUUID(), songId, addedBy: ctx.user.id }));
    const next = addToQueue(state, items, input.at);
    const added = [...new Set(input.songIds)]
      .filter((id) => !before.has(id))
      .flatMap((id) => songs.get(id) ?? []);
    return {
      result: next,
      columns: playbackColumns(next),
      events: [{ type: "queue", state: next, change: "add", songs: added, by: ctx.user.id }],
    };
  });
}

export async function queueRemove(
  ctx: ProtectedContext,
  input: In<typeof QueueRemoveInput>,
): Promise<PlaybackState> {
  return inSession(ctx, { code: input.code, as: ctx.user.id }, async (_trx, session, caller) => {
    const me = checkMember(session, caller);
    const state = toPlayback(session);
    const item = state.queue.find((q) => q.id === input.itemId);
    // Listeners may take back their own suggestions while they are not playing.
    if (me.role === "listener" && (item?.addedBy !== ctx.user.id || state.currentItemId === input.itemId)) {
      throw forbidden(
        "Listeners can remove only songs they added that are not playing: ask the host or a DJ.",
      );
    }
    const next = removeFromQueue(state, input.itemId, new Date());
    return {
      result: next,
      columns: playbackColumns(next),
      events: [{ type: "queue", state: next, change: "remove", songs: [], by: ctx.user.id }],
    };
  });
}

export async function queueReorder(
  ctx: ProtectedContext,
  input: In<typeof QueueReorderInput>,
): Promise<PlaybackState> {
  return inSession(ctx, { code: input.code, as: ctx.user.id }, async (_trx, session, caller) => {
    const me = checkMember(session, caller);
    requireRole(
      me,
      ["host", "dj"],
      "Only the host and DJs can reorder the queue: ask the host to make you a DJ.",
    );
    const state = toPlayback(session);
    checkVersion(state, input.version);
    const next = reorderQueue(state, input.itemId, input.toIndex);
    return {
      result: next,
      columns: playbackColumns(next),
      events: [{ type: "queue", state: next, change: "reorder", songs: [], by: ctx.user.id }],
    };
  });
}

// ---------- roles ----------

export async function setRole(ctx: ProtectedContext, input: In<typeof SetRoleInput>): Promise<Participant> {
  return inSession(ctx, { code: input.code, as: ctx.user.id }, async (trx, session, caller) => {
    const me = checkMember(session, caller);
    requireRole(me, ["host"], ONLY_HOST("change roles"));
    if (input.userId === ctx.user.id) {
      throw badRequest("To stop being host, make someone else host (or leave the session).");
    }
    const them = await findParticipant(trx, session.id, input.userId);
    if (!them || them.left_at || them.status !== "member") {
      throw new TRPCError({ code: "NOT_FOUND", message: "That person is not a member of this session." });
    }
    const setRoleOf = (userId: string, role: SessionRole) =>
      trx
        .updateTable("session_participants")
        .set({ role })
        .where("session_id", "=", session.id)
        .where("user_id", "=", userId)
        .execute();
    await setRoleOf(input.userId, input.role);
    const events: SessionEvent[] = [];
    let columns: Record<string, unknown> | undefined;
    if (input.role === "host") {
      // A hand-over: the old host stays on as a DJ.
      await setRoleOf(ctx.user.id, "dj");
      columns = { host_id: input.userId };
      events.push({
        type: "presence",
        change: "role",
        participant: await participantView(trx, session.id, ctx.user.id),
      });
    }
    const participant = await participantView(trx, session.id, input.userId);
    events.push({ type: "presence", change: "role", participant });
    return { result: participant, events, ...(columns ? { columns } : {}) };
  });
}

export async function kick(ctx: ProtectedContext, input: In<typeof MemberInput>) {
  await inSession(ctx, { code: input.code, as: ctx.user.id }, async (trx, session, caller) => {
    const me = checkMember(session, caller);
    requireRole(me, ["host"], ONLY_HOST("remove people"));
    if (input.userId === ctx.user.id)
      throw badRequest("You cannot remove yourself: leave the session instead.");
    const them = await findParticipant(trx, session.id, input.userId);
    if (!them || them.left_at) {
      throw new TRPCError({ code: "NOT_FOUND", message: "That person is not in this session." });
    }
    await trx
      .updateTable("session_participants")
      .set({ left_at: new Date(), kicked: true, role: "listener" })
      .where("session_id", "=", session.id)
      .where("user_id", "=", input.userId)
      .execute();
    const participant = await participantView(trx, session.id, input.userId);
    return { result: undefined, events: [{ type: "presence", change: "kick", participant }] };
  });
  return { ok: true as const };
}

export async function endSession(ctx: ProtectedContext, code: Code) {
  await inSession(ctx, { code, as: ctx.user.id }, async (_trx, session, caller) => {
    const me = checkMember(session, caller);
    requireRole(me, ["host"], ONLY_HOST("end the session"));
    return {
      result: undefined,
      events: [{ type: "ended", reason: "host" }],
      columns: { ended_at: new Date(), is_active: false, playing: false },
    };
  });
  return { ok: true as const };
}

// ---------- chat ----------

export async function sendChat(ctx: ProtectedContext, input: In<typeof SendChatInput>): Promise<ChatMessage> {
  const session = await findSession(ctx.db, input.code);
  if (!session) throw noSuchSession(input.code);
  if (session.ended_at) throw sessionEnded(input.code);
  await requireMember(ctx.db, session, ctx.user.id);
  // A retry of a message already stored answers it again (and is not counted against the limit).
  const existing = input.clientId ? await findChat(ctx, session.id, input.clientId) : undefined;
  if (existing) return existing;
  // Reactions count apart from messages: a tap on 🔥 does not hold back the message being typed.
  const reaction = input.kind === "reaction";
  const limit = await ctx.limiter.hit(
    `${reaction ? "react" : "chat"}:${session.id}:${ctx.user.id}`,
    CHAT_PER_SECOND,
    1,
  );
  if (!limit.allowed) {
    throw tooManyRequests(
      limit.retryAfterSeconds,
      reaction ? "One reaction a second: wait a moment" : "You are sending messages too fast",
    );
  }
  return inSession(ctx, { code: input.code, as: ctx.user.id }, async (trx, locked, caller) => {
    checkMember(locked, caller);
    const row = await trx
      .insertInto("chat_messages")
      .values({
        session_id: locked.id,
        user_id: ctx.user.id,
        kind: input.kind,
        body: input.text,
        client_id: input.clientId ?? null,
      })
      .onConflict((oc) => oc.columns(["session_id", "user_id", "client_id"]).doNothing())
      .returning(["id", "created_at"])
      .executeTakeFirst();
    if (!row) {
      // The same message raced in twice: the first one stands.
      const first = await findChat({ ...ctx, db: trx } as ProtectedContext, locked.id, input.clientId!);
      return { result: first! };
    }
    const message: ChatMessage = {
      id: row.id,
      userId: ctx.user.id,
      userName: await userName(trx, ctx.user.id),
      kind: input.kind,
      text: input.text,
      createdAt: row.created_at,
    };
    return { result: message, events: [{ type: "chat", message }] };
  });
}

const CHAT_PER_SECOND = 1;

function chatQuery(db: Q, sessionId: string) {
  return db
    .selectFrom("chat_messages as m")
    .leftJoin("users as u", "u.id", "m.user_id")
    .select(["m.id", "m.user_id", "u.name", "m.kind", "m.body", "m.created_at"])
    .where("m.session_id", "=", sessionId);
}

type ChatRow = Awaited<ReturnType<ReturnType<typeof chatQuery>["execute"]>>[number];
const toMessage = (r: ChatRow): ChatMessage => ({
  id: r.id,
  userId: r.user_id,
  userName: r.user_id ? (r.name ?? "A listener") : null,
  kind: r.kind,
  text: r.body,
  createdAt: r.created_at,
});

async function findChat(ctx: Context, sessionId: string, clientId: string): Promise<ChatMessage | undefined> {
  const row = await chatQuery(ctx.db, sessionId)
    .where("m.user_id", "=", (ctx as ProtectedContext).user.id)
    .where("m.client_id", "=", clientId)
    .executeTakeFirst();
  return row ? toMessage(row) : undefined;
}

export async function chatHistory(
  ctx: ProtectedContext,
  input: In<typeof ChatHistoryInput>,
): Promise<Page<ChatMessage>> {
  const session = await findSession(ctx.db, input.code);
  if (!session) throw noSuchSession(input.code);
  await requireMember(ctx.db, session, ctx.user.id);
  let query = chatQuery(ctx.db, session.id)
    .orderBy("m.created_at", "desc")
    .orderBy("m.id", "desc")
    .limit(input.limit + 1);
  if (input.cursor) {
    const [at, id] = decodeCursor(input.cursor, ["string", "string"]) as [string, string];
    query = query.where(sql<boolean>`(m.created_at, m.id) < (${new Date(at)}, ${id}::uuid)`);
  }
  const rows = await query.execute();
  const items = rows.slice(0, input.limit).map(toMessage);
  const last = items.at(-1);
  return {
    items,
    nextCursor:
      rows.length > input.limit && last ? encodeCursor([last.createdAt.toISOString(), last.id]) : null,
  };
}

// ---------- the events stream ----------

const hubs = new WeakMap<object, SessionHub>();

/** This instance's hub (one per event bus: two instances in one test process keep theirs apart). */
export function hubFor(deps: SessionDeps): SessionHub {
  let hub = hubs.get(deps.bus);
  if (!hub) {
    // Only the long-lived parts: `deps` may be the context of the request that came first.
    const base: SessionDeps = { db: deps.db, bus: deps.bus, log: deps.log };
    hub = new SessionHub(base, {
      opened: (sessionId, userId, instanceId) =>
        presenceChanged(base, sessionId, userId, instanceId, "online"),
      closed: (sessionId, userId, instanceId) =>
        presenceChanged(base, sessionId, userId, instanceId, "offline"),
    });
    hubs.set(deps.bus, hub);
  }
  return hub;
}

const freshPresence = sql<boolean>`seen_at > now() - make_interval(secs => ${PRESENCE_STALE_MS / 1000})`;

/**
 * A member's first subscription on an instance opened, or the last one closed: record it, and tell
 * the room when it makes them online or offline across every instance.
 */
async function presenceChanged(
  deps: SessionDeps,
  sessionId: string,
  userId: string,
  instanceId: string,
  change: "online" | "offline",
): Promise<void> {
  await inSession(
    deps,
    { id: sessionId },
    async (trx, session) => {
      // One statement: record the change, and read whether another instance has them and who they are.
      const record =
        change === "online"
          ? sql`insert into session_presence (session_id, user_id, instance_id)
                values (${sessionId}, ${userId}, ${instanceId})
                on conflict (session_id, user_id, instance_id) do update set seen_at = now()`
          : sql`delete from session_presence
                where session_id = ${sessionId} and user_id = ${userId} and instance_id = ${instanceId}`;
      const { rows } = await sql<{
        elsewhere: boolean;
        user_id: string;
        role: SessionRole;
        status: "member" | "pending";
        left_at: Date | null;
        joined_at: Date;
        name: string | null;
        avatar_key: string | null;
        avatar_url: string | null;
      }>`with change as (${record} returning 1)
        select exists (
            select 1 from session_presence sp
            where sp.session_id = p.session_id and sp.user_id = p.user_id and sp.instance_id <> ${instanceId}
              and sp.seen_at > now() - make_interval(secs => ${PRESENCE_STALE_MS / 1000})
          ) as elsewhere,
          (select count(*) from change) as changed,
          p.user_id, p.role, p.status, p.left_at, p.joined_at, u.name, u.avatar_key, u.avatar_url
        from session_participants p join users u on u.id = p.user_id
        where p.session_id = ${sessionId} and p.user_id = ${userId}`.execute(trx);
      const me = rows[0];
      if (session.ended_at || !me || me.elsewhere || me.left_at || me.status !== "member") {
        return { result: undefined };
      }
      const participant = toParticipant({ ...me, online: change === "online" });
      return { result: undefined, events: [{ type: "presence", change, participant }] };
    },
    { allowEnded: true },
  );
}

const parseEventId = (id: string | null | undefined): number | null =>
  id && /^\d{1,15}$/.test(id) ? Number(id) : null;

/** Whether a member's stream ends with this event: the session ended, or they left or were removed. */
function isLast(event: SessionEvent, userId: string): boolean {
  if (event.type === "ended") return true;
  return (
    event.type === "presence" &&
    (event.change === "kick" || event.change === "leave") &&
    event.participant.userId === userId
  );
}

/** The session's id when the caller may follow it; else the error that says why not. */
async function memberSessionId(ctx: ProtectedContext, code: Code, userId: string): Promise<string> {
  const { session, caller } = await findWithCaller(ctx.db, code, userId, { lock: false });
  if (!session) throw noSuchSession(code);
  checkMember(session, caller);
  return session.id;
}

/** Yields a snapshot of the room; its frame (and the view) is gone once it returns the id. */
async function* snapshotEvent(ctx: Context, sessionId: string, userId: string) {
  const view = await loadView(ctx, { id: sessionId }, userId);
  yield tracked(view.lastEventId, { type: "snapshot", view } as SessionEvent);
  return { id: Number(view.lastEventId), ended: view.session.endedAt !== null };
}

/**
 * The session's events for one member: missed ones first (from the log after `lastEventId`, or a
 * snapshot when that is too old or absent), then live ones, each once and in id order.
 */
export async function* sessionEvents(
  ctx: ProtectedContext,
  input: In<typeof SessionEventsInput>,
  signal: AbortSignal | undefined,
) {
  const userId = ctx.user.id;
  // Only ids stay in this generator's frame: it lives as long as the socket, 10,000 of them at times.
  const sessionId = await memberSessionId(ctx, input.code, userId);
  const hub = hubFor(ctx);
  // Subscribe first, buffering: nothing published from here on can be missed by the reads below.
  const listener = await hub.listen(sessionId);
  hub.connect(sessionId, userId);
  try {
    let last: number;
    // After a snapshot nothing needs reading: every later event was published after the subscription
    // above, so it is in the listener's buffer.
    let catchUp = false;
    const after = parseEventId(input.lastEventId);
    let resumable = false;
    if (after !== null) {
      const current = Number(
        (
          await ctx.db
            .selectFrom("live_sessions")
            .select("last_event_id")
            .where("id", "=", sessionId)
            .executeTakeFirstOrThrow()
        ).last_event_id,
      );
      const oldest = after < current ? await oldestLogged(ctx.db, sessionId) : null;
      resumable = after === current || (after < current && oldest !== null && after >= oldest - 1);
    }
    if (resumable) {
      last = after!;
      catchUp = true;
    } else {
      const snapshot = yield* snapshotEvent(ctx, sessionId, userId);
      last = snapshot.id;
      if (snapshot.ended) return;
    }

    while (!signal?.aborted) {
      let batch: LoggedEvent[];
      if (catchUp) {
        batch = await readLog(ctx, sessionId, last);
        catchUp = false;
        if (batch.length > 0 && batch[0]!.id > last + 1) {
          // Too far behind: the log no longer holds what was missed. Start over from the whole room.
          const snapshot = yield* snapshotEvent(ctx, sessionId, userId);
          last = snapshot.id;
          if (snapshot.ended) return;
        }
      } else {
        const pulled = await listener.next(signal);
        if ("aborted" in pulled) return;
        if ("overflow" in pulled) {
          catchUp = true;
          continue;
        }
        batch = pulled.events;
      }
      for (const { id, event } of batch) {
        if (id <= last) continue; // already delivered
        if (id > last + 1) {
          // A gap (a message lost between instances, or published out of order): the log has it.
          catchUp = true;
          break;
        }
        last = id;
        yield tracked(String(id), event);
        if (isLast(event, userId)) return;
      }
    }
  } finally {
    listener.close();
    hub.disconnect(sessionId, userId);
  }
}

// ---------- upkeep (the server's jobs) ----------

/**
 * Ends sessions idle past their expiry with nobody connected, and forgets presence of instances that
 * stopped refreshing it (telling the room those members went offline). Safe on every instance at once:
 * each session is re-checked under its row lock.
 */
export async function sessionUpkeep(deps: SessionDeps): Promise<{ expired: number; offline: number }> {
  let offline = 0;
  const stale = await deps.db
    .deleteFrom("session_presence")
    .where(sql<boolean>`seen_at <= now() - make_interval(secs => ${PRESENCE_STALE_MS / 1000})`)
    .returning(["session_id", "user_id", "instance_id"])
    .execute();
  for (const row of stale) {
    await presenceChanged(deps, row.session_id, row.user_id, row.instance_id, "offline").catch(
      (err: unknown) => deps.log.warn({ err }, "could not record a member going offline"),
    );
    offline++;
  }
  const idle = await deps.db
    .selectFrom("live_sessions as s")
    .select("s.id")
    .where("s.is_active", "=", true)
    .where("s.expires_at", "<", new Date())
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom("session_presence as sp")
            .select("sp.user_id")
            .whereRef("sp.session_id", "=", "s.id")
            .where(freshPresence),
        ),
      ),
    )
    .limit(500)
    .execute();
  let expired = 0;
  for (const { id } of idle) {
    const ended = await inSession(deps, { id }, async (_trx, session) => {
      if (session.expires_at.getTime() >= Date.now()) return { result: false };
      return {
        result: true,
        events: [{ type: "ended", reason: "expired" }],
        columns: { ended_at: new Date(), is_active: false, playing: false },
      };
    }).catch(() => false);
    if (ended) expired++;
  }
  // The resume log of a session ended a day ago is of no more use.
  await deps.db
    .deleteFrom("session_events")
    .where("session_id", "in", (eb) =>
      eb
        .selectFrom("live_sessions")
        .select("id")
        .where("ended_at", "<", new Date(Date.now() - 86_400_000)),
    )
    .execute();
  return { expired, offline };
}

export type { LoggedEvent };
