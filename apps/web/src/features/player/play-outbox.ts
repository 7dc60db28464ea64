import type { PlayContext } from "./listen";

/**
 * Plays waiting to reach the server, kept in localStorage: a phone that drops off the network (or a
 * server that is down) loses none. Each has an id chosen here, so sending it twice stores it once,
 * and the time it ended, so a play sent hours later lands where it happened. Plain data and pure
 * functions; play-reporter.ts does the sending.
 */
export interface PendingPlay {
  id: string;
  /** Whose play it is: only they may send it (a shared computer, another account signing in). */
  userId: string;
  songId: string;
  playedMs: number;
  skipped: boolean;
  context: PlayContext | null;
  /** When the play ended, ms since the epoch. */
  playedAt: number;
  attempts: number;
  /** Not before this time (ms since the epoch): the back-off after a failure. */
  retryAt: number;
}

export const OUTBOX_KEY = "chorus-plays";
/** A listener offline for weeks still keeps the newest plays; the oldest go first. */
export const OUTBOX_MAX = 500;
/** The server refuses plays older than 30 days; a day less leaves time to send them. */
export const OUTBOX_MAX_AGE_MS = 29 * 86_400_000;

const BACKOFF_BASE_MS = 5_000;
const BACKOFF_MAX_MS = 30 * 60_000;

/** 5 s, 10 s, 20 s… up to 30 min, with some jitter so many devices do not retry in step. */
export function backoffMs(attempts: number, random: () => number = Math.random): number {
  const base = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, attempts - 1));
  return Math.round(base * (0.8 + random() * 0.4));
}

/** Adds a play, dropping what is too old to send and, past the limit, the oldest. */
export function enqueue(list: readonly PendingPlay[], play: PendingPlay, now: number): PendingPlay[] {
  const fresh = prune(list, now).filter((p) => p.id !== play.id);
  return [...fresh, play].slice(-OUTBOX_MAX);
}

export function prune(list: readonly PendingPlay[], now: number): PendingPlay[] {
  return list.filter((p) => now - p.playedAt < OUTBOX_MAX_AGE_MS);
}

/** What `userId` may send now, oldest first. */
export function due(list: readonly PendingPlay[], userId: string, now: number): PendingPlay[] {
  return prune(list, now)
    .filter((p) => p.userId === userId && p.retryAt <= now)
    .sort((a, b) => a.playedAt - b.playedAt);
}

/** When `userId`'s next retry is due, or null when nothing waits. */
export function nextRetryAt(list: readonly PendingPlay[], userId: string, now: number): number | null {
  const mine = prune(list, now).filter((p) => p.userId === userId);
  return mine.length ? Math.min(...mine.map((p) => p.retryAt)) : null;
}

export function remove(list: readonly PendingPlay[], id: string): PendingPlay[] {
  return list.filter((p) => p.id !== id);
}

/** A failed send: try again later, later each time (or when the server said when). */
export function failed(
  list: readonly PendingPlay[],
  id: string,
  now: number,
  retryAfterMs: number | null = null,
  random: () => number = Math.random,
): PendingPlay[] {
  return list.map((p) => {
    if (p.id !== id) return p;
    const attempts = p.attempts + 1;
    return { ...p, attempts, retryAt: now + (retryAfterMs ?? backoffMs(attempts, random)) };
  });
}

/** Makes every waiting play due now (back online, a new page load). */
export function retryNow(list: readonly PendingPlay[], now: number): PendingPlay[] {
  return list.map((p) => (p.retryAt > now ? { ...p, retryAt: now } : p));
}

/** What localStorage held, keeping only well-formed entries (old formats, hand edits). */
export function parseOutbox(raw: string | null): PendingPlay[] {
  if (!raw) return [];
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return [];
  }
  if (!Array.isArray(value)) return [];
  return value.filter(isPendingPlay);
}

function isPendingPlay(v: unknown): v is PendingPlay {
  if (typeof v !== "object" || v === null) return false;
  const p = v as Record<string, unknown>;
  const context = p.context as Record<string, unknown> | null | undefined;
  return (
    typeof p.id === "string" &&
    typeof p.userId === "string" &&
    typeof p.songId === "string" &&
    typeof p.playedMs === "number" &&
    p.playedMs >= 0 &&
    typeof p.skipped === "boolean" &&
    typeof p.playedAt === "number" &&
    typeof p.attempts === "number" &&
    typeof p.retryAt === "number" &&
    (context === null || (typeof context === "object" && typeof context.type === "string"))
  );
}

/**
 * A version 4 UUID. `crypto.randomUUID` exists only on secure pages (HTTPS, localhost): a server at
 * http://192.168.1.20 on the home network is not one, but `getRandomValues` works everywhere.
 */
export function uuid(bytes: Uint8Array = crypto.getRandomValues(new Uint8Array(16))): string {
  const b = Uint8Array.from(bytes);
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const hex = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
