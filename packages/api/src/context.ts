import type { Cache, EventBus, RateLimiter } from "@chorus/cache";
import type { Backends } from "@chorus/contracts";
import type { Db } from "@chorus/db";
import type { Mailer } from "@chorus/mail";
import type { MediaStore } from "@chorus/media";
import type { SearchEngine } from "@chorus/search";

export interface Log {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  debug(obj: object, msg?: string): void;
}

export const silentLog: Log = { info() {}, warn() {}, error() {}, debug() {} };

/** Long-lived secrets: one per deployment, the same on every instance. */
export interface Secrets {
  /** Signs access tokens (HS256) and keys the HMAC of emailed codes. At least 32 bytes. */
  authSecret: string;
}

/** What every procedure can reach. Built once per server. */
export interface ApiDeps {
  db: Db;
  cache: Cache;
  bus: EventBus;
  limiter: RateLimiter;
  media: MediaStore;
  mailer: Mailer;
  search: SearchEngine;
  secrets: Secrets;
  backends: Backends;
  log: Log;
  version: string;
  startedAt: Date;
}

export interface CookieOptions {
  maxAgeSeconds: number;
  path: string;
}

/** The cookies of one request: the HTTP adapter reads and writes real ones, tests use a jar. */
export interface Cookies {
  get(name: string): string | undefined;
  set(name: string, value: string, options: CookieOptions): void;
  clear(name: string, path: string): void;
}

/** What is known about the caller of one request. */
export interface RequestInfo {
  requestId: string;
  ip: string;
  userAgent: string | null;
  /** The bearer token (HTTP Authorization header, or the WebSocket's connectionParams.token). */
  accessToken: string | null;
  cookies: Cookies;
  /** Whether the request came over HTTPS (cookies get the Secure flag). */
  secure: boolean;
}

export interface Context extends ApiDeps, RequestInfo {}

/** A cookie jar in memory: a browser's, for tests and scripts that call the router directly. */
export function memoryCookies(
  initial: Record<string, string> = {},
): Cookies & { all(): Record<string, string> } {
  const jar = new Map(Object.entries(initial));
  return {
    get: (name) => jar.get(name),
    set: (name, value, options) => {
      if (options.maxAgeSeconds <= 0) jar.delete(name);
      else jar.set(name, value);
    },
    clear: (name) => void jar.delete(name),
    all: () => Object.fromEntries(jar),
  };
}

/** The context without any HTTP: used by the server adapter, by tests and by scripts. */
export function createContextInner(deps: ApiDeps, request: Partial<RequestInfo> = {}): Context {
  return {
    ...deps,
    requestId: request.requestId ?? "internal",
    ip: request.ip ?? "127.0.0.1",
    userAgent: request.userAgent ?? null,
    accessToken: request.accessToken ?? null,
    cookies: request.cookies ?? memoryCookies(),
    secure: request.secure ?? false,
  };
}
