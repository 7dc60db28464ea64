import type { AlbumDetail } from "@chorus/contracts";
import { Link, useParams } from "react-router";
import { Cover, hue, useImageColor } from "../../components/cover";
import { MoreButton, useMenu } from "../../components/menu";
import { EmptyState, ErrorState, isNotFound } from "../../components/states";
import { trpc } from "../../lib/trpc";
import { formatTotal, plural } from "../format";
import { player } from "../player/player";
import { openAddToPlaylist } from "../playlists/add-to-playlist";
import { AlbumCard, PlayButtons, TileGrid } from "./cards";
import { LikeButton } from "./like-button";
import { useLikes } from "./likes";
import { SongList, SongListSkeleton } from "./song-list";

export function AlbumPage() {
  const { id = "" } = useParams();
  const album = trpc.catalog.album.useQuery({ id }, { retry: (count, err) => !isNotFound(err) && count < 1 });

  if (album.isPending) {
    return (
      <section className="page wide-page" aria-busy="true">
        <HeroSkeleton />
        <SongListSkeleton />
      </section>
    );
  }
  if (album.isError) {
    return (
      <section className="page wide-page">
        {isNotFound(album.error) ? (
          <EmptyState title="This album is not here">
            <p>
              It may have been removed from this server. <Link to="/albums">Browse all albums</Link>
            </p>
          </EmptyState>
        ) : (
          <ErrorState
            title="The album did not load."
            error={album.error}
            onRetry={() => void album.refetch()}
          />
        )}
      </section>
    );
  }
  return <AlbumView album={album.data} />;
}

function AlbumView({ album }: { album: AlbumDetail }) {
  const source = `album:${album.id}`;
  const tracks = album.tracks;
  const likes = useLikes();
  const menu = useMenu(() => [
    { label: "Play next", onSelect: () => player.playNext(tracks), disabled: !tracks.length },
    { label: "Add to queue", onSelect: () => player.addToQueue(tracks), disabled: !tracks.length },
    ...(likes.enabled
      ? [{ label: "Add to playlist…", onSelect: () => openAddToPlaylist(tracks), disabled: !tracks.length }]
      : []),
    ...(album.artist ? [{ label: "Go to artist", to: `/artists/${album.artist.id}` }] : []),
  ]);
  const coverColor = useImageColor(album.coverUrl);
  const tint = album.color ?? coverColor ?? `hsl(${hue(album.id)} 50% 40%)`;

  return (
    <section className="page wide-page album-page">
      <header className="hero" style={{ "--tint": tint } as React.CSSProperties}>
        <Cover src={album.coverUrl} title={album.title} seed={album.id} className="hero-art" eager />
        <div className="hero-text">
          <span className="eyebrow">Album</span>
          <h1 className="hero-title">{album.title}</h1>
          <p className="hero-meta">
            {album.artist ? (
              <Link to={`/artists/${album.artist.id}`} className="hero-artist">
                {album.artist.name}
              </Link>
            ) : (
              <span className="hero-artist">Various artists</span>
            )}
            {album.year ? <span>{album.year}</span> : null}
            <span>{plural(album.trackCount || tracks.length, "song")}</span>
            <span data-testid="album-duration">{formatTotal(album.durationMs)}</span>
          </p>
        </div>
      </header>

      <div className="actions-row">
        <PlayButtons songs={tracks} source={source} name={album.title} />
        {likes.enabled ? (
          <LikeButton
            liked={likes.albums.has(album.id)}
            title={album.title}
            onToggle={() => likes.toggleAlbum(album)}
            size={26}
            className="big-like"
          />
        ) : null}
        <MoreButton label={`More for ${album.title}`} menu={menu} />
      </div>

      {tracks.length ? (
        <SongList songs={tracks} variant="album" source={source} label={`Songs on ${album.title}`} />
      ) : (
        <EmptyState title="No songs on this album yet" />
      )}

      {album.description || album.genre ? (
        <footer className="album-notes muted small">
          {album.genre ? <p>{album.genre}</p> : null}
          {album.description ? <p className="album-description">{album.description}</p> : null}
        </footer>
      ) : null}

      {album.artist ? (
        <MoreByArtist artistId={album.artist.id} name={album.artist.name} exclude={album.id} />
      ) : null}
    </section>
  );
}

function MoreByArtist({ artistId, name, exclude }: { artistId: string; name: string; exclude: string }) {
  const albums = trpc.catalog.albums.useQuery({ artistId, limit: 12, sort: "year" });
  const others = albums.data?.items.filter((a) => a.id !== exclude) ?? [];
  if (others.length === 0) return null;
  return (
    <section className="shelf">
      <div className="shelf-head">
        <h2>More by {name}</h2>
        <Link to={`/artists/${artistId}`} className="small">
          See artist
        </Link>
      </div>
      <TileGrid label={`More by ${name}`}>
        {others.slice(0, 6).map((a) => (
          <AlbumCard key={a.id} album={a} />
        ))}
      </TileGrid>
    </section>
  );
}

export function HeroSkeleton({ round = false }: { round?: boolean }) {
  return (
    <div className="hero skeleton-hero" aria-hidden="true">
      <span className={`hero-art shimmer${round ? " round" : ""}`} />
      <div className="hero-text">
        <span className="shimmer" style={{ width: 60, height: 12 }} />
        <span className="shimmer" style={{ width: "60%", height: 40 }} />
        <span className="shimmer" style={{ width: "40%", height: 14 }} />
      </div>
    </div>
  );
}
