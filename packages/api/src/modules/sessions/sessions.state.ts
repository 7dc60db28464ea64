// The playback state machine of a live session: pure functions from (state, command, now) to the
// next state. The service applies them under the session row lock; the tests can call them alone.
import { randomUUID } from "node:crypto";
import type { ControlAction, PlaybackState, QueueItem } from "@chorus/contracts";
import { TRPCError } from "@trpc/server";

/** `previous` restarts the song when it has played longer than this, else goes back one entry. */
export const RESTART_THRESHOLD_MS = 3_000;

export interface PlaybackRow {
  current_item_id: string | null;
  song_id: string | null;
  position_ms: string | number;
  position_at: Date;
  playing: boolean;
  queue: QueueItem[];
  version: number;
}

export function toPlayback(row: PlaybackRow): PlaybackState {
  return {
    currentItemId: row.current_item_id,
    songId: row.song_id,
    positionMs: Number(row.position_ms),
    at: row.position_at,
    playing: row.playing,
    queue: row.queue ?? [],
    version: row.version,
  };
}

/** The columns of live_sessions that hold a playback state. */
export function playbackColumns(state: PlaybackState) {
  return {
    current_item_id: state.currentItemId,
    song_id: state.songId,
    position_ms: state.positionMs,
    position_at: state.at,
    playing: state.playing,
    queue: JSON.stringify(state.queue),
    version: state.version,
  };
}

/** Where the song is at `now`: it moves on from positionMs while playing (never past its end). */
export function positionAt(state: PlaybackState, now: Date, durationMs?: number): number {
  const raw = state.playing ? state.positionMs + (now.getTime() - state.at.getTime()) : state.positionMs;
  const clamped = durationMs === undefined ? raw : Math.min(raw, durationMs);
  return Math.max(0, Math.round(clamped));
}

export interface ControlCommand {
  action: ControlAction;
  positionMs?: number | undefined;
  itemId?: string | undefined;
}

const bad = (message: string) => new TRPCError({ code: "BAD_REQUEST", message });

/**
 * The state after a control command, with the version one higher. `durationOf` gives a song's length
 * (for clamping positions). Throws BAD_REQUEST, naming what to do, for a command that cannot apply.
 */
export function applyControl(
  state: PlaybackState,
  command: ControlCommand,
  now: Date,
  durationOf: (songId: string) => number | undefined,
): PlaybackState {
  const { queue } = state;
  const index = state.currentItemId ? queue.findIndex((q) => q.id === state.currentItemId) : -1;
  const current = index >= 0 ? queue[index] : undefined;
  const duration = current ? durationOf(current.songId) : undefined;
  const at = now;
  const version = state.version + 1;
  const start = (item: QueueItem | undefined, positionMs: number, playing: boolean): PlaybackState =>
    item
      ? { ...state, currentItemId: item.id, songId: item.songId, positionMs, at, playing, version }
      : // Past either end of the queue: stopped, nothing current.
        { ...state, currentItemId: null, songId: null, positionMs: 0, at, playing: false, version };
  const checkPosition = (positionMs: number, songDuration: number | undefined) => {
    if (songDuration !== undefined && positionMs > songDuration) {
      throw bad(
        `positionMs ${positionMs} is past the end of the song (${songDuration} ms long): seek to an earlier point.`,
      );
    }
    return positionMs;
  };

  switch (command.action) {
    case "play": {
      if (!current) {
        if (queue.length === 0) throw bad("The queue is empty: add a song before pressing play.");
        const first = queue[0]!;
        return start(first, checkPosition(command.positionMs ?? 0, durationOf(first.songId)), true);
      }
      const positionMs =
        command.positionMs !== undefined
          ? checkPosition(command.positionMs, duration)
          : positionAt(state, now, duration);
      return { ...state, positionMs, at, playing: true, version };
    }
    case "pause": {
      if (!current) throw bad("Nothing is playing: there is nothing to pause.");
      const positionMs =
        command.positionMs !== undefined
          ? checkPosition(command.positionMs, duration)
          : positionAt(state, now, duration);
      return { ...state, positionMs, at, playing: false, version };
    }
    case "seek": {
      if (!current) throw bad("Nothing is playing: press play or pick a song before seeking.");
      return { ...state, positionMs: checkPosition(command.positionMs ?? 0, duration), at, version };
    }
    case "next": {
      if (queue.length === 0) throw bad("The queue is empty: there is no next song.");
      // Nothing current: start from the top. Past the end: stop.
      const playing = current ? state.playing : true;
      return start(queue[index + 1], 0, playing);
    }
    case "previous": {
      if (queue.length === 0) throw bad("The queue is empty: there is no previous song.");
      if (!current) return start(queue[queue.length - 1], 0, true);
      if (positionAt(state, now, duration) > RESTART_THRESHOLD_MS || index === 0) {
        return { ...state, positionMs: 0, at, version };
      }
      return start(queue[index - 1], 0, state.playing);
    }
    case "jump": {
      const item = queue.find((q) => q.id === command.itemId);
      if (!item) throw notInQueue();
      return start(item, checkPosition(command.positionMs ?? 0, durationOf(item.songId)), true);
    }
  }
}

export const notInQueue = () =>
  new TRPCError({
    code: "NOT_FOUND",
    message: "That entry is no longer in the queue: someone removed it. Pick another one.",
  });

/** New queue entries for these songs, added by `userId`. */
export function newItems(songIds: readonly string[], userId: string | null): QueueItem[] {
  return songIds.map((songId) => ({ id: randomUUID(), songId, addedBy: userId }));
}

/** The queue with `items` inserted right after the current entry (or at the top) or at the end. */
export function addToQueue(state: PlaybackState, items: QueueItem[], at: "next" | "end"): PlaybackState {
  const queue = [...state.queue];
  if (at === "end") queue.push(...items);
  else {
    const index = state.currentItemId ? queue.findIndex((q) => q.id === state.currentItemId) : -1;
    queue.splice(index + 1, 0, ...items);
  }
  return { ...state, queue, version: state.version + 1 };
}

/**
 * The queue without one entry. Removing the entry playing moves on to the one after it (at its start,
 * still playing or paused as before), or stops when it was the last.
 */
export function removeFromQueue(state: PlaybackState, itemId: string, now: Date): PlaybackState {
  const index = state.queue.findIndex((q) => q.id === itemId);
  if (index < 0) throw notInQueue();
  const queue = state.queue.filter((q) => q.id !== itemId);
  const version = state.version + 1;
  if (state.currentItemId !== itemId) return { ...state, queue, version };
  const following = queue[index];
  return following
    ? {
        ...state,
        queue,
        currentItemId: following.id,
        songId: following.songId,
        positionMs: 0,
        at: now,
        version,
      }
    : { ...state, queue, currentItemId: null, songId: null, positionMs: 0, at: now, playing: false, version };
}

/** The queue with one entry moved to `toIndex` (0-based); the song playing keeps playing. */
export function reorderQueue(state: PlaybackState, itemId: string, toIndex: number): PlaybackState {
  const index = state.queue.findIndex((q) => q.id === itemId);
  if (index < 0) throw notInQueue();
  if (toIndex >= state.queue.length) {
    throw new TRPCError({
      code: "BAD_REQUEST",
      message: `toIndex ${toIndex} is past the end of the queue (the last index is ${state.queue.length - 1}).`,
    });
  }
  const queue = [...state.queue];
  const [item] = queue.splice(index, 1);
  queue.splice(toIndex, 0, item!);
  return { ...state, queue, version: state.version + 1 };
}
