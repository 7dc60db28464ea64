import { z } from "zod";
import { Song } from "./catalog.js";
import { Cursor, Id, PageLimit } from "./common.js";

// Live listening sessions: friends join a room by code, hear the same song at the same moment,
// control it together and chat. The server's PlaybackState is the single source of truth; clients
// derive the position from it and their estimate of the server clock (session.time).

/** Codes are made of these: no 0/O, 1/I or L, which people misread when a code is read aloud. */
export const SESSION_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
export const SESSION_CODE_LENGTH = 6;
export const SESSION_NAME_MAX = 80;
/** Characters in one chat message. */
export const CHAT_MESSAGE_MAX = 500;
/** Chat messages one user may send a second, per session. */
export const CHAT_MESSAGES_PER_SECOND = 1;
/** Songs in a session's queue. */
export const SESSION_QUEUE_MAX = 500;
/** Members of one session. */
export const SESSION_MEMBERS_MAX = 100;
/** A session with no activity for this long ends by itself. */
export const SESSION_IDLE_EXPIRY_MS = 4 * 3600 * 1000;

/**
 * A session code as typed or pasted: case, spaces and dashes do not matter ("abc-def" is "ABCDEF").
 * Codes imported from the old app can be up to 10 characters and use any letter or digit.
 */
export const SessionCode = z
  .string({ error: "Enter the session's code" })
  .transform((s) => s.replace(/[\s-]/g, "").toUpperCase())
  .pipe(
    z
      .string()
      .min(1, "Enter the session's code")
      .regex(/^[A-Z0-9]{6,10}$/, "A session code is 6 letters and digits, like K7MQ2X"),
  );

export const SessionRole = z.enum(["host", "dj", "listener"]);
export type SessionRole = z.infer<typeof SessionRole>;

export const CreateSessionInput = z.object({
  name: z
    .string()
    .trim()
    .max(SESSION_NAME_MAX, `A session name has at most ${SESSION_NAME_MAX} characters`)
    .optional(),
  /** Private sessions admit people only after the host approves them. */
  isPrivate: z.boolean().default(false),
  /** Songs to start the queue with (for example the album or playlist being played). */
  songIds: z
    .array(Id)
    .max(SESSION_QUEUE_MAX, `A session queue holds at most ${SESSION_QUEUE_MAX} songs`)
    .optional(),
});
export type CreateSessionInput = z.input<typeof CreateSessionInput>;

export const SessionCodeInput = z.object({ code: SessionCode });
export type SessionCodeInput = z.input<typeof SessionCodeInput>;

/** One entry of the shared queue: the same song may be queued twice, so entries have their own id. */
export const QueueItem = z.object({
  id: Id,
  songId: Id,
  addedBy: z.string().nullable(),
});
export type QueueItem = z.infer<typeof QueueItem>;

/**
 * The playback state. The position now is `positionMs + (serverNow - at)` while `playing`, else
 * `positionMs`. `version` grows by one with every change (playback or queue).
 */
export const PlaybackState = z.object({
  /** The queue entry playing, or null before anything was played or after the queue ran out. */
  currentItemId: z.string().nullable(),
  songId: z.string().nullable(),
  positionMs: z.number().int(),
  at: z.date(),
  playing: z.boolean(),
  queue: z.array(QueueItem),
  version: z.number().int(),
});
export type PlaybackState = z.infer<typeof PlaybackState>;

export const SessionSummary = z.object({
  id: z.string(),
  code: z.string(),
  name: z.string(),
  isPrivate: z.boolean(),
  hostId: z.string().nullable(),
  createdAt: z.date(),
  expiresAt: z.date(),
  /** Set once the session has ended: nothing more can happen in it. */
  endedAt: z.date().nullable(),
});
export type SessionSummary = z.infer<typeof SessionSummary>;

export const ParticipantStatus = z.enum(["member", "pending"]);
export const Participant = z.object({
  userId: z.string(),
  name: z.string(),
  avatarUrl: z.string().nullable(),
  role: SessionRole,
  /** `pending`: asked to join a private session and waits for the host. */
  status: ParticipantStatus,
  /** Connected right now (a live events subscription on any instance). */
  online: z.boolean(),
  joinedAt: z.date(),
});
export type Participant = z.infer<typeof Participant>;

/** Everything a member needs to show the room: what session.get answers, and a snapshot event. */
export const SessionView = z.object({
  session: SessionSummary,
  state: PlaybackState,
  participants: z.array(Participant),
  /** The queue's songs (by id), ready to play. */
  songs: z.array(Song),
  /** The caller's own role and status. */
  me: z.object({ role: SessionRole, status: ParticipantStatus }),
  /** The id of the last event this view includes: subscribe with it as `lastEventId`. */
  lastEventId: z.string(),
});
export type SessionView = z.infer<typeof SessionView>;

export const ControlAction = z.enum(["play", "pause", "seek", "next", "previous", "jump"]);
export type ControlAction = z.infer<typeof ControlAction>;

export const ControlInput = z
  .object({
    code: SessionCode,
    action: ControlAction,
    /** Where to play from (seek; optional for play and jump). */
    positionMs: z
      .number({ error: "positionMs must be a number" })
      .int("positionMs must be a whole number of milliseconds")
      .min(0, "positionMs cannot be negative")
      .optional(),
    /** The queue entry to play (jump). */
    itemId: Id.optional(),
    /**
     * The state version the command was based on. When another command changed the state first,
     * the command is refused with CONFLICT and the current state, never applied by arrival luck.
     * Left out: applied to whatever the state is when it arrives.
     */
    version: z.number().int().min(0).optional(),
  })
  .refine((v) => v.action !== "seek" || v.positionMs !== undefined, {
    message: "A seek needs positionMs",
    path: ["positionMs"],
  })
  .refine((v) => v.action !== "jump" || v.itemId !== undefined, {
    message: "A jump needs the queue entry's itemId",
    path: ["itemId"],
  });
export type ControlInput = z.input<typeof ControlInput>;

export const QueueAddInput = z.object({
  code: SessionCode,
  songIds: z
    .array(Id)
    .min(1, "Add at least one song")
    .max(SESSION_QUEUE_MAX, `Add at most ${SESSION_QUEUE_MAX} songs at once`),
  /** `next`: right after the song playing; `end` (default): at the end of the queue. */
  at: z.enum(["next", "end"]).default("end"),
});
export type QueueAddInput = z.input<typeof QueueAddInput>;

export const QueueRemoveInput = z.object({ code: SessionCode, itemId: Id });
export type QueueRemoveInput = z.input<typeof QueueRemoveInput>;

export const QueueReorderInput = z.object({
  code: SessionCode,
  itemId: Id,
  /** The entry's new 0-based index in the queue. */
  toIndex: z.number().int("toIndex must be a whole number").min(0, "toIndex starts at 0"),
  version: z.number().int().min(0).optional(),
});
export type QueueReorderInput = z.input<typeof QueueReorderInput>;

export const SetRoleInput = z.object({
  code: SessionCode,
  userId: Id,
  /** Making someone `host` hands the session over: the old host becomes a dj. */
  role: SessionRole,
});
export type SetRoleInput = z.input<typeof SetRoleInput>;

export const MemberInput = z.object({ code: SessionCode, userId: Id });
export type MemberInput = z.input<typeof MemberInput>;

export const ChatText = z
  .string({ error: "Write a message" })
  .trim()
  .min(1, "Write a message")
  .max(CHAT_MESSAGE_MAX, `A message has at most ${CHAT_MESSAGE_MAX} characters`);

/** What a member can react with in a session's chat (one tap, no typing). */
export const SESSION_REACTIONS = ["❤️", "🔥", "👏", "😂", "😮", "🎉"] as const;

export const SendChatInput = z
  .object({
    code: SessionCode,
    text: ChatText,
    /** A reaction's text is one of SESSION_REACTIONS. */
    kind: z.enum(["text", "reaction"]).default("text"),
    /** Chosen by the client, so a message retried after a dropped connection is stored once. */
    clientId: Id.optional(),
  })
  .refine((v) => v.kind !== "reaction" || (SESSION_REACTIONS as readonly string[]).includes(v.text), {
    message: `React with one of ${SESSION_REACTIONS.join(" ")}`,
    path: ["text"],
  });
export type SendChatInput = z.input<typeof SendChatInput>;

export const ChatMessage = z.object({
  id: z.string(),
  /** Null for system messages ("Ana joined"). */
  userId: z.string().nullable(),
  userName: z.string().nullable(),
  kind: z.enum(["text", "system", "reaction"]),
  /** Plain text: shown as text, never as HTML. */
  text: z.string(),
  createdAt: z.date(),
});
export type ChatMessage = z.infer<typeof ChatMessage>;

export const ChatHistoryInput = z.object({
  code: SessionCode,
  /** The `nextCursor` of the previous page: older messages. */
  cursor: Cursor.nullish(),
  limit: PageLimit.default(50),
});
export type ChatHistoryInput = z.input<typeof ChatHistoryInput>;

export const SessionTime = z.object({
  /** The server's clock, in ms since the epoch, read as late as possible before answering. */
  serverTime: z.number(),
});
export type SessionTime = z.infer<typeof SessionTime>;

export const SessionEventsInput = z.object({
  code: SessionCode,
  /** The id of the last event received: the missed ones arrive first (tRPC sets it on reconnect). */
  lastEventId: z.string().max(40).nullish(),
});
export type SessionEventsInput = z.input<typeof SessionEventsInput>;

/** What changed, with who did it (null: the server, e.g. the queue ran out). */
export const SessionEvent = z.discriminatedUnion("type", [
  /** The whole room, first on a new subscription or after being away too long. */
  z.object({ type: z.literal("snapshot"), view: SessionView }),
  z.object({
    type: z.literal("state"),
    state: PlaybackState,
    action: ControlAction,
    by: z.string().nullable(),
  }),
  z.object({
    type: z.literal("queue"),
    state: PlaybackState,
    change: z.enum(["add", "remove", "reorder"]),
    /** Songs the queue now holds that it did not before. */
    songs: z.array(Song),
    by: z.string().nullable(),
  }),
  z.object({ type: z.literal("chat"), message: ChatMessage }),
  z.object({
    type: z.literal("presence"),
    change: z.enum(["join", "leave", "online", "offline", "role", "kick", "request"]),
    participant: Participant,
  }),
  z.object({ type: z.literal("ended"), reason: z.enum(["host", "expired"]) }),
]);
export type SessionEvent = z.infer<typeof SessionEvent>;

/**
 * What session.join answers: `member` with the room at once (public sessions, or a private one that
 * already let you in), or `pending` with no view while the host decides (ask again, or watch
 * session.mine, to learn the answer).
 */
export const JoinSessionResult = z.object({
  code: z.string(),
  status: ParticipantStatus,
  view: SessionView.nullable(),
});
export type JoinSessionResult = z.infer<typeof JoinSessionResult>;

/** One of the caller's sessions (session.mine): active ones they are in or asked to join. */
export const MySession = SessionSummary.extend({
  role: SessionRole,
  status: ParticipantStatus,
  memberCount: z.number().int(),
});
export type MySession = z.infer<typeof MySession>;
