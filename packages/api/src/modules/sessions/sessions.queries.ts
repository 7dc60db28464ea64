import type { Participant } from "@chorus/contracts";
import type { LiveSessionsTable } from "@chorus/db";
import { type Selectable, sql } from "kysely";
import { PRESENCE_STALE_MS, type Q } from "./sessions.events.js";

export type SessionRow = Selectable<LiveSessionsTable>;

const avatar = (key: string | null, url: string | null) => (key ? `/media/images/${key}` : url);

/** "Online": a fresh presence row on any instance. */
export const onlineSql = sql<boolean>`exists (
  select 1 from session_presence sp
  where sp.session_id = p.session_id and sp.user_id = p.user_id
    and sp.seen_at > now() - make_interval(secs => ${PRESENCE_STALE_MS / 1000}))`;

/** The session with this code, locked for the rest of the transaction when `lock` is set. */
export function findSession(db: Q, code: string, lock = false): Promise<SessionRow | undefined> {
  const query = db.selectFrom("live_sessions").selectAll().where("code", "=", code);
  return (lock ? query.forUpdate() : query).executeTakeFirst();
}

export function findSessionById(db: Q, id: string, lock = false): Promise<SessionRow | undefined> {
  const query = db.selectFrom("live_sessions").selectAll().where("id", "=", id);
  return (lock ? query.forUpdate() : query).executeTakeFirst();
}

/** The caller's participant row (present or past), if any. */
export function findParticipant(db: Q, sessionId: string, userId: string) {
  return db
    .selectFrom("session_participants")
    .selectAll()
    .where("session_id", "=", sessionId)
    .where("user_id", "=", userId)
    .executeTakeFirst();
}
export type ParticipantRow = NonNullable<Awaited<ReturnType<typeof findParticipant>>>;

/** A session's participants as the room shows them, including those who left (filter them out). */
function participantsQuery(db: Q, sessionId: string) {
  return db
    .selectFrom("session_participants as p")
    .innerJoin("users as u", "u.id", "p.user_id")
    .select([
      "p.user_id",
      "p.role",
      "p.status",
      "p.joined_at",
      "u.name",
      "u.avatar_key",
      "u.avatar_url",
      onlineSql.as("online"),
    ])
    .where("p.session_id", "=", sessionId);
}

type ParticipantQueryRow = Awaited<ReturnType<ReturnType<typeof participantsQuery>["execute"]>>[number];

export function toParticipant(row: ParticipantQueryRow): Participant {
  return {
    userId: row.user_id,
    name: row.name ?? "A listener",
    avatarUrl: avatar(row.avatar_key, row.avatar_url),
    role: row.role,
    status: row.status,
    online: row.online,
    joinedAt: row.joined_at,
  };
}

/** Everyone in the room (members and people waiting to be let in), longest present first. */
export async function listParticipants(db: Q, sessionId: string): Promise<Participant[]> {
  const rows = await participantsQuery(db, sessionId)
    .where("p.left_at", "is", null)
    .orderBy("p.joined_at")
    .orderBy("p.user_id")
    .execute();
  return rows.map(toParticipant);
}

/** One participant as the room shows them; also those who just left (for the leave event). */
export async function participantView(db: Q, sessionId: string, userId: string): Promise<Participant> {
  const row = await participantsQuery(db, sessionId)
    .where("p.user_id", "=", userId)
    .executeTakeFirstOrThrow();
  return toParticipant(row);
}

export async function userName(db: Q, userId: string): Promise<string> {
  const row = await db.selectFrom("users").select("name").where("id", "=", userId).executeTakeFirst();
  return row?.name ?? "A listener";
}
