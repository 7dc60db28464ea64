import type { SessionEvent } from "@chorus/contracts";
import { useEffect, useMemo, useRef, useSyncExternalStore } from "react";
import { toast } from "../../components/toast";
import { useSession } from "../../lib/auth";
import { readError } from "../../lib/errors";
import { connectionStore, trpc } from "../../lib/trpc";
import { type ExternalControl, follow } from "../player/player";
import { sessionRoomStore, useActiveSession } from "./active-session";
import { applyEvent, canControl, currentItem, roomFromView } from "./room";
import { addToSessionQueue, controlSession, type SessionClient } from "./session-actions";
import { type ClockSample, estimateOffset, followStep, isOverdue, localNow } from "./sync";

/**
 * Keeps the session this tab is in running wherever one is in the app (mounted in the layout):
 * joins it, follows its events, measures the server clock, and makes the audio follow the room.
 */
export function SessionRoot() {
  const active = useActiveSession();
  const session = useSession();
  const userId =
    session.status === "signedIn" ? session.user.id : session.status === "signedOut" ? null : undefined;
  // Signed out, or someone else signed in on this tab: the session was the other person's.
  const stale = active !== null && userId !== undefined && active.userId !== userId;
  useEffect(() => {
    if (stale) sessionRoomStore.close();
  }, [stale]);
  if (!active || stale || session.status !== "signedIn") return null;
  return <SessionRuntime key={active.code} code={active.code} myId={session.user.id} />;
}

function SessionRuntime({ code, myId }: { code: string; myId: string }) {
  const utils = trpc.useUtils();
  const phase = useActiveSession()?.phase;
  useJoin(utils.client, code);
  useClock(utils.client, code);
  if (phase !== "member") return null;
  return (
    <>
      <SessionEvents code={code} myId={myId} />
      <SessionAudio client={utils.client} code={code} />
    </>
  );
}

/** How often a pending member asks again whether the host let them in. */
const PENDING_RETRY_MS = 4000;

function useJoin(client: SessionClient, code: string) {
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const join = async () => {
      const answer = await client.session.join.mutate({ code });
      if (stopped) return;
      if (answer.status === "member" && answer.view) {
        const view = answer.view;
        sessionRoomStore.update(code, (s) => ({
          phase: "member",
          error: null,
          room: roomFromView(view, s.room),
        }));
      } else {
        sessionRoomStore.update(code, { phase: "pending" });
        timer = setTimeout(() => void waitForHost(), PENDING_RETRY_MS);
      }
    };
    // Asking join again would ask the host again after a "no": watch one's sessions instead.
    const waitForHost = async () => {
      const mine = await client.session.mine.query().catch(() => null);
      if (stopped) return;
      const entry = mine?.find((s) => s.code === code);
      if (mine && !entry) {
        sessionRoomStore.update(code, { phase: "error", error: "The host did not let you in this time." });
      } else if (entry?.status === "member") {
        join().catch(failed);
      } else {
        timer = setTimeout(() => void waitForHost(), PENDING_RETRY_MS);
      }
    };
    const failed = (err: unknown) => {
      if (!stopped) sessionRoomStore.update(code, { phase: "error", error: joinError(err) });
    };
    join().catch(failed);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [client, code]);
}

function joinError(err: unknown): string {
  const e = readError(err);
  return e.form ?? Object.values(e.fields)[0] ?? "Could not join the session.";
}

/** Round trips per measurement: the quickest one is kept. */
const CLOCK_SAMPLES = 5;
/** Clocks wander, and a better (quicker) round trip may come along: measure again this often. */
const CLOCK_EVERY_MS = 60_000;

function useClock(client: SessionClient, code: string) {
  const connection = useSyncExternalStore(connectionStore.subscribe, connectionStore.get);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a reconnect measures again on purpose
  useEffect(() => {
    let stopped = false;
    const measure = async () => {
      const samples: ClockSample[] = [];
      for (let i = 0; i < CLOCK_SAMPLES && !stopped; i++) {
        const t0 = localNow();
        try {
          const { serverTime } = await client.session.time.query();
          samples.push({ t0, t1: localNow(), serverTime });
        } catch {
          // A lost round trip is just one sample fewer.
        }
      }
      const estimate = estimateOffset(samples);
      if (estimate && !stopped) sessionRoomStore.update(code, { clock: estimate });
    };
    void measure();
    const timer = setInterval(() => void measure(), CLOCK_EVERY_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [client, code, connection === "open"]);
}

/** The tracked events of the room, from where the joined view left off; tRPC resumes after a drop. */
function SessionEvents({ code, myId }: { code: string; myId: string }) {
  const utils = trpc.useUtils();
  const first = useRef(sessionRoomStore.get()?.room?.lastEventId ?? null);
  const input = useMemo(() => ({ code, lastEventId: first.current }), [code]);
  const sub = trpc.session.events.useSubscription(input, {
    onData: (tracked: unknown) => {
      const { id, data } = unwrap(tracked);
      sessionRoomStore.update(code, (s) => (s.room ? { room: applyEvent(s.room, data, myId, id) } : {}));
      // Back after too long for a replay: the chat missed meanwhile is in its history.
      if (data.type === "snapshot") void utils.session.chatHistory.invalidate({ code });
    },
    onError: (err) => {
      const e = readError(err);
      if (e.code === "FORBIDDEN" || e.code === "NOT_FOUND") {
        sessionRoomStore.update(code, (s) =>
          s.room && !s.room.ended ? { room: { ...s.room, ended: "kicked" } } : {},
        );
      }
    },
  });
  const connection = useSyncExternalStore(connectionStore.subscribe, connectionStore.get);
  const live = sub.status === "pending" && connection === "open";
  useEffect(() => sessionRoomStore.update(code, { live }), [code, live]);
  return null;
}

/** tracked() events arrive as { id, data }. */
function unwrap(tracked: unknown): { id: string | undefined; data: SessionEvent } {
  if (tracked && typeof tracked === "object" && "data" in tracked && "id" in tracked) {
    const t = tracked as { id: unknown; data: SessionEvent };
    return { id: typeof t.id === "string" ? t.id : String(t.id), data: t.data };
  }
  return { id: undefined, data: tracked as SessionEvent };
}

/** How often the audio's position is checked against the room's. */
const CHECK_MS = 500;
/** After a seek or a load, the audio needs a moment before its position means anything. */
const SETTLE_MS = 400;

function SessionAudio({ client, code }: { client: SessionClient; code: string }) {
  const released = useActiveSession()?.audio === "released";

  useEffect(() => {
    if (released) return;
    const control: ExternalControl = {
      play() {
        const s = sessionRoomStore.get();
        if (!s?.room) return;
        // Not following (the browser blocked it, or paused just here): this click starts again.
        if (s.audio !== "following") {
          sessionRoomStore.update(code, { audio: "following" });
          tick();
        }
        if (s.room.state.playing) return;
        if (canControl(s.room.me.role)) void controlSession(client, code, "play");
        else if (s.audio === "following") toast("The host and DJs choose when the music plays.");
      },
      pause() {
        const s = sessionRoomStore.get();
        if (!s?.room) return;
        if (!canControl(s.room.me.role)) {
          // A listener pauses only their own ears; the room plays on.
          sessionRoomStore.update(code, { audio: "paused" });
          return;
        }
        void controlSession(client, code, "pause");
      },
      next: () => void controlSession(client, code, "next"),
      previous: () => void controlSession(client, code, "previous"),
      seek: (seconds) =>
        void controlSession(client, code, "seek", { positionMs: Math.round(seconds * 1000) }),
      enqueue: (songs, at) => void addToSessionQueue(client, code, songs, at),
      ended() {
        // Every member's player moves the room on when the song is over (so the music goes on while
        // the host is away); the version makes the first "next" count and the others fail quietly.
        const room = sessionRoomStore.get()?.room;
        if (room?.state.playing)
          void controlSession(client, code, "next", {}, { quiet: true, songEnded: true });
      },
      blocked: () => sessionRoomStore.update(code, { audio: "blocked" }),
      released: () => sessionRoomStore.update(code, { audio: "released" }),
    };

    let settleUntil = 0;
    /** The state version a "next" was sent for, so an overdue song is moved on once. */
    let movedOn = -1;
    const tick = (changed = false) => {
      const s = sessionRoomStore.get();
      if (!s?.room || s.code !== code || !follow.attached) return;
      const { room } = s;
      const entry = room.ended ? null : currentItem(room.state);
      const song = entry ? room.songs.get(entry.songId) : undefined;
      const now = performance.now();
      const serverNowMs = localNow() + (s.clock?.offsetMs ?? 0);
      if (song && movedOn !== room.state.version && isOverdue(room.state, serverNowMs, song.durationMs)) {
        movedOn = room.state.version;
        void controlSession(client, code, "next", {}, { quiet: true, songEnded: true });
      }
      const step = followStep({
        item: entry && song ? { id: entry.id, durationMs: song.durationMs } : null,
        state: room.state,
        serverNowMs,
        listening: s.audio === "following",
        audio: {
          key: follow.currentKey,
          timeMs: follow.time * 1000,
          paused: follow.paused,
          rate: follow.rate,
          settling: follow.buffering || now < settleUntil,
        },
        changed,
      });
      switch (step.kind) {
        case "stop":
          follow.stop();
          return;
        case "load":
          if (song && entry) follow.load(song, entry.id, { play: step.play, at: step.atMs / 1000 });
          settleUntil = now + SETTLE_MS;
          return;
        case "pause":
          if (!follow.paused) follow.pause();
          follow.setRate(1);
          if (step.seekToMs !== null) follow.seek(step.seekToMs / 1000);
          return;
        case "start":
          follow.seek(step.atMs / 1000);
          follow.play();
          settleUntil = now + SETTLE_MS;
          return;
        case "seek":
          follow.setRate(1);
          follow.seek(step.toMs / 1000);
          settleUntil = now + SETTLE_MS;
          return;
        case "rate":
          follow.setRate(step.rate);
          return;
        case "wait":
          return;
      }
    };

    follow.attach(control);
    tick();
    const timer = setInterval(() => tick(), CHECK_MS);
    // A new state (a play, a seek, another song) is followed at once, not at the next check.
    let last = sessionRoomStore.get();
    const unsubscribe = sessionRoomStore.subscribe(() => {
      const s = sessionRoomStore.get();
      if (
        s?.room?.state !== last?.room?.state ||
        s?.audio !== last?.audio ||
        s?.room?.ended !== last?.room?.ended
      ) {
        settleUntil = 0;
        tick(true);
      }
      last = s;
    });
    return () => {
      clearInterval(timer);
      unsubscribe();
      follow.detach(control);
    };
  }, [client, code, released]);

  return null;
}
