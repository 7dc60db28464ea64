import { EQ_BANDS_HZ } from "@chorus/contracts";

/** What the engine needs to play a queue entry. */
export interface EngineTrack {
  /** The queue entry's key: the same song twice in a row is still two tracks. */
  key: string;
  url: string;
  /** ReplayGain for this track in dB, or null. */
  gainDb: number | null;
  /** The track's peak (1 = full scale), to keep a positive gain from clipping. */
  peak: number | null;
}

export interface EngineEvents {
  /** The current track's position moved (about four times a second while playing, and on seeks). */
  time(seconds: number, duration: number): void;
  playing(playing: boolean): void;
  buffering(waiting: boolean): void;
  /** The current track ended on its own (not during a crossfade, which advances by itself). */
  ended(): void;
  /** A crossfade began into `key`, which is now the current track. */
  advanced(key: string): void;
  error(kind: "network" | "decode" | "unsupported" | "blocked"): void;
}

export interface EqualizerState {
  enabled: boolean;
  bands: readonly number[];
}

/** One of two audio elements: the current track, or the next one (preloading or fading in). */
interface Deck {
  el: HTMLAudioElement;
  key: string | null;
  /** 0–1, moved by crossfades. */
  fade: number;
  /** Linear ReplayGain factor. */
  replay: number;
  /** Seconds to jump to once the metadata is in (a restored position, a seek before loading). */
  pendingSeek: number | null;
  gain: GainNode | null;
}

/** How long before the end the next song starts loading, so the switch is (nearly) gapless. */
const PRELOAD_SECONDS = 20;
const Q = 1.1;

/**
 * Two HTMLAudioElements and a Web Audio graph:
 *
 *   element A → gain A ┐
 *                      ├→ preamp → 10 filters (EQ_BANDS_HZ) → master (volume) → speakers
 *   element B → gain B ┘
 *
 * The per-deck gains carry ReplayGain and crossfades. The graph is built on the first play (a user
 * gesture: browsers keep an AudioContext made earlier suspended); until then, and where Web Audio is
 * missing, the elements' own volume does the job (without the equalizer).
 */
export class AudioEngine {
  private decks: [Deck, Deck];
  private active = 0;
  private ctx: AudioContext | null = null;
  private filters: BiquadFilterNode[] = [];
  private preamp: GainNode | null = null;
  private master: GainNode | null = null;
  private volume = 1;
  private muted = false;
  private eq: EqualizerState = { enabled: false, bands: EQ_BANDS_HZ.map(() => 0) };
  private crossfadeSeconds = 0;
  private fadeTimer: ReturnType<typeof setInterval> | null = null;
  /** The track that plays after the current one ends on its own (null at the end, or repeat-one). */
  upcoming: () => EngineTrack | null = () => null;

  constructor(private events: EngineEvents) {
    this.decks = [this.makeDeck(), this.makeDeck()];
    this.markDecks();
  }

  private makeDeck(): Deck {
    const el = document.createElement("audio");
    el.preload = "metadata";
    el.hidden = true;
    document.body.append(el);
    const deck: Deck = { el, key: null, fade: 1, replay: 1, pendingSeek: null, gain: null };
    const isActive = () => this.decks[this.active] === deck;
    el.addEventListener("loadedmetadata", () => {
      if (deck.pendingSeek !== null) {
        el.currentTime = Math.min(deck.pendingSeek, Math.max(0, el.duration - 0.5));
        deck.pendingSeek = null;
      }
      if (isActive()) this.events.time(el.currentTime, el.duration);
    });
    el.addEventListener("timeupdate", () => {
      if (!isActive()) return;
      this.events.time(el.currentTime, el.duration);
      this.onProgress(deck);
    });
    el.addEventListener("durationchange", () => {
      if (isActive()) this.events.time(el.currentTime, el.duration);
    });
    el.addEventListener("play", () => isActive() && this.events.playing(true));
    el.addEventListener("pause", () => isActive() && !el.ended && this.events.playing(false));
    el.addEventListener("waiting", () => isActive() && this.events.buffering(true));
    for (const type of ["playing", "canplay", "seeked", "pause", "emptied"]) {
      el.addEventListener(type, () => isActive() && this.events.buffering(false));
    }
    el.addEventListener("ended", () => {
      if (isActive() && this.fadeTimer === null) this.events.ended();
    });
    el.addEventListener("error", () => {
      if (!isActive() || !el.src) return;
      const code = el.error?.code;
      this.events.error(
        code === MediaError.MEDIA_ERR_NETWORK
          ? "network"
          : code === MediaError.MEDIA_ERR_DECODE
            ? "decode"
            : "unsupported",
      );
    });
    return deck;
  }

  private get deck(): Deck {
    return this.decks[this.active]!;
  }

  private get other(): Deck {
    return this.decks[1 - this.active]!;
  }

  /** Tests find the playing element by `data-testid="audio"`; the other one is the next song. */
  private markDecks() {
    this.deck.el.dataset.testid = "audio";
    this.deck.el.dataset.active = "true";
    this.other.el.dataset.testid = "audio-next";
    this.other.el.dataset.active = "false";
  }

  get currentKey(): string | null {
    return this.deck.key;
  }

  get currentTime(): number {
    const d = this.deck;
    return d.pendingSeek ?? d.el.currentTime;
  }

  get paused(): boolean {
    return this.deck.el.paused;
  }

  /**
   * Makes `track` the current one: nothing to do when it already is, a swap when it was preloaded,
   * else a fresh load. `at` is where to start (seconds).
   */
  load(track: EngineTrack, { play, at }: { play: boolean; at?: number }) {
    this.stopFade();
    if (this.deck.key === track.key && this.deck.el.src) {
      if (at !== undefined) this.seek(at);
      if (play) this.play();
      return;
    }
    const old = this.deck;
    if (this.other.key === track.key && this.other.el.src && !this.other.el.error) {
      this.active = 1 - this.active;
      this.markDecks();
    } else {
      this.setSource(old, track);
    }
    const deck = this.deck;
    deck.replay = replayFactor(track);
    deck.fade = 1;
    if (old !== deck) {
      old.el.pause();
      old.fade = 1;
    }
    if (at !== undefined || deck.el.currentTime > 0) this.seek(at ?? 0);
    this.applyGains();
    this.events.time(this.currentTime, deck.el.duration || Number.NaN);
    if (play) this.play();
    else deck.el.pause();
  }

  /** Reloads the current track from a new URL (a stream URL that expired), keeping the position. */
  reload(track: EngineTrack, { play }: { play: boolean }) {
    const at = this.currentTime;
    this.deck.key = null;
    this.load(track, { play, at });
  }

  /** Nothing to play. */
  unload() {
    this.stopFade();
    for (const d of this.decks) {
      d.el.pause();
      d.el.removeAttribute("src");
      d.el.load();
      d.key = null;
      d.pendingSeek = null;
    }
    this.events.time(0, Number.NaN);
  }

  private setSource(deck: Deck, track: EngineTrack) {
    deck.key = track.key;
    deck.pendingSeek = null;
    deck.replay = replayFactor(track);
    // Audio from another origin reaches Web Audio only with CORS; same-origin needs nothing.
    const crossOrigin = new URL(track.url, location.href).origin !== location.origin;
    if (crossOrigin) deck.el.crossOrigin = "anonymous";
    else deck.el.removeAttribute("crossorigin");
    deck.el.src = track.url;
  }

  play() {
    this.ensureGraph();
    void this.ctx?.resume().catch(() => {});
    const el = this.deck.el;
    if (!el.src) return;
    el.play().catch((err: unknown) => {
      // AbortError: a newer load or pause won; nothing went wrong.
      if (err instanceof DOMException && err.name === "AbortError") return;
      this.events.playing(false);
      if (err instanceof DOMException && err.name === "NotAllowedError") this.events.error("blocked");
    });
  }

  pause() {
    this.stopFade();
    this.deck.el.pause();
  }

  /** Playing a little faster or slower (a live session catching up); the pitch stays. */
  setRate(rate: number) {
    const el = this.deck.el;
    el.preservesPitch = true;
    if (el.playbackRate !== rate) el.playbackRate = rate;
  }

  get rate(): number {
    return this.deck.el.playbackRate;
  }

  seek(seconds: number) {
    const deck = this.deck;
    const t = Math.max(0, seconds);
    if (deck.el.readyState >= HTMLMediaElement.HAVE_METADATA) {
      deck.el.currentTime = Number.isFinite(deck.el.duration) ? Math.min(t, deck.el.duration) : t;
      deck.pendingSeek = null;
    } else {
      deck.pendingSeek = t;
    }
    this.events.time(t, deck.el.duration);
  }

  setVolume(volume: number, muted: boolean) {
    this.volume = volume;
    this.muted = muted;
    this.applyGains();
  }

  setEqualizer(eq: EqualizerState) {
    this.eq = { enabled: eq.enabled, bands: [...eq.bands] };
    this.applyEqualizer();
  }

  setCrossfade(seconds: number) {
    this.crossfadeSeconds = Math.max(0, seconds);
  }

  /** While playing: preload the next song near the end, and start the crossfade into it. */
  private onProgress(deck: Deck) {
    const el = deck.el;
    if (this.fadeTimer !== null || el.paused || !Number.isFinite(el.duration)) return;
    const remaining = el.duration - el.currentTime;
    if (remaining > Math.max(PRELOAD_SECONDS, this.crossfadeSeconds)) return;
    const next = this.upcoming();
    if (!next || next.key === deck.key) return;
    const other = this.other;
    if (other.key !== next.key) {
      other.el.preload = "auto";
      this.setSource(other, next);
    }
    const fade = this.crossfadeSeconds;
    // A crossfade longer than half the song would swallow it: short songs just follow each other.
    if (fade > 0 && remaining <= fade && el.duration > fade * 2) this.startCrossfade(next, remaining);
  }

  private startCrossfade(next: EngineTrack, seconds: number) {
    const from = this.deck;
    this.active = 1 - this.active;
    this.markDecks();
    const to = this.deck;
    to.replay = replayFactor(next);
    to.fade = 0;
    to.el.currentTime = 0;
    this.applyGains();
    this.play();
    this.events.advanced(next.key);
    const started = performance.now();
    const ms = Math.max(200, seconds * 1000);
    this.fadeTimer = setInterval(() => {
      const p = Math.min(1, (performance.now() - started) / ms);
      // Equal-power: the sum sounds as loud as either song alone.
      to.fade = Math.sin((p * Math.PI) / 2);
      from.fade = Math.cos((p * Math.PI) / 2);
      this.applyGains();
      if (p >= 1) this.stopFade();
    }, 50);
  }

  /** Ends a crossfade where it is: the new song at full level, the old one stopped. */
  private stopFade() {
    if (this.fadeTimer === null) return;
    clearInterval(this.fadeTimer);
    this.fadeTimer = null;
    const old = this.other;
    old.el.pause();
    old.fade = 1;
    this.deck.fade = 1;
    this.applyGains();
  }

  private ensureGraph() {
    if (this.ctx || typeof AudioContext !== "function") return;
    try {
      const ctx = new AudioContext({ latencyHint: "playback" });
      this.preamp = ctx.createGain();
      this.master = ctx.createGain();
      this.filters = EQ_BANDS_HZ.map((hz, i) => {
        const f = ctx.createBiquadFilter();
        f.type = i === 0 ? "lowshelf" : i === EQ_BANDS_HZ.length - 1 ? "highshelf" : "peaking";
        f.frequency.value = hz;
        f.Q.value = Q;
        f.gain.value = 0;
        return f;
      });
      let node: AudioNode = this.preamp;
      for (const f of this.filters) {
        node.connect(f);
        node = f;
      }
      node.connect(this.master);
      this.master.connect(ctx.destination);
      for (const deck of this.decks) {
        deck.gain = ctx.createGain();
        ctx.createMediaElementSource(deck.el).connect(deck.gain);
        deck.gain.connect(this.preamp);
      }
      this.ctx = ctx;
      this.applyGains();
      this.applyEqualizer();
      // A context the browser kept suspended (made without a gesture it counts) would play silence:
      // the next click or key wakes it.
      const wake = () => {
        if (ctx.state === "suspended") void ctx.resume().catch(() => {});
      };
      document.addEventListener("pointerdown", wake, true);
      document.addEventListener("keydown", wake, true);
    } catch (err) {
      // Without the graph the music still plays, just without the equalizer.
      console.warn("Web Audio is unavailable; playing without the equalizer", err);
    }
  }

  private applyGains() {
    const level = this.muted ? 0 : perceived(this.volume);
    const ctx = this.ctx;
    if (ctx && this.master) {
      smooth(ctx, this.master.gain, level);
      for (const d of this.decks) {
        d.el.volume = 1;
        if (d.gain) smooth(ctx, d.gain.gain, d.fade * d.replay);
      }
    } else {
      for (const d of this.decks) d.el.volume = clamp01(level * d.fade * Math.min(1, d.replay));
    }
  }

  private applyEqualizer() {
    const gains = this.eq.enabled ? this.eq.bands : this.eq.bands.map(() => 0);
    // Boosting a band can push the signal past full scale: the preamp takes back part of the boost.
    const boost = Math.max(0, ...gains);
    const ctx = this.ctx;
    if (ctx && this.preamp) {
      smooth(ctx, this.preamp.gain, 10 ** (-boost / 2 / 20));
      for (const [i, f] of this.filters.entries()) smooth(ctx, f.gain, gains[i] ?? 0);
    }
    // What the filters are set to, for the browser tests (and anyone curious in devtools).
    const applied = this.eq.enabled ? gains.join(",") : "off";
    for (const d of this.decks) d.el.dataset.eq = applied;
  }
}

/** ReplayGain as a linear factor, held down so the track's peak stays under full scale. */
export function replayFactor({ gainDb, peak }: Pick<EngineTrack, "gainDb" | "peak">): number {
  if (gainDb === null || !Number.isFinite(gainDb)) return 1;
  const factor = 10 ** (gainDb / 20);
  return peak && peak > 0 ? Math.min(factor, 1 / peak) : factor;
}

/** Loudness is heard logarithmically: a squared slider feels even from quiet to loud. */
function perceived(volume: number): number {
  return clamp01(volume) ** 2;
}

function smooth(ctx: AudioContext, param: AudioParam, value: number) {
  param.cancelScheduledValues(ctx.currentTime);
  param.setTargetAtTime(value, ctx.currentTime, 0.015);
}

function clamp01(n: number): number {
  return Math.min(1, Math.max(0, n));
}
