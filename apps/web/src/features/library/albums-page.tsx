import { useSearchParams } from "react-router";
import { EmptyState, ErrorState, useInfiniteScroll } from "../../components/states";
import { trpc } from "../../lib/trpc";
import { AlbumCard, TileGrid, TileSkeletons } from "./cards";

const sorts = [
  { value: "recent", label: "Recently added" },
  { value: "title", label: "Title" },
  { value: "year", label: "Release year" },
] as const;
type Sort = (typeof sorts)[number]["value"];

export function AlbumsPage() {
  const [params, setParams] = useSearchParams();
  const sort: Sort = sorts.find((s) => s.value === params.get("sort"))?.value ?? "recent";
  const albums = trpc.catalog.albums.useInfiniteQuery(
    { limit: 30, sort },
    { getNextPageParam: (last) => last.nextCursor ?? undefined },
  );
  const items = albums.data?.pages.flatMap((p) => p.items) ?? [];
  const sentinel = useInfiniteScroll(
    () => {
      if (albums.hasNextPage && !albums.isFetchingNextPage) void albums.fetchNextPage();
    },
    albums.hasNextPage === true,
    albums.data?.pages.length ?? 0,
  );

  return (
    <section className="page wide-page">
      <header className="page-header row-header">
        <h1>Albums</h1>
        <label className="sort-select">
          <span className="muted small">Sort by</span>
          <select
            value={sort}
            onChange={(e) =>
              setParams(e.target.value === "recent" ? {} : { sort: e.target.value }, { replace: true })
            }
          >
            {sorts.map((s) => (
              <option key={s.value} value={s.value}>
                {s.label}
              </option>
            ))}
          </select>
        </label>
      </header>
      {albums.isError && items.length === 0 ? (
        <ErrorState
          title="The albums did not load."
          error={albums.error}
          onRetry={() => void albums.refetch()}
        />
      ) : albums.isPending ? (
        <TileGrid label="Albums">
          <TileSkeletons count={12} />
        </TileGrid>
      ) : items.length === 0 ? (
        <EmptyState title="No albums yet">
          <p>Albums on this server show up here, ready to play.</p>
        </EmptyState>
      ) : (
        <>
          <TileGrid label="Albums">
            {items.map((a, i) => (
              <AlbumCard key={a.id} album={a} priority={i < 12} />
            ))}
            {albums.isFetchingNextPage ? <TileSkeletons count={6} /> : null}
          </TileGrid>
          {albums.isFetchNextPageError ? (
            <ErrorState
              title="The next albums did not load."
              error={albums.error}
              onRetry={() => void albums.fetchNextPage()}
            />
          ) : null}
          <div ref={sentinel} className="sentinel" aria-hidden="true" />
          {albums.hasNextPage && !albums.isFetchingNextPage && !albums.isFetchNextPageError ? (
            <div className="load-more">
              <button type="button" onClick={() => void albums.fetchNextPage()}>
                Show more albums
              </button>
            </div>
          ) : null}
        </>
      )}
    </section>
  );
}
