import { useSyncExternalStore } from "react";
import type { Room } from "./room";

/**
 * The session this tab is in. It outlives the room screen: one can browse the library while
 * listening together, and "Add to queue" anywhere adds to the shared queue. SessionRoot (in the
 * layout) keeps it current; the screens read it.
 */
export interface ActiveSession {
  code: string;
  /** Who entered it: another account signing in on this tab is not in it. */
  userId: string;
  /** joining: asking to join; pending: a private session's host has not let us in yet. */
  phase: "joining" | "pending" | "member" | "error";
  room: Room | null;
  /** Why joining failed, in words. */
  error: string | null;
  /** The events subscription is up (else the room shows "Reconnecting…"). */
  live: boolean;
  /**
   * following: the audio follows the room; blocked: the browser wants a click before it plays;
   * paused: a listener paused their own audio (the room plays on); released: they put on music of
   * their own.
   */
  audio: "following" | "blocked" | "paused" | "released";
  /** The server clock's offset from ours, once measured (ms), and how good it is (round trip). */
  clock: { offsetMs: number; rttMs: number } | null;
}

let active: ActiveSession | null = null;
const listeners = new Set<() => void>();

function emit() {
  for (const l of listeners) l();
}

export const sessionRoomStore = {
  get: (): ActiveSession | null => active,
  subscribe(l: () => void) {
    listeners.add(l);
    return () => void listeners.delete(l);
  },
  /** Enters the session `code` (the runtime joins it); the same code again changes nothing. */
  open(code: string, userId: string) {
    if (active?.code === code && active.userId === userId && active.phase !== "error") return;
    active = {
      code,
      userId,
      phase: "joining",
      room: null,
      error: null,
      live: false,
      audio: "following",
      clock: active?.clock ?? null,
    };
    emit();
  },
  update(code: string, patch: Partial<ActiveSession> | ((s: ActiveSession) => Partial<ActiveSession>)) {
    if (!active || active.code !== code) return;
    const p = typeof patch === "function" ? patch(active) : patch;
    active = { ...active, ...p };
    emit();
  },
  /** Out of the session (left, or gone back to the start screen after it ended). */
  close(code?: string) {
    if (!active || (code !== undefined && active.code !== code)) return;
    active = null;
    emit();
  },
};

export function useActiveSession(): ActiveSession | null {
  return useSyncExternalStore(sessionRoomStore.subscribe, sessionRoomStore.get, sessionRoomStore.get);
}
