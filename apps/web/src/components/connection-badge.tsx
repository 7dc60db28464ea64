import { useSyncExternalStore } from "react";
import { connectionStore } from "../lib/trpc";

const labels = { connecting: "Connecting…", open: "Live", closed: "Reconnecting…" } as const;

/** Shows whether the live (WebSocket) connection to the server is up. */
export function ConnectionBadge() {
  const state = useSyncExternalStore(connectionStore.subscribe, connectionStore.get);
  return (
    <div className={`connection ${state}`} role="status" aria-live="polite">
      <span className="dot" aria-hidden="true" />
      {labels[state]}
    </div>
  );
}
