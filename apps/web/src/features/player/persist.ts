import { type Entry, type QueueState, REPEAT_MODES, type Repeat, toEntries } from "./queue";

/**
 * What survives a reload, in localStorage. Song ids only: a song's stream URL is signed and expires,
 * so the songs are fetched again by id on the next visit.
 */
export interface SavedPlayer {
  v: 1;
  /** Song ids in the original (unshuffled) order. */
  ids: string[];
  /**
   * With shuffle on: the play order, as positions in `ids` (an empty list for shuffle on with an
   * empty queue, so the next album starts shuffled); null with shuffle off.
   */
  order: number[] | null;
  /** The current song, as a position in the play order. */
  index: number;
  positionMs: number;
  repeat: Repeat;
  volume: number;
  muted: boolean;
  /** What the queue was started from ("album:<id>"): its play button and the plays' context. */
  source: string | null;
}

export const STORAGE_KEY = "chorus-player";
const MAX_SAVED = 1000;

export interface PlayerSnapshot {
  queue: QueueState;
  positionMs: number;
  volume: number;
  muted: boolean;
  source?: string | null;
}

export function toSaved({ queue, positionMs, volume, muted, source = null }: PlayerSnapshot): SavedPlayer {
  const base = queue.original ?? queue.entries;
  let ids = base.map((e) => e.songId);
  let order: number[] | null = null;
  let index = queue.index;
  if (queue.original) {
    const at = new Map(queue.original.map((e, i) => [e.key, i]));
    order = queue.entries.map((e) => at.get(e.key) ?? -1).filter((i) => i >= 0);
  }
  if (ids.length > MAX_SAVED) {
    // A very long queue keeps the window around the current song (shuffled queues are kept whole).
    if (!order) {
      const start = Math.max(0, Math.min(index - 100, ids.length - MAX_SAVED));
      ids = ids.slice(start, start + MAX_SAVED);
      index -= start;
    }
  }
  return {
    v: 1,
    ids,
    order,
    index,
    positionMs: Math.max(0, Math.round(positionMs)),
    repeat: queue.repeat,
    volume,
    muted,
    source,
  };
}

/** Reads what was saved, or null when there is nothing usable (an old format, hand-edited junk). */
export function parseSaved(raw: string | null): SavedPlayer | null {
  if (!raw) return null;
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    return null;
  }
  if (typeof v !== "object" || v === null) return null;
  const o = v as Record<string, unknown>;
  if (o.v !== 1 || !Array.isArray(o.ids) || !o.ids.every((id) => typeof id === "string")) return null;
  const ids = o.ids as string[];
  const order =
    Array.isArray(o.order) &&
    o.order.length === ids.length &&
    o.order.every((i) => Number.isInteger(i) && i >= 0 && i < ids.length) &&
    new Set(o.order).size === ids.length
      ? (o.order as number[])
      : null;
  const index = Number.isInteger(o.index) ? (o.index as number) : 0;
  return {
    v: 1,
    ids,
    order,
    index: ids.length === 0 ? -1 : Math.min(Math.max(0, index), ids.length - 1),
    positionMs: typeof o.positionMs === "number" && o.positionMs > 0 ? o.positionMs : 0,
    repeat: REPEAT_MODES.includes(o.repeat as Repeat) ? (o.repeat as Repeat) : "off",
    volume: typeof o.volume === "number" && o.volume >= 0 && o.volume <= 1 ? o.volume : 1,
    muted: o.muted === true,
    source: typeof o.source === "string" && o.source.length <= 300 ? o.source : null,
  };
}

/**
 * The queue again, from what was saved and the songs that still exist (`known`: a deleted song drops
 * out). When the current song is gone, the one after it becomes current, from its start.
 */
export function restoreQueue(
  saved: SavedPlayer,
  known: (songId: string) => boolean,
): { queue: QueueState; positionMs: number } {
  const base = toEntries(saved.ids);
  const playOrder: Entry[] = saved.order ? saved.order.map((i) => base[i]!) : base;
  const currentKey = playOrder[saved.index]?.key;
  const keep = (e: Entry) => known(e.songId);
  const original = saved.order ? base.filter(keep) : null;
  const entries = playOrder.filter(keep);
  let index = entries.findIndex((e) => e.key === currentKey);
  let positionMs = saved.positionMs;
  if (index < 0) {
    positionMs = 0;
    // The first surviving song after the lost current one.
    const after = playOrder.slice(saved.index + 1).find(keep);
    index = after ? entries.indexOf(after) : entries.length - 1;
  }
  return {
    queue: {
      entries,
      original,
      index: entries.length ? index : -1,
      repeat: saved.repeat,
    },
    positionMs,
  };
}
