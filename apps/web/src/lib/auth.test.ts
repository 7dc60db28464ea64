import type { AuthResult } from "@chorus/contracts";
import { createTRPCClient, TRPCClientError, type TRPCLink } from "@trpc/client";
import type { AnyTRPCRouter } from "@trpc/server";
import { observable } from "@trpc/server/observable";
import superjson from "superjson";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

// The module keeps the session in module state: each test loads a fresh copy.
async function loadAuth() {
  vi.resetModules();
  return import("./auth");
}

let tokenCounter = 0;
function authResult(): AuthResult {
  tokenCounter++;
  return {
    accessToken: `token-${tokenCounter}`,
    accessTokenExpiresAt: new Date(Date.now() + 15 * 60_000),
    user: {
      id: "00000000-0000-4000-8000-000000000001",
      email: "ann@example.com",
      name: "Ann",
      bio: null,
      avatarUrl: null,
      role: "user",
      emailVerified: true,
      createdAt: new Date("2026-01-01T00:00:00Z"),
    },
  };
}

/** The server's refresh endpoint: answers with a session, or with UNAUTHORIZED. */
function mockRefresh(answer: "session" | "unauthorized") {
  const fetchMock = vi.fn(async () => {
    await new Promise((r) => setTimeout(r, 5));
    if (answer === "unauthorized") {
      const shape = {
        message: "You are not signed in.",
        code: -32001,
        data: { code: "UNAUTHORIZED", httpStatus: 401 },
      };
      return new Response(JSON.stringify({ error: superjson.serialize(shape) }), {
        status: 401,
        headers: { "content-type": "application/json" },
      });
    }
    return new Response(JSON.stringify({ result: { data: superjson.serialize(authResult()) } }), {
      status: 200,
      headers: { "content-type": "application/json" },
    });
  });
  vi.stubGlobal("fetch", fetchMock);
  return fetchMock;
}

function unauthorized() {
  return new TRPCClientError("Your session has expired", {
    result: { error: { message: "expired", code: -32001, data: { code: "UNAUTHORIZED", httpStatus: 401 } } },
  });
}

beforeEach(() => {
  tokenCounter = 0;
});
afterEach(() => {
  vi.unstubAllGlobals();
});

describe("the session", () => {
  it("is restored from the refresh cookie on start, once", async () => {
    const fetchMock = mockRefresh("session");
    const auth = await loadAuth();
    expect(auth.sessionStore.get().status).toBe("loading");
    await Promise.all([auth.initSession(), auth.initSession(), auth.getAccessToken()]);
    expect(fetchMock).toHaveBeenCalledTimes(1);
    const [url, init] = fetchMock.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toContain("/trpc/auth.refresh");
    expect(init.credentials).toBe("same-origin");
    expect(auth.sessionStore.get()).toMatchObject({ status: "signedIn", accessToken: "token-1" });
  });

  it("is signed out, not deliberately, when there is no valid cookie", async () => {
    mockRefresh("unauthorized");
    const auth = await loadAuth();
    expect(await auth.initSession()).toBe(false);
    expect(auth.sessionStore.get()).toEqual({ status: "signedOut", deliberate: false });
    expect(await auth.getAccessToken()).toBeNull();
  });

  it("runs one refresh for many callers at once", async () => {
    const fetchMock = mockRefresh("session");
    const auth = await loadAuth();
    await auth.initSession();
    const results = await Promise.all([auth.refreshSession(), auth.refreshSession(), auth.refreshSession()]);
    expect(results).toEqual([true, true, true]);
    expect(fetchMock).toHaveBeenCalledTimes(2);
    expect(auth.sessionStore.get()).toMatchObject({ accessToken: "token-2" });
  });

  it("marks a logout as deliberate", async () => {
    mockRefresh("session");
    const auth = await loadAuth();
    await auth.initSession();
    auth.signOutLocally();
    expect(auth.sessionStore.get()).toEqual({ status: "signedOut", deliberate: true });
  });
});

describe("authRetryLink", () => {
  /** A server that refuses any token but the newest. */
  function fakeServer(auth: Awaited<ReturnType<typeof loadAuth>>, calls: string[]): TRPCLink<AnyTRPCRouter> {
    return () =>
      ({ op }) =>
        observable((observer) => {
          void auth.getAccessToken().then((token) => {
            calls.push(`${op.path}:${token}`);
            if (token !== `token-${tokenCounter}` || tokenCounter < 2) observer.error(unauthorized());
            else {
              observer.next({ result: { type: "data", data: "ok" } });
              observer.complete();
            }
          });
        });
  }

  it("refreshes once and retries each call that came back UNAUTHORIZED", async () => {
    const fetchMock = mockRefresh("session");
    const auth = await loadAuth();
    await auth.initSession();
    const calls: string[] = [];
    const client = createTRPCClient<AnyTRPCRouter>({
      links: [auth.authRetryLink(), fakeServer(auth, calls)],
    });
    // biome-ignore lint/suspicious/noExplicitAny: a router-less client for the link alone
    const untyped = client as any;
    const answers = await Promise.all([untyped.user.me.query(), untyped.user.settings.query()]);
    expect(answers).toEqual(["ok", "ok"]);
    expect(fetchMock).toHaveBeenCalledTimes(2); // the start, then one refresh for both
    expect(calls).toEqual([
      "user.me:token-1",
      "user.settings:token-1",
      "user.me:token-2",
      "user.settings:token-2",
    ]);
  });

  it("does not retry when signed out (a wrong password is an answer, not an expired token)", async () => {
    const fetchMock = mockRefresh("unauthorized");
    const auth = await loadAuth();
    await auth.initSession();
    const calls: string[] = [];
    const client = createTRPCClient<AnyTRPCRouter>({
      links: [auth.authRetryLink(), fakeServer(auth, calls)],
    });
    // biome-ignore lint/suspicious/noExplicitAny: a router-less client for the link alone
    await expect((client as any).auth.login.mutate({})).rejects.toThrow();
    expect(fetchMock).toHaveBeenCalledTimes(1);
    expect(calls).toHaveLength(1);
  });
});
