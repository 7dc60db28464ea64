import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import path from "node:path";
import {
  type ApiDeps,
  type AppRouter,
  appRouter,
  type Cookies,
  createContextInner,
  isImmutable,
  sessionHub,
} from "@chorus/api";
import fastifyCookie from "@fastify/cookie";
import fastifyStatic from "@fastify/static";
import fastifyWebsocket from "@fastify/websocket";
import type { TRPCError } from "@trpc/server";
import type { FastifyTRPCPluginOptions } from "@trpc/server/adapters/fastify";
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyServerOptions } from "fastify";
import { sql } from "kysely";
import type { Services } from "./backends.js";
import type { Config } from "./env.js";
import { bearerToken } from "./plugins/auth.js";
import { mediaRoutes } from "./plugins/media.js";
import { registerMetrics } from "./plugins/metrics.js";
import { streamRoutes } from "./plugins/stream.js";
import { trpcHttp } from "./plugins/trpc-http.js";
import { trpcSockets } from "./plugins/trpc-websocket.js";

export { type Log, openServices, type Services, silentLog } from "./backends.js";
export { seedDemoCatalog } from "./demo.js";
export type { Config } from "./env.js";
export { ConfigError, loadConfig } from "./env.js";
export { applyHeapGrowing } from "./heap.js";

export interface BuildAppOptions {
  config: Config;
  services: Services;
  version?: string;
  /** A pino logger to use, or false for none (tests); by default one at config.logLevel. */
  logger?: FastifyBaseLogger | false;
}

/** Paths the web app's history fallback must never answer with index.html. */
const API_PREFIXES = ["/trpc", "/media", "/rest", "/health", "/ready", "/metrics"];

/** The whole HTTP surface, built but not listening: tests use app.inject() or listen on port 0. */
export async function buildApp({
  config,
  services,
  version = "0.1.0",
  logger,
}: BuildAppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    ...(logger === undefined || logger === false
      ? { logger: logger ?? { level: config.logLevel } }
      : { loggerInstance: logger }),
    // Batched tRPC calls put every procedure name in the path.
    routerOptions: { maxParamLength: 5_000 },
    genReqId: (req) => {
      const given = req.headers["x-request-id"];
      return typeof given === "string" && /^[\w.-]{1,100}$/.test(given) ? given : randomUUID();
    },
    trustProxy: config.trustProxy as FastifyServerOptions["trustProxy"],
  });
  // First: its onResponse hook reaches only the routes added after it.
  registerMetrics(app, {
    cache: services.cache,
    version,
    liveSessions: () => sessionHub({ db: services.db, bus: services.bus, log: app.log }).stats(),
    searchIndex: () => services.searchIndex(),
  });

  const deps: ApiDeps = {
    db: services.db,
    cache: services.cache,
    bus: services.bus,
    limiter: services.limiter,
    media: services.media,
    mailer: services.mailer,
    search: services.search,
    secrets: services.secrets,
    log: app.log,
    backends: services.backends,
    version,
    startedAt: new Date(),
  };

  await app.register(fastifyCookie);
  await app.register(fastifyWebsocket, {
    options: {
      // A bigger message closes the socket (1009): nothing a client sends needs more.
      maxPayload: config.wsMaxMessageBytes,
      // Browsers send any site's cookies and let any page open a socket: refuse other sites' pages.
      verifyClient: ({ origin, req }, done) => {
        if (websocketOriginAllowed(origin, req.headers, config)) return done(true);
        app.log.warn({ origin, ip: req.socket.remoteAddress }, "WebSocket refused: origin not allowed");
        done(false, 403, `This server does not accept WebSocket connections from pages on ${origin}`);
      },
    },
  });
  const onError = ({ path, error, reqId }: { path?: string; error: TRPCError; reqId?: unknown }) => {
    if (error.code === "INTERNAL_SERVER_ERROR")
      app.log.error({ err: error, path, reqId }, "tRPC procedure failed");
  };
  // tRPC over HTTP, queries by a lean path (decision 013), the rest by tRPC's own handler.
  await app.register(trpcHttp<AppRouter>, {
    prefix: "/trpc",
    // Cached answers are shared and never change: their JSON is written once (decision 013).
    isStable: isImmutable,
    trpcOptions: {
      router: appRouter,
      createContext: ({ req, res }) => {
        const cookies: Cookies = {
          get: (name) => req.cookies[name],
          set: (name, value, { maxAgeSeconds, path }) =>
            res.setCookie(name, value, {
              httpOnly: true,
              sameSite: "strict",
              secure: req.protocol === "https",
              path,
              maxAge: maxAgeSeconds,
            }),
          clear: (name, path) => res.clearCookie(name, { path }),
        };
        return createContextInner(deps, {
          requestId: String(req.id),
          ip: req.ip,
          userAgent: req.headers["user-agent"] ?? null,
          accessToken: bearerToken(req),
          cookies,
          secure: req.protocol === "https",
        });
      },
      onError: ({ path, error, req }) => onError({ path, error, reqId: req?.id }),
    } satisfies FastifyTRPCPluginOptions<AppRouter>["trpcOptions"],
  });

  // Subscriptions (and any call a client sends over its socket): tRPC's WebSocket protocol, served by
  // our lean handler (decision 011). A socket has no reply to set cookies on: its token comes in the
  // connection parameters (or an Authorization header, for scripts).
  const sockets = trpcSockets({
    router: appRouter,
    keepAlive: { pingMs: 30_000, pongWaitMs: 5_000 },
    onError: ({ path, error }) => onError({ path, error }),
    onSocketError: (err) => app.log.warn({ err }, "WebSocket connection failed"),
  });
  app.addHook("onClose", async () => sockets.close());
  app.get("/trpc", { websocket: true }, (socket, req) => {
    // Read what the context needs now: the request itself is not kept for the socket's life.
    const requestId = String(req.id);
    const ip = req.ip;
    const userAgent = req.headers["user-agent"] ?? null;
    const headerToken = bearerToken(req);
    const secure = req.protocol === "https";
    const expectsConnectionParams = (req.query as { connectionParams?: string }).connectionParams === "1";
    sockets.accept(socket, {
      expectsConnectionParams,
      upgradeRequest: req.raw,
      createContext: (params) => {
        const paramsToken = params?.token;
        return createContextInner(deps, {
          requestId,
          ip,
          userAgent,
          accessToken: headerToken ?? (typeof paramsToken === "string" ? paramsToken : null),
          cookies: socketCookies,
          secure,
        });
      },
    });
  });

  await app.register(mediaRoutes, { services, deps, dataDir: config.dataDir });
  await app.register(streamRoutes, { deps });

  app.get("/health", async () => ({ status: "ok", uptimeMs: Date.now() - deps.startedAt.getTime() }));

  app.get("/ready", async (_req, reply) => {
    const checks = await readiness(services);
    const ready = Object.values(checks).every((c) => c.ok);
    return reply.code(ready ? 200 : 503).send({ status: ready ? "ready" : "unavailable", checks });
  });

  if (config.serveWeb) await serveWebApp(app, config.webDistDir);
  return app;
}

/** A WebSocket carries no cookies for procedures: its sign-in is the token in connectionParams. */
const socketCookies: Cookies = { get: () => undefined, set: () => {}, clear: () => {} };

const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]"]);

/**
 * Whether a WebSocket upgrade from a page on `origin` may proceed: the server's own origin (the Host
 * it was reached at, or X-Forwarded-Host behind a trusted proxy), PUBLIC_URL and WS_ALLOWED_ORIGINS;
 * outside production also localhost pages (the Vite dev server proxies with another Host). Clients that
 * are not browsers send no Origin and cannot be forged into sending a victim's credentials: allowed.
 */
export function websocketOriginAllowed(
  origin: string | undefined,
  headers: Record<string, string | string[] | undefined>,
  config: Pick<Config, "wsAllowedOrigins" | "nodeEnv" | "trustProxy">,
): boolean {
  if (!origin) return true;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  const hosts = [headers.host, config.trustProxy ? headers["x-forwarded-host"] : undefined]
    .flat()
    .filter((h): h is string => typeof h === "string")
    .map((h) => h.split(",")[0]!.trim().toLowerCase());
  if (hosts.includes(url.host.toLowerCase())) return true;
  if (config.wsAllowedOrigins.includes(url.origin)) return true;
  return config.nodeEnv !== "production" && LOOPBACK.has(url.hostname);
}

type Check = { ok: boolean; backend: string; error?: string; degraded?: boolean };

async function readiness(services: Services): Promise<Record<string, Check>> {
  const timeout = <T>(p: Promise<T>, ms: number) =>
    Promise.race([
      p,
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms)),
    ]);
  const check = async (backend: string, probe: () => Promise<unknown>): Promise<Check> => {
    try {
      await timeout(probe(), 2_000);
      return { ok: true, backend };
    } catch (error) {
      return { ok: false, backend, error: error instanceof Error ? error.message : String(error) };
    }
  };
  const [database, cache] = await Promise.all([
    check(services.backends.database, () => sql`select 1`.execute(services.db)),
    services.redis
      ? check("redis", () => services.redis!.ping())
      : Promise.resolve<Check>({ ok: true, backend: "memory" }),
  ]);
  const state = services.searchState();
  // Still ready while degraded: PostgreSQL answers the searches meanwhile.
  const search: Check = state.degraded
    ? {
        ok: true,
        backend: state.engine,
        degraded: true,
        error: `Meilisearch unavailable, answering from PostgreSQL: ${state.reason}`,
      }
    : { ok: true, backend: state.engine };
  return { database, cache, search };
}

async function serveWebApp(app: FastifyInstance, root: string): Promise<void> {
  const index = path.join(root, "index.html");
  if (!existsSync(index)) {
    app.log.warn({ root }, "the web player is not built (run `pnpm build`): only the API is served");
    return;
  }
  await app.register(fastifyStatic, {
    root,
    wildcard: false,
    index: ["index.html"],
    setHeaders: (res, filePath) => {
      // Vite puts a content hash in every asset name, so those never change; index.html always may.
      if (filePath.includes(`${path.sep}assets${path.sep}`)) {
        res.header("cache-control", "public, max-age=31536000, immutable");
      } else {
        res.header("cache-control", "no-cache");
      }
    },
  });
  // Client-side routes (/albums/123) load the app, which then renders the right screen.
  app.setNotFoundHandler((req, reply) => {
    const url = req.url.split("?")[0] ?? "/";
    const wantsPage = req.method === "GET" && !API_PREFIXES.some((p) => url === p || url.startsWith(`${p}/`));
    if (wantsPage && !path.extname(url)) {
      return reply.header("cache-control", "no-cache").sendFile("index.html");
    }
    return reply.code(404).send({ error: "Not Found", message: `No route for ${req.method} ${url}` });
  });
}
