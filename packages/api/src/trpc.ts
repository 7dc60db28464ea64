import { initTRPC, TRPCError } from "@trpc/server";
import superjson, { type SuperJSONResult } from "superjson";
import { ZodError, z } from "zod";
import type { Context } from "./context.js";
import { FieldError, RetryLaterError } from "./errors.js";
import { verifyAccessToken } from "./modules/auth/tokens.js";

/** Answers marked `immutable`. */
const immutables = new WeakSet<object>();

/**
 * Marks an answer that will never change again, such as one kept in the in-process cache, which hands
 * the same object to every caller: the HTTP layer writes its JSON once and keeps it with it (decision
 * 013), instead of serializing it on every hit. Only for values nobody mutates afterwards (cached
 * values never are: every caller shares them).
 */
export function immutable<T extends object>(value: T): T {
  immutables.add(value);
  return value;
}

/** Whether a value was marked `immutable`. */
export function isImmutable(value: object): boolean {
  return immutables.has(value);
}

/** Keys superjson refuses (it throws): left to it, so that they fail as they always have. */
const REFUSED_KEYS = new Set(["__proto__", "constructor", "prototype"]);

/** A key as superjson writes it in a path: dots and backslashes escaped. */
const escapeKey = (key: string) => key.replace(/\\/g, "\\\\").replace(/\./g, "\\.");

/** Where a value sits in an answer: its key, under its parent (the root has none). */
interface At {
  up: At | null;
  key: string;
  depth: number;
}

/** A path as superjson writes it: keys escaped, joined by dots. */
function pathOf(at: At): string {
  const keys: string[] = [];
  for (let a: At | null = at; a?.up; a = a.up) keys.push(escapeKey(a.key));
  return keys.reverse().join(".");
}

/**
 * superjson's output for a value of plain JSON and Dates (what Chorus answers): the value itself, or
 * with Dates as ISO strings and their paths in `meta.values`, and an object met more than once (one
 * owner of several playlists) noted in `meta.referentialEqualities`, just as superjson writes them.
 * Null for anything else (undefined, -0, bigints, Maps, cycles, a Date met twice...): superjson
 * writes that. superjson builds a path array per node to find out that most of an answer is plain;
 * on an uncached search that cost more than shaping the answer.
 */
function plainSerialize(value: unknown): SuperJSONResult | null {
  const root: At = { up: null, key: "", depth: 0 };
  /** Each object's first place; the later places of those met again, in the order first met. */
  const first = new Map<object, At>();
  const again = new Map<object, At[]>();
  const open = new Set<object>();
  /** Objects that hold a Date: met again, superjson would note the Date's new path too. */
  const dated = new Set<object>();
  const dates: string[] = [];
  const check = (v: unknown, at: At): boolean => {
    if (v === null) return true;
    switch (typeof v) {
      case "string":
      case "boolean":
        return true;
      case "number":
        return Number.isFinite(v) && !(v === 0 && 1 / v < 0);
      case "object":
        break;
      default:
        return false;
    }
    const met = first.get(v);
    if (met) {
      if (open.has(v) || dated.has(v) || v instanceof Date) return false;
      const later = again.get(v);
      if (later) later.push(at);
      else again.set(v, [at]);
      return true;
    }
    first.set(v, at);
    if (v instanceof Date) {
      if (Number.isNaN(v.valueOf()) || at === root) return false;
      dates.push(pathOf(at));
      return true;
    }
    const datesBefore = dates.length;
    open.add(v);
    const child = (key: string, inner: unknown) => check(inner, { up: at, key, depth: at.depth + 1 });
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) if (!(i in v) || !child(String(i), v[i])) return false;
    } else {
      const proto = Object.getPrototypeOf(v);
      if (proto !== Object.prototype && proto !== null) return false;
      for (const key of Object.keys(v)) {
        if (REFUSED_KEYS.has(key) || !child(key, (v as Record<string, unknown>)[key])) return false;
      }
    }
    open.delete(v);
    if (dates.length > datesBefore) dated.add(v);
    return true;
  };
  if (!check(value, root)) return null;
  if (dates.length === 0 && again.size === 0) return { json: value as SuperJSONResult["json"] };
  const meta: NonNullable<SuperJSONResult["meta"]> = {};
  if (dates.length > 0) meta.values = Object.fromEntries(dates.map((at) => [at, ["Date"]]));
  if (again.size > 0) {
    const equal: Record<string, string[]> = {};
    // In the order the objects were first met, as superjson lists them.
    for (const [object, at] of first) {
      const later = again.get(object);
      if (!later) continue;
      // The shortest path first (a stable sort, as superjson's), the rest after it.
      const [shortest, ...rest] = [at, ...later].sort((a, b) => a.depth - b.depth);
      if (shortest === root) return null;
      equal[pathOf(shortest!)] = rest.map(pathOf);
    }
    meta.referentialEqualities = equal;
  }
  meta.v = 1;
  return { json: (dates.length > 0 ? withIsoDates(value) : value) as SuperJSONResult["json"], meta };
}

/** A copy of checked plain JSON with its Dates as ISO strings. */
function withIsoDates(v: unknown): unknown {
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) return v.map(withIsoDates);
  if (typeof v !== "object" || v === null) return v;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(v)) out[key] = withIsoDates((v as Record<string, unknown>)[key]);
  return out;
}

/** superjson's output: written here for plain JSON and Dates (checked above), by superjson otherwise. */
function serialize(value: unknown): SuperJSONResult {
  return plainSerialize(value) ?? superjson.serialize(value);
}

/**
 * superjson, as the wire format. Nothing is remembered here: the HTTP layer keeps the JSON text of
 * immutable answers, and keeping superjson's copy of them too (Dates make it a copy) would hold each
 * cached answer in memory three times.
 */
export const transformer = {
  serialize,
  deserialize: <T>(payload: SuperJSONResult): T => superjson.deserialize<T>(payload),
};

/** The only initTRPC in Chorus. Everything else imports from here. */
const t = initTRPC.context<Context>().create({
  transformer,
  errorFormatter({ shape, error }) {
    const issues = error.cause instanceof ZodError ? error.cause.issues : null;
    return {
      ...shape,
      // A person can act on "Use at least 8 characters"; the structured form stays in data.zodError.
      message: describeError(error),
      data: {
        ...shape.data,
        zodError: issues ? z.flattenError(error.cause as ZodError) : null,
        // The input field the error concerns: the form shows the message next to it.
        field: error.cause instanceof FieldError ? error.cause.field : topLevelKey(issues?.[0]?.path),
        retryAfterSeconds: error.cause instanceof RetryLaterError ? error.cause.retryAfterSeconds : undefined,
      },
    };
  },
});

function topLevelKey(path: PropertyKey[] | undefined): string | undefined {
  return path?.[0] === undefined ? undefined : String(path[0]);
}

/** The message a person sees: zod's issues in words, or the error's own message. */
export function describeError(error: TRPCError): string {
  return error.cause instanceof ZodError ? error.cause.issues.map(formatIssue).join("; ") : error.message;
}

function formatIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path.join(".");
  return path && !issue.message.toLowerCase().includes(path.toLowerCase())
    ? `${path}: ${issue.message}`
    : issue.message;
}

export const router = t.router;
export const mergeRouters = t.mergeRouters;
export const createCallerFactory = t.createCallerFactory;
export const publicProcedure = t.procedure;

/**
 * A procedure for signed-in users: a valid access token (HS256, issuer, audience and expiry
 * checked) puts `ctx.user` in place. Object-level checks (does this user own or may they see
 * this id?) belong in the service, with `assertCan` (see authz.ts).
 */
export const protectedProcedure = t.procedure.use(async ({ ctx, next }) => {
  if (!ctx.accessToken) {
    throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in to do this." });
  }
  const claims = await verifyAccessToken(ctx.secrets, ctx.accessToken);
  if (!claims) {
    throw new TRPCError({ code: "UNAUTHORIZED", message: "Your session has expired: sign in again." });
  }
  // tRPC lays `ctx` given to next() over the context it has: only what changes is passed.
  return next({ ctx: { user: claims } });
});

/**
 * A public procedure that also knows who is asking when a token comes along (a public playlist
 * answers everyone; its owner sees edit controls). A token that is sent but invalid is still refused,
 * so the client refreshes it instead of silently seeing less.
 */
export const viewerProcedure = t.procedure.use(async ({ ctx, next }) => {
  if (!ctx.accessToken) return next({ ctx: { user: null } });
  const claims = await verifyAccessToken(ctx.secrets, ctx.accessToken);
  if (!claims) {
    throw new TRPCError({ code: "UNAUTHORIZED", message: "Your session has expired: sign in again." });
  }
  return next({ ctx: { user: claims } });
});

export type { Context };
export type ViewerContext = Context & { user: { id: string; role: "user" | "admin" } | null };
export type ProtectedContext = Context & { user: { id: string; role: "user" | "admin" } };
