import {
  CHAT_MESSAGE_MAX,
  SESSION_CODE_ALPHABET,
  type SessionEvent,
  type SessionView,
} from "@chorus/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createContextInner } from "../../context.js";
import { createCaller } from "../../root.js";
import { type ApiTestEnv, createApiTestEnv, failure, type SignedInClient } from "../../test-support.js";
import { hubFor, sessionUpkeep } from "./sessions.service.js";

let env: ApiTestEnv;
let songs: string[];

beforeAll(async () => {
  env = await createApiTestEnv("sessions");
  songs = await env.seedSongs(6, { artist: "Session Artist", durationMs: 200_000 });
});
afterAll(async () => {
  await env?.close();
});

interface Received {
  id: string;
  event: SessionEvent;
}

/** A live events subscription of `client`, collecting what arrives until stopped. */
function watch(client: SignedInClient, code: string, lastEventId?: string) {
  const abort = new AbortController();
  const api = createCaller(createContextInner(env.deps, { accessToken: client.token }), {
    signal: abort.signal,
  });
  const received: Received[] = [];
  let error: unknown = null;
  let finished = false;
  const waiters = new Set<() => void>();
  const done = (async () => {
    try {
      const iterable = await api.session.events({ code, lastEventId });
      for await (const item of iterable as AsyncIterable<unknown>) {
        const [id, event] = item as [string, SessionEvent];
        received.push({ id, event });
        for (const w of waiters) w();
      }
    } catch (e) {
      error = e;
    } finally {
      finished = true;
      for (const w of waiters) w();
    }
  })();
  return {
    received,
    get error() {
      return error;
    },
    get finished() {
      return finished;
    },
    /** Resolves once `test` holds for what arrived (fails after 5 s). */
    async until(test: (r: Received[]) => boolean, what = "events"): Promise<Received[]> {
      const deadline = Date.now() + 5_000;
      while (!test(received)) {
        if (finished && !test(received)) throw new Error(`stream ended before ${what}: ${String(error)}`);
        if (Date.now() > deadline) {
          throw new Error(
            `no ${what} within 5 s; got ${JSON.stringify(received.map((r) => [r.id, r.event.type]))}`,
          );
        }
        await new Promise<void>((resolve) => {
          waiters.add(resolve);
          setTimeout(resolve, 50);
        }).finally(() => undefined);
        waiters.clear();
      }
      return received;
    },
    async stop() {
      abort.abort();
      await done;
    },
    done,
  };
}

async function room(name: string, options: { isPrivate?: boolean; queue?: number } = {}) {
  const host = await env.signIn(name);
  const view = await host.api.session.create({
    name: `${name}'s room`,
    isPrivate: options.isPrivate ?? false,
    songIds: songs.slice(0, options.queue ?? 3),
  });
  return { host, view, code: view.session.code };
}

const ids = (r: Received[]) => r.map((x) => Number(x.id));

describe("session codes and joining", () => {
  it("makes a 6-character code people can read aloud, and lets anyone join a public session", async () => {
    const { host, view, code } = await room("Hana");
    expect(code).toMatch(new RegExp(`^[${SESSION_CODE_ALPHABET}]{6}$`));
    expect(code).not.toMatch(/[01IOL]/);
    expect(view.me).toEqual({ role: "host", status: "member" });
    expect(view.state).toMatchObject({ currentItemId: null, playing: false, version: 0 });
    expect(view.state.queue.map((q) => q.songId)).toEqual(songs.slice(0, 3));
    expect(view.songs.map((s) => s.id)).toEqual(songs.slice(0, 3));
    expect(view.songs[0]!.streamUrl).toMatch(/\/stream\?/);

    const guest = await env.signIn("Gus");
    // Case, spaces and dashes do not matter.
    const joined = await guest.api.session.join({
      code: `${code.slice(0, 3).toLowerCase()}-${code.slice(3)}`,
    });
    expect(joined.status).toBe("member");
    expect(joined.view?.me).toEqual({ role: "listener", status: "member" });
    expect(joined.view?.participants.map((p) => p.name)).toEqual(["Hana", "Gus"]);

    const history = await host.api.session.chatHistory({ code });
    expect(history.items[0]).toMatchObject({ kind: "system", text: "Gus joined", userId: null });
    // Joining twice changes nothing.
    await guest.api.session.join({ code });
    expect((await host.api.session.chatHistory({ code })).items).toHaveLength(1);
    expect((await guest.api.session.mine()).map((s) => s.code)).toContain(code);
  });

  it("answers NOT_FOUND for an unknown code and for a private session to outsiders", async () => {
    const stranger = await env.signIn("Stan");
    const unknown = await failure(stranger.api.session.get({ code: "ZZZZZZ" }));
    expect(unknown.code).toBe("NOT_FOUND");
    expect(unknown.message).toMatch(/No session has the code ZZZZZZ/);

    const { code } = await room("Priya", { isPrivate: true });
    const hidden = await failure(stranger.api.session.get({ code }));
    expect(hidden.code).toBe("NOT_FOUND");
    expect(hidden.message).toBe(unknown.message.replace("ZZZZZZ", code));
    expect((await failure(stranger.api.session.chatHistory({ code }))).code).toBe("NOT_FOUND");
    expect((await failure(stranger.api.session.control({ code, action: "play" }))).code).toBe("NOT_FOUND");

    const bad = await failure(stranger.api.session.get({ code: "AB" }));
    expect(bad.code).toBe("BAD_REQUEST");
    expect(bad.message).toMatch(/6 letters and digits/);
  });

  it("keeps people waiting for a private session until the host approves or denies them", async () => {
    const { host, code } = await room("Petra", { isPrivate: true });
    const hostEvents = watch(host, code);
    await hostEvents.until((r) => r.some((x) => x.event.type === "snapshot"));

    const asker = await env.signIn("Ari");
    const asked = await asker.api.session.join({ code });
    expect(asked).toEqual({ code, status: "pending", view: null });
    await hostEvents.until((r) => r.some((x) => x.event.type === "presence" && x.event.change === "request"));
    const waiting = await failure(asker.api.session.get({ code }));
    expect(waiting.code).toBe("FORBIDDEN");
    expect(waiting.message).toMatch(/has not let you in yet/);
    expect((await asker.api.session.mine()).find((s) => s.code === code)?.status).toBe("pending");

    const notHost = await env.signIn("Nia");
    expect((await failure(notHost.api.session.approve({ code, userId: asker.id }))).code).toBe("NOT_FOUND");

    await host.api.session.approve({ code, userId: asker.id });
    const view = await asker.api.session.get({ code });
    expect(view.me).toEqual({ role: "listener", status: "member" });

    const other = await env.signIn("Otto");
    await other.api.session.join({ code });
    await host.api.session.deny({ code, userId: other.id });
    expect((await failure(other.api.session.get({ code }))).code).toBe("NOT_FOUND");
    await hostEvents.stop();
  });
});

describe("roles", () => {
  it("let the host and DJs control playback, and refuse listeners in words", async () => {
    const { host, code } = await room("Rita");
    const dj = await env.signIn("Dee");
    const listener = await env.signIn("Lou");
    await dj.api.session.join({ code });
    await listener.api.session.join({ code });

    const refused = await failure(listener.api.session.control({ code, action: "play" }));
    expect(refused.code).toBe("FORBIDDEN");
    expect(refused.message).toMatch(/Only the host and DJs can control playback/);
    expect((await failure(dj.api.session.control({ code, action: "play" }))).code).toBe("FORBIDDEN");
    expect(
      (await failure(listener.api.session.setRole({ code, userId: dj.id, role: "dj" }))).message,
    ).toMatch(/Only the host can change roles/);

    await host.api.session.setRole({ code, userId: dj.id, role: "dj" });
    const playing = await dj.api.session.control({ code, action: "play" });
    expect(playing).toMatchObject({ playing: true, songId: songs[0], version: 1 });

    // Listeners may add to the end of the queue and take back their own songs; not more.
    const added = await listener.api.session.queueAdd({ code, songIds: [songs[4]!] });
    const mine = added.queue.at(-1)!;
    expect(mine).toMatchObject({ songId: songs[4], addedBy: listener.id });
    expect(
      (await failure(listener.api.session.queueAdd({ code, songIds: [songs[5]!], at: "next" }))).message,
    ).toMatch(/Only the host and DJs can put songs next/);
    const hostItem = added.queue[1]!;
    expect((await failure(listener.api.session.queueRemove({ code, itemId: hostItem.id }))).code).toBe(
      "FORBIDDEN",
    );
    expect(
      (await failure(listener.api.session.queueReorder({ code, itemId: mine.id, toIndex: 0 }))).code,
    ).toBe("FORBIDDEN");
    const removed = await listener.api.session.queueRemove({ code, itemId: mine.id });
    expect(removed.queue.map((q) => q.songId)).toEqual(songs.slice(0, 3));
  });

  it("hand the session to the longest-present DJ when the host leaves, and end it when the last one leaves", async () => {
    const { host, code } = await room("Hugo");
    const early = await env.signIn("Early");
    const dj = await env.signIn("Dj");
    await early.api.session.join({ code });
    await dj.api.session.join({ code });
    await host.api.session.setRole({ code, userId: dj.id, role: "dj" });

    await host.api.session.leave({ code });
    let view = await dj.api.session.get({ code });
    expect(view.me.role).toBe("host");
    expect(view.session.hostId).toBe(dj.id);
    expect(view.participants.map((p) => p.name)).toEqual(["Early", "Dj"]);
    expect((await failure(host.api.session.get({ code }))).message).toMatch(/join it with the code/);

    // Without a DJ, the longest-present member takes over.
    await dj.api.session.leave({ code });
    view = await early.api.session.get({ code });
    expect(view.me.role).toBe("host");

    await early.api.session.leave({ code });
    const gone = await failure(early.api.session.join({ code }));
    expect(gone.message).toMatch(/has ended/);
  });

  it("make someone else host on request, the old host staying on as DJ", async () => {
    const { host, code } = await room("Hal");
    const next = await env.signIn("Nell");
    await next.api.session.join({ code });
    await host.api.session.setRole({ code, userId: next.id, role: "host" });
    const view = await host.api.session.get({ code });
    expect(view.me.role).toBe("dj");
    expect(view.session.hostId).toBe(next.id);
    expect((await failure(host.api.session.end({ code }))).message).toMatch(
      /Only the host can end the session/,
    );
  });

  it("kick someone out for good, ending their stream", async () => {
    const { host, code } = await room("Kai");
    const pest = await env.signIn("Pest");
    await pest.api.session.join({ code });
    const stream = watch(pest, code);
    await stream.until((r) => r.length > 0);
    expect((await failure(pest.api.session.kick({ code, userId: host.id }))).code).toBe("FORBIDDEN");
    await host.api.session.kick({ code, userId: pest.id });
    await stream.done;
    const last = stream.received.at(-1)!.event;
    expect(last).toMatchObject({ type: "presence", change: "kick", participant: { userId: pest.id } });
    expect((await failure(pest.api.session.get({ code }))).message).toMatch(/removed you/);
    expect((await failure(pest.api.session.join({ code }))).message).toMatch(/cannot join it again/);
  });

  it("end the session for everyone when the host ends it", async () => {
    const { host, code } = await room("Eve");
    const guest = await env.signIn("Gail");
    await guest.api.session.join({ code });
    const stream = watch(guest, code);
    await stream.until((r) => r.length > 0);
    await host.api.session.end({ code });
    await stream.done;
    expect(stream.received.at(-1)!.event).toEqual({ type: "ended", reason: "host" });
    expect((await failure(guest.api.session.control({ code, action: "play" }))).message).toMatch(/has ended/);
    expect(await guest.api.session.mine()).not.toContainEqual(expect.objectContaining({ code }));
  });
});

describe("playback", () => {
  it("plays, pauses, seeks and moves through the queue; previous restarts a song past 3 s", async () => {
    const { host, code } = await room("Pat");
    let s = await host.api.session.control({ code, action: "play" });
    const [a, b, c] = s.queue;
    expect(s).toMatchObject({ currentItemId: a!.id, positionMs: 0, playing: true });
    s = await host.api.session.control({ code, action: "seek", positionMs: 60_000 });
    expect(s).toMatchObject({ positionMs: 60_000, playing: true });
    s = await host.api.session.control({ code, action: "pause" });
    expect(s.playing).toBe(false);
    expect(s.positionMs).toBeGreaterThanOrEqual(60_000);
    expect(s.positionMs).toBeLessThan(62_000);
    s = await host.api.session.control({ code, action: "previous" });
    expect(s).toMatchObject({ currentItemId: a!.id, positionMs: 0 });
    s = await host.api.session.control({ code, action: "next" });
    expect(s.currentItemId).toBe(b!.id);
    s = await host.api.session.control({ code, action: "previous" });
    expect(s.currentItemId).toBe(a!.id);
    s = await host.api.session.control({ code, action: "jump", itemId: c!.id });
    expect(s).toMatchObject({ currentItemId: c!.id, playing: true });
    s = await host.api.session.control({ code, action: "next" });
    expect(s).toMatchObject({ currentItemId: null, songId: null, playing: false });
    expect(s.version).toBe(8);
  });

  it("lets any member's player move the room on at the end of a song, once, and not before", async () => {
    const { host, code } = await room("Otto");
    const lou = await env.signIn("Lucy");
    const liv = await env.signIn("Liv");
    await lou.api.session.join({ code });
    await liv.api.session.join({ code });
    let s = await host.api.session.control({ code, action: "play", positionMs: 100_000 });
    const early = await failure(lou.api.session.control({ code, action: "next", version: s.version }));
    expect(early.code).toBe("FORBIDDEN");
    expect(early.message).toMatch(/Only the host and DJs can control playback/);
    // Without a version it would be a skip, whatever is playing: that stays the host's and DJs'.
    expect((await failure(lou.api.session.control({ code, action: "next" }))).code).toBe("FORBIDDEN");
    expect((await host.api.session.get({ code })).state).toEqual(s);

    // Half a second from the end (200 s songs): over, by the server's clock.
    s = await host.api.session.control({ code, action: "seek", positionMs: 199_500 });
    const [first, second] = await Promise.allSettled([
      lou.api.session.control({ code, action: "next", version: s.version }),
      liv.api.session.control({ code, action: "next", version: s.version }),
    ]);
    const moved = [first, second].filter((r) => r.status === "fulfilled");
    expect(moved).toHaveLength(1);
    const refused = [first, second].find((r) => r.status === "rejected");
    expect((refused as PromiseRejectedResult).reason.message).toMatch(/you acted on version/);
    const after = await host.api.session.get({ code });
    expect(after.state).toMatchObject({
      currentItemId: s.queue[1]!.id,
      positionMs: 0,
      version: s.version + 1,
    });
    // Paused at the end, nothing is over: the host paused it there.
    s = await host.api.session.control({ code, action: "seek", positionMs: 199_500 });
    s = await host.api.session.control({ code, action: "pause" });
    expect((await failure(lou.api.session.control({ code, action: "next", version: s.version }))).code).toBe(
      "FORBIDDEN",
    );
  });

  it("refuses a command based on a stale version with CONFLICT, and applies a current one", async () => {
    const { host, code } = await room("Vera");
    const first = await host.api.session.control({ code, action: "play", version: 0 });
    expect(first.version).toBe(1);
    const stale = await failure(host.api.session.control({ code, action: "next", version: 0 }));
    expect(stale.code).toBe("CONFLICT");
    expect(stale.message).toMatch(/you acted on version 0, it is now at 1/);
    expect((await host.api.session.get({ code })).state).toEqual(first);
    const next = await host.api.session.control({ code, action: "next", version: 1 });
    expect(next.version).toBe(2);
  });

  it("refuses bad input in words and changes nothing", async () => {
    const { host, code } = await room("Bea");
    const before = (await host.api.session.get({ code })).state;
    const cases = [
      () => host.api.session.control({ code, action: "seek" } as never),
      () => host.api.session.control({ code, action: "seek", positionMs: 10 }),
      () =>
        host.api.session.control({ code, action: "jump", itemId: "00000000-0000-4000-8000-000000000009" }),
      () => host.api.session.control({ code, action: "play", positionMs: 999_999_999 }),
      () => host.api.session.control({ code, action: "play", positionMs: -1 }),
      () => host.api.session.queueAdd({ code, songIds: ["00000000-0000-4000-8000-000000000009"] }),
      () => host.api.session.queueAdd({ code, songIds: [] }),
      () => host.api.session.queueReorder({ code, itemId: before.queue[0]!.id, toIndex: 3 }),
      () => host.api.session.sendChat({ code, text: "   " }),
      () => host.api.session.sendChat({ code, text: "x".repeat(CHAT_MESSAGE_MAX + 1) }),
      () => host.api.session.create({ name: "x".repeat(81) }),
    ];
    const messages = [];
    for (const call of cases) {
      const error = await failure(call());
      expect(["BAD_REQUEST", "NOT_FOUND"]).toContain(error.code);
      messages.push(error.message);
    }
    expect(messages).toEqual([
      "A seek needs positionMs",
      "Nothing is playing: press play or pick a song before seeking.",
      "That entry is no longer in the queue: someone removed it. Pick another one.",
      "positionMs 999999999 is past the end of the song (200000 ms long): seek to an earlier point.",
      "positionMs cannot be negative",
      expect.stringMatching(/A song you picked is not in the catalog/),
      "songIds: Add at least one song",
      "toIndex 3 is past the end of the queue (the last index is 2).",
      "text: Write a message",
      `text: A message has at most ${CHAT_MESSAGE_MAX} characters`,
      "A session name has at most 80 characters",
    ]);
    const after = await host.api.session.get({ code });
    expect(after.state).toEqual(before);
    expect(after.lastEventId).toBe("0");
  });

  it("serializes 10 concurrent commands into one state that every subscriber sees last", async () => {
    const { host, code } = await room("Cora", { queue: 6 });
    const dj = await env.signIn("Cid");
    await dj.api.session.join({ code });
    await host.api.session.setRole({ code, userId: dj.id, role: "dj" });
    const streams = [watch(host, code), watch(dj, code)];
    await Promise.all(streams.map((s) => s.until((r) => r.length > 0)));

    // Playing first, so that every command is valid in any order (at most 3 nexts in a queue of 6).
    await host.api.session.control({ code, action: "play" });
    const actions = [
      "play",
      "next",
      "seek",
      "pause",
      "next",
      "play",
      "previous",
      "seek",
      "next",
      "pause",
    ] as const;
    const results = await Promise.all(
      actions.map((action, i) =>
        (i % 2 ? dj : host).api.session.control({
          code,
          action,
          ...(action === "seek" ? { positionMs: 1_000 * i } : {}),
        }),
      ),
    );
    // Each command saw the one before it: versions 2..11, no two alike.
    expect(results.map((r) => r.version).sort((x, y) => x - y)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    const final = (await host.api.session.get({ code })).state;
    expect(final.version).toBe(11);
    for (const stream of streams) {
      await stream.until((r) => r.some((x) => x.event.type === "state" && x.event.state.version === 11));
      const states = stream.received.flatMap((x) => (x.event.type === "state" ? [x.event.state] : []));
      expect(states.at(-1)).toEqual(final);
      expect(states.map((x) => x.version)).toEqual(states.map((_, i) => states[0]!.version + i));
      const got = ids(stream.received);
      expect(got).toEqual([...got].sort((x, y) => x - y));
      expect(new Set(got).size).toBe(got.length);
    }
    await Promise.all(streams.map((s) => s.stop()));
  });
});

describe("chat", () => {
  it("holds one message a second a user, stores retries once, and pages history newest first", async () => {
    const { host, code } = await room("Chad");
    const first = await host.api.session.sendChat({
      code,
      text: "  <b>hello</b>  ",
      clientId: "11111111-1111-4111-8111-111111111111",
    });
    expect(first).toMatchObject({ text: "<b>hello</b>", kind: "text", userName: "Chad", userId: host.id });
    // The same message retried (its answer was lost) is the same message, not refused nor doubled.
    const again = await host.api.session.sendChat({
      code,
      text: "<b>hello</b>",
      clientId: "11111111-1111-4111-8111-111111111111",
    });
    expect(again.id).toBe(first.id);

    const tooFast = await failure(host.api.session.sendChat({ code, text: "second" }));
    expect(tooFast.code).toBe("TOO_MANY_REQUESTS");
    expect(tooFast.message).toMatch(/sending messages too fast: try again in 1 second/);
    const shape = tooFast as unknown as { cause: { retryAfterSeconds: number } };
    expect(shape.cause.retryAfterSeconds).toBe(1);

    const guests = await Promise.all(["G1", "G2", "G3", "G4"].map((n) => env.signIn(n)));
    for (const g of guests) await g.api.session.join({ code });
    for (const [i, g] of guests.entries()) await g.api.session.sendChat({ code, text: `message ${i}` });

    const page1 = await host.api.session.chatHistory({ code, limit: 5 });
    expect(page1.items.map((m) => m.text)).toEqual([
      "message 3",
      "message 2",
      "message 1",
      "message 0",
      "G4 joined",
    ]);
    const page2 = await host.api.session.chatHistory({ code, limit: 5, cursor: page1.nextCursor });
    expect(page2.items.map((m) => m.text)).toEqual(["G3 joined", "G2 joined", "G1 joined", "<b>hello</b>"]);
    expect(page2.nextCursor).toBeNull();
    expect((await failure(host.api.session.chatHistory({ code, cursor: "nonsense" }))).code).toBe(
      "BAD_REQUEST",
    );
  });

  it("takes reactions from a short list, one a second, apart from messages, and everyone sees them", async () => {
    const { host, code } = await room("Rhea");
    const guest = await env.signIn("Remy");
    await guest.api.session.join({ code });
    const seen = watch(host, code);
    try {
      const fire = await guest.api.session.sendChat({ code, text: "🔥", kind: "reaction" });
      expect(fire).toMatchObject({ kind: "reaction", text: "🔥", userName: "Remy" });
      // A message right after a reaction is not held back by it.
      await guest.api.session.sendChat({ code, text: "love this one" });
      const again = await failure(guest.api.session.sendChat({ code, text: "👏", kind: "reaction" }));
      expect(again.code).toBe("TOO_MANY_REQUESTS");
      expect(again.message).toMatch(/One reaction a second/);
      const bad = await failure(guest.api.session.sendChat({ code, text: "hello", kind: "reaction" }));
      expect(bad.code).toBe("BAD_REQUEST");
      expect(bad.message).toMatch(/React with one of ❤️ 🔥/);

      const chats = await seen.until((r) => r.filter((x) => x.event.type === "chat").length === 2, "2 chats");
      expect(
        chats.flatMap((r) => (r.event.type === "chat" ? [[r.event.message.kind, r.event.message.text]] : [])),
      ).toEqual([
        ["reaction", "🔥"],
        ["text", "love this one"],
      ]);
      const history = await host.api.session.chatHistory({ code });
      expect(history.items.slice(0, 2).map((m) => [m.kind, m.text])).toEqual([
        ["text", "love this one"],
        ["reaction", "🔥"],
      ]);
    } finally {
      await seen.stop();
    }
  });
});

describe("the events stream", () => {
  it("refuses non-members and resumes after lastEventId with nothing missed or repeated", async () => {
    const { host, code } = await room("Rey");
    const outsider = await env.signIn("Out");
    const refused = watch(outsider, code);
    await refused.done;
    expect((refused.error as { code?: string }).code).toBe("FORBIDDEN");

    const guest = await env.signIn("Gwen");
    await guest.api.session.join({ code });
    const first = watch(guest, code);
    const [snap] = await first.until((r) => r.length > 0);
    expect(snap!.event.type).toBe("snapshot");
    const view = (snap!.event as { view: SessionView }).view;
    expect(snap!.id).toBe(view.lastEventId);
    await host.api.session.control({ code, action: "play" });
    await first.until((r) => r.some((x) => x.event.type === "state"));
    await first.stop();
    const lastSeen = first.received.at(-1)!.id;

    // Away: things happen.
    await host.api.session.control({ code, action: "pause" });
    await host.api.session.sendChat({ code, text: "while you were away" });
    await host.api.session.queueAdd({ code, songIds: [songs[5]!] });

    const resumed = watch(guest, code, lastSeen);
    await resumed.until((r) => r.some((x) => x.event.type === "queue"));
    await host.api.session.control({ code, action: "play" });
    await resumed.until((r) => r.filter((x) => x.event.type === "state").length === 2);
    const got = ids(resumed.received);
    expect(got[0]).toBe(Number(lastSeen) + 1);
    expect(got).toEqual(got.map((_, i) => got[0]! + i));
    expect(resumed.received.map((r) => r.event.type)).toEqual(
      expect.arrayContaining(["state", "chat", "queue"]),
    );
    const queued = resumed.received.find((r) => r.event.type === "queue")!.event as {
      songs: { id: string; streamUrl: string }[];
    };
    expect(queued.songs.map((s) => s.id)).toEqual([songs[5]]);
    await resumed.stop();

    // A lastEventId the log cannot serve (from the future, or garbage) gets a snapshot.
    const fresh = watch(guest, code, "999999");
    const [again] = await fresh.until((r) => r.length > 0);
    expect(again!.event.type).toBe("snapshot");
    await fresh.stop();
  });

  it("says who is online, across the member's subscriptions", async () => {
    const { host, code } = await room("Ona");
    const guest = await env.signIn("Gil");
    await guest.api.session.join({ code });
    const hostStream = watch(host, code);
    await hostStream.until((r) => r.length > 0);
    const a = watch(guest, code);
    const b = watch(guest, code);
    await hostStream.until((r) =>
      r.some(
        (x) =>
          x.event.type === "presence" &&
          x.event.change === "online" &&
          x.event.participant.userId === guest.id,
      ),
    );
    expect(
      (await host.api.session.get({ code })).participants.find((p) => p.userId === guest.id)?.online,
    ).toBe(true);
    // Three sockets, one bus subscription for their session.
    expect(hubFor(env.deps).stats()).toEqual({ sessions: 1, subscribers: 3 });
    await a.stop();
    await hubFor(env.deps).settled();
    // Still one subscription open: still online.
    expect(
      (await host.api.session.get({ code })).participants.find((p) => p.userId === guest.id)?.online,
    ).toBe(true);
    // The heartbeat restores a row swept while this instance stalled.
    await env.db.deleteFrom("session_presence").where("user_id", "=", guest.id).execute();
    expect(
      (await host.api.session.get({ code })).participants.find((p) => p.userId === guest.id)?.online,
    ).toBe(false);
    await hubFor(env.deps).heartbeat();
    expect(
      (await host.api.session.get({ code })).participants.find((p) => p.userId === guest.id)?.online,
    ).toBe(true);
    await b.stop();
    await hostStream.until((r) =>
      r.some(
        (x) =>
          x.event.type === "presence" &&
          x.event.change === "offline" &&
          x.event.participant.userId === guest.id,
      ),
    );
    const onlines = hostStream.received.filter(
      (x) =>
        x.event.type === "presence" && x.event.change === "online" && x.event.participant.userId === guest.id,
    );
    expect(onlines).toHaveLength(1);
    await hostStream.stop();
  });

  it("sends a snapshot to a client away for longer than the log reaches back", async () => {
    const { host, code, view } = await room("Lee");
    for (let i = 0; i < 4; i++) await host.api.session.control({ code, action: i % 2 ? "pause" : "play" });
    // As if the log had been trimmed past what the client saw.
    await env.db
      .deleteFrom("session_events")
      .where("session_id", "=", view.session.id)
      .where("id", "<=", "2")
      .execute();
    const stream = watch(host, code, "1");
    const [first] = await stream.until((r) => r.length > 0);
    expect(first!.event.type).toBe("snapshot");
    expect(first!.id).toBe("4");
    await stream.stop();
  });

  it("ends sessions idle past their expiry, and clears presence of vanished instances", async () => {
    const { host, code, view } = await room("Ida");
    const guest = await env.signIn("Gina");
    await guest.api.session.join({ code });
    const stream = watch(guest, code);
    await stream.until((r) => r.length > 0);
    // An instance that died without saying goodbye.
    await env.db
      .insertInto("session_presence")
      .values({
        session_id: view.session.id,
        user_id: host.id,
        instance_id: "gone",
        seen_at: new Date(Date.now() - 120_000),
      })
      .execute();
    await env.db
      .updateTable("live_sessions")
      .set({ expires_at: new Date(Date.now() - 1_000) })
      .where("id", "=", view.session.id)
      .execute();
    // Someone is connected: not idle, whatever the clock says.
    const first = await sessionUpkeep(env.deps);
    expect(first.offline).toBeGreaterThanOrEqual(1);
    await stream.until((r) =>
      r.some(
        (x) =>
          x.event.type === "presence" &&
          x.event.change === "offline" &&
          x.event.participant.userId === host.id,
      ),
    );
    expect((await host.api.session.get({ code })).session.endedAt).toBeNull();

    await stream.stop();
    await hubFor(env.deps).settled();
    await env.db
      .updateTable("live_sessions")
      .set({ expires_at: new Date(Date.now() - 1_000) })
      .where("id", "=", view.session.id)
      .execute();
    const watcher = watch(host, code);
    await watcher.until((r) => r.length > 0);
    await watcher.stop();
    await hubFor(env.deps).settled();
    await env.db
      .updateTable("live_sessions")
      .set({ expires_at: new Date(Date.now() - 1_000) })
      .where("id", "=", view.session.id)
      .execute();
    const second = await sessionUpkeep(env.deps);
    expect(second.expired).toBeGreaterThanOrEqual(1);
    const ended = await failure(host.api.session.control({ code, action: "play" }));
    expect(ended.message).toMatch(/has ended/);
    const resumed = watch(host, code, watcher.received.at(-1)!.id);
    await resumed.done;
    expect(resumed.received.at(-1)!.event).toEqual({ type: "ended", reason: "expired" });
  });

  it("answers the server time to anyone", async () => {
    const before = Date.now();
    const { serverTime } = await env.client().api.session.time();
    expect(serverTime).toBeGreaterThanOrEqual(before);
    expect(serverTime).toBeLessThanOrEqual(Date.now());
  });
});
