import type { ChatMessage, Participant, PlaybackState, SessionView, Song } from "@chorus/contracts";
import { describe, expect, it } from "vitest";
import {
  applyEvent,
  currentItem,
  formatCode,
  mergeChat,
  type Room,
  roomFromView,
  sortParticipants,
} from "./room";

const t = (s: number) => new Date(Date.UTC(2026, 0, 1, 12, 0, s));

function person(userId: string, role: Participant["role"], extra: Partial<Participant> = {}): Participant {
  return {
    userId,
    name: userId.toUpperCase(),
    avatarUrl: null,
    role,
    status: "member",
    online: true,
    joinedAt: t(0),
    ...extra,
  };
}

function state(version: number, extra: Partial<PlaybackState> = {}): PlaybackState {
  return {
    currentItemId: null,
    songId: null,
    positionMs: 0,
    at: t(0),
    playing: false,
    queue: [],
    version,
    ...extra,
  };
}

function song(id: string): Song {
  return { id, title: `Song ${id}` } as Song;
}

function message(id: string, s: number, text = id): ChatMessage {
  return { id, userId: "ann", userName: "Ann", kind: "text", text, createdAt: t(s) };
}

function view(extra: Partial<SessionView> = {}): SessionView {
  return {
    session: {
      id: "s1",
      code: "K7MQ2X",
      name: "Friday",
      isPrivate: false,
      hostId: "ann",
      createdAt: t(0),
      expiresAt: t(9999),
      endedAt: null,
    },
    state: state(3),
    participants: [person("ann", "host"), person("bob", "listener")],
    songs: [song("a")],
    me: { role: "listener", status: "member" },
    lastEventId: "10",
    ...extra,
  };
}

const room = (): Room => roomFromView(view());

describe("applyEvent", () => {
  it("takes a newer playback state and ignores an older or equal one", () => {
    const newer = state(4, { playing: true, positionMs: 5000 });
    const r1 = applyEvent(room(), { type: "state", state: newer, action: "play", by: "ann" }, "bob", "11");
    expect(r1.state).toBe(newer);
    expect(r1.lastEventId).toBe("11");
    const r2 = applyEvent(r1, { type: "state", state: state(4), action: "pause", by: "ann" }, "bob");
    expect(r2).toBe(r1);
    const r3 = applyEvent(r1, { type: "state", state: state(2), action: "pause", by: "ann" }, "bob");
    expect(r3.state).toBe(newer);
  });

  it("takes a queue change with the songs it brings", () => {
    const queue = [{ id: "q1", songId: "b", addedBy: "ann" }];
    const r = applyEvent(
      room(),
      { type: "queue", state: state(5, { queue }), change: "add", songs: [song("b")], by: "ann" },
      "bob",
    );
    expect(r.state.queue).toEqual(queue);
    expect([...r.songs.keys()].sort()).toEqual(["a", "b"]);
  });

  it("appends chat once per message", () => {
    const m = message("m1", 5);
    const r1 = applyEvent(room(), { type: "chat", message: m }, "bob");
    const r2 = applyEvent(r1, { type: "chat", message: { ...m } }, "bob");
    expect(r2.chat).toEqual([m]);
  });

  it("keeps the chat and songs across a snapshot, and replaces the rest", () => {
    const r1 = applyEvent(room(), { type: "chat", message: message("m1", 5) }, "bob");
    const snap = view({ state: state(9), songs: [song("c")], lastEventId: "40" });
    const r2 = applyEvent(r1, { type: "snapshot", view: snap }, "bob");
    expect(r2.state.version).toBe(9);
    expect(r2.chat).toHaveLength(1);
    expect(r2.songs.has("a") && r2.songs.has("c")).toBe(true);
    expect(r2.lastEventId).toBe("40");
  });

  it("adds, updates and removes participants", () => {
    const joined = applyEvent(
      room(),
      { type: "presence", change: "join", participant: person("cy", "listener") },
      "bob",
    );
    expect(joined.participants.map((p) => p.userId)).toEqual(["ann", "bob", "cy"]);
    const offline = applyEvent(
      joined,
      { type: "presence", change: "offline", participant: person("cy", "listener", { online: false }) },
      "bob",
    );
    expect(offline.participants.find((p) => p.userId === "cy")?.online).toBe(false);
    const left = applyEvent(
      offline,
      { type: "presence", change: "leave", participant: person("cy", "listener") },
      "bob",
    );
    expect(left.participants.map((p) => p.userId)).toEqual(["ann", "bob"]);
    expect(left.ended).toBeNull();
  });

  it("changes my own role, and ends the room for me when I am kicked", () => {
    const dj = applyEvent(
      room(),
      { type: "presence", change: "role", participant: person("bob", "dj") },
      "bob",
    );
    expect(dj.me.role).toBe("dj");
    const kicked = applyEvent(
      dj,
      { type: "presence", change: "kick", participant: person("bob", "dj") },
      "bob",
    );
    expect(kicked.ended).toBe("kicked");
  });

  it("shows one host through a hand-over", () => {
    const r = applyEvent(
      room(),
      { type: "presence", change: "role", participant: person("bob", "host") },
      "bob",
    );
    expect(r.session.hostId).toBe("bob");
    expect(r.me.role).toBe("host");
    expect(r.participants.map((p) => `${p.userId}:${p.role}`)).toEqual(["ann:dj", "bob:host"]);
  });

  it("marks the end and stops the music", () => {
    const playing = { ...room(), state: state(3, { playing: true }) };
    const r = applyEvent(playing, { type: "ended", reason: "expired" }, "bob");
    expect(r.ended).toBe("expired");
    expect(r.state.playing).toBe(false);
  });
});

describe("roomFromView", () => {
  it("knows a session that has ended already", () => {
    const base = view();
    expect(roomFromView({ ...base, session: { ...base.session, endedAt: t(5) } }).ended).toBe("host");
  });
});

describe("mergeChat", () => {
  it("orders history and live messages by time, each once", () => {
    const history = [message("m3", 3), message("m1", 1), message("m2", 2)];
    const live = [message("m3", 3), message("m4", 4)];
    expect(mergeChat(history, live).map((m) => m.id)).toEqual(["m1", "m2", "m3", "m4"]);
  });
});

describe("sortParticipants", () => {
  it("lists the host, djs, listeners, then those waiting", () => {
    const list = [
      person("p", "listener", { status: "pending" }),
      person("l", "listener"),
      person("d", "dj"),
      person("h", "host"),
    ];
    expect(sortParticipants(list).map((p) => p.userId)).toEqual(["h", "d", "l", "p"]);
  });
});

describe("currentItem and formatCode", () => {
  it("finds the entry playing", () => {
    const s = state(1, {
      currentItemId: "q2",
      queue: [
        { id: "q1", songId: "a", addedBy: null },
        { id: "q2", songId: "b", addedBy: null },
      ],
    });
    expect(currentItem(s)).toEqual({ index: 1, songId: "b", id: "q2" });
    expect(currentItem(state(1))).toBeNull();
  });

  it("splits a six-character code in two", () => {
    expect(formatCode("K7MQ2X")).toBe("K7M-Q2X");
    expect(formatCode("OLDCODE123")).toBe("OLDCODE123");
  });
});
