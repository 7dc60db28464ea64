import { EQ_BANDS_HZ, EQ_LIMIT_DB, type Equalizer, type Settings } from "@chorus/contracts";
import { useCallback, useSyncExternalStore } from "react";
import { useSession } from "../../lib/auth";
import { trpc } from "../../lib/trpc";

/** Ten bands, 32 Hz to 16 kHz; "custom" is whatever does not match a preset. */
export const EQ_PRESETS: Record<string, { label: string; bands: number[] }> = {
  flat: { label: "Flat", bands: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0] },
  "bass-boost": { label: "Bass boost", bands: [6, 5, 4, 2, 0, 0, 0, 0, 0, 0] },
  "treble-boost": { label: "Treble boost", bands: [0, 0, 0, 0, 0, 1, 2, 4, 5, 6] },
  vocal: { label: "Vocal", bands: [-2, -2, -1, 1, 3, 4, 3, 1, 0, -1] },
  pop: { label: "Pop", bands: [-1, 1, 3, 4, 3, 0, -1, -1, 0, 1] },
  rock: { label: "Rock", bands: [4, 3, 2, 0, -1, -1, 1, 2, 3, 4] },
  jazz: { label: "Jazz", bands: [3, 2, 1, 2, -1, -1, 0, 1, 2, 3] },
  classical: { label: "Classical", bands: [4, 3, 2, 1, -1, -1, 0, 2, 3, 4] },
  electronic: { label: "Electronic", bands: [5, 4, 1, 0, -2, 1, 0, 1, 4, 5] },
  "hip-hop": { label: "Hip-hop", bands: [5, 4, 2, 3, -1, -1, 1, 0, 2, 3] },
  acoustic: { label: "Acoustic", bands: [3, 3, 2, 1, 1, 1, 2, 2, 2, 1] },
  "late-night": { label: "Late night", bands: [-3, -2, -1, 0, 1, 1, 0, -1, -2, -3] },
};

export const DEFAULT_EQUALIZER: Equalizer = {
  enabled: false,
  preset: "flat",
  bands: EQ_BANDS_HZ.map(() => 0),
};

/** The preset these bands are, if any. */
export function presetFor(bands: readonly number[]): string | undefined {
  return Object.entries(EQ_PRESETS).find(([, p]) => p.bands.every((b, i) => b === bands[i]))?.[0];
}

export function withBand(eq: Equalizer, band: number, db: number): Equalizer {
  const value = Math.max(-EQ_LIMIT_DB, Math.min(EQ_LIMIT_DB, Math.round(db)));
  const bands = eq.bands.map((b, i) => (i === band ? value : b));
  return { ...eq, bands, preset: presetFor(bands) ?? "custom" };
}

export function withPreset(eq: Equalizer, preset: string): Equalizer {
  const p = EQ_PRESETS[preset];
  return p ? { ...eq, preset, bands: [...p.bands] } : eq;
}

export function bandLabel(hz: number): string {
  return hz >= 1000 ? `${hz / 1000}k` : String(hz);
}

export function formatDb(db: number): string {
  return db > 0 ? `+${db}` : db < 0 ? `−${-db}` : "0";
}

// ---------- One source of truth ----------
//
// Signed in, the equalizer is the account's (`user.settings`, cached by React Query and shared with
// the settings screen); changes show at once and are saved a moment after the last one. Signed out,
// it is this device's (localStorage).

type Listener = () => void;
function createStore<T>(initial: T) {
  let value = initial;
  const listeners = new Set<Listener>();
  return {
    get: () => value,
    set(next: T) {
      value = next;
      for (const l of listeners) l();
    },
    subscribe(l: Listener) {
      listeners.add(l);
      return () => void listeners.delete(l);
    },
  };
}

const LOCAL_KEY = "chorus-equalizer";
const local = createStore<Equalizer>(readLocal());

function readLocal(): Equalizer {
  try {
    const v = JSON.parse(localStorage.getItem(LOCAL_KEY) ?? "null") as Partial<Equalizer> | null;
    if (
      v &&
      typeof v.enabled === "boolean" &&
      typeof v.preset === "string" &&
      Array.isArray(v.bands) &&
      v.bands.length === EQ_BANDS_HZ.length &&
      v.bands.every((b) => typeof b === "number" && Math.abs(b) <= EQ_LIMIT_DB)
    ) {
      return { enabled: v.enabled, preset: v.preset, bands: v.bands };
    }
  } catch {
    // Storage off or junk: start flat.
  }
  return DEFAULT_EQUALIZER;
}

export type SaveStatus = "idle" | "saving" | "saved" | "error";
const status = createStore<SaveStatus>("idle");

/** A draft on the settings screen sounds while it is being edited (null: the saved one). */
export const equalizerPreview = createStore<Equalizer | null>(null);

type Utils = ReturnType<typeof trpc.useUtils>;
let pending: { utils: Utils; eq: Equalizer } | null = null;
let saveTimer: ReturnType<typeof setTimeout> | undefined;
const SAVE_DELAY_MS = 600;

async function flush() {
  clearTimeout(saveTimer);
  saveTimer = undefined;
  const job = pending;
  if (!job) return;
  pending = null;
  status.set("saving");
  try {
    const saved = await job.utils.client.user.updateSettings.mutate({ equalizer: job.eq });
    // A newer change may be waiting: the screen keeps showing that one.
    if (!pending) {
      job.utils.user.settings.setData(undefined, saved);
      status.set("saved");
    }
  } catch {
    if (!pending) {
      pending = job;
      status.set("error");
    }
  }
}

if (typeof window !== "undefined") {
  // Leaving within the save delay still saves.
  window.addEventListener("pagehide", () => void flush());
}

export interface EqualizerControl {
  eq: Equalizer;
  /**
   * Changes the equalizer. An updater gets the latest value, also when several changes come before
   * the next render (a held-down arrow key on a band).
   */
  set(next: Equalizer | ((current: Equalizer) => Equalizer)): void;
  status: SaveStatus;
  retry(): void;
  /** Signed in: saved to the account; otherwise to this device. */
  account: boolean;
  /** Signed in and the settings have not arrived yet. */
  loading: boolean;
}

export function useEqualizer(): EqualizerControl {
  const signedIn = useSession().status === "signedIn";
  const utils = trpc.useUtils();
  const settings = trpc.user.settings.useQuery(undefined, { enabled: signedIn });
  const localEq = useSyncExternalStore(local.subscribe, local.get);
  const saveStatus = useSyncExternalStore(status.subscribe, status.get);
  const eq = signedIn ? (settings.data?.equalizer ?? DEFAULT_EQUALIZER) : localEq;

  const setEq = useCallback(
    (change: Equalizer | ((current: Equalizer) => Equalizer)) => {
      const currentEq = signedIn
        ? (utils.user.settings.getData()?.equalizer ?? DEFAULT_EQUALIZER)
        : local.get();
      const next = typeof change === "function" ? change(currentEq) : change;
      if (!signedIn) {
        local.set(next);
        try {
          localStorage.setItem(LOCAL_KEY, JSON.stringify(next));
        } catch {
          // Storage off: it still applies for this visit.
        }
        return;
      }
      utils.user.settings.setData(undefined, (old: Settings | undefined) =>
        old ? { ...old, equalizer: next } : old,
      );
      pending = { utils, eq: next };
      status.set("saving");
      clearTimeout(saveTimer);
      saveTimer = setTimeout(() => void flush(), SAVE_DELAY_MS);
    },
    [signedIn, utils],
  );

  return {
    eq,
    set: setEq,
    status: signedIn ? saveStatus : "idle",
    retry: () => void flush(),
    account: signedIn,
    loading: signedIn && settings.isPending,
  };
}

/** What the engine should apply: a draft being previewed, else the saved equalizer. */
export function useAppliedEqualizer(): Equalizer {
  const { eq } = useEqualizer();
  const preview = useSyncExternalStore(equalizerPreview.subscribe, equalizerPreview.get);
  return preview ?? eq;
}
