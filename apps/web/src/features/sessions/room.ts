import type {
  ChatMessage,
  Participant,
  PlaybackState,
  SessionEvent,
  SessionRole,
  SessionSummary,
  SessionView,
  Song,
} from "@chorus/contracts";

/** Why the room is over for this person. */
export type EndReason = "host" | "expired" | "kicked" | "left";

/** What the room screen shows: the server's SessionView, kept current by the events. */
export interface Room {
  session: SessionSummary;
  state: PlaybackState;
  participants: Participant[];
  /** The queue's songs by id (and any seen before: a song may come back into the queue). */
  songs: ReadonlyMap<string, Song>;
  me: SessionView["me"];
  /** Messages that arrived live, oldest first (older ones come from session.chatHistory). */
  chat: ChatMessage[];
  lastEventId: string | null;
  ended: EndReason | null;
}

export function roomFromView(view: SessionView, previous?: Room | null): Room {
  const songs = new Map(previous?.songs);
  for (const s of view.songs) songs.set(s.id, s);
  return {
    session: view.session,
    state: view.state,
    participants: view.participants,
    songs,
    me: view.me,
    // A snapshot carries no chat: what was already here stays.
    chat: previous?.chat ?? [],
    lastEventId: view.lastEventId,
    ended: view.session.endedAt ? "host" : (previous?.ended ?? null),
  };
}

/**
 * Applies one event. A snapshot replaces the room; playback and queue changes apply only when newer
 * than what is shown (a late answer never rolls the state back); chat is kept once per message.
 * `myId` is who is looking: their own role, a kick, a hand-over concern them.
 */
export function applyEvent(room: Room, event: SessionEvent, myId: string, eventId?: string): Room {
  const next = reduce(room, event, myId);
  return eventId === undefined || next === room ? next : { ...next, lastEventId: eventId };
}

function reduce(room: Room, event: SessionEvent, myId: string): Room {
  switch (event.type) {
    case "snapshot":
      return roomFromView(event.view, room);
    case "state":
      return withState(room, event.state);
    case "queue": {
      const next = withState(room, event.state);
      if (next === room || event.songs.length === 0) return next;
      const songs = new Map(next.songs);
      for (const s of event.songs) songs.set(s.id, s);
      return { ...next, songs };
    }
    case "chat":
      return room.chat.some((m) => m.id === event.message.id)
        ? room
        : { ...room, chat: [...room.chat, event.message] };
    case "presence":
      return withPresence(room, event.change, event.participant, myId);
    case "ended":
      return { ...room, ended: event.reason, state: { ...room.state, playing: false } };
  }
}

function withState(room: Room, state: PlaybackState): Room {
  return state.version > room.state.version ? { ...room, state } : room;
}

type PresenceChange = Extract<SessionEvent, { type: "presence" }>["change"];

function withPresence(room: Room, change: PresenceChange, p: Participant, myId: string): Room {
  const gone = change === "leave" || change === "kick";
  const others = room.participants.filter((x) => x.userId !== p.userId);
  let participants: Participant[];
  if (gone) {
    participants = others;
  } else {
    const at = room.participants.findIndex((x) => x.userId === p.userId);
    participants = at < 0 ? [...room.participants, p] : room.participants.map((x, i) => (i === at ? p : x));
  }
  let session = room.session;
  if (!gone && p.role === "host" && session.hostId !== p.userId) {
    session = { ...session, hostId: p.userId };
    // A hand-over: the server says so for the old host too, but the room should not show two hosts
    // in between.
    participants = participants.map((x) =>
      x.role === "host" && x.userId !== p.userId ? { ...x, role: "dj" as SessionRole } : x,
    );
  }
  if (p.userId !== myId) return { ...room, participants, session };
  if (gone) return { ...room, participants, session, ended: change === "kick" ? "kicked" : "left" };
  return { ...room, participants, session, me: { role: p.role, status: p.status } };
}

/** Host and djs run the music; listeners follow. */
export function canControl(role: SessionRole): boolean {
  return role === "host" || role === "dj";
}

/**
 * The chat as shown: the pages of history (any order) and the live messages, each once, oldest
 * first. Messages with the same time keep the order they came in.
 */
export function mergeChat(history: readonly ChatMessage[], live: readonly ChatMessage[]): ChatMessage[] {
  const byId = new Map<string, ChatMessage>();
  for (const m of history) byId.set(m.id, m);
  for (const m of live) if (!byId.has(m.id)) byId.set(m.id, m);
  return [...byId.values()]
    .map((m, i) => ({ m, i }))
    .sort((a, b) => a.m.createdAt.getTime() - b.m.createdAt.getTime() || a.i - b.i)
    .map(({ m }) => m);
}

/** Participants in the order the list shows them: the host, djs, listeners; then who came first. */
export function sortParticipants(list: readonly Participant[]): Participant[] {
  const rank: Record<SessionRole, number> = { host: 0, dj: 1, listener: 2 };
  return [...list].sort(
    (a, b) =>
      Number(a.status === "pending") - Number(b.status === "pending") ||
      rank[a.role] - rank[b.role] ||
      a.joinedAt.getTime() - b.joinedAt.getTime(),
  );
}

/** The queue entry playing and its index, or null. */
export function currentItem(state: PlaybackState): { index: number; songId: string; id: string } | null {
  if (!state.currentItemId) return null;
  const index = state.queue.findIndex((q) => q.id === state.currentItemId);
  const item = state.queue[index];
  return item ? { index, songId: item.songId, id: item.id } : null;
}

/** A code as people read it aloud: "K7M-Q2X". */
export function formatCode(code: string): string {
  return code.length === 6 ? `${code.slice(0, 3)}-${code.slice(3)}` : code;
}
