import type { Song } from "@chorus/contracts";
import { type ReactNode, useMemo, useState } from "react";
import { Link } from "react-router";
import { displayName } from "../../components/avatar";
import { EmptyState, ErrorState } from "../../components/states";
import { useUser } from "../../lib/auth";
import { trpc } from "../../lib/trpc";
import { plural } from "../format";
import { AlbumCard, ArtistCard, TileGrid, TileSkeletons } from "../library/cards";
import { SongList, SongListSkeleton } from "../library/song-list";
import { SongCard } from "./song-card";

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
          {user ? (
            <>
              <RecentlyPlayed />
              <MadeForYou />
            </>
          ) : null}
          <Shelf title="Recently added" to="/albums">
            {recent.data ? (
              recent.data.items.map((a, i) => <AlbumCard key={a.id} album={a} priority={i < 6} />)
            ) : (
              <TileSkeletons count={6} />
            )}
          </Shelf>
          <Popular />
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

/** The songs played last, each once, newest first. */
function RecentlyPlayed() {
  const plays = trpc.player.recentlyPlayed.useQuery({ limit: 50 });
  const songs = useMemo(() => {
    const seen = new Set<string>();
    const out: Song[] = [];
    for (const p of plays.data?.items ?? []) {
      if (seen.has(p.song.id)) continue;
      seen.add(p.song.id);
      out.push(p.song);
    }
    return out.slice(0, 12);
  }, [plays.data]);

  return (
    <Shelf
      title="Recently played"
      testId="recently-played"
      row={(!plays.isError && songs.length > 0) || plays.isPending}
    >
      {plays.isError ? (
        <ShelfError what="What you played" onRetry={() => void plays.refetch()} error={plays.error} />
      ) : plays.isPending ? (
        <TileSkeletons count={6} />
      ) : songs.length === 0 ? (
        <p className="muted shelf-note">Songs you play show up here, so you can get back to them.</p>
      ) : (
        songs.map((song, i) => (
          <SongCard key={song.id} song={song} list={songs} index={i} source="library:recently-played" />
        ))
      )}
    </Shelf>
  );
}

/** Recommendations, each with why it is there. */
function MadeForYou() {
  const recs = trpc.discover.recommendations.useQuery({ limit: 12 });
  const items = recs.data?.items ?? [];
  const songs = useMemo(() => items.map((r) => r.song), [items]);
  if (recs.isSuccess && items.length === 0) return null;
  return (
    <Shelf title="Made for you" testId="made-for-you" row={!recs.isError}>
      {recs.isError ? (
        <ShelfError what="Your recommendations" onRetry={() => void recs.refetch()} error={recs.error} />
      ) : recs.isPending ? (
        <TileSkeletons count={6} />
      ) : (
        items.map((r, i) => (
          <SongCard
            key={r.song.id}
            song={r.song}
            list={songs}
            index={i}
            source="radio:made-for-you"
            note={<span title={r.reason}>{r.reason}</span>}
          />
        ))
      )}
    </Shelf>
  );
}

const POPULAR_FIRST = 5;

/** The most played songs on this server lately, with their play counts. */
function Popular() {
  const popular = trpc.discover.popular.useQuery({ limit: 10 });
  const [expanded, setExpanded] = useState(false);
  const items = popular.data?.items ?? [];
  const songs = useMemo(() => items.map((i) => i.song), [items]);
  const shown = expanded ? songs : songs.slice(0, POPULAR_FIRST);
  // A new server has no plays to count yet: its newest songs stand in, without a column of zeros.
  const counted = items.some((i) => i.plays > 0);
  const cells = useMemo(
    () => items.map((i) => <span key={i.song.id}>{i.plays > 0 ? plural(i.plays, "play") : "–"}</span>),
    [items],
  );
  if (popular.isSuccess && items.length === 0) return null;
  return (
    <section className="shelf" data-testid="popular">
      <div className="shelf-head">
        <h2>Popular</h2>
        {popular.data ? (
          <span className="muted small">
            {counted ? `Most played, last ${popular.data.windowDays} days` : "New on this server"}
          </span>
        ) : null}
      </div>
      {popular.isError ? (
        <ShelfError what="The popular songs" onRetry={() => void popular.refetch()} error={popular.error} />
      ) : popular.isPending ? (
        <SongListSkeleton rows={POPULAR_FIRST} variant="list" />
      ) : (
        <>
          <SongList
            songs={shown}
            context={songs}
            variant="list"
            source="radio:popular"
            label="Popular songs on this server"
            detail={counted ? { title: "Plays", cells, phone: cells } : undefined}
          />
          {songs.length > POPULAR_FIRST ? (
            <button type="button" className="ghost small show-more" onClick={() => setExpanded((v) => !v)}>
              {expanded ? "Show less" : "Show more"}
            </button>
          ) : null}
        </>
      )}
    </section>
  );
}

function ShelfError({ what, error, onRetry }: { what: string; error: unknown; onRetry: () => void }) {
  return <ErrorState title={`${what} did not load.`} error={error} onRetry={onRetry} />;
}

function Shelf({
  title,
  to,
  testId,
  row = true,
  children,
}: {
  title: string;
  to?: string;
  testId?: string;
  /** Tiles side by side; off for a note or an error in their place. */
  row?: boolean;
  children: ReactNode;
}) {
  return (
    <section className="shelf" data-testid={testId}>
      <div className="shelf-head">
        <h2>{title}</h2>
        {to ? (
          <Link to={to} className="small">
            Show all
          </Link>
        ) : null}
      </div>
      {row ? <div className="shelf-row">{children}</div> : children}
    </section>
  );
}
