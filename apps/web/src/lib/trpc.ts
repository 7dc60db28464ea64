import type { AppRouter } from "@chorus/api";
import { QueryClient } from "@tanstack/react-query";
import { createWSClient, httpBatchLink, splitLink, wsLink } from "@trpc/client";
import { createTRPCReact } from "@trpc/react-query";
import superjson from "superjson";
import { authRetryLink, getAccessToken, initSession, sameOriginFetch, sessionStore } from "./auth";

export const trpc = createTRPCReact<AppRouter>();

export type ConnectionState = "connecting" | "open" | "closed";
type Listener = (state: ConnectionState) => void;
const listeners = new Set<Listener>();
let connection: ConnectionState = "connecting";
function setConnection(state: ConnectionState) {
  connection = state;
  for (const l of listeners) l(state);
}
/** The WebSocket's state, for the "live" indicator. */
export const connectionStore = {
  get: () => connection,
  subscribe: (l: Listener) => {
    listeners.add(l);
    return () => void listeners.delete(l);
  },
};

function wsUrl(): string {
  const { protocol, host } = window.location;
  return `${protocol === "https:" ? "wss" : "ws"}://${host}/trpc`;
}

export function createClients() {
  const queryClient = new QueryClient({
    defaultOptions: {
      queries: { staleTime: 30_000, refetchOnWindowFocus: false, retry: 1 },
    },
  });
  const wsClient = createWSClient({
    url: wsUrl,
    // Read on every (re)connection; waiting for the session keeps the first connection from
    // opening anonymously just before the cookie restores the sign-in.
    connectionParams: async () => {
      await initSession();
      const token = await getAccessToken();
      return token ? { token } : {};
    },
    // Kept open (live sessions, the clock); when it drops, the client reconnects with back-off.
    onOpen: () => setConnection("open"),
    onClose: () => setConnection("closed"),
  });
  const trpcClient = trpc.createClient({
    links: [
      authRetryLink(),
      splitLink({
        condition: (op) => op.type === "subscription",
        true: wsLink({ client: wsClient, transformer: superjson }),
        false: httpBatchLink({
          url: "/trpc",
          transformer: superjson,
          fetch: sameOriginFetch,
          headers: async () => {
            const token = await getAccessToken();
            return token ? { Authorization: `Bearer ${token}` } : {};
          },
        }),
      }),
    ],
  });

  // When the person changes (sign-in, sign-out, another account), what was cached for the previous
  // one goes, and the WebSocket reconnects so the server sees the new token (the client resubscribes).
  let userId = userOf(sessionStore.get());
  sessionStore.subscribe(() => {
    const next = userOf(sessionStore.get());
    if (next === userId) return;
    const wasKnown = userId !== undefined;
    userId = next;
    if (!wasKnown) return;
    queryClient.removeQueries({ predicate: (q) => isPersonal(q.queryKey[0] as unknown[] | undefined) });
    wsClient.connection?.ws.close();
  });

  return { queryClient, trpcClient };
}

/**
 * Queries whose answer depends on who asks: the account, likes, playlists (private ones, and
 * which are "mine"), listening history, recommendations, recent searches, live sessions (who is in
 * which, and what a member sees).
 */
function isPersonal(path: unknown[] | undefined): boolean {
  const [router, procedure] = path ?? [];
  return (
    router === "user" ||
    router === "library" ||
    router === "playlist" ||
    router === "player" ||
    router === "session" ||
    (router === "discover" && procedure === "recommendations") ||
    (router === "search" && procedure === "recent")
  );
}

/** undefined while the session is being restored, null when signed out. */
function userOf(s: ReturnType<typeof sessionStore.get>): string | null | undefined {
  return s.status === "loading" ? undefined : s.status === "signedIn" ? s.user.id : null;
}
