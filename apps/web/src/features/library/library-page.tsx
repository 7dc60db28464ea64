import { useMemo, useState } from "react";
import { Link, useSearchParams } from "react-router";
import { HeartIcon } from "../../components/icons";
import { EmptyState, ErrorState, useInfiniteScroll } from "../../components/states";
import { trpc } from "../../lib/trpc";
import { formatAgo, plural } from "../format";
import { MyPlaylistsGrid, NewPlaylistButton } from "../playlists/playlists-page";
import { AlbumCard, PlayButtons, TileGrid, TileSkeletons } from "./cards";
import { SongList, SongListSkeleton } from "./song-list";

const tabs = [
  { value: "songs", label: "Liked songs" },
  { value: "albums", label: "Albums" },
  { value: "playlists", label: "Playlists" },
] as const;
type Tab = (typeof tabs)[number]["value"];

/** Everything the listener keeps: liked songs, liked albums, playlists. */
export function LibraryPage() {
  const [params, setParams] = useSearchParams();
  const tab: Tab = tabs.find((t) => t.value === params.get("tab"))?.value ?? "songs";
  const summary = trpc.library.summary.useQuery();
  const [creating, setCreating] = useState(false);
  const counts: Record<Tab, number | undefined> = {
    songs: summary.data?.likedSongs,
    albums: summary.data?.likedAlbums,
    playlists: summary.data?.playlists,
  };

  return (
    <section className="page wide-page library-page">
      <header className="page-header row-header">
        <div>
          <h1>Your library</h1>
          <p className="muted" data-testid="library-summary">
            {summary.data
              ? `${plural(summary.data.likedSongs, "liked song")} · ${plural(summary.data.likedAlbums, "album")} · ${plural(summary.data.playlists, "playlist")}`
              : " "}
          </p>
        </div>
        <NewPlaylistButton open={creating} setOpen={setCreating} />
      </header>

      <div className="tab-strip" role="tablist" aria-label="Library">
        {tabs.map((t) => (
          <button
            key={t.value}
            type="button"
            role="tab"
            id={`library-tab-${t.value}`}
            aria-selected={tab === t.value}
            aria-controls={`library-panel-${t.value}`}
            tabIndex={tab === t.value ? 0 : -1}
            onClick={() => setParams(t.value === "songs" ? {} : { tab: t.value }, { replace: true })}
            onKeyDown={(e) => {
              if (e.key !== "ArrowRight" && e.key !== "ArrowLeft") return;
              const i = tabs.findIndex((x) => x.value === t.value);
              const next = tabs[(i + (e.key === "ArrowRight" ? 1 : tabs.length - 1)) % tabs.length]!;
              setParams(next.value === "songs" ? {} : { tab: next.value }, { replace: true });
              document.getElementById(`library-tab-${next.value}`)?.focus();
            }}
          >
            {t.label}
            {counts[t.value] !== undefined ? <span className="tab-count">{counts[t.value]}</span> : null}
          </button>
        ))}
      </div>

      <div role="tabpanel" id={`library-panel-${tab}`} aria-labelledby={`library-tab-${tab}`}>
        {tab === "songs" ? (
          <LikedSongs />
        ) : tab === "albums" ? (
          <LikedAlbums />
        ) : (
          <LibraryPlaylists onCreate={() => setCreating(true)} />
        )}
      </div>
    </section>
  );
}

function LikedSongs() {
  const liked = trpc.library.likedSongs.useInfiniteQuery(
    { limit: 50 },
    { getNextPageParam: (last) => last.nextCursor ?? undefined },
  );
  const items = useMemo(() => liked.data?.pages.flatMap((p) => p.items) ?? [], [liked.data]);
  const songs = useMemo(() => items.map((i) => i.song), [items]);
  const cells = useMemo(
    () =>
      items.map((i) => (
        <span key={i.song.id} title={i.likedAt.toLocaleString()}>
          {formatAgo(i.likedAt)}
        </span>
      )),
    [items],
  );
  const phone = useMemo(() => items.map((i) => `Liked ${formatAgo(i.likedAt)}`), [items]);
  const total = liked.data?.pages[0]?.total ?? 0;
  const source = "library:liked-songs";
  const sentinel = useInfiniteScroll(
    () => {
      if (liked.hasNextPage && !liked.isFetchingNextPage) void liked.fetchNextPage();
    },
    liked.hasNextPage === true,
    liked.data?.pages.length ?? 0,
  );

  if (liked.isError && items.length === 0) {
    return (
      <ErrorState
        title="Your liked songs did not load."
        error={liked.error}
        onRetry={() => void liked.refetch()}
      />
    );
  }
  if (liked.isPending) return <SongListSkeleton variant="list" />;
  if (items.length === 0) {
    return (
      <EmptyState title="Songs you like appear here">
        <p className="empty-hint">
          Tap the <HeartIcon size={16} /> on any song to keep it here. Start with the{" "}
          <Link to="/albums">albums</Link>.
        </p>
      </EmptyState>
    );
  }
  return (
    <div className="library-songs">
      <div className="actions-row">
        <PlayButtons songs={songs} source={source} name={"liked songs"} />
        <span className="muted small">{plural(total, "song")}, newest first</span>
      </div>
      <SongList
        songs={songs}
        variant="list"
        source={source}
        label="Liked songs"
        detail={{ title: "Liked", cells, phone }}
      />
      {liked.isFetchingNextPage ? <SongListSkeleton rows={4} variant="list" /> : null}
      {liked.isFetchNextPageError ? (
        <ErrorState
          title="The next songs did not load."
          error={liked.error}
          onRetry={() => void liked.fetchNextPage()}
        />
      ) : null}
      <div ref={sentinel} className="sentinel" aria-hidden="true" />
    </div>
  );
}

function LikedAlbums() {
  const liked = trpc.library.likedAlbums.useInfiniteQuery(
    { limit: 30 },
    { getNextPageParam: (last) => last.nextCursor ?? undefined },
  );
  const items = liked.data?.pages.flatMap((p) => p.items) ?? [];
  const sentinel = useInfiniteScroll(
    () => {
      if (liked.hasNextPage && !liked.isFetchingNextPage) void liked.fetchNextPage();
    },
    liked.hasNextPage === true,
    liked.data?.pages.length ?? 0,
  );
  if (liked.isError && items.length === 0) {
    return (
      <ErrorState
        title="Your albums did not load."
        error={liked.error}
        onRetry={() => void liked.refetch()}
      />
    );
  }
  if (liked.isPending) {
    return (
      <TileGrid label="Liked albums">
        <TileSkeletons count={6} />
      </TileGrid>
    );
  }
  if (items.length === 0) {
    return (
      <EmptyState title="Albums you like appear here">
        <p className="empty-hint">
          Tap the <HeartIcon size={16} /> on an album’s page to keep it here.{" "}
          <Link to="/albums">Browse the albums</Link>
        </p>
      </EmptyState>
    );
  }
  return (
    <>
      <TileGrid label="Liked albums">
        {items.map((i) => (
          <AlbumCard key={i.album.id} album={i.album} />
        ))}
        {liked.isFetchingNextPage ? <TileSkeletons count={6} /> : null}
      </TileGrid>
      <div ref={sentinel} className="sentinel" aria-hidden="true" />
    </>
  );
}

function LibraryPlaylists({ onCreate }: { onCreate: () => void }) {
  const mine = trpc.playlist.mine.useQuery();
  return (
    <>
      <MyPlaylistsGrid query={mine} onCreate={onCreate} />
      <p className="muted small library-more">
        <Link to="/playlists">Public playlists on this server</Link>
      </p>
    </>
  );
}
