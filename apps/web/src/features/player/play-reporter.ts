import type { RecordPlayInput } from "@chorus/contracts";
import { TRPCClientError } from "@trpc/client";
import { sessionStore } from "../../lib/auth";
import type { FinishedListen } from "./listen";
import {
  due,
  enqueue,
  failed,
  nextRetryAt,
  OUTBOX_KEY,
  type PendingPlay,
  parseOutbox,
  remove,
  retryNow,
  uuid,
} from "./play-outbox";

/**
 * Sends finished plays to the server (`player.recordPlay`) for signed-in listeners. Every play goes
 * through the outbox in localStorage first, so one that cannot be sent now (offline, the server
 * down) is sent later: with back-off, when the browser is back online, or on the next visit.
 */

type Send = (input: RecordPlayInput) => Promise<unknown>;
let send: Send | null = null;
let onRecorded: (() => void) | null = null;

/** Played this recently, a play goes without a time: the server's clock says when (a phone's may be off). */
const FRESH_MS = 2 * 60_000;

function read(): PendingPlay[] {
  try {
    return parseOutbox(localStorage.getItem(OUTBOX_KEY));
  } catch {
    return [];
  }
}

function write(list: PendingPlay[]) {
  try {
    if (list.length) localStorage.setItem(OUTBOX_KEY, JSON.stringify(list));
    else localStorage.removeItem(OUTBOX_KEY);
  } catch {
    // Storage full or off (private windows): the plays in memory are tried once, and that is all.
  }
}

function currentUser(): string | null {
  const s = sessionStore.get();
  return s.status === "signedIn" ? s.user.id : null;
}

/** The app hands over its client (and what to refresh after), then waiting plays go out. */
export function setPlaySender(fn: Send, recorded: () => void) {
  send = fn;
  onRecorded = recorded;
  write(retryNow(read(), Date.now()));
  void flushPlays();
}

/** A play ended: into the outbox, and off to the server straight away. */
export function reportPlay(play: FinishedListen, playedAt = Date.now()) {
  const userId = currentUser();
  if (!userId) return;
  const entry: PendingPlay = { id: uuid(), userId, ...play, playedAt, attempts: 0, retryAt: playedAt };
  write(enqueue(read(), entry, Date.now()));
  void flushPlays();
}

let flushing: Promise<void> | null = null;
let timer: ReturnType<typeof setTimeout> | undefined;

/** Sends what is due, one at a time, oldest first; single-flight. */
export function flushPlays(): Promise<void> {
  flushing ??= run().finally(() => {
    flushing = null;
    schedule();
  });
  return flushing;
}

type Verdict = { retry: false } | { retry: true; afterMs: number | null };

/**
 * Whether a refused play is worth sending again. The server's "no" to this play (an unknown song, a
 * play over 30 days old) stays a no; a dropped connection, a server error, a rate limit or an
 * expired session pass.
 */
export function verdictOf(err: unknown): Verdict {
  if (!(err instanceof TRPCClientError) || !err.data) return { retry: true, afterMs: null };
  const data = err.data as { code?: string; retryAfterSeconds?: number };
  switch (data.code) {
    case "BAD_REQUEST":
    case "NOT_FOUND":
    case "FORBIDDEN":
    case "PARSE_ERROR":
    case "UNPROCESSABLE_CONTENT":
      return { retry: false };
    case "TOO_MANY_REQUESTS":
      return {
        retry: true,
        afterMs: typeof data.retryAfterSeconds === "number" ? Math.ceil(data.retryAfterSeconds) * 1000 : null,
      };
    default:
      return { retry: true, afterMs: null };
  }
}

async function run() {
  const userId = currentUser();
  if (!userId || !send) return;
  let recorded = false;
  for (const play of due(read(), userId, Date.now())) {
    if (currentUser() !== userId) break;
    const input: RecordPlayInput = {
      id: play.id,
      songId: play.songId,
      playedMs: play.playedMs,
      skipped: play.skipped,
      context: play.context,
    };
    if (Date.now() - play.playedAt > FRESH_MS) input.playedAt = new Date(play.playedAt);
    try {
      try {
        await send(input);
      } catch (err) {
        // A device whose clock runs fast: its play "ends in the future". Then the server's now it is.
        if (input.playedAt && err instanceof TRPCClientError && /future/i.test(err.message)) {
          await send({ ...input, playedAt: undefined });
        } else throw err;
      }
      write(remove(read(), play.id));
      recorded = true;
    } catch (err) {
      const verdict = verdictOf(err);
      if (!verdict.retry) {
        write(remove(read(), play.id));
        continue;
      }
      write(failed(read(), play.id, Date.now(), verdict.afterMs));
      // Offline or the server in trouble: the rest waits too.
      break;
    }
  }
  if (recorded) onRecorded?.();
}

function schedule() {
  clearTimeout(timer);
  const userId = currentUser();
  if (!userId) return;
  const at = nextRetryAt(read(), userId, Date.now());
  if (at === null) return;
  timer = setTimeout(() => void flushPlays(), Math.max(1000, at - Date.now()));
}

/**
 * Before logging out: what can still be sent goes, within a few seconds (the session ends after).
 * Then this person's waiting plays leave this device, as the queue does.
 */
export async function flushBeforeSignOut(ms = 3000): Promise<void> {
  await Promise.race([flushPlays(), new Promise((r) => setTimeout(r, ms))]);
}

if (typeof window !== "undefined") {
  window.addEventListener("online", () => {
    write(retryNow(read(), Date.now()));
    void flushPlays();
  });
  let lastUser: string | null = null;
  sessionStore.subscribe(() => {
    const s = sessionStore.get();
    if (s.status === "signedIn") {
      if (s.user.id !== lastUser) {
        lastUser = s.user.id;
        void flushPlays();
      }
    } else if (s.status === "signedOut") {
      // Logging out on a shared computer leaves nothing of one's listening behind.
      if (s.deliberate && lastUser) {
        const gone = lastUser;
        write(read().filter((p) => p.userId !== gone));
      }
      lastUser = null;
      clearTimeout(timer);
    }
  });
}
