import { Link } from "react-router";
import { trpc } from "../../lib/trpc";
import { plural } from "../format";

export function HomePage() {
  const info = trpc.system.info.useQuery();

  return (
    <section className="page">
      <header className="page-header">
        <h1>Good to see you</h1>
        <p className="muted">Your music, on your own server.</p>
      </header>

      {info.isPending ? (
        <div className="card skeleton" aria-busy="true">
          Loading your library…
        </div>
      ) : info.isError ? (
        <div className="card error" role="alert">
          <strong>The server did not answer.</strong>
          <p>{info.error.message}</p>
          <button type="button" className="retry" onClick={() => void info.refetch()}>
            Try again
          </button>
        </div>
      ) : (
        <>
          <div className="stats" data-testid="library-stats">
            <Stat label="Songs" value={info.data.library.songs} />
            <Stat label="Albums" value={info.data.library.albums} />
            <Stat label="Artists" value={info.data.library.artists} />
          </div>
          {info.data.library.songs === 0 ? (
            <div className="card empty">
              <h2>Your library is empty</h2>
              <p>Songs you add to this server will show up here, ready to play.</p>
            </div>
          ) : (
            <div className="card">
              <h2>In your library</h2>
              <p>
                {plural(info.data.library.songs, "song")} by {plural(info.data.library.artists, "artist")}.
              </p>
            </div>
          )}
          <p className="muted small">
            Chorus {info.data.version} · <Link to="/status">server status</Link>
          </p>
        </>
      )}
    </section>
  );
}

function Stat({ label, value }: { label: string; value: number }) {
  return (
    <div className="stat">
      <div className="stat-value">{value.toLocaleString()}</div>
      <div className="stat-label">{label}</div>
    </div>
  );
}
