import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { appRouter } from "@chorus/api";
import superjson from "superjson";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket, { WebSocketServer } from "ws";
import { MAX_SUBSCRIPTIONS_PER_SOCKET, trpcSockets } from "./plugins/trpc-websocket.js";
import { startTestServer, type TestServer } from "./test-server.js";

/** A message from the server: a reply to a request (JSON), or `text` for PING and PONG. */
interface Message {
  text?: string;
  id?: number | null;
  result?: { type: "started" | "data" | "stopped"; data?: unknown };
  error?: { json: { message: string; data: { code: string } } };
}

/** A raw socket speaking tRPC's WebSocket protocol, with the messages it got, parsed. */
async function rawSocket(url: string) {
  const socket = new WebSocket(url);
  const received: Message[] = [];
  const waiting: Array<{ test: (m: Message) => boolean; resolve: (m: Message) => void }> = [];
  socket.on("message", (raw) => {
    const text = raw.toString();
    const message: Message = text === "PONG" || text === "PING" ? { text } : JSON.parse(text);
    received.push(message);
    for (const w of [...waiting]) {
      if (w.test(message)) {
        waiting.splice(waiting.indexOf(w), 1);
        w.resolve(message);
      }
    }
  });
  const closed = new Promise<number>((resolve) => socket.once("close", resolve));
  await new Promise((resolve, reject) => socket.once("open", resolve).once("error", reject));
  return {
    socket,
    received,
    closed,
    send: (message: unknown) => socket.send(typeof message === "string" ? message : JSON.stringify(message)),
    /** The first message (already received or still to come) that passes `test`. */
    next(test: (m: Message) => boolean): Promise<Message> {
      const found = received.find(test);
      if (found !== undefined) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error("no such message within 5 s")), 5_000);
        waiting.push({
          test,
          resolve: (m) => {
            clearTimeout(timer);
            resolve(m);
          },
        });
      });
    },
  };
}

const subscribeClock = (id: number) => ({
  id,
  method: "subscription",
  params: { path: "system.clock", input: superjson.serialize({ intervalMs: 100 }) },
});

describe("the tRPC WebSocket endpoint", () => {
  let server: TestServer;
  let url: string;

  beforeAll(async () => {
    server = await startTestServer("trpc-ws", { listen: true });
    url = `${server.baseUrl.replace("http", "ws")}/trpc`;
  });
  afterAll(() => server?.close());

  it("answers PING with PONG, and a query sent over the socket", async () => {
    const ws = await rawSocket(url);
    try {
      ws.send("PING");
      await ws.next((m) => m.text === "PONG");
      ws.send({ id: 7, method: "query", params: { path: "system.info", input: {} } });
      const reply = await ws.next((m) => m.id === 7);
      expect(reply.result?.type).toBe("data");
      expect(superjson.deserialize<{ name: string }>(reply.result?.data as never).name).toBe("Chorus");
    } finally {
      ws.socket.close();
    }
  });

  it("runs a subscription until the client stops it, refusing a second one with the same id", async () => {
    const ws = await rawSocket(url);
    try {
      ws.send(subscribeClock(1));
      await ws.next((m) => m.id === 1 && m.result?.type === "started");
      await ws.next((m) => m.id === 1 && m.result?.type === "data");

      ws.send(subscribeClock(1));
      const duplicate = await ws.next((m) => m.id === 1 && m.error !== undefined);
      expect(duplicate.error?.json.message).toBe("Duplicate id 1");
      expect(duplicate.error?.json.data.code).toBe("BAD_REQUEST");

      ws.send({ id: 1, method: "subscription.stop" });
      await ws.next((m) => m.id === 1 && m.result?.type === "stopped");
      const count = ws.received.length;
      await new Promise((r) => setTimeout(r, 350));
      expect(ws.received.length).toBe(count);
    } finally {
      ws.socket.close();
    }
  });

  it("caps the subscriptions one socket runs at once", async () => {
    const ws = await rawSocket(url);
    try {
      for (let id = 1; id <= MAX_SUBSCRIPTIONS_PER_SOCKET; id++) ws.send(subscribeClock(id));
      await ws.next((m) => m.id === MAX_SUBSCRIPTIONS_PER_SOCKET && m.result?.type === "started");
      ws.send(subscribeClock(MAX_SUBSCRIPTIONS_PER_SOCKET + 1));
      const refused = await ws.next((m) => m.id === MAX_SUBSCRIPTIONS_PER_SOCKET + 1);
      expect(refused.error?.json.data.code).toBe("TOO_MANY_REQUESTS");
      expect(refused.error?.json.message).toMatch(/stop one before starting another/);
      // Stopping one makes room.
      ws.send({ id: 1, method: "subscription.stop" });
      await ws.next((m) => m.id === 1 && m.result?.type === "stopped");
      ws.send(subscribeClock(MAX_SUBSCRIPTIONS_PER_SOCKET + 2));
      await ws.next((m) => m.id === MAX_SUBSCRIPTIONS_PER_SOCKET + 2 && m.result?.type === "started");
    } finally {
      ws.socket.close();
    }
  });

  it("holds the cap and refuses a duplicate id within one batch of messages", async () => {
    const ws = await rawSocket(url);
    try {
      ws.send([subscribeClock(1), subscribeClock(1), subscribeClock(1)]);
      await ws.next((m) => m.id === 1 && m.result?.type === "started");
      await new Promise((r) => setTimeout(r, 200));
      expect(ws.received.filter((m) => m.id === 1 && m.result?.type === "started")).toHaveLength(1);
      expect(
        ws.received.filter((m) => m.id === 1 && m.error?.json.message === "Duplicate id 1"),
      ).toHaveLength(2);

      const batch = Array.from({ length: MAX_SUBSCRIPTIONS_PER_SOCKET + 9 }, (_, i) => subscribeClock(i + 2));
      ws.send(batch);
      await ws.next((m) => m.error?.json.data.code === "TOO_MANY_REQUESTS");
      await new Promise((r) => setTimeout(r, 300));
      const started = new Set(ws.received.filter((m) => m.result?.type === "started").map((m) => m.id));
      expect(started.size).toBe(MAX_SUBSCRIPTIONS_PER_SOCKET);
      expect(ws.received.filter((m) => m.error?.json.data.code === "TOO_MANY_REQUESTS")).toHaveLength(10);
    } finally {
      ws.socket.close();
    }
  });

  it("says what was wrong with a malformed message and keeps the socket open", async () => {
    const ws = await rawSocket(url);
    try {
      ws.send("{ not json");
      const parse = await ws.next((m) => m.error?.json.data.code === "PARSE_ERROR");
      expect(parse.id).toBeNull();
      ws.socket.send(Buffer.from([1, 2, 3]), { binary: true });
      const binary = await ws.next((m) => m.error?.json.data.code === "UNPROCESSABLE_CONTENT");
      expect(binary.error?.json.message).toBe("Send tRPC messages as text frames of JSON");
      ws.send({ id: 2, method: "query", params: { path: "no.such.procedure", input: {} } });
      const missing = await ws.next((m) => m.id === 2);
      expect(missing.error?.json.data.code).toBe("NOT_FOUND");
      ws.send("PING");
      await ws.next((m) => m.text === "PONG");
    } finally {
      ws.socket.close();
    }
  });

  it("closes a socket whose first message should have been its connection parameters and was not", async () => {
    const ws = await rawSocket(`${url}?connectionParams=1`);
    ws.send("[1, 2");
    const error = await ws.next((m) => m.error !== undefined);
    expect(error.error?.json.message).toMatch(/first message must be the connection parameters/);
    expect(await ws.closed).toBeGreaterThan(0);
  });

  it("reads the token from the connection parameters, and refuses one that is not valid", async () => {
    const ws = await rawSocket(`${url}?connectionParams=1`);
    try {
      ws.send({ method: "connectionParams", data: { token: "not-a-real-token" } });
      ws.send({ id: 3, method: "query", params: { path: "library.summary", input: {} } });
      const reply = await ws.next((m) => m.id === 3);
      expect(reply.error?.json.data.code).toBe("UNAUTHORIZED");
    } finally {
      ws.socket.close();
    }
  });
});

describe("keep-alive", () => {
  let http: Server;
  let wss: WebSocketServer;
  let sockets: ReturnType<typeof trpcSockets>;
  let url: string;

  beforeAll(async () => {
    http = createServer();
    wss = new WebSocketServer({ server: http });
    sockets = trpcSockets({
      router: appRouter,
      keepAlive: { pingMs: 100, pongWaitMs: 150 },
      connectionParamsTimeoutMs: 300,
    });
    wss.on("connection", (socket, req) =>
      sockets.accept(socket, {
        expectsConnectionParams: req.url?.includes("connectionParams=1") ?? false,
        createContext: () => ({}),
      }),
    );
    await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
    url = `ws://127.0.0.1:${(http.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    sockets.close();
    for (const client of wss.clients) client.terminate();
    await new Promise((resolve) => wss.close(resolve));
    await new Promise((resolve) => http.close(resolve));
  });

  it("pings a quiet socket, keeps one that answers and drops one that does not", async () => {
    const answering = await rawSocket(url);
    answering.socket.on("message", (raw) => raw.toString() === "PING" && answering.socket.send("PONG"));
    const silent = await rawSocket(url);
    await silent.next((m) => m.text === "PING");
    expect(await silent.closed).toBe(1006);
    await new Promise((r) => setTimeout(r, 400));
    expect(answering.received.filter((m) => m.text === "PING").length).toBeGreaterThanOrEqual(2);
    expect(answering.socket.readyState).toBe(WebSocket.OPEN);
    expect(sockets.size).toBe(1);
    answering.socket.close();
  });

  it("closes a socket that announced connection parameters and never sent them", async () => {
    const waiting = await rawSocket(`${url}/?connectionParams=1`);
    expect(await waiting.closed).toBe(4408);
  });
});
