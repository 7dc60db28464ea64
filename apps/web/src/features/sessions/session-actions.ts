import type { ControlAction, PlaybackState, Song } from "@chorus/contracts";
import { toast } from "../../components/toast";
import { readError } from "../../lib/errors";
import type { trpc } from "../../lib/trpc";
import { sessionRoomStore } from "./active-session";
import { canControl } from "./room";

export type SessionClient = ReturnType<typeof trpc.useUtils>["client"];

/** A newer playback state from an answer: shown at once, before its event arrives. */
export function takeState(code: string, state: PlaybackState | null | undefined) {
  if (!state || typeof state.version !== "number") return;
  sessionRoomStore.update(code, (s) =>
    s.room && state.version > s.room.state.version ? { room: { ...s.room, state } } : {},
  );
}

/**
 * Play, pause, seek, next, previous or jump, based on the state this screen shows: when someone
 * else changed it first, the server refuses (CONFLICT) rather than apply it to a state nobody saw.
 */
export async function controlSession(
  client: SessionClient,
  code: string,
  action: ControlAction,
  extra: { positionMs?: number; itemId?: string } = {},
  { quiet = false }: { quiet?: boolean } = {},
): Promise<boolean> {
  const room = sessionRoomStore.get()?.room;
  if (!room || room.session.code !== code) return false;
  if (!canControl(room.me.role)) {
    toast("Only the host and DJs can change the music.");
    return false;
  }
  try {
    const answer: unknown = await client.session.control.mutate({
      code,
      action,
      version: room.state.version,
      ...extra,
    });
    takeState(code, stateIn(answer));
    return true;
  } catch (err) {
    const e = readError(err);
    if (quiet) return false;
    toast(
      e.code === "CONFLICT"
        ? "Someone changed the music just before you: this is what plays now."
        : `That did not work. ${e.form ?? Object.values(e.fields)[0] ?? ""}`.trim(),
    );
    return false;
  }
}

/** Adds songs to the shared queue (from a search, or "Add to queue" on any song while in a session). */
export async function addToSessionQueue(
  client: SessionClient,
  code: string,
  songs: readonly Song[],
  at: "next" | "end" = "end",
): Promise<boolean> {
  if (songs.length === 0) return false;
  // Listeners may suggest songs at the end; putting one next is for the host and djs.
  const role = sessionRoomStore.get()?.room?.me.role;
  if (at === "next" && role && !canControl(role)) at = "end";
  try {
    const answer: unknown = await client.session.queueAdd.mutate({
      code,
      songIds: songs.map((s) => s.id),
      at,
    });
    takeState(code, stateIn(answer));
    sessionRoomStore.update(code, (s) => {
      if (!s.room) return {};
      const map = new Map(s.room.songs);
      for (const song of songs) map.set(song.id, song);
      return { room: { ...s.room, songs: map } };
    });
    const what = songs.length === 1 ? `“${songs[0]!.title}”` : `${songs.length} songs`;
    toast(at === "next" ? `${what} will play next in the session` : `Added ${what} to the session's queue`);
    return true;
  } catch (err) {
    const e = readError(err);
    toast(`Could not add to the session's queue. ${e.form ?? Object.values(e.fields)[0] ?? ""}`.trim());
    return false;
  }
}

/** An answer that is, or holds, a PlaybackState. */
function stateIn(answer: unknown): PlaybackState | null {
  if (!answer || typeof answer !== "object") return null;
  if ("version" in answer && "queue" in answer) return answer as PlaybackState;
  if ("state" in answer) return stateIn((answer as { state: unknown }).state);
  return null;
}
