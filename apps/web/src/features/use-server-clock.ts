import { useState } from "react";
import { trpc } from "../lib/trpc";

/** The server's clock, pushed once a second over the WebSocket subscription. */
export function useServerClock() {
  const [tick, setTick] = useState<{ serverTime: Date; uptimeMs: number; receivedAt: number } | null>(null);
  const [error, setError] = useState<string | null>(null);
  trpc.system.clock.useSubscription(
    { intervalMs: 1000 },
    {
      onData: (data) => {
        setError(null);
        setTick({ ...data, receivedAt: Date.now() });
      },
      onError: (err) => setError(err.message),
    },
  );
  return { tick, error };
}
