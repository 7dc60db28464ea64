import { PlayContextType } from "@chorus/contracts/player";

/**
 * How long a song was really listened to, as plain data and pure functions. Position alone would
 * lie: seeking to the end would count as listening to all of it. So the time counted is how far
 * the audio moved forward between two position reports, and only as far as the clock moved too
 * (a seek jumps ahead in no time: it counts for nothing; a seek back counts nothing either, and
 * listening to that part again counts again).
 */

export interface PlayContext {
  type: PlayContextType;
  id: string | null;
}

export interface Listen {
  /** The queue entry (a song queued twice is two entries, so two listens). */
  key: string;
  songId: string;
  context: PlayContext | null;
  /** When the song became the current one (ms since the epoch). */
  startedAt: number;
  listenedMs: number;
  /** The last position report: seconds into the song, and when (a monotonic clock, ms). */
  last: { position: number; at: number } | null;
}

/** A position may run ahead of the clock by this much between reports (events arrive unevenly). */
const SLACK_MS = 400;
const MAX_MS = 24 * 3600 * 1000;

export function startListen(
  entry: { key: string; songId: string },
  context: PlayContext | null,
  now: number,
): Listen {
  return { key: entry.key, songId: entry.songId, context, startedAt: now, listenedMs: 0, last: null };
}

/** A position report: `position` seconds into the song at `at` (performance.now()). */
export function progress(listen: Listen, position: number, at: number): Listen {
  if (!Number.isFinite(position)) return listen;
  const last = listen.last;
  let listenedMs = listen.listenedMs;
  if (last) {
    const moved = (position - last.position) * 1000;
    const elapsed = at - last.at;
    if (moved > 0 && moved <= elapsed + SLACK_MS) listenedMs = Math.min(MAX_MS, listenedMs + moved);
  }
  return { ...listen, listenedMs, last: { position, at } };
}

/** A break in the reports (paused, the page hidden): the next report starts counting afresh. */
export function pauseListen(listen: Listen): Listen {
  return listen.last ? { ...listen, last: null } : listen;
}

/** Shorter than this, a listen is not reported at all (clicking through the queue). */
export const MIN_REPORTED_MS = 1000;

export interface FinishedListen {
  songId: string;
  playedMs: number;
  skipped: boolean;
  context: PlayContext | null;
}

/**
 * The play to report when a listen ends, or null when there was next to nothing to it. Skipped
 * means ended early: not by itself, and not in the last few seconds of the song.
 */
export function finishListen(
  listen: Listen,
  end: { naturally: boolean; position: number; duration: number },
): FinishedListen | null {
  const playedMs = Math.round(listen.listenedMs);
  if (playedMs < MIN_REPORTED_MS) return null;
  const nearEnd =
    Number.isFinite(end.duration) &&
    end.duration > 0 &&
    end.position >= end.duration - Math.max(3, end.duration * 0.05);
  return {
    songId: listen.songId,
    playedMs,
    skipped: !end.naturally && !nearEnd,
    context: listen.context,
  };
}

const CONTEXT_TYPES: readonly string[] = PlayContextType.options;

/**
 * What the queue was started from, for the history: the player's source ("album:<id>",
 * "playlist:<id>", "library:liked-songs") is already "type:id".
 */
export function contextOf(source: string | null): PlayContext | null {
  if (!source) return null;
  const at = source.indexOf(":");
  const type = (at < 0 ? source : source.slice(0, at)) as PlayContextType;
  if (!CONTEXT_TYPES.includes(type)) return null;
  const id = at < 0 ? null : source.slice(at + 1).slice(0, 200) || null;
  return { type, id };
}
