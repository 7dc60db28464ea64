import type { AppRouter } from "@chorus/api";
import { ACCESS_TOKEN_MINUTES, type AuthResult, type Me } from "@chorus/contracts";
import { createTRPCClient, httpLink, TRPCClientError, type TRPCLink } from "@trpc/client";
import type { AnyTRPCRouter } from "@trpc/server";
import { observable, type Unsubscribable } from "@trpc/server/observable";
import { useSyncExternalStore } from "react";
import superjson from "superjson";

/**
 * The signed-in session. The access token lives in memory only: a script injected into the page
 * could read localStorage, and the httpOnly refresh cookie already restores the session on reload.
 */
export type Session =
  | { status: "loading" }
  /** `deliberate`: the person logged out (here or in another tab), rather than the session ending. */
  | { status: "signedOut"; deliberate: boolean }
  | { status: "signedIn"; user: Me; accessToken: string; expiresAt: number };

type Listener = () => void;
const listeners = new Set<Listener>();
let session: Session = { status: "loading" };

function setSession(next: Session) {
  session = next;
  for (const l of listeners) l();
}

export const sessionStore = {
  get: (): Session => session,
  subscribe: (l: Listener) => {
    listeners.add(l);
    return () => void listeners.delete(l);
  },
};

export function useSession(): Session {
  return useSyncExternalStore(sessionStore.subscribe, sessionStore.get);
}

/** The signed-in user, or null (also while the session is still being restored). */
export function useUser(): Me | null {
  const s = useSession();
  return s.status === "signedIn" ? s.user : null;
}

// The refresh call has its own client: it must not go through the links that wait for a refresh.
const refreshClient = createTRPCClient<AppRouter>({
  links: [httpLink({ url: "/trpc", transformer: superjson, fetch: sameOriginFetch })],
});

/** The refresh cookie is httpOnly on path /trpc; same-origin requests carry it, and we say so. */
export function sameOriginFetch(input: RequestInfo | URL, init?: RequestInit) {
  return fetch(input, { ...init, credentials: "same-origin" });
}

// Tabs of one browser share the refresh cookie: they tell each other about sign-ins and sign-outs,
// and take a lock around a refresh so two tabs never spend the same (rotating) refresh token.
type TabMessage = { type: "signedIn" } | { type: "signedOut" } | { type: "user"; user: Me };
const channel = typeof BroadcastChannel === "function" ? new BroadcastChannel("chorus-auth") : null;
channel?.addEventListener("message", (event: MessageEvent<TabMessage>) => {
  const msg = event.data;
  if (msg.type === "signedOut") {
    if (session.status === "signedIn") clearSession(true);
  } else if (msg.type === "signedIn") {
    void refreshSession();
  } else if (msg.type === "user" && session.status === "signedIn" && session.user.id === msg.user.id) {
    setSession({ ...session, user: msg.user });
  }
});

let refreshTimer: ReturnType<typeof setTimeout> | undefined;
const REFRESH_AHEAD_MS = 60_000;

function scheduleRefresh(expiresAt: number) {
  clearTimeout(refreshTimer);
  const delay = Math.max(5_000, expiresAt - Date.now() - REFRESH_AHEAD_MS);
  refreshTimer = setTimeout(() => void refreshSession(), delay);
}

/** Local expiry of a token: the server's clock may differ from this device's by minutes. */
function localExpiry(serverExpiresAt: Date): number {
  const lifetime = serverExpiresAt.getTime() - Date.now();
  const nominal = ACCESS_TOKEN_MINUTES * 60_000;
  return Date.now() + (lifetime > 0 && lifetime <= nominal + 60_000 ? lifetime : nominal);
}

function applyResult(result: AuthResult) {
  const expiresAt = localExpiry(result.accessTokenExpiresAt);
  setSession({ status: "signedIn", user: result.user, accessToken: result.accessToken, expiresAt });
  scheduleRefresh(expiresAt);
}

function clearSession(deliberate = false) {
  clearTimeout(refreshTimer);
  setSession({ status: "signedOut", deliberate });
}

/** After login, sign-up verification, a password change: the server handed us a session. */
export function signIn(result: AuthResult) {
  const before = session.status === "signedIn" ? session.user.id : null;
  applyResult(result);
  if (before !== result.user.id) channel?.postMessage({ type: "signedIn" } satisfies TabMessage);
}

/** The profile changed (name, bio, avatar). */
export function setUser(user: Me) {
  if (session.status !== "signedIn") return;
  setSession({ ...session, user });
  channel?.postMessage({ type: "user", user } satisfies TabMessage);
}

/** Forget the session here and in the other tabs (the server call, if any, is the caller's). */
export function signOutLocally() {
  clearSession(true);
  channel?.postMessage({ type: "signedOut" } satisfies TabMessage);
}

let inflight: Promise<boolean> | null = null;

/**
 * Trades the refresh cookie for a new access token. Single-flight: every caller that needs a
 * refresh while one is running waits for that one. Resolves true when signed in afterwards.
 */
export function refreshSession(): Promise<boolean> {
  inflight ??= withTabLock(runRefresh).finally(() => {
    inflight = null;
  });
  return inflight;
}

async function runRefresh(): Promise<boolean> {
  for (let attempt = 0; ; attempt++) {
    try {
      applyResult(await refreshClient.auth.refresh.mutate());
      return true;
    } catch (err) {
      if (isUnauthorized(err)) {
        // No session, or it ended (signed out everywhere, password changed elsewhere, expired).
        clearSession();
        return false;
      }
      // The server is unreachable or failing: try again a little later, and meanwhile keep what
      // we had (a signed-in user stays signed in; nobody is told they are signed out by a blip).
      if (attempt >= 2) {
        if (session.status === "loading") clearSession();
        else if (session.status === "signedIn") scheduleRetry();
        return session.status === "signedIn";
      }
      await sleep(500 * 2 ** attempt);
    }
  }
}

function scheduleRetry() {
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(() => void refreshSession(), 30_000);
}

async function withTabLock<T>(fn: () => Promise<T>): Promise<T> {
  const locks = typeof navigator !== "undefined" ? navigator.locks : undefined;
  return locks ? await locks.request("chorus-auth-refresh", fn) : fn();
}

let started: Promise<boolean> | null = null;

/** Restores the session from the refresh cookie, once per page load. */
export function initSession(): Promise<boolean> {
  started ??= refreshSession();
  return started;
}

/**
 * The access token to send, refreshed first when it is about to expire (a laptop that slept past
 * the refresh timer). Null when signed out.
 */
export async function getAccessToken(): Promise<string | null> {
  if (session.status === "loading") await initSession();
  if (session.status === "signedIn" && session.expiresAt - Date.now() < 15_000) await refreshSession();
  return session.status === "signedIn" ? session.accessToken : null;
}

export function isUnauthorized(err: unknown): boolean {
  return (
    err instanceof TRPCClientError && (err.data as { code?: unknown } | undefined)?.code === "UNAUTHORIZED"
  );
}

function hasField(err: unknown): boolean {
  return (
    err instanceof TRPCClientError && typeof (err.data as { field?: unknown } | undefined)?.field === "string"
  );
}

/**
 * A call made with a token that comes back UNAUTHORIZED (the token expired or the server restarted
 * with new keys) is retried once after a refresh. Errors about an input field ("wrong current
 * password") are answers, not expired tokens, and pass through.
 */
export function authRetryLink<TRouter extends AnyTRPCRouter>(): TRPCLink<TRouter> {
  return () =>
    ({ op, next }) =>
      observable((observer) => {
        let sub: Unsubscribable | null = null;
        let closed = false;
        const attempt = (retried: boolean) => {
          const hadToken = session.status === "signedIn";
          sub = next(op).subscribe({
            next: (value) => observer.next(value),
            error: (err) => {
              if (
                !retried &&
                hadToken &&
                op.type !== "subscription" &&
                isUnauthorized(err) &&
                !hasField(err)
              ) {
                void refreshSession().then((ok) => {
                  if (closed) return;
                  if (ok) attempt(true);
                  else observer.error(err);
                });
                return;
              }
              observer.error(err);
            },
            complete: () => observer.complete(),
          });
        };
        attempt(false);
        return () => {
          closed = true;
          sub?.unsubscribe();
        };
      });
}

/** fetch for our own HTTP endpoints (avatar upload): bearer token, one retry after a refresh on 401. */
export async function authFetch(input: string, init: RequestInit = {}): Promise<Response> {
  const send = async () => {
    const token = await getAccessToken();
    const headers = new Headers(init.headers);
    if (token) headers.set("Authorization", `Bearer ${token}`);
    return sameOriginFetch(input, { ...init, headers });
  };
  const res = await send();
  if (res.status !== 401 || session.status !== "signedIn") return res;
  return (await refreshSession()) ? send() : res;
}

function sleep(ms: number) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
