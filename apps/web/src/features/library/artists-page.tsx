import { EmptyState, ErrorState, useInfiniteScroll } from "../../components/states";
import { trpc } from "../../lib/trpc";
import { ArtistCard, TileGrid, TileSkeletons } from "./cards";

export function ArtistsPage() {
  const artists = trpc.catalog.artists.useInfiniteQuery(
    { limit: 30 },
    { getNextPageParam: (last) => last.nextCursor ?? undefined },
  );
  const items = artists.data?.pages.flatMap((p) => p.items) ?? [];
  const sentinel = useInfiniteScroll(
    () => {
      if (artists.hasNextPage && !artists.isFetchingNextPage) void artists.fetchNextPage();
    },
    artists.hasNextPage === true,
    artists.data?.pages.length ?? 0,
  );

  return (
    <section className="page wide-page">
      <header className="page-header">
        <h1>Artists</h1>
      </header>
      {artists.isError && items.length === 0 ? (
        <ErrorState
          title="The artists did not load."
          error={artists.error}
          onRetry={() => void artists.refetch()}
        />
      ) : artists.isPending ? (
        <TileGrid label="Artists">
          <TileSkeletons count={12} round />
        </TileGrid>
      ) : items.length === 0 ? (
        <EmptyState title="No artists yet">
          <p>Artists appear here once their music is on this server.</p>
        </EmptyState>
      ) : (
        <>
          <TileGrid label="Artists">
            {items.map((a) => (
              <ArtistCard key={a.id} artist={a} />
            ))}
            {artists.isFetchingNextPage ? <TileSkeletons count={6} round /> : null}
          </TileGrid>
          {artists.isFetchNextPageError ? (
            <ErrorState
              title="The next artists did not load."
              error={artists.error}
              onRetry={() => void artists.fetchNextPage()}
            />
          ) : null}
          <div ref={sentinel} className="sentinel" aria-hidden="true" />
          {artists.hasNextPage && !artists.isFetchingNextPage && !artists.isFetchNextPageError ? (
            <div className="load-more">
              <button type="button" onClick={() => void artists.fetchNextPage()}>
                Show more artists
              </button>
            </div>
          ) : null}
        </>
      )}
    </section>
  );
}
