import type { ServerResponse } from "node:http";
import type { Socket } from "node:net";
import type { AnyTRPCRouter } from "@trpc/server";
import {
  callProcedure,
  getErrorShape,
  getTRPCErrorFromUnknown,
  isAsyncIterable,
  isTrackedEnvelope,
  parseConnectionParamsFromUnknown,
  parseTRPCMessage,
  type TRPCClientOutgoingMessage,
  TRPCError,
  type TRPCRequestInfo,
  type TRPCResponseMessage,
  transformTRPCResponse,
} from "@trpc/server/unstable-core-do-not-import";
import type { RawData, WebSocket } from "ws";

/**
 * tRPC's WebSocket protocol (what `@trpc/client`'s `wsLink` speaks), served with as little held per
 * socket as we can: a live session keeps thousands of sockets open on one process, and tRPC's own
 * handler holds about 10 KB each (closures over the upgrade request, a race helper per
 * subscription). Here a socket is one small object, keep-alive is one timer for all of them, and the
 * upgrade request is dropped once its few useful fields are read.
 * Decision 011 says why this is ours and what it relies on.
 */

type ConnectionParams = TRPCRequestInfo["connectionParams"];
type ProcedureType = "query" | "mutation" | "subscription";

export interface TrpcSocketsOptions {
  router: AnyTRPCRouter;
  onError?(opts: { error: TRPCError; path: string | undefined; type: ProcedureType | "unknown" }): void;
  /** The connection itself failed (a bad frame, a message over the size limit, a client not reading). */
  onSocketError?(error: Error): void;
  /** How long a socket may take to send its connection parameters (default 10 s). */
  connectionParamsTimeoutMs?: number;
  /** "PING" a socket quiet for pingMs; drop it when nothing comes back within pongWaitMs. */
  keepAlive?: { pingMs: number; pongWaitMs: number };
}

export type CreateSocketContext<TContext> = (
  connectionParams: ConnectionParams,
) => TContext | Promise<TContext>;

export interface TrpcSockets {
  /**
   * Serves an open socket. Its context is made once, after the connection parameters when the client
   * sends them as its first message (`?connectionParams=1`).
   */
  accept<TContext>(
    socket: WebSocket,
    opts: {
      expectsConnectionParams: boolean;
      createContext: CreateSocketContext<TContext>;
      /** The upgrade request, let go of once the socket is set up (its TCP socket points back at it). */
      upgradeRequest?: { socket: Socket };
    },
  ): void;
  /** Open sockets (for metrics and tests). */
  readonly size: number;
  /** Stops the keep-alive timer; closing the sockets is the WebSocket server's job. */
  close(): void;
}

const OPEN = 1;
/** Subscriptions one socket may run at once: a player needs two or three. */
export const MAX_SUBSCRIPTIONS_PER_SOCKET = 50;
/**
 * A socket with this much still unsent is not reading: it is dropped rather than buffered for without
 * end (its player reconnects and resumes from the session's log).
 */
const MAX_UNSENT_BYTES = 4 * 1024 * 1024;
const ABORTED = Symbol("aborted");

export function trpcSockets(opts: TrpcSocketsOptions): TrpcSockets {
  const config = opts.router._def._config;
  const live = new Set<Connection>();
  const bySocket = new WeakMap<WebSocket, Connection>();

  class Connection {
    /** Running subscriptions by the client's request id. */
    private readonly subscriptions = new Map<string | number, Subscription>();
    private context: Promise<{ ok: true; ctx: unknown } | { ok: false; error: TRPCError }> | null = null;
    private ctx: unknown;
    lastHeard = Date.now();
    pingedAt = 0;

    constructor(
      readonly socket: WebSocket,
      /** Dropped once used: it holds what was read from the upgrade request. */
      private createContext: CreateSocketContext<unknown> | null,
    ) {}

    get awaitingParams(): boolean {
      return this.context === null;
    }

    start(expectsConnectionParams: boolean) {
      if (!expectsConnectionParams) this.context = this.makeContext(null);
    }

    private async makeContext(params: ConnectionParams) {
      const create = this.createContext;
      this.createContext = null;
      try {
        if (!create)
          throw new TRPCError({ code: "BAD_REQUEST", message: "The connection is already set up" });
        this.ctx = await create(params);
        return { ok: true as const, ctx: this.ctx };
      } catch (cause) {
        const error = getTRPCErrorFromUnknown(cause);
        this.fail(null, undefined, undefined, "unknown", undefined, error);
        setImmediate(() => this.socket.close());
        return { ok: false as const, error };
      }
    }

    respond(message: TRPCResponseMessage) {
      if (this.socket.readyState !== OPEN) return;
      if (this.socket.bufferedAmount > MAX_UNSENT_BYTES) {
        opts.onSocketError?.(
          new Error(
            `dropped a WebSocket client that stopped reading (${this.socket.bufferedAmount} bytes unsent)`,
          ),
        );
        this.socket.terminate();
        return;
      }
      this.socket.send(JSON.stringify(transformTRPCResponse(config, message)));
    }

    fail(
      id: string | number | null,
      jsonrpc: "2.0" | undefined,
      path: string | undefined,
      type: ProcedureType | "unknown",
      input: unknown,
      cause: unknown,
    ) {
      const error = getTRPCErrorFromUnknown(cause);
      try {
        opts.onError?.({ error, path, type });
        const shape = getErrorShape({ config, error, type, path, input, ctx: this.ctx });
        this.respond({ id, jsonrpc, error: shape } as TRPCResponseMessage);
      } catch (failure) {
        // Reporting the error failed too (a formatter, a value that cannot be sent): the socket goes.
        opts.onSocketError?.(failure instanceof Error ? failure : new Error(String(failure)));
        this.socket.terminate();
      }
    }

    message(raw: RawData, isBinary: boolean) {
      this.lastHeard = Date.now();
      this.pingedAt = 0;
      const text = isBinary ? null : raw.toString();
      if (text === "PONG") return;
      if (text === "PING") {
        this.socket.send("PONG");
        return;
      }
      if (text === null) {
        const error = new TRPCError({
          code: "UNPROCESSABLE_CONTENT",
          message: "Send tRPC messages as text frames of JSON",
        });
        this.fail(null, undefined, undefined, "unknown", undefined, error);
        return;
      }
      if (this.context === null) {
        this.context = this.connectionParams(text);
        return;
      }
      let messages: TRPCClientOutgoingMessage[];
      try {
        const json: unknown = JSON.parse(text);
        messages = (Array.isArray(json) ? json : [json]).map((m) => parseTRPCMessage(m, config.transformer));
      } catch (cause) {
        this.fail(
          null,
          undefined,
          undefined,
          "unknown",
          undefined,
          new TRPCError({ code: "PARSE_ERROR", cause }),
        );
        return;
      }
      messages.forEach((m, index) => {
        this.handle(m, index).catch((cause: unknown) =>
          this.fail(null, undefined, undefined, "unknown", undefined, cause),
        );
      });
    }

    private connectionParams(text: string) {
      let params: ConnectionParams;
      try {
        const msg: unknown = JSON.parse(text);
        if (typeof msg !== "object" || msg === null) throw new Error("Message was not an object");
        params = parseConnectionParamsFromUnknown((msg as { data?: unknown }).data);
      } catch (cause) {
        const error = new TRPCError({
          code: "PARSE_ERROR",
          message:
            "The first message must be the connection parameters ({ method: 'connectionParams', data })",
          cause,
        });
        this.fail(null, undefined, undefined, "unknown", undefined, error);
        setImmediate(() => this.socket.close());
        return Promise.resolve({ ok: false as const, error });
      }
      return this.makeContext(params);
    }

    private async handle(msg: TRPCClientOutgoingMessage, batchIndex: number) {
      const { id, jsonrpc } = msg;
      if (id === null) {
        const error = new TRPCError({ code: "PARSE_ERROR", message: "`id` is required" });
        this.fail(null, jsonrpc, undefined, "unknown", undefined, error);
        return;
      }
      if (msg.method === "subscription.stop") {
        this.subscriptions.get(id)?.stop();
        return;
      }
      const { path, lastEventId } = msg.params;
      const type = msg.method;
      let input = msg.params.input;
      // A resuming subscription gets the id of the last event it saw as part of its input.
      if (lastEventId !== undefined) {
        input =
          typeof input === "object" && input !== null
            ? { ...input, lastEventId }
            : (input ?? { lastEventId });
      }
      const sub = new Subscription();
      if (type === "subscription") {
        // Claimed before any await: the next message (even in the same frame) sees it.
        if (this.subscriptions.has(id)) {
          this.fail(
            id,
            jsonrpc,
            path,
            type,
            input,
            new TRPCError({ code: "BAD_REQUEST", message: `Duplicate id ${id}` }),
          );
          return;
        }
        if (this.subscriptions.size >= MAX_SUBSCRIPTIONS_PER_SOCKET) {
          const message = `A connection can run ${MAX_SUBSCRIPTIONS_PER_SOCKET} subscriptions at once: stop one before starting another.`;
          this.fail(id, jsonrpc, path, type, input, new TRPCError({ code: "TOO_MANY_REQUESTS", message }));
          return;
        }
        this.subscriptions.set(id, sub);
      }
      const release = () => {
        if (this.subscriptions.get(id) === sub) this.subscriptions.delete(id);
      };
      try {
        const context = await this.context;
        if (!context?.ok) throw context?.error ?? new TRPCError({ code: "UNAUTHORIZED" });
        const result: unknown = await callProcedure({
          router: opts.router,
          path,
          getRawInput: async () => input,
          ctx: context.ctx,
          type,
          signal: sub.signal,
          batchIndex,
        });
        if (type !== "subscription") {
          this.respond({ id, jsonrpc, result: { type: "data", data: result } });
          return;
        }
        if (!isAsyncIterable(result)) {
          throw new TRPCError({
            code: "INTERNAL_SERVER_ERROR",
            message: `Subscription ${path} is not an async generator`,
          });
        }
        if (sub.signal.aborted || this.socket.readyState !== OPEN) {
          // Stopped, or the socket closed, while the procedure was being called: never started.
          release();
          await result[Symbol.asyncIterator]().return?.();
          return;
        }
        this.respond({ id, jsonrpc, result: { type: "started" } });
        // Not awaited: this frame ends here, and only the pump's stays suspended for the socket's life.
        this.pump(id, jsonrpc, path, input, result, sub)
          .catch((cause: unknown) => this.fail(id, jsonrpc, path, "subscription", input, cause))
          .finally(release);
      } catch (cause) {
        release();
        sub.stop();
        this.fail(id, jsonrpc, path, type, input, cause);
      }
    }

    /** Sends a subscription's events until it ends, fails, or is stopped. */
    private async pump(
      id: string | number,
      jsonrpc: "2.0" | undefined,
      path: string,
      input: unknown,
      iterable: AsyncIterable<unknown>,
      sub: Subscription,
    ) {
      const iterator = iterable[Symbol.asyncIterator]();
      try {
        while (true) {
          const next = await sub.next(iterator);
          if (next === ABORTED) {
            await iterator.return?.();
            break;
          }
          if (next.done) break;
          const value = next.value;
          if (isTrackedEnvelope(value)) {
            const [eventId, data] = value;
            this.respond({ id, jsonrpc, result: { type: "data", id: eventId, data: { id: eventId, data } } });
          } else this.respond({ id, jsonrpc, result: { type: "data", data: value } });
        }
      } catch (cause) {
        this.fail(id, jsonrpc, path, "subscription", input, cause);
        await iterator.return?.().catch(() => {});
      }
      this.respond({ id, jsonrpc, result: { type: "stopped" } });
    }

    closed() {
      for (const sub of this.subscriptions.values()) sub.stop();
      this.subscriptions.clear();
    }
  }

  // Listeners shared by every socket (ws calls them with the socket as `this`): no closures per socket.
  function onMessage(this: WebSocket, raw: RawData, isBinary: boolean) {
    bySocket.get(this)?.message(raw, isBinary);
  }
  function onClose(this: WebSocket) {
    const connection = bySocket.get(this);
    if (!connection) return;
    live.delete(connection);
    bySocket.delete(this);
    connection.closed();
  }
  function onError(this: WebSocket, cause: Error) {
    // ws closes the socket itself after an error (a message over the size limit, a bad frame).
    opts.onSocketError?.(cause);
  }

  // One timer for every socket: ping the quiet ones, drop those that did not answer in time, and
  // those that never sent the connection parameters they announced.
  const keepAlive = opts.keepAlive;
  const paramsTimeoutMs = opts.connectionParamsTimeoutMs ?? 10_000;
  const sweepMs = Math.min(paramsTimeoutMs, keepAlive?.pingMs ?? Infinity, keepAlive?.pongWaitMs ?? Infinity);
  const timer = setInterval(
    () => {
      const now = Date.now();
      for (const c of live) {
        if (c.awaitingParams) {
          if (now - c.lastHeard >= paramsTimeoutMs) c.socket.close(4408, "No connection parameters came");
        } else if (!keepAlive) {
        } else if (c.pingedAt !== 0) {
          if (now - c.pingedAt >= keepAlive.pongWaitMs) c.socket.terminate();
        } else if (now - c.lastHeard >= keepAlive.pingMs && c.socket.readyState === OPEN) {
          c.pingedAt = now;
          c.socket.send("PING");
        }
      }
    },
    Math.max(50, sweepMs / 2),
  ).unref();

  return {
    accept(socket, { expectsConnectionParams, createContext, upgradeRequest }) {
      const theirs = socket.listeners("error") as Array<(error: Error) => void>;
      const connection = new Connection(socket, createContext);
      bySocket.set(socket, connection);
      live.add(connection);
      socket.on("message", onMessage);
      socket.on("error", onError);
      socket.once("close", onClose);
      if (upgradeRequest) {
        // @fastify/websocket's error listener closes over the upgrade's request and reply, and the TCP
        // socket still points at the reply it was given: about 1.5 KB a socket, for its whole life.
        // Ours (added above) logs errors instead.
        for (const listener of theirs) socket.off("error", listener);
        const tcp = upgradeRequest.socket as Socket & { _httpMessage?: ServerResponse | null };
        tcp._httpMessage?.detachSocket(tcp);
      }
      connection.start(expectsConnectionParams);
    },
    get size() {
      return live.size;
    },
    close() {
      clearInterval(timer);
    },
  };
}

/** A running subscription: the signal its procedure watches, and a way to stop waiting for it. */
class Subscription {
  private readonly abort = new AbortController();
  private wake: ((value: typeof ABORTED) => void) | null = null;

  get signal(): AbortSignal {
    return this.abort.signal;
  }

  stop(): void {
    this.abort.abort();
    this.wake?.(ABORTED);
  }

  /**
   * The iterator's next value, or ABORTED as soon as the subscription is stopped (a generator waiting
   * for an event would not see the abort until then). Nothing is left behind per event: a
   * subscription can live for hours.
   */
  next<T>(iterator: AsyncIterator<T>): Promise<IteratorResult<T> | typeof ABORTED> {
    if (this.abort.signal.aborted) return Promise.resolve(ABORTED);
    return new Promise((resolve, reject) => {
      this.wake = resolve;
      iterator.next().then(
        (result) => {
          this.wake = null;
          resolve(result);
        },
        (error: unknown) => {
          this.wake = null;
          reject(error);
        },
      );
    });
  }
}
