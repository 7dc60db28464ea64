import type { Song } from "@chorus/contracts";
import { useSyncExternalStore } from "react";
import { toast } from "../../components/toast";
import { initSession, sessionStore } from "../../lib/auth";
import { AudioEngine, type EngineTrack, type EqualizerState } from "./engine";
import {
  contextOf,
  finishListen,
  type Listen,
  type PlayContext,
  pauseListen,
  progress,
  startListen,
} from "./listen";
import { parseSaved, restoreQueue, STORAGE_KEY, toSaved } from "./persist";
import { reportPlay } from "./play-reporter";
import * as Q from "./queue";

export type Panel = "queue" | "lyrics" | "equalizer";

export interface PlayerState {
  queue: Q.QueueState;
  /** Every song the queue refers to, by id (fetched again by id after a reload). */
  songs: ReadonlyMap<string, Song>;
  /** Playing, or about to (a play was asked for and the audio is loading). */
  playing: boolean;
  /** Waiting for audio data. */
  buffering: boolean;
  /** Seconds into the current song. */
  position: number;
  /** Seconds; the song's catalogued length until the audio says otherwise. */
  duration: number;
  volume: number;
  muted: boolean;
  panel: Panel | null;
  /** The saved queue is being fetched again after a reload. */
  restoring: boolean;
  error: string | null;
  /** What the queue was started from ("album:<id>", "artist:<id>"), for "pause this album" buttons. */
  source: string | null;
}

let state: PlayerState = {
  queue: Q.emptyQueue,
  songs: new Map(),
  playing: false,
  buffering: false,
  position: 0,
  duration: 0,
  volume: 1,
  muted: false,
  panel: null,
  restoring: false,
  error: null,
  source: null,
};

const listeners = new Set<() => void>();
/** What changes several times a second while playing: saved every few seconds, not each time. */
const FREQUENT = new Set(["position", "duration", "buffering"]);

function set(patch: Partial<PlayerState>) {
  state = { ...state, ...patch };
  if (patch.queue) syncListen();
  for (const l of listeners) l();
  if (persistEnabled) saveSoon(Object.keys(patch).every((k) => FREQUENT.has(k)));
}

export const playerStore = {
  get: (): PlayerState => state,
  subscribe(l: () => void) {
    listeners.add(l);
    return () => void listeners.delete(l);
  },
};

/**
 * A slice of the player state. The selector must return something stable (a primitive, or an
 * object from the state itself): a new object each time would render forever.
 */
export function usePlayer<T>(select: (s: PlayerState) => T): T {
  return useSyncExternalStore(
    playerStore.subscribe,
    () => select(state),
    () => select(state),
  );
}

export function currentSong(s: PlayerState = state): Song | null {
  const entry = Q.current(s.queue);
  return entry ? (s.songs.get(entry.songId) ?? null) : null;
}

/** The current song, re-rendering only when it changes. */
export function useCurrentSong(): Song | null {
  return usePlayer(currentSong);
}

// ---------- Loading songs ----------

type SongLoader = (ids: string[]) => Promise<Song[]>;
let loader: SongLoader | null = null;

/** The app hands the player its way to fetch songs by id (catalog.songsByIds). */
export function setSongLoader(fn: SongLoader) {
  loader = fn;
}

function remember(songs: readonly Song[]) {
  if (songs.length === 0) return;
  const map = new Map(state.songs);
  for (const s of songs) map.set(s.id, s);
  set({ songs: map });
}

async function fetchSongs(ids: readonly string[]): Promise<Song[]> {
  if (!loader) throw new Error("The player cannot load songs yet");
  const unique = [...new Set(ids)];
  const out: Song[] = [];
  for (let i = 0; i < unique.length; i += 500) out.push(...(await loader(unique.slice(i, i + 500))));
  remember(out);
  return out;
}

// ---------- Listening history ----------

/** The current song's listen: how long it has really played, reported when it ends or is left. */
let listen: Listen | null = null;
/** Entries queued by hand ("Play next", "Add to queue"): their context is the queue, not the album. */
const handQueued = new Set<string>();

function contextFor(entry: Q.Entry): PlayContext | null {
  return handQueued.has(entry.key) ? { type: "queue", id: null } : contextOf(state.source);
}

/** A new current entry (any way it came): the previous listen is over. */
function syncListen() {
  const entry = Q.current(state.queue);
  if (listen && listen.key === entry?.key) return;
  closeListen(false);
  listen = entry ? startListen(entry, contextFor(entry), Date.now()) : null;
}

/** Reports the current listen (a skip unless it ended by itself or near its end). */
function closeListen(naturally: boolean) {
  const open = listen;
  listen = null;
  if (!open) return;
  clearSavedListen();
  const song = state.songs.get(open.songId);
  const done = finishListen(open, {
    naturally,
    position: open.last?.position ?? 0,
    duration: song ? song.durationMs / 1000 : 0,
  });
  if (done) reportPlay(done);
}

/** The song played to its end and starts again (repeat one, or a queue of one): two plays. */
function restartListen(naturally: boolean) {
  closeListen(naturally);
  const entry = Q.current(state.queue);
  listen = entry ? startListen(entry, contextFor(entry), Date.now()) : null;
}

/** Reports what is playing now as a play of its own (before logging out), and listens on. */
export function reportCurrentListen() {
  restartListen(false);
}

// A listen in progress when the page goes (a reload, the phone closing the tab) carries on after
// the reload when the same song is back, and is reported as it was otherwise.
const LISTEN_KEY = "chorus-listen";
interface SavedListen {
  userId: string;
  songId: string;
  listenedMs: number;
  startedAt: number;
  context: PlayContext | null;
  savedAt: number;
}

function saveListen() {
  const s = sessionStore.get();
  if (!listen || s.status !== "signedIn" || listen.listenedMs <= 0) return;
  const saved: SavedListen = {
    userId: s.user.id,
    songId: listen.songId,
    listenedMs: Math.round(listen.listenedMs),
    startedAt: listen.startedAt,
    context: listen.context,
    savedAt: Date.now(),
  };
  localStorage.setItem(LISTEN_KEY, JSON.stringify(saved));
}

function clearSavedListen() {
  try {
    localStorage.removeItem(LISTEN_KEY);
  } catch {
    // Storage off: nothing was saved either.
  }
}

function readSavedListen(): SavedListen | null {
  try {
    const raw = JSON.parse(localStorage.getItem(LISTEN_KEY) ?? "null") as SavedListen | null;
    clearSavedListen();
    return raw && typeof raw.songId === "string" && typeof raw.listenedMs === "number" ? raw : null;
  } catch {
    return null;
  }
}

async function resumeSavedListen(saved: SavedListen) {
  await initSession();
  const s = sessionStore.get();
  if (s.status !== "signedIn" || s.user.id !== saved.userId) return;
  if (listen && listen.songId === saved.songId && Date.now() - saved.savedAt < 3_600_000) {
    listen = {
      ...listen,
      listenedMs: listen.listenedMs + saved.listenedMs,
      startedAt: saved.startedAt,
      context: saved.context ?? listen.context,
    };
    return;
  }
  const done = finishListen(
    {
      key: "",
      songId: saved.songId,
      context: saved.context,
      startedAt: saved.startedAt,
      listenedMs: saved.listenedMs,
      last: null,
    },
    { naturally: true, position: 0, duration: 0 },
  );
  if (done) reportPlay(done, saved.savedAt);
}

// ---------- The engine ----------

let engine: AudioEngine | null = null;
let equalizer: EqualizerState = { enabled: false, bands: [] };
let crossfadeSeconds = 0;
/** Songs whose stream failed once and were fetched again (a signed URL can expire). */
const retried = new Set<string>();

function trackFor(entry: Q.Entry): EngineTrack | null {
  const song = state.songs.get(entry.songId);
  if (!song) return null;
  return {
    key: entry.key,
    url: song.streamUrl,
    gainDb: song.replayGain?.trackGainDb ?? null,
    peak: song.replayGain?.trackPeak ?? null,
  };
}

function getEngine(): AudioEngine {
  if (engine) return engine;
  const e = new AudioEngine({
    time(position, duration) {
      if (listen && engine?.currentKey === listen.key) listen = progress(listen, position, performance.now());
      const d =
        Number.isFinite(duration) && duration > 0 ? duration : (currentSong()?.durationMs ?? 0) / 1000;
      if (position !== state.position || d !== state.duration) set({ position, duration: d });
    },
    playing(playing) {
      if (!playing && listen) listen = pauseListen(listen);
      if (playing !== state.playing) set({ playing });
    },
    buffering(waiting) {
      if (waiting !== state.buffering) set({ buffering: waiting });
    },
    ended: onEnded,
    advanced(key) {
      // A crossfade starts in the last seconds of a song: it played to its end.
      restartListen(true);
      const index = state.queue.entries.findIndex((x) => x.key === key);
      if (index >= 0) set({ queue: Q.jumpTo(state.queue, index), position: 0, error: null });
    },
    error: (kind) => void onError(kind),
  });
  e.upcoming = () => {
    // A live session says what comes next, and when.
    if (external) return null;
    const step = Q.nextStep(state.queue, { auto: true });
    const entry = step && !step.stop ? state.queue.entries[step.index] : undefined;
    return entry ? trackFor(entry) : null;
  };
  e.setVolume(state.volume, state.muted);
  if (equalizer.bands.length) e.setEqualizer(equalizer);
  e.setCrossfade(crossfadeSeconds);
  engine = e;
  return e;
}

/** The current song's position, read from the audio element itself (smoother than the state). */
export function livePosition(): number {
  return engine?.currentTime ?? state.position;
}

async function loadCurrent({ play, at = 0 }: { play: boolean; at?: number }) {
  const entry = Q.current(state.queue);
  const eng = getEngine();
  if (!entry) {
    eng.unload();
    set({ playing: false, buffering: false, position: 0, duration: 0, error: null });
    return;
  }
  if (!state.songs.has(entry.songId)) {
    set({ buffering: true });
    try {
      await fetchSongs([entry.songId]);
    } catch {
      set({ buffering: false, playing: false, error: "Could not load this song. Check your connection." });
      return;
    }
    // Something else was picked while this one loaded.
    if (Q.current(state.queue)?.key !== entry.key) return;
  }
  const track = trackFor(entry);
  const song = state.songs.get(entry.songId);
  if (!track || !song) {
    set({ playing: false, error: "This song is no longer in the library." });
    return;
  }
  set({ error: null, playing: play, position: at, duration: song.durationMs / 1000 });
  eng.load(track, { play, at });
}

function onEnded() {
  restartListen(true);
  if (external) {
    external.ended?.();
    return;
  }
  const step = Q.nextStep(state.queue, { auto: true });
  if (!step) return;
  if (step.index === state.queue.index && !step.stop) {
    // Repeat one, or a queue of one on repeat.
    engine?.seek(0);
    engine?.play();
    return;
  }
  set({ queue: Q.jumpTo(state.queue, step.index), position: 0 });
  void loadCurrent({ play: !step.stop, at: 0 });
}

async function onError(kind: "network" | "decode" | "unsupported" | "blocked") {
  if (kind === "blocked") {
    // The browser wants a click first (autoplay rules): the play button is right there.
    set({ playing: false, buffering: false });
    external?.blocked?.();
    return;
  }
  const entry = Q.current(state.queue);
  if (!entry) return;
  const wasPlaying = state.playing;
  if (!retried.has(entry.key)) {
    // Most likely the signed stream URL expired: fetch the song again and carry on where it was.
    retried.add(entry.key);
    try {
      await fetchSongs([entry.songId]);
      const track = trackFor(entry);
      if (track && Q.current(state.queue)?.key === entry.key) {
        engine?.reload(track, { play: wasPlaying });
        return;
      }
    } catch {
      // Reported below.
    }
  }
  const title = state.songs.get(entry.songId)?.title ?? "This song";
  const step = Q.nextStep(state.queue, { auto: true });
  if (wasPlaying && step && !step.stop && step.index !== state.queue.index) {
    toast(`Skipped “${title}”: it could not be played.`);
    set({ queue: Q.jumpTo(state.queue, step.index), position: 0 });
    void loadCurrent({ play: true });
    return;
  }
  set({
    playing: false,
    buffering: false,
    error:
      kind === "network"
        ? "The connection dropped while loading this song."
        : "This song could not be played.",
  });
}

// ---------- Actions ----------

function startQueue(queue: Q.QueueState, source: string | null) {
  persistEnabled = true;
  retried.clear();
  handQueued.clear();
  set({ queue, source, position: 0, restoring: false });
  void loadCurrent({ play: true, at: 0 });
}

function afterAdding(wasEmpty: boolean, count: number, where: "next" | "end") {
  persistEnabled = true;
  if (wasEmpty) void loadCurrent({ play: false });
  const what = count === 1 ? "1 song" : `${count} songs`;
  toast(where === "next" ? `${cap(what)} will play next` : `Added ${what} to the queue`);
}

export const player = {
  /** Plays `songs` from `start` (with shuffle: `start` first, the rest shuffled). */
  playSongs(songs: readonly Song[], start = 0, opts: { shuffle?: boolean; source?: string } = {}) {
    if (songs.length === 0) return;
    // Picking music of one's own stops following the session (the room offers to follow again).
    release();
    remember(songs);
    const shuffle = opts.shuffle ?? Q.isShuffled(state.queue);
    const entries = Q.toEntries(songs.map((s) => s.id));
    startQueue(Q.setQueue(state.queue, entries, start, shuffle), opts.source ?? null);
  },

  play() {
    if (external) return external.play();
    const entry = Q.current(state.queue);
    if (!entry) return;
    const eng = getEngine();
    if (eng.currentKey !== entry.key || state.error) {
      void loadCurrent({ play: true, at: state.error ? 0 : state.position });
      return;
    }
    set({ playing: true });
    eng.play();
  },

  pause() {
    if (external) return external.pause();
    set({ playing: false });
    engine?.pause();
  },

  toggle() {
    if (state.playing) player.pause();
    else player.play();
  },

  next() {
    if (external) return external.next();
    const step = Q.nextStep(state.queue, { auto: false });
    if (!step) return;
    const play = state.playing && !step.stop;
    set({ queue: Q.jumpTo(state.queue, step.index), position: 0 });
    void loadCurrent({ play, at: 0 });
  },

  /** Back to the previous song, or to the start of this one when more than 3 s in. */
  previous() {
    if (external) return external.previous();
    const step = Q.previousStep(state.queue, livePosition());
    if (!step) return;
    if (step.index === state.queue.index) {
      player.seek(0);
      return;
    }
    set({ queue: Q.jumpTo(state.queue, step.index), position: 0 });
    void loadCurrent({ play: state.playing, at: 0 });
  },

  seek(seconds: number) {
    if (external) return external.seek(Math.max(0, seconds));
    if (!Q.current(state.queue)) return;
    const max = state.duration || Number.POSITIVE_INFINITY;
    const t = Math.min(Math.max(0, seconds), max);
    // Jumping is not listening: the next position report starts counting afresh.
    if (listen) listen = pauseListen(listen);
    const eng = getEngine();
    if (eng.currentKey === Q.current(state.queue)?.key) eng.seek(t);
    set({ position: t });
  },

  seekBy(delta: number) {
    player.seek(livePosition() + delta);
  },

  setVolume(volume: number) {
    const v = Math.min(1, Math.max(0, volume));
    set({ volume: v, muted: v === 0 ? state.muted : false });
    engine?.setVolume(state.volume, state.muted);
  },

  volumeBy(delta: number) {
    player.setVolume((state.muted ? 0 : state.volume) + delta);
  },

  toggleMute() {
    if (state.muted || state.volume === 0) set({ muted: false, volume: state.volume || 0.5 });
    else set({ muted: true });
    engine?.setVolume(state.volume, state.muted);
  },

  toggleShuffle() {
    set({ queue: Q.toggleShuffle(state.queue) });
  },

  cycleRepeat() {
    set({ queue: Q.cycleRepeat(state.queue) });
  },

  playNext(songs: readonly Song[]) {
    if (songs.length === 0) return;
    if (external) return external.enqueue(songs, "next");
    remember(songs);
    const wasEmpty = !Q.current(state.queue);
    const entries = Q.toEntries(songs.map((s) => s.id));
    for (const e of entries) handQueued.add(e.key);
    set({ queue: Q.playNext(state.queue, entries) });
    afterAdding(wasEmpty, songs.length, "next");
  },

  addToQueue(songs: readonly Song[]) {
    if (songs.length === 0) return;
    if (external) return external.enqueue(songs, "end");
    remember(songs);
    const wasEmpty = !Q.current(state.queue);
    const entries = Q.toEntries(songs.map((s) => s.id));
    for (const e of entries) handQueued.add(e.key);
    set({ queue: Q.addToQueue(state.queue, entries) });
    afterAdding(wasEmpty, songs.length, "end");
  },

  /** Moves a queue entry (play-order indices). */
  move(from: number, to: number) {
    set({ queue: Q.move(state.queue, from, to) });
  },

  remove(index: number) {
    const wasCurrent = index === state.queue.index;
    set({ queue: Q.remove(state.queue, index) });
    if (wasCurrent) void loadCurrent({ play: state.playing, at: 0 });
  },

  clearUpcoming() {
    set({ queue: Q.clearUpcoming(state.queue) });
  },

  /** Plays the queue entry at `index`. */
  jumpTo(index: number) {
    if (external) return;
    if (index === state.queue.index) {
      player.play();
      return;
    }
    set({ queue: Q.jumpTo(state.queue, index), position: 0 });
    void loadCurrent({ play: true, at: 0 });
  },

  togglePanel(panel: Panel) {
    set({ panel: state.panel === panel ? null : panel });
  },

  closePanel() {
    if (state.panel !== null) set({ panel: null });
  },

  /** Stops and forgets the queue (signing out on a shared computer). */
  clear() {
    set({ queue: { ...Q.emptyQueue, repeat: state.queue.repeat }, source: null, error: null });
    void loadCurrent({ play: false });
  },

  setEqualizer(eq: EqualizerState) {
    equalizer = { enabled: eq.enabled, bands: [...eq.bands] };
    engine?.setEqualizer(equalizer);
  },

  setCrossfade(seconds: number) {
    crossfadeSeconds = seconds;
    engine?.setCrossfade(seconds);
  },
};

// ---------- Following a live session ----------

/**
 * Someone else decides what plays: a live session, whose server state is the truth. While one is
 * attached, the player's own controls (the bar, media keys, shortcuts) ask it instead of acting,
 * and it drives the audio through `follow`.
 */
export interface ExternalControl {
  play(): void;
  pause(): void;
  next(): void;
  previous(): void;
  seek(seconds: number): void;
  /** "Play next" / "Add to queue" from any song menu. */
  enqueue(songs: readonly Song[], at: "next" | "end"): void;
  /** The song played to its end. */
  ended?(): void;
  /** The browser refused to start the audio without a click (autoplay rules). */
  blocked?(): void;
  /** The listener started music of their own: the player is theirs again. */
  released?(): void;
}

let external: ExternalControl | null = null;
/** The listener's own queue, put back when the session lets go. */
let ownQueue: { queue: Q.QueueState; source: string | null; position: number } | null = null;

function release() {
  const was = external;
  if (!was) return;
  follow.detach(was, { restore: false });
  was.released?.();
}

export const follow = {
  /** Hands the player to `control` until `detach`; the listener's queue waits meanwhile. */
  attach(control: ExternalControl) {
    if (external === control) return;
    if (!external) {
      ownQueue = { queue: state.queue, source: state.source, position: livePosition() };
      engine?.pause();
      set({ queue: { ...Q.emptyQueue, repeat: "off" }, source: null, playing: false, error: null });
    }
    external = control;
  },

  /** Gives the player back, with the listener's own queue as it was (paused) unless told not to. */
  detach(control: ExternalControl, { restore = true }: { restore?: boolean } = {}) {
    if (external !== control) return;
    external = null;
    engine?.setRate(1);
    const own = ownQueue;
    ownQueue = null;
    if (!restore || !own) return;
    engine?.pause();
    set({ queue: own.queue, source: own.source, position: own.position, playing: false });
    void loadCurrent({ play: false, at: own.position });
  },

  get attached(): boolean {
    return external !== null;
  },

  /** The song the listener was playing before the session took over, if any. */
  get ownSong(): Song | null {
    const entry = ownQueue ? Q.current(ownQueue.queue) : null;
    return entry ? (state.songs.get(entry.songId) ?? null) : null;
  },

  /**
   * Makes `song` (as the session's queue entry `key`) the one playing, from `at` seconds, playing or
   * paused. Loading the same entry again only seeks and plays or pauses.
   */
  load(song: Song, key: string, { play, at }: { play: boolean; at: number }) {
    if (!external) return;
    remember([song]);
    if (Q.current(state.queue)?.key !== key) {
      set({ queue: { ...Q.emptyQueue, entries: [{ key, songId: song.id }], index: 0 }, position: at });
    }
    const entry = Q.current(state.queue);
    const track = entry ? trackFor(entry) : null;
    if (!track) return;
    set({ error: null, playing: play, position: at, duration: song.durationMs / 1000 });
    getEngine().load(track, { play, at });
  },

  /** Nothing plays in the session (an empty queue, or it ran out). */
  stop() {
    if (!external || !Q.current(state.queue)) return;
    set({ queue: { ...Q.emptyQueue, repeat: "off" } });
    void loadCurrent({ play: false });
  },

  play() {
    if (!external || !Q.current(state.queue)) return;
    set({ playing: true });
    getEngine().play();
  },

  pause() {
    if (!external) return;
    set({ playing: false });
    engine?.pause();
  },

  seek(seconds: number) {
    if (!external || !Q.current(state.queue)) return;
    if (listen) listen = pauseListen(listen);
    getEngine().seek(Math.max(0, seconds));
  },

  setRate(rate: number) {
    if (external) engine?.setRate(rate);
  },

  /** The audio's own position and state, for measuring drift. */
  get currentKey(): string | null {
    return engine?.currentKey ?? null;
  },
  get time(): number {
    return livePosition();
  },
  get rate(): number {
    return engine?.rate ?? 1;
  },
  get paused(): boolean {
    return engine?.paused ?? true;
  },
  get buffering(): boolean {
    return state.buffering;
  },
};

// ---------- Persistence ----------

/** Off until the saved queue is back, so a half-restored state never overwrites it. */
let persistEnabled = false;
let saveTimer: ReturnType<typeof setTimeout> | undefined;
let saveDue = 0;

function saveSoon(positionOnly: boolean) {
  // Position changes four times a second: written every few seconds (and when the page goes away).
  const due = Date.now() + (positionOnly ? 3000 : 200);
  if (saveTimer !== undefined && saveDue <= due) return;
  clearTimeout(saveTimer);
  saveDue = due;
  saveTimer = setTimeout(saveNow, due - Date.now());
}

export function saveNow() {
  clearTimeout(saveTimer);
  saveTimer = undefined;
  // A session's song is not one's own queue: what was saved before the session stays.
  if (!persistEnabled || external) return;
  try {
    const saved = toSaved({
      queue: state.queue,
      positionMs: livePosition() * 1000,
      volume: state.volume,
      muted: state.muted,
      source: state.source,
    });
    localStorage.setItem(STORAGE_KEY, JSON.stringify(saved));
    saveListen();
  } catch {
    // Storage full or off (private windows): the queue just does not survive a reload.
  }
}

let restoreStarted = false;

/** Brings back the queue saved by the last visit, paused where it was (browsers block autoplay). */
export async function restorePlayer(): Promise<void> {
  if (restoreStarted) return;
  restoreStarted = true;
  // Read before anything plays and saves a listen of its own over it.
  const listened = readSavedListen();
  await restoreSaved();
  if (listened) await resumeSavedListen(listened);
}

async function restoreSaved(): Promise<void> {
  let saved: ReturnType<typeof parseSaved> = null;
  try {
    saved = parseSaved(localStorage.getItem(STORAGE_KEY));
  } catch {
    saved = null;
  }
  if (!saved) {
    persistEnabled = true;
    return;
  }
  set({
    volume: saved.volume,
    muted: saved.muted,
    queue: { ...Q.emptyQueue, repeat: saved.repeat, original: saved.order && !saved.ids.length ? [] : null },
  });
  if (saved.ids.length === 0) {
    persistEnabled = true;
    return;
  }
  set({ restoring: true });
  for (let attempt = 0; ; attempt++) {
    try {
      await fetchSongs(saved.ids);
      break;
    } catch {
      if (attempt >= 2 || Q.current(state.queue)) {
        // The server is unreachable: what was saved stays saved for the next visit.
        set({ restoring: false });
        return;
      }
      await new Promise((r) => setTimeout(r, 1000 * 2 ** attempt));
    }
  }
  if (Q.current(state.queue)) {
    // The listener started something else while this loaded: theirs wins.
    set({ restoring: false });
    return;
  }
  const { queue, positionMs } = restoreQueue(saved, (id) => state.songs.has(id));
  persistEnabled = true;
  if (external) {
    // A session opened straight from a link holds the player: the queue waits for it to let go.
    ownQueue = { queue, source: saved.source, position: positionMs / 1000 };
    set({ restoring: false });
    return;
  }
  set({ queue, source: saved.source, restoring: false, position: positionMs / 1000 });
  await loadCurrent({ play: false, at: positionMs / 1000 });
}

if (typeof window !== "undefined") {
  window.addEventListener("pagehide", saveNow);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden") saveNow();
  });
}

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
