import { trpc } from "../../lib/trpc";
import { formatUptime } from "../format";
import { useServerClock } from "../use-server-clock";

const partNames = { database: "Database", cache: "Cache", eventBus: "Event bus", media: "Media" } as const;

export function StatusPage() {
  const info = trpc.system.info.useQuery();
  const { tick, error } = useServerClock();

  return (
    <section className="page">
      <header className="page-header">
        <h1>Server</h1>
        <p className="muted">What this Chorus runs on, live.</p>
      </header>

      <div className="card" data-testid="server-clock">
        <h2>Server clock</h2>
        {error ? (
          <p role="alert" className="error-text">
            Live updates stopped: {error}
          </p>
        ) : tick ? (
          <>
            <p className="clock">{tick.serverTime.toLocaleTimeString()}</p>
            <p className="muted small">
              Up for {formatUptime(tick.uptimeMs)} · offset from this device{" "}
              {Math.round(tick.serverTime.getTime() - tick.receivedAt)} ms
            </p>
          </>
        ) : (
          <p className="muted">Waiting for the first tick…</p>
        )}
      </div>

      <div className="card">
        <h2>Parts</h2>
        {info.data ? (
          <dl className="parts">
            {(Object.keys(partNames) as (keyof typeof partNames)[]).map((part) => (
              <div key={part}>
                <dt>{partNames[part]}</dt>
                <dd>{info.data.backends[part]}</dd>
              </div>
            ))}
          </dl>
        ) : info.isError ? (
          <p role="alert" className="error-text">
            {info.error.message}
          </p>
        ) : (
          <p className="muted">Loading…</p>
        )}
      </div>
    </section>
  );
}
