// Live sessions over real WebSockets, on two server instances sharing one PostgreSQL and one Redis.
import { randomUUID } from "node:crypto";
import { type AppRouter, hashPassword } from "@chorus/api";
import type { SessionEvent } from "@chorus/contracts";
import { createTRPCClient, createWSClient, type TRPCClient, wsLink } from "@trpc/client";
import superjson from "superjson";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { startTestServer, type TestServer } from "./test-server.js";

const AUTH_SECRET = "sessions-test-secret-sessions-test-secret-0123";
const PASSWORD = "the same song at the same moment";
let a: TestServer;
let b: TestServer;
let songIds: string[];
const passwordHash = hashPassword(PASSWORD);
const closers: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  a = await startTestServer("sessions_a", { listen: true, env: { AUTH_SECRET } });
  b = await startTestServer("sessions_b", { listen: true, env: { AUTH_SECRET }, sharing: a });
  const db = a.services.db;
  const artist = await db
    .insertInto("artists")
    .values({ name: "Two Instances" })
    .returning("id")
    .executeTakeFirstOrThrow();
  const songs = await db
    .insertInto("songs")
    .values([1, 2, 3].map((n) => ({ title: `Song ${n}`, duration_ms: 180_000 })))
    .returning("id")
    .execute();
  await db
    .insertInto("song_artists")
    .values(songs.map((s) => ({ song_id: s.id, artist_id: artist.id, position: 0 })))
    .execute();
  songIds = songs.map((s) => s.id);
});

afterAll(async () => {
  for (const close of closers.reverse()) await close().catch(() => {});
  await b?.close();
  await a?.close();
});

interface Person {
  id: string;
  token: string;
}

async function person(name: string): Promise<Person> {
  const email = `${name.toLowerCase()}-${randomUUID().slice(0, 8)}@example.com`;
  const user = await a.services.db
    .insertInto("users")
    .values({ email, name, password_hash: await passwordHash, email_verified_at: new Date() })
    .returning("id")
    .executeTakeFirstOrThrow();
  const response = await fetch(`${a.baseUrl}/trpc/auth.login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ json: { email, password: PASSWORD } }),
  });
  const body = (await response.json()) as { result: { data: { json: { accessToken: string } } } };
  return { id: user.id, token: body.result.data.json.accessToken };
}

/** A tRPC client over a real WebSocket to `server`, signed in as `who`. */
function connect(server: TestServer, who: Person): { api: TRPCClient<AppRouter>; close(): Promise<void> } {
  const wsClient = createWSClient({
    url: `${server.baseUrl.replace("http", "ws")}/trpc`,
    WebSocket: WebSocket as never,
    connectionParams: { token: who.token },
    retryDelayMs: () => 50,
  });
  const close = () => wsClient.close();
  closers.push(close);
  return {
    api: createTRPCClient<AppRouter>({ links: [wsLink({ client: wsClient, transformer: superjson })] }),
    close,
  };
}

interface Received {
  id: string;
  event: SessionEvent;
}

function subscribe(api: TRPCClient<AppRouter>, code: string, lastEventId?: string) {
  const received: Received[] = [];
  let error: { message: string; data?: { code?: string } } | null = null;
  let stopped = false;
  const sub = api.session.events.subscribe(
    { code, lastEventId },
    {
      onData: (tracked) => received.push({ id: tracked.id, event: tracked.data }),
      onError: (err) => {
        error = err as never;
      },
      onStopped: () => {
        stopped = true;
      },
    },
  );
  return {
    received,
    get error() {
      return error;
    },
    get stopped() {
      return stopped;
    },
    unsubscribe: () => sub.unsubscribe(),
    async until(test: (r: Received[]) => boolean, what = "events", ms = 5_000): Promise<void> {
      const deadline = Date.now() + ms;
      while (!test(received)) {
        if (error)
          throw new Error(`subscription failed before ${what}: ${(error as { message: string }).message}`);
        if (Date.now() > deadline) {
          throw new Error(
            `no ${what} within ${ms} ms; got ${JSON.stringify(received.map((r) => [r.id, r.event.type]))}`,
          );
        }
        await new Promise((r) => setTimeout(r, 20));
      }
    },
  };
}

const consecutive = (ids: number[]) => ids.every((id, i) => i === 0 || id === ids[i - 1]! + 1);
const has = (type: SessionEvent["type"]) => (r: Received[]) => r.some((x) => x.event.type === type);

describe("live sessions on two instances", () => {
  it("members on different instances see each other's control and chat", async () => {
    const [hostP, guestP] = await Promise.all([person("Host"), person("Guest")]);
    const host = connect(a, hostP);
    const guest = connect(b, guestP);
    const view = await host.api.session.create.mutate({ songIds });
    const code = view.session.code;
    await guest.api.session.join.mutate({ code });

    const hostEvents = subscribe(host.api, code);
    const guestEvents = subscribe(guest.api, code);
    await Promise.all([hostEvents.until(has("snapshot")), guestEvents.until(has("snapshot"))]);
    // A second socket of the guest on B: still one Redis subscription per instance for the session.
    const second = subscribe(guest.api, code);
    await second.until(has("snapshot"));
    const channel = `${a.redisPrefix}session:${view.session.id}`;
    const [, subscribers] = (await a.services.redis!.call("PUBSUB", "NUMSUB", channel)) as [string, number];
    expect(subscribers).toBe(2);
    // /metrics counts each instance's own: B holds the guest's two subscriptions of one session.
    const gauges = async (server: TestServer) => {
      const text = await (await fetch(`${server.baseUrl}/metrics`)).text();
      const value = (name: string) => Number(text.match(new RegExp(`^${name} (\\S+)$`, "m"))?.[1]);
      return {
        sessions: value("chorus_live_sessions"),
        subscribers: value("chorus_live_session_subscribers"),
      };
    };
    expect(await gauges(b)).toEqual({ sessions: 1, subscribers: 2 });
    expect(await gauges(a)).toEqual({ sessions: 1, subscribers: 1 });
    second.unsubscribe();

    const played = await host.api.session.control.mutate({
      code,
      action: "play",
      version: view.state.version,
    });
    await guestEvents.until((r) =>
      r.some((x) => x.event.type === "state" && x.event.state.version === played.version),
    );
    await guest.api.session.sendChat.mutate({ code, text: "hello from instance B" });
    await hostEvents.until((r) =>
      r.some((x) => x.event.type === "chat" && x.event.message.text === "hello from instance B"),
    );

    // Promoted to DJ on A, the guest seeks from B; the host on A follows.
    await host.api.session.setRole.mutate({ code, userId: guestP.id, role: "dj" });
    await guest.api.session.control.mutate({ code, action: "seek", positionMs: 42_000 });
    await hostEvents.until((r) =>
      r.some((x) => x.event.type === "state" && x.event.state.positionMs === 42_000),
    );
    // Each sees the guest come online once, wherever they are connected.
    await hostEvents.until((r) =>
      r.some(
        (x) =>
          x.event.type === "presence" &&
          x.event.change === "online" &&
          x.event.participant.userId === guestP.id,
      ),
    );
    for (const s of [hostEvents, guestEvents]) {
      const ids = s.received.map((r) => Number(r.id));
      expect(consecutive(ids)).toBe(true);
    }
    const lastId = (s: typeof hostEvents) => s.received.at(-1)!.id;
    await guestEvents.until((r) => r.at(-1)!.id === lastId(hostEvents));

    await host.api.session.end.mutate({ code });
    await Promise.all([hostEvents.until(has("ended")), guestEvents.until(has("ended"))]);
    await Promise.all([host.close(), guest.close()]);
  });

  it("refuses a non-member's subscription", async () => {
    const [hostP, outsiderP] = await Promise.all([person("Owner"), person("Outsider")]);
    const host = connect(a, hostP);
    const outsider = connect(b, outsiderP);
    const privateView = await host.api.session.create.mutate({ isPrivate: true });
    const publicView = await host.api.session.create.mutate({});
    const hidden = subscribe(outsider.api, privateView.session.code);
    const closed = subscribe(outsider.api, publicView.session.code);
    await hidden.until(() => hidden.error !== null, "an error").catch(() => {});
    await closed.until(() => closed.error !== null, "an error").catch(() => {});
    expect(hidden.error?.data?.code).toBe("NOT_FOUND");
    expect(closed.error?.data?.code).toBe("FORBIDDEN");
    expect(closed.error?.message).toMatch(/join it with the code/);
    expect(hidden.received).toEqual([]);
    expect(closed.received).toEqual([]);
    await Promise.all([host.close(), outsider.close()]);
  });

  it("resumes after a dropped connection with no gap and no duplicate", async () => {
    const [hostP, guestP] = await Promise.all([person("Dj"), person("Fan")]);
    const host = connect(a, hostP);
    const view = await host.api.session.create.mutate({ songIds });
    const code = view.session.code;
    const guestJoin = connect(b, guestP);
    await guestJoin.api.session.join.mutate({ code });
    await guestJoin.close();

    // 1. The client library reconnects by itself and resubscribes with the last id it got.
    const wsClient = createWSClient({
      url: `${b.baseUrl.replace("http", "ws")}/trpc`,
      WebSocket: WebSocket as never,
      connectionParams: { token: guestP.token },
      retryDelayMs: () => 100,
    });
    closers.push(() => wsClient.close());
    const guest = createTRPCClient<AppRouter>({
      links: [wsLink({ client: wsClient, transformer: superjson })],
    });
    const stream = subscribe(guest, code);
    await stream.until(has("snapshot"));
    await host.api.session.control.mutate({ code, action: "play" });
    await stream.until(has("state"));

    const socket = wsClient.connection?.ws as unknown as WebSocket;
    socket.terminate();
    // While the guest is away: chat, seeks, a queue change.
    await host.api.session.sendChat.mutate({ code, text: "you missed this" });
    for (let i = 1; i <= 5; i++)
      await host.api.session.control.mutate({ code, action: "seek", positionMs: i * 1_000 });
    await host.api.session.queueAdd.mutate({ code, songIds: [songIds[0]!] });
    const after = await host.api.session.control.mutate({ code, action: "pause" });
    await stream.until(
      (r) => r.some((x) => x.event.type === "state" && x.event.state.version === after.version),
      "the resumed events",
      10_000,
    );

    const ids = stream.received.map((r) => Number(r.id));
    expect(new Set(ids).size).toBe(ids.length);
    expect(consecutive(ids)).toBe(true);
    expect(stream.received.filter((r) => r.event.type === "snapshot")).toHaveLength(1);
    expect(
      stream.received.some((r) => r.event.type === "chat" && r.event.message.text === "you missed this"),
    ).toBe(true);
    stream.unsubscribe();

    // 2. A new connection that says where it left off gets exactly what came after.
    const lastSeen = stream.received[3]!.id;
    const again = connect(b, guestP);
    const resumed = subscribe(again.api, code, lastSeen);
    await resumed.until((r) =>
      r.some((x) => x.event.type === "state" && x.event.state.version === after.version),
    );
    const expected = stream.received.slice(4);
    expect(resumed.received.slice(0, expected.length).map((r) => r.id)).toEqual(expected.map((r) => r.id));
    await Promise.all([again.close(), host.close(), wsClient.close()]);
  });
});

describe("WebSocket hardening", () => {
  const open = (origin?: string) =>
    new Promise<{ opened: boolean; status?: number; socket?: WebSocket }>((resolve) => {
      const socket = new WebSocket(`${a.baseUrl.replace("http", "ws")}/trpc`, origin ? { origin } : {});
      socket.once("open", () => resolve({ opened: true, socket }));
      socket.once("unexpected-response", (_req, res) => resolve({ opened: false, status: res.statusCode }));
      socket.once("error", () => resolve({ opened: false }));
    });

  it("refuses pages from another site, and allows the server's own pages and clients without an Origin", async () => {
    const foreign = await open("https://evil.example");
    expect(foreign).toEqual({ opened: false, status: 403 });
    for (const origin of [a.baseUrl, undefined]) {
      const ok = await open(origin);
      expect(ok.opened).toBe(true);
      ok.socket!.close();
    }
  });

  it("closes a connection that sends a message over the size limit", async () => {
    const { socket } = await open();
    const code = await new Promise<number>((resolve) => {
      socket!.once("close", (c) => resolve(c));
      socket!.send(
        JSON.stringify({
          id: 1,
          method: "query",
          params: { path: "session.time", input: "x".repeat(70_000) },
        }),
      );
    });
    expect(code).toBe(1009);
  });
});
