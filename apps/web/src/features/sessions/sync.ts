import type { PlaybackState } from "@chorus/contracts";

// Everyone in a room hears the server's PlaybackState: the position it names, moved on by however
// long ago `at` was on the server's clock. These are the sums behind that, kept free of the DOM.

/** One session.time round trip: sent at t0, answered at t1 (local ms), the server's clock between. */
export interface ClockSample {
  t0: number;
  t1: number;
  serverTime: number;
}

export interface ClockEstimate {
  /** Add to the local clock to read the server's (ms). */
  offsetMs: number;
  /** The round trip of the sample it came from: the offset is good to about half of it. */
  rttMs: number;
}

/**
 * The server clock's offset from ours. The server read its clock somewhere inside the round trip;
 * assuming the middle is wrong by at most half the round trip, so the quickest answer wins (a slow
 * one was held up on one leg, and nobody knows which).
 */
export function estimateOffset(samples: readonly ClockSample[]): ClockEstimate | null {
  let best: ClockSample | null = null;
  for (const s of samples) {
    const rtt = s.t1 - s.t0;
    if (!Number.isFinite(rtt) || rtt < 0 || !Number.isFinite(s.serverTime)) continue;
    if (!best || rtt < best.t1 - best.t0) best = s;
  }
  if (!best) return null;
  return { offsetMs: best.serverTime - (best.t0 + best.t1) / 2, rttMs: best.t1 - best.t0 };
}

/**
 * Where the room's song is at `serverNowMs` (ms into the song): `positionMs` while paused, moved on
 * by the time since `at` while playing; never before the start nor, given the length, past the end.
 */
export function expectedPositionMs(
  state: Pick<PlaybackState, "positionMs" | "at" | "playing">,
  serverNowMs: number,
  durationMs?: number,
): number {
  const moved = state.playing ? Math.max(0, serverNowMs - state.at.getTime()) : 0;
  const pos = Math.max(0, state.positionMs + moved);
  return durationMs !== undefined && durationMs > 0 ? Math.min(pos, durationMs) : pos;
}

/** Closer than this, nobody hears a difference: play at the normal rate. */
export const DRIFT_OK_MS = 40;
/** Once correcting, carry on until this close, so the rate does not flick on and off at the edge. */
export const DRIFT_DONE_MS = 10;
/** Further than this, catching up by rate would take too long: jump. */
export const DRIFT_SEEK_MS = 1000;
/** The rate may differ from 1 by at most this much: 5% is not heard as a pitch change (it is kept). */
export const RATE_SPAN = 0.05;
/**
 * The drift at which the rate reaches its limit; less drift, proportionally less change. Drift then
 * shrinks by half about every 1.4 s (a time constant of RATE_FULL_AT_MS / RATE_SPAN = 2 s).
 */
export const RATE_FULL_AT_MS = 100;

export type Correction = { kind: "rate"; rate: number } | { kind: "seek"; toMs: number };

/**
 * What to do about the drift (ours minus the room's, ms; positive: we are ahead). Small: nothing;
 * up to a second: play a little slower or faster, in proportion, until caught up; more: seek.
 * `rate` is the playback rate now, which tells whether a correction is already under way.
 */
export function correctDrift(driftMs: number, expectedMs: number, rate: number): Correction {
  const abs = Math.abs(driftMs);
  if (abs > DRIFT_SEEK_MS) return { kind: "seek", toMs: expectedMs };
  const correcting = rate !== 1;
  if (abs < DRIFT_DONE_MS || (!correcting && abs < DRIFT_OK_MS)) return { kind: "rate", rate: 1 };
  const change = Math.min(RATE_SPAN, (abs / RATE_FULL_AT_MS) * RATE_SPAN) * Math.sign(driftMs);
  // Ahead: slower; behind: faster. Rounded so a tiny change does not set the rate every tick.
  return { kind: "rate", rate: round3(1 - change) };
}

function round3(n: number): number {
  return Math.round(n * 1000) / 1000;
}

/**
 * Our clock, ms since the epoch, that never jumps (the system clock can be set back mid-song):
 * what clock samples and drift checks both read.
 */
export function localNow(): number {
  return performance.timeOrigin + performance.now();
}

/** What the audio is doing, as the follower sees it. */
export interface AudioNow {
  /** The queue entry loaded, if any. */
  key: string | null;
  timeMs: number;
  paused: boolean;
  rate: number;
  /** Waiting for data, or just sought/loaded: its position means nothing yet. */
  settling: boolean;
}

export interface FollowInput {
  /** The room's current entry and its length, or null when nothing plays (or the room ended). */
  item: { id: string; durationMs: number } | null;
  state: Pick<PlaybackState, "positionMs" | "at" | "playing">;
  serverNowMs: number;
  /** This device follows the room (not blocked by the browser, not paused here). */
  listening: boolean;
  audio: AudioNow;
  /** Called for a new state (a seek, a play): a gap is jumped at once rather than caught up slowly. */
  changed: boolean;
}

export type FollowStep =
  | { kind: "stop" }
  | { kind: "load"; atMs: number; play: boolean }
  | { kind: "pause"; seekToMs: number | null }
  | { kind: "start"; atMs: number }
  | { kind: "wait" }
  | Correction;

/** Near the end the song is left to finish: restarting it for a moment would be heard. */
const END_MS = 300;
/** A paused room, or a new state: this far off, jump rather than catch up. */
export const JUMP_MS = 250;

/** One check of the audio against the room: what to do to follow it. */
export function followStep({ item, state, serverNowMs, listening, audio, changed }: FollowInput): FollowStep {
  if (!item) return { kind: "stop" };
  const expected = expectedPositionMs(state, serverNowMs, item.durationMs);
  const play = state.playing && listening;
  const nearEnd = expected >= item.durationMs - END_MS;
  if (audio.key !== item.id) return { kind: "load", atMs: expected, play: play && !nearEnd };
  const drift = audio.timeMs - expected;
  if (!play) {
    // A paused room: sit where it sits. Playing but not here: stay put until asked to listen.
    const seek = !state.playing && Math.abs(drift) > JUMP_MS ? expected : null;
    return { kind: "pause", seekToMs: seek };
  }
  // The last moments play out (the audio's own end moves the room on), or stay over.
  if (nearEnd) return { kind: "wait" };
  if (audio.paused) return { kind: "start", atMs: expected };
  if (audio.settling) return { kind: "wait" };
  if (changed && Math.abs(drift) > JUMP_MS) return { kind: "seek", toMs: expected };
  return correctDrift(drift, expected, audio.rate);
}

/** How long past a song's end the room may sit before a controller moves it on without the audio. */
export const OVERDUE_MS = 2000;

/**
 * The room still plays a song that is over (nobody's audio reached its end: all paused or blocked
 * here): time for whoever controls it to move on.
 */
export function isOverdue(
  state: Pick<PlaybackState, "positionMs" | "at" | "playing">,
  serverNowMs: number,
  durationMs: number,
): boolean {
  return state.playing && expectedPositionMs(state, serverNowMs) >= durationMs + OVERDUE_MS;
}
