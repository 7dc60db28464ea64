/**
 * The play queue as plain data and pure functions, so every rule (shuffle, repeat, what "previous"
 * does) is tested without a browser. The player store holds one of these and swaps it for the
 * result of each operation.
 */

export type Repeat = "off" | "all" | "one";
export const REPEAT_MODES: readonly Repeat[] = ["off", "all", "one"];

/** One place in the queue. A song can be queued twice: the key tells the two apart. */
export interface Entry {
  key: string;
  songId: string;
}

export interface QueueState {
  /** In play order (shuffled when shuffle is on). */
  entries: Entry[];
  /** The order before shuffling, kept so turning shuffle off restores it; null when not shuffled. */
  original: Entry[] | null;
  /** The current entry, or -1 when the queue is empty. */
  index: number;
  repeat: Repeat;
}

export const emptyQueue: QueueState = { entries: [], original: null, index: -1, repeat: "off" };

/** A random number in [0, 1); injectable so tests can shuffle predictably. */
export type Random = () => number;

let keyCounter = 0;
/** New entries for songs, each with a key of its own. */
export function toEntries(songIds: readonly string[]): Entry[] {
  return songIds.map((songId) => ({ key: `q${(++keyCounter).toString(36)}`, songId }));
}

export function isShuffled(q: QueueState): boolean {
  return q.original !== null;
}

export function current(q: QueueState): Entry | null {
  return q.entries[q.index] ?? null;
}

export function upcoming(q: QueueState): Entry[] {
  return q.index < 0 ? [] : q.entries.slice(q.index + 1);
}

/** Fisher–Yates. */
export function shuffled<T>(items: readonly T[], random: Random = Math.random): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/**
 * Shuffles `items`, making sure the result differs from `avoid` (the order the listener would
 * otherwise hear) when there are two or more: pressing shuffle and hearing the same order looks broken.
 */
function shuffledAway(items: readonly Entry[], avoid: readonly Entry[], random: Random): Entry[] {
  let out = shuffled(items, random);
  if (items.length < 2) return out;
  for (let tries = 0; tries < 4 && sameOrder(out, avoid); tries++) out = shuffled(items, random);
  if (sameOrder(out, avoid)) out = [...out.slice(1), out[0]!];
  return out;
}

function sameOrder(a: readonly Entry[], b: readonly Entry[]): boolean {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i]!.songId !== b[i]!.songId) return false;
  return true;
}

/**
 * Replaces the queue with `entries`, starting at `start`. With shuffle the chosen song plays first
 * and the rest follow in random order.
 */
export function setQueue(
  q: QueueState,
  entries: Entry[],
  start: number,
  shuffle: boolean,
  random: Random = Math.random,
): QueueState {
  if (entries.length === 0) return { ...emptyQueue, repeat: q.repeat };
  const at = clamp(start, 0, entries.length - 1);
  if (!shuffle) return { entries, original: null, index: at, repeat: q.repeat };
  const first = entries[at]!;
  const rest = entries.filter((_, i) => i !== at);
  return {
    entries: [first, ...shuffledAway(rest, entries.slice(at + 1), random)],
    original: entries,
    index: 0,
    repeat: q.repeat,
  };
}

/**
 * Shuffle on: the current song stays, everything else (what was already played too) follows in a
 * random order. Shuffle off: the original order comes back, carrying on from the current song.
 */
export function toggleShuffle(q: QueueState, random: Random = Math.random): QueueState {
  if (q.original) {
    const cur = current(q);
    const index = cur ? q.original.findIndex((e) => e.key === cur.key) : -1;
    return { ...q, entries: q.original, original: null, index: q.original.length ? Math.max(0, index) : -1 };
  }
  if (q.entries.length === 0) return { ...q, original: [] };
  const cur = current(q) ?? q.entries[0]!;
  const rest = q.entries.filter((e) => e.key !== cur.key);
  return {
    ...q,
    entries: [cur, ...shuffledAway(rest, upcoming(q), random)],
    original: q.entries,
    index: 0,
  };
}

/** Right after the current song (in the original order too, so un-shuffling keeps it next). */
export function playNext(q: QueueState, added: Entry[]): QueueState {
  if (added.length === 0) return q;
  if (q.entries.length === 0) return { ...q, entries: added, original: q.original ? added : null, index: 0 };
  const cur = current(q);
  const entries = insertAt(q.entries, q.index + 1, added);
  let original = q.original;
  if (original) {
    const at = cur ? original.findIndex((e) => e.key === cur.key) : -1;
    original = insertAt(original, at + 1, added);
  }
  return { ...q, entries, original };
}

/** At the end of the queue. */
export function addToQueue(q: QueueState, added: Entry[]): QueueState {
  if (added.length === 0) return q;
  return {
    ...q,
    entries: [...q.entries, ...added],
    original: q.original ? [...q.original, ...added] : null,
    index: Math.max(0, q.index),
  };
}

/** Moves the entry at `from` to `to` (play-order indices); the current song stays current. */
export function move(q: QueueState, from: number, to: number): QueueState {
  if (from === to || !q.entries[from] || to < 0 || to >= q.entries.length) return q;
  const cur = current(q);
  const entries = [...q.entries];
  const [moved] = entries.splice(from, 1);
  entries.splice(to, 0, moved!);
  return { ...q, entries, index: cur ? entries.findIndex((e) => e.key === cur.key) : q.index };
}

/**
 * Removes the entry at `at`. Removing the current song makes the one after it current (the caller
 * loads it); removing the last one empties the queue.
 */
export function remove(q: QueueState, at: number): QueueState {
  const gone = q.entries[at];
  if (!gone) return q;
  const entries = q.entries.filter((_, i) => i !== at);
  const original = q.original ? q.original.filter((e) => e.key !== gone.key) : null;
  let index = q.index;
  if (at < q.index) index--;
  index = Math.min(index, entries.length - 1);
  return { ...q, entries, original, index };
}

/** Drops everything after the current song; what was played stays, so "previous" still works. */
export function clearUpcoming(q: QueueState): QueueState {
  if (q.index < 0) return q;
  const entries = q.entries.slice(0, q.index + 1);
  const kept = new Set(entries.map((e) => e.key));
  return { ...q, entries, original: q.original ? q.original.filter((e) => kept.has(e.key)) : null };
}

export function jumpTo(q: QueueState, index: number): QueueState {
  if (!q.entries[index]) return q;
  return { ...q, index };
}

export function cycleRepeat(q: QueueState): QueueState {
  const i = REPEAT_MODES.indexOf(q.repeat);
  return { ...q, repeat: REPEAT_MODES[(i + 1) % REPEAT_MODES.length]! };
}

/** Where the queue goes next; `stop` means the end was reached and playback should pause there. */
export interface Step {
  index: number;
  stop: boolean;
}

/**
 * The next song. `auto` is a song ending on its own: repeat-one plays it again. Skipping by hand
 * always moves on (under repeat-one it wraps like repeat-all). At the end without repeat the queue
 * goes back to its first song, paused, ready to play again.
 */
export function nextStep(q: QueueState, { auto }: { auto: boolean }): Step | null {
  if (q.entries.length === 0) return null;
  if (auto && q.repeat === "one") return { index: q.index, stop: false };
  if (q.index + 1 < q.entries.length) return { index: q.index + 1, stop: false };
  if (q.repeat !== "off") return { index: 0, stop: false };
  return { index: 0, stop: true };
}

/** More than this far into a song, "previous" starts it again instead of going back. */
export const RESTART_THRESHOLD_SECONDS = 3;

/** The previous song, or the same index (start it again) when far enough in or at the very start. */
export function previousStep(q: QueueState, positionSeconds: number): Step | null {
  if (q.entries.length === 0) return null;
  if (positionSeconds > RESTART_THRESHOLD_SECONDS) return { index: q.index, stop: false };
  if (q.index > 0) return { index: q.index - 1, stop: false };
  if (q.repeat === "all") return { index: q.entries.length - 1, stop: false };
  return { index: q.index, stop: false };
}

function insertAt<T>(list: readonly T[], at: number, items: readonly T[]): T[] {
  return [...list.slice(0, at), ...items, ...list.slice(at)];
}

function clamp(n: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, n));
}
