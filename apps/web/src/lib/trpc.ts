import type { AppRouter } from "@chorus/api";
import { QueryClient } from "@tanstack/react-query";
import { createWSClient, httpBatchLink, splitLink, wsLink } from "@trpc/client";
import { createTRPCReact } from "@trpc/react-query";
import superjson from "superjson";

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
    // Kept open (live sessions, the clock); when it drops, the client reconnects with back-off.
    onOpen: () => setConnection("open"),
    onClose: () => setConnection("closed"),
  });
  const trpcClient = trpc.createClient({
    links: [
      splitLink({
        condition: (op) => op.type === "subscription",
        true: wsLink({ client: wsClient, transformer: superjson }),
        false: httpBatchLink({ url: "/trpc", transformer: superjson }),
      }),
    ],
  });
  return { queryClient, trpcClient };
}
