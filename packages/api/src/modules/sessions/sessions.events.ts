// The event log of a live session and this process's fan-out of it (decision 009).
//
// Every change appends its events to session_events in the transaction that makes the change, with
// ids from the session row's counter (taken under the row lock, so ids are gapless and in commit
// order), then publishes them on the bus channel `session:<id>` after the commit. Each process keeps
// ONE bus subscription per session that has local subscribers and hands every message to all of them.
import { randomUUID } from "node:crypto";
import type { EventBus } from "@chorus/cache";
import type { SessionEvent, Song } from "@chorus/contracts";
import type { Database, Db } from "@chorus/db";
import { type Kysely, sql } from "kysely";
import superjson from "superjson";
import type { Context, Log } from "../../context.js";
import { loadSongs } from "../catalog/catalog.service.js";

/** Events kept per session for resuming; a client away for longer gets a snapshot instead. */
export const EVENT_LOG_KEEP = 1_000;
/** The log is trimmed whenever an event id crosses a multiple of this. */
const TRIM_EVERY = 100;
/** Each instance refreshes its presence rows this often ("still here")... */
export const PRESENCE_HEARTBEAT_MS = 20_000;
/** ...and a row not refreshed for this long belongs to an instance that is gone. */
export const PRESENCE_STALE_MS = 60_000;
/** Events buffered for one slow subscriber before it is told to catch up from the log instead. */
const MAX_BUFFERED = 2_000;

export type Q = Kysely<Database>;
export type EventBody = SessionEvent;
export interface LoggedEvent {
  id: number;
  event: SessionEvent;
}
interface BusMessage {
  events: LoggedEvent[];
}

export const channelOf = (sessionId: string) => `session:${sessionId}`;

/**
 * Appends events to the log under the row lock the caller holds (a transaction that selected the
 * session `for update`), bumping last_event_id and the idle expiry. Returns them with their ids.
 */
export async function appendEvents(
  trx: Q,
  sessionId: string,
  events: readonly SessionEvent[],
  columns: Record<string, unknown> = {},
  expiresAt: Date,
): Promise<LoggedEvent[]> {
  const n = events.length;
  const row = await trx
    .updateTable("live_sessions")
    .set({
      ...columns,
      expires_at: expiresAt,
      updated_at: new Date(),
      last_event_id: sql<string>`last_event_id + ${n}`,
    })
    .where("id", "=", sessionId)
    .returning("last_event_id")
    .executeTakeFirstOrThrow();
  const last = Number(row.last_event_id);
  const logged = events.map((event, i) => ({ id: last - n + 1 + i, event }));
  if (n > 0) {
    await trx
      .insertInto("session_events")
      .values(
        logged.map((e) => ({
          session_id: sessionId,
          id: e.id,
          type: e.event.type,
          payload: JSON.stringify(toPayload(e.event)),
        })),
      )
      .execute();
    // Bounded log: now and then drop what is older than the newest EVENT_LOG_KEEP.
    if (Math.floor(last / TRIM_EVERY) !== Math.floor((last - n) / TRIM_EVERY) && last > EVENT_LOG_KEEP) {
      await trx
        .deleteFrom("session_events")
        .where("session_id", "=", sessionId)
        .where("id", "<=", String(last - EVENT_LOG_KEEP))
        .execute();
    }
  }
  return logged;
}

/** After the commit: every instance's subscribers of the session get the events. */
export async function publishEvents(
  deps: { bus: EventBus; log: Pick<Log, "warn"> },
  sessionId: string,
  events: LoggedEvent[],
): Promise<void> {
  if (events.length === 0) return;
  try {
    await deps.bus.publish(channelOf(sessionId), { events } satisfies BusMessage);
  } catch (err) {
    // Subscribers notice the gap at the next event and read the log; nothing is lost.
    deps.log.warn({ err, sessionId }, "could not publish live-session events");
  }
}

// Songs carry signed stream URLs that expire; the log keeps their ids and signs afresh on replay.
function toPayload(event: SessionEvent): unknown {
  if (event.type === "queue") {
    return { ...superjson.serialize({ ...event, songs: [] }), songIds: event.songs.map((s) => s.id) };
  }
  return superjson.serialize(event);
}

/** Events after `afterId` (up to `upTo` when given), oldest first, as they were published. */
export async function readLog(
  ctx: Context,
  sessionId: string,
  afterId: number,
  upTo?: number,
): Promise<LoggedEvent[]> {
  let query = ctx.db
    .selectFrom("session_events")
    .select(["id", "payload"])
    .where("session_id", "=", sessionId)
    .where("id", ">", String(afterId))
    .orderBy("id");
  if (upTo !== undefined) query = query.where("id", "<=", String(upTo));
  const rows = await query.execute();
  const parsed = rows.map((r) => {
    const payload = r.payload as { json: unknown; meta?: unknown; songIds?: string[] };
    const event = superjson.deserialize({ json: payload.json, meta: payload.meta } as never) as SessionEvent;
    return { id: Number(r.id), event, songIds: payload.songIds };
  });
  const songIds = parsed.flatMap((p) => p.songIds ?? []);
  const songs = songIds.length > 0 ? await loadSongs(ctx, songIds) : new Map<string, Song>();
  return parsed.map(({ id, event, songIds: ids }) =>
    event.type === "queue" && ids
      ? { id, event: { ...event, songs: ids.flatMap((songId) => songs.get(songId) ?? []) } }
      : { id, event },
  );
}

/** The oldest event id the log still holds for a session (null when it holds none). */
export async function oldestLogged(db: Db, sessionId: string): Promise<number | null> {
  const row = await db
    .selectFrom("session_events")
    .select((eb) => eb.fn.min("id").as("oldest"))
    .where("session_id", "=", sessionId)
    .executeTakeFirst();
  return row?.oldest == null ? null : Number(row.oldest);
}

// ---------- this process's fan-out ----------

type Pull = { events: LoggedEvent[] } | { overflow: true } | { aborted: true };

/** One subscriber's buffer of events from the session's channel. */
export class Listener {
  private buffer: LoggedEvent[] = [];
  private overflowed = false;
  private wake: (() => void) | null = null;
  private watching = false;
  constructor(readonly close: () => void) {}

  push(events: LoggedEvent[]): void {
    if (this.overflowed) return;
    if (this.buffer.length + events.length > MAX_BUFFERED) {
      // A subscriber this far behind catches up from the log: memory stays bounded.
      this.buffer = [];
      this.overflowed = true;
    } else this.buffer.push(...events);
    this.wake?.();
  }

  /** The events buffered since the last pull, waiting for some when there are none. */
  async next(signal: AbortSignal | undefined): Promise<Pull> {
    // One abort listener for the listener's life, not one per wait: it lives as long as the socket.
    if (signal && !this.watching) {
      this.watching = true;
      signal.addEventListener("abort", () => this.wake?.(), { once: true });
    }
    while (!this.overflowed && this.buffer.length === 0) {
      if (signal?.aborted) return { aborted: true };
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
      this.wake = null;
    }
    if (signal?.aborted) return { aborted: true };
    if (this.overflowed) {
      this.overflowed = false;
      return { overflow: true };
    }
    const events = this.buffer;
    this.buffer = [];
    return { events };
  }
}

interface Channel {
  listeners: Set<Listener>;
  subscribed: Promise<() => Promise<void>>;
}

export interface PresenceHandlers {
  /** The first subscription of this member opened on this instance. */
  opened(sessionId: string, userId: string, instanceId: string): Promise<void>;
  /** The last subscription of this member on this instance closed. */
  closed(sessionId: string, userId: string, instanceId: string): Promise<void>;
}

/**
 * One per event bus (so one per server instance, even when tests run two in one process): the
 * session channels this instance listens to, and the members connected here.
 */
export class SessionHub {
  readonly instanceId = randomUUID();
  private readonly channels = new Map<string, Channel>();
  private readonly connected = new Map<string, number>();
  private readonly presenceQueue = new Map<string, Promise<void>>();
  private heartbeatTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly deps: { db: Db; bus: EventBus; log: Pick<Log, "warn"> },
    private readonly presence: PresenceHandlers,
  ) {}

  /** Subscribed (the bus acknowledged) before it resolves: read the log only after this. */
  async listen(sessionId: string): Promise<Listener> {
    let channel = this.channels.get(sessionId);
    if (!channel) {
      const listeners = new Set<Listener>();
      channel = {
        listeners,
        subscribed: this.deps.bus.subscribe<BusMessage>(channelOf(sessionId), (message) => {
          for (const l of listeners) l.push(message.events);
        }),
      };
      this.channels.set(sessionId, channel);
    }
    const ch = channel;
    const listener = new Listener(() => {
      ch.listeners.delete(listener);
      if (ch.listeners.size === 0 && this.channels.get(sessionId) === ch) {
        this.channels.delete(sessionId);
        ch.subscribed.then((unsubscribe) => unsubscribe()).catch(() => {});
      }
    });
    ch.listeners.add(listener);
    try {
      await ch.subscribed;
    } catch (error) {
      listener.close();
      throw error;
    }
    return listener;
  }

  /** Sessions with local subscribers, and how many subscribers: for metrics and tests. */
  stats(): { sessions: number; subscribers: number } {
    let subscribers = 0;
    for (const ch of this.channels.values()) subscribers += ch.listeners.size;
    return { sessions: this.channels.size, subscribers };
  }

  connect(sessionId: string, userId: string): void {
    const key = `${sessionId}:${userId}`;
    const n = (this.connected.get(key) ?? 0) + 1;
    this.connected.set(key, n);
    if (n === 1) this.enqueue(key, () => this.presence.opened(sessionId, userId, this.instanceId));
    this.heartbeatTimer ??= setInterval(() => void this.heartbeat(), PRESENCE_HEARTBEAT_MS).unref();
  }

  disconnect(sessionId: string, userId: string): void {
    const key = `${sessionId}:${userId}`;
    const n = (this.connected.get(key) ?? 1) - 1;
    if (n > 0) {
      this.connected.set(key, n);
      return;
    }
    this.connected.delete(key);
    this.enqueue(key, () => this.presence.closed(sessionId, userId, this.instanceId));
    if (this.connected.size === 0 && this.heartbeatTimer) {
      clearInterval(this.heartbeatTimer);
      this.heartbeatTimer = null;
    }
  }

  /** Resolves once every presence change queued so far is written (tests wait for it). */
  async settled(): Promise<void> {
    await Promise.all([...this.presenceQueue.values()]);
  }

  // One member's online/offline changes on this instance run one after another, in order.
  private enqueue(key: string, work: () => Promise<void>): void {
    const previous = this.presenceQueue.get(key) ?? Promise.resolve();
    const next = previous
      .then(work)
      .catch((err: unknown) => this.deps.log.warn({ err }, "could not record live-session presence"));
    this.presenceQueue.set(key, next);
    void next.then(() => {
      if (this.presenceQueue.get(key) === next) this.presenceQueue.delete(key);
    });
  }

  /** "Still here": refreshes (or restores) this instance's presence rows; runs every 20 s. */
  async heartbeat(): Promise<void> {
    const pairs = [...this.connected.keys()].map((key) => key.split(":") as [string, string]);
    if (pairs.length === 0) return;
    try {
      // An upsert, not an update: rows swept while this instance was stalled (a long GC, a paused VM)
      // come back, so connected members do not stay offline until they reconnect.
      await sql`insert into session_presence (session_id, user_id, instance_id)
        select s, u, ${this.instanceId}
        from unnest(${pairs.map((p) => p[0])}::uuid[], ${pairs.map((p) => p[1])}::uuid[]) as t (s, u)
        where exists (select 1 from live_sessions where id = s)
        on conflict (session_id, user_id, instance_id) do update set seen_at = now()`.execute(this.deps.db);
    } catch (err) {
      this.deps.log.warn({ err }, "could not refresh live-session presence");
    }
  }
}
