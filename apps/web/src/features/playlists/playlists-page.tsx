import type { MyPlaylist } from "@chorus/contracts";
import { useState } from "react";
import { Link, useLocation, useNavigate } from "react-router";
import { PlusIcon } from "../../components/icons";
import { EmptyState, ErrorState, useInfiniteScroll } from "../../components/states";
import { toast } from "../../components/toast";
import { useSession } from "../../lib/auth";
import { trpc } from "../../lib/trpc";
import { withNext } from "../auth/gates";
import { TileGrid, TileSkeletons } from "../library/cards";
import { PlaylistCard } from "./playlist-card";
import { PlaylistFormDialog } from "./playlist-form";

export function PlaylistsPage() {
  const session = useSession();
  const signedIn = session.status === "signedIn";
  const { pathname } = useLocation();
  const [creating, setCreating] = useState(false);

  return (
    <section className="page wide-page">
      <header className="page-header row-header">
        <h1>Playlists</h1>
        {signedIn ? (
          <NewPlaylistButton open={creating} setOpen={setCreating} />
        ) : session.status === "signedOut" ? (
          <Link to={withNext("/login", pathname)} className="button small">
            Log in to make playlists
          </Link>
        ) : null}
      </header>
      {signedIn ? <MyPlaylists onCreate={() => setCreating(true)} /> : null}
      <PublicPlaylists />
    </section>
  );
}

/** "New playlist": the dialog, then on to the new playlist. */
export function NewPlaylistButton({ open, setOpen }: { open: boolean; setOpen: (v: boolean) => void }) {
  const navigate = useNavigate();
  return (
    <>
      <button type="button" className="primary with-icon" onClick={() => setOpen(true)}>
        <PlusIcon /> New playlist
      </button>
      {open ? (
        <PlaylistFormDialog
          onClose={() => setOpen(false)}
          onSaved={(created) => {
            setOpen(false);
            toast(`Created “${created.name}”`);
            navigate(`/playlists/${created.id}`);
          }}
        />
      ) : null}
    </>
  );
}

/** The listener's own playlists and those shared with them. */
export function MyPlaylists({
  onCreate,
  title = "Your playlists",
}: {
  onCreate: () => void;
  title?: string;
}) {
  const mine = trpc.playlist.mine.useQuery();
  return (
    <section className="shelf">
      <div className="shelf-head">
        <h2>{title}</h2>
      </div>
      <MyPlaylistsGrid query={mine} onCreate={onCreate} />
    </section>
  );
}

interface MineQuery {
  data: MyPlaylist[] | undefined;
  isPending: boolean;
  isError: boolean;
  error: unknown;
  refetch: () => unknown;
}

export function MyPlaylistsGrid({ query, onCreate }: { query: MineQuery; onCreate: () => void }) {
  if (query.isError) {
    return (
      <ErrorState
        title="Your playlists did not load."
        error={query.error}
        onRetry={() => void query.refetch()}
      />
    );
  }
  if (query.isPending || !query.data) {
    return (
      <TileGrid label="Your playlists">
        <TileSkeletons count={6} />
      </TileGrid>
    );
  }
  const list: MyPlaylist[] = query.data;
  if (list.length === 0) {
    return (
      <EmptyState title="No playlists yet">
        <p>Gather songs for a mood, a trip or a friend: make a playlist, then add songs from any ⋯ menu.</p>
        <button type="button" className="primary with-icon empty-action" onClick={onCreate}>
          <PlusIcon /> New playlist
        </button>
      </EmptyState>
    );
  }
  return (
    <TileGrid label="Your playlists">
      {list.map((p) => (
        <PlaylistCard key={p.id} playlist={p} />
      ))}
    </TileGrid>
  );
}

function PublicPlaylists() {
  const list = trpc.playlist.public.useInfiniteQuery(
    { limit: 30 },
    { getNextPageParam: (last) => last.nextCursor ?? undefined },
  );
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  const sentinel = useInfiniteScroll(
    () => {
      if (list.hasNextPage && !list.isFetchingNextPage) void list.fetchNextPage();
    },
    list.hasNextPage === true,
    list.data?.pages.length ?? 0,
  );
  return (
    <section className="shelf">
      <div className="shelf-head">
        <h2>Public playlists</h2>
      </div>
      {list.isError && items.length === 0 ? (
        <ErrorState
          title="The public playlists did not load."
          error={list.error}
          onRetry={() => void list.refetch()}
        />
      ) : list.isPending ? (
        <TileGrid label="Public playlists">
          <TileSkeletons count={6} />
        </TileGrid>
      ) : items.length === 0 ? (
        <EmptyState title="No public playlists yet">
          <p>Playlists people on this server share with everyone show up here.</p>
        </EmptyState>
      ) : (
        <>
          <TileGrid label="Public playlists">
            {items.map((p) => (
              <PlaylistCard key={p.id} playlist={p} />
            ))}
            {list.isFetchingNextPage ? <TileSkeletons count={6} /> : null}
          </TileGrid>
          <div ref={sentinel} className="sentinel" aria-hidden="true" />
        </>
      )}
    </section>
  );
}
