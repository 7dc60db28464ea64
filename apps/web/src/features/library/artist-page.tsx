import type { ArtistDetail } from "@chorus/contracts";
import { useState } from "react";
import { Link, useParams } from "react-router";
import { Cover, hue, useImageColor } from "../../components/cover";
import { EmptyState, ErrorState, isNotFound } from "../../components/states";
import { trpc } from "../../lib/trpc";
import { plural } from "../format";
import { HeroSkeleton } from "./album-page";
import { AlbumCard, PlayButtons, TileGrid } from "./cards";
import { SongList, SongListSkeleton } from "./song-list";

const TOP_FIRST = 5;

export function ArtistPage() {
  const { id = "" } = useParams();
  const artist = trpc.catalog.artist.useQuery(
    { id },
    { retry: (count, err) => !isNotFound(err) && count < 1 },
  );
  if (artist.isPending) {
    return (
      <section className="page wide-page" aria-busy="true">
        <HeroSkeleton round />
        <SongListSkeleton rows={5} variant="list" />
      </section>
    );
  }
  if (artist.isError) {
    return (
      <section className="page wide-page">
        {isNotFound(artist.error) ? (
          <EmptyState title="This artist is not here">
            <p>
              They may have been removed from this server. <Link to="/artists">Browse all artists</Link>
            </p>
          </EmptyState>
        ) : (
          <ErrorState
            title="The artist did not load."
            error={artist.error}
            onRetry={() => void artist.refetch()}
          />
        )}
      </section>
    );
  }
  return <ArtistView artist={artist.data} />;
}

function ArtistView({ artist }: { artist: ArtistDetail }) {
  const source = `artist:${artist.id}`;
  const [expanded, setExpanded] = useState(false);
  const top = artist.topSongs;
  const shown = expanded ? top : top.slice(0, TOP_FIRST);
  const imageColor = useImageColor(artist.imageUrl);
  const tint = imageColor ?? `hsl(${hue(artist.id)} 45% 38%)`;

  return (
    <section className="page wide-page artist-page">
      <header className="hero" style={{ "--tint": tint } as React.CSSProperties}>
        <Cover src={artist.imageUrl} title={artist.name} seed={artist.id} className="hero-art" round eager />
        <div className="hero-text">
          <span className="eyebrow">Artist</span>
          <h1 className="hero-title">{artist.name}</h1>
          <p className="hero-meta">
            <span>{plural(artist.songCount, "song")}</span>
            <span>{plural(artist.albumCount, "album")}</span>
          </p>
        </div>
      </header>

      <div className="actions-row">
        <PlayButtons songs={top} source={source} name={artist.name} />
      </div>

      <section className="shelf">
        <div className="shelf-head">
          <h2>Popular</h2>
        </div>
        {top.length ? (
          <>
            <SongList
              songs={shown}
              context={top}
              variant="list"
              source={source}
              label={`Popular songs by ${artist.name}`}
            />
            {top.length > TOP_FIRST ? (
              <button type="button" className="ghost small show-more" onClick={() => setExpanded((v) => !v)}>
                {expanded ? "Show less" : "Show more"}
              </button>
            ) : null}
          </>
        ) : (
          <p className="muted">No songs yet.</p>
        )}
      </section>

      {artist.albums.length ? (
        <section className="shelf">
          <div className="shelf-head">
            <h2>Albums</h2>
          </div>
          <TileGrid label={`Albums by ${artist.name}`}>
            {artist.albums.map((a) => (
              <AlbumCard key={a.id} album={a} />
            ))}
          </TileGrid>
        </section>
      ) : null}

      {artist.bio ? (
        <section className="shelf">
          <div className="shelf-head">
            <h2>About</h2>
          </div>
          <p className="artist-bio">{artist.bio}</p>
        </section>
      ) : null}
    </section>
  );
}
