import type { ReactNode } from "react";
import { Link } from "react-router";
import { displayName } from "../../components/avatar";
import { EmptyState, ErrorState } from "../../components/states";
import { useUser } from "../../lib/auth";
import { trpc } from "../../lib/trpc";
import { plural } from "../format";
import { AlbumCard, ArtistCard, TileGrid, TileSkeletons } from "../library/cards";

function greeting(): string {
  const h = new Date().getHours();
  return h < 5 ? "Good night" : h < 12 ? "Good morning" : h < 18 ? "Good afternoon" : "Good evening";
}

export function HomePage() {
  const user = useUser();
  const recent = trpc.catalog.albums.useQuery({ limit: 12, sort: "recent" });
  const albums = trpc.catalog.albums.useQuery({ limit: 12, sort: "title" });
  const artists = trpc.catalog.artists.useQuery({ limit: 12 });
  const info = trpc.system.info.useQuery();
  const empty = recent.data?.items.length === 0;

  return (
    <section className="page wide-page home-page">
      <header className="page-header">
        <h1>
          {greeting()}
          {user ? `, ${displayName(user)}` : ""}
        </h1>
        <p className="muted">Your music, on your own server.</p>
      </header>

      {recent.isError ? (
        <ErrorState
          title="The library did not load."
          error={recent.error}
          onRetry={() => void recent.refetch()}
        />
      ) : empty ? (
        <EmptyState title="Your library is empty">
          <p>Songs you add to this server will show up here, ready to play.</p>
        </EmptyState>
      ) : (
        <>
          <Shelf title="Recently added" to="/albums">
            {recent.data ? (
              recent.data.items.map((a, i) => <AlbumCard key={a.id} album={a} priority={i < 6} />)
            ) : (
              <TileSkeletons count={6} />
            )}
          </Shelf>
          <Shelf title="Artists" to="/artists">
            {artists.data ? (
              artists.data.items.map((a) => <ArtistCard key={a.id} artist={a} />)
            ) : (
              <TileSkeletons count={6} round />
            )}
          </Shelf>
          <section className="shelf">
            <div className="shelf-head">
              <h2>Albums</h2>
              <Link to="/albums?sort=title" className="small">
                Show all
              </Link>
            </div>
            <TileGrid label="Albums A to Z">
              {albums.data ? (
                albums.data.items.map((a) => <AlbumCard key={a.id} album={a} />)
              ) : (
                <TileSkeletons count={6} />
              )}
            </TileGrid>
          </section>
        </>
      )}

      {info.data ? (
        <p className="muted small library-line" data-testid="library-stats">
          {plural(info.data.library.songs, "song")} · {plural(info.data.library.albums, "album")} ·{" "}
          {plural(info.data.library.artists, "artist")} · Chorus {info.data.version} ·{" "}
          <Link to="/status">server status</Link>
        </p>
      ) : null}
    </section>
  );
}

function Shelf({ title, to, children }: { title: string; to: string; children: ReactNode }) {
  return (
    <section className="shelf">
      <div className="shelf-head">
        <h2>{title}</h2>
        <Link to={to} className="small">
          Show all
        </Link>
      </div>
      <div className="shelf-row">{children}</div>
    </section>
  );
}
