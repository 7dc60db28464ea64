import type { ControlAction, PlaybackState, Song } from "@chorus/contracts";
import { toast } from "../../components/toast";
import { readError } from "../../lib/errors";
import type { trpc } from "../../lib/trpc";
import { sessionRoomStore } from "./active-session";
import { canControl } from "./room";

export type SessionClient = ReturnType<typeof trpc.useUtils>["client"];

/** A newer playback state from an answer: shown at once, before its event arrives. */
export function takeState(code: string, state: PlaybackState) {
  sessionRoomStore.update(code, (s) =>
    s.room && state.version > s.room.state.version ? { room: { ...s.room, state } } : {},
  );
}

/**
 * Play, pause, seek, next, previous or jump, based on the state this screen shows: when someone
 * else changed it first, the server refuses (CONFLICT) rather than apply it to a state nobody saw.
 */
export function controlSession(
  client: SessionClient,
  code: string,
  action: ControlAction,
  extra: { positionMs?: number; itemId?: string } = {},
  /**
   * quiet: no toast when it fails. songEnded: a "next" because this player reached the song's end,
   * which any member may send (the server checks that the song is over).
   */
  options: { quiet?: boolean; songEnded?: boolean } = {},
): Promise<boolean> {
  // One's own commands go one after another, each based on the state the previous one made: play
  // then a quick seek must not refuse the seek as a conflict with the play.
  const run = ownCommands.then(() => sendControl(client, code, action, extra, options));
  ownCommands = run.catch(() => false);
  return run;
}

let ownCommands: Promise<unknown> = Promise.resolve();

async function sendControl(
  client: SessionClient,
  code: string,
  action: ControlAction,
  extra: { positionMs?: number; itemId?: string },
  { quiet = false, songEnded = false }: { quiet?: boolean; songEnded?: boolean },
): Promise<boolean> {
  const room = sessionRoomStore.get()?.room;
  if (!room || room.session.code !== code) return false;
  if (!canControl(room.me.role) && !(songEnded && action === "next")) {
    toast("Only the host and DJs can change the music.");
    return false;
  }
  try {
    const state = await client.session.control.mutate({
      code,
      action,
      version: room.state.version,
      ...extra,
    });
    takeState(code, state);
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
    const state = await client.session.queueAdd.mutate({ code, songIds: songs.map((s) => s.id), at });
    // The songs first, so the new entries never show without their titles.
    sessionRoomStore.update(code, (s) => {
      if (!s.room) return {};
      const map = new Map(s.room.songs);
      for (const song of songs) map.set(song.id, song);
      return { room: { ...s.room, songs: map } };
    });
    takeState(code, state);
    const what = songs.length === 1 ? `“${songs[0]!.title}”` : `${songs.length} songs`;
    toast(at === "next" ? `${what} will play next in the session` : `Added ${what} to the session's queue`);
    return true;
  } catch (err) {
    const e = readError(err);
    toast(`Could not add to the session's queue. ${e.form ?? Object.values(e.fields)[0] ?? ""}`.trim());
    return false;
  }
}
