import type { PlaylistDetail } from "@chorus/contracts";
import { useEffect, useState } from "react";
import { Link, useLocation, useNavigate, useParams } from "react-router";
import { Avatar, displayName } from "../../components/avatar";
import { hue } from "../../components/cover";
import { ConfirmDialog } from "../../components/dialog";
import { GlobeIcon, LockIcon, PlusIcon, UsersIcon } from "../../components/icons";
import { type MenuItem, MoreButton, useMenu } from "../../components/menu";
import { EmptyState, ErrorState, isNotFound, useInfiniteScroll } from "../../components/states";
import { toast } from "../../components/toast";
import { useUser } from "../../lib/auth";
import { readError } from "../../lib/errors";
import { trpc } from "../../lib/trpc";
import { formatTotal, plural } from "../format";
import { HeroSkeleton } from "../library/album-page";
import { PlayButtons } from "../library/cards";
import { SongListSkeleton } from "../library/song-list";
import { player } from "../player/player";
import { InviteDialog } from "./invite-dialog";
import { PlaylistCover } from "./playlist-cover";
import { PlaylistFormDialog } from "./playlist-form";
import { PlaylistItems } from "./playlist-items";
import { loadedItems } from "./playlist-pages";
import { usePlaylist, usePlaylistCache, usePlaylistEdits } from "./use-playlist";

export function PlaylistPage() {
  const { id = "" } = useParams();
  const playlist = usePlaylist(id);
  const navigate = useNavigate();
  const canonical = playlist.data?.pages[0]?.id;
  const { pathname } = useLocation();
  useEffect(() => {
    // A link from the old app (/playlist/<old id>) names the playlist by its old id, which the
    // server resolves: the address then becomes the Chorus one, which every edit and share uses.
    const address = `/playlists/${canonical}`;
    if (canonical && pathname !== address) void navigate(address, { replace: true });
  }, [canonical, pathname, navigate]);

  if (playlist.isPending) {
    return (
      <section className="page wide-page" aria-busy="true">
        <HeroSkeleton />
        <SongListSkeleton variant="list" />
      </section>
    );
  }
  if (playlist.isError && !playlist.data) {
    return (
      <section className="page wide-page">
        {isNotFound(playlist.error) ? (
          <EmptyState title="This playlist is not here">
            <p>
              It may have been deleted, or made private by its owner.{" "}
              <Link to="/playlists">See playlists</Link>
            </p>
          </EmptyState>
        ) : (
          <ErrorState
            title="The playlist did not load."
            error={playlist.error}
            onRetry={() => void playlist.refetch()}
          />
        )}
      </section>
    );
  }
  const pages = playlist.data.pages;
  const header = pages[0];
  if (!header) return null;
  return (
    <PlaylistView
      key={header.id}
      header={header}
      pages={pages}
      more={{
        has: playlist.hasNextPage,
        fetching: playlist.isFetchingNextPage,
        failed: playlist.isFetchNextPageError,
        error: playlist.error,
        fetch: () => void playlist.fetchNextPage(),
      }}
    />
  );
}

type DialogName = "edit" | "invite" | "delete" | "leave";

function PlaylistView({
  header,
  pages,
  more,
}: {
  header: PlaylistDetail;
  pages: readonly PlaylistDetail[];
  more: { has: boolean; fetching: boolean; failed: boolean; error: unknown; fetch: () => void };
}) {
  const user = useUser();
  const navigate = useNavigate();
  const utils = trpc.useUtils();
  const cache = usePlaylistCache(header.id);
  const edits = usePlaylistEdits(header.id, header.name);
  const [dialog, setDialog] = useState<DialogName | null>(null);
  const items = loadedItems(pages);
  const songs = items.map((i) => i.song);
  const source = `playlist:${header.id}`;
  const isOwner = header.role === "owner";
  const isCollaborator = header.role === "collaborator";

  const update = trpc.playlist.update.useMutation();
  const copy = trpc.playlist.copy.useMutation();
  const remove = trpc.playlist.delete.useMutation();
  const leave = trpc.playlist.removeCollaborator.useMutation();

  const sentinel = useInfiniteScroll(
    () => {
      if (more.has && !more.fetching && !more.failed) more.fetch();
    },
    more.has,
    pages.length,
  );

  function afterChange() {
    void utils.playlist.mine.invalidate();
    void utils.playlist.public.invalidate();
    void utils.library.summary.invalidate();
  }

  /** Public on/off, collaboration on/off: flipped at once, put back if the server refuses. */
  function setFlag(patch: { isPublic?: boolean; collaborative?: boolean }, done: string) {
    const before = { isPublic: header.isPublic, collaborative: header.collaborative };
    cache.patch(patch);
    update.mutate(
      { id: header.id, ...patch },
      {
        onSuccess: () => {
          afterChange();
          toast(done);
        },
        onError: (err) => {
          cache.patch(before);
          toast(`Could not change “${header.name}”. ${readError(err).form ?? ""}`.trim(), 6000);
        },
      },
    );
  }

  function saveCopy() {
    copy.mutate(
      { id: header.id },
      {
        onSuccess: (created) => {
          afterChange();
          toast(`Saved “${created.name}” to your playlists`);
          navigate(`/playlists/${created.id}`);
        },
        onError: (err) => toast(`Could not copy the playlist. ${readError(err).form ?? ""}`.trim(), 6000),
      },
    );
  }

  const menu = useMenu(() => {
    const list: MenuItem[] = [
      { label: "Play next", onSelect: () => player.playNext(songs), disabled: !songs.length },
      { label: "Add to queue", onSelect: () => player.addToQueue(songs), disabled: !songs.length },
    ];
    if (isOwner) {
      list.push(
        { separator: true },
        { label: "Edit details…", onSelect: () => setDialog("edit") },
        header.isPublic
          ? {
              label: "Make private",
              onSelect: () =>
                setFlag({ isPublic: false }, "Now private: only you and your collaborators see it"),
            }
          : {
              label: "Make public",
              onSelect: () => setFlag({ isPublic: true }, "Now public: anyone on this server can find it"),
            },
        header.collaborative
          ? {
              label: "Turn collaboration off",
              onSelect: () =>
                setFlag({ collaborative: false }, "Collaboration is off: only you can change it"),
            }
          : {
              label: "Make collaborative",
              onSelect: () =>
                setFlag({ collaborative: true }, "Collaborative: people you invite can change it"),
            },
        { label: "Invite collaborators…", onSelect: () => setDialog("invite") },
      );
    }
    if (user) list.push({ separator: true }, { label: "Save a copy", onSelect: saveCopy });
    if (isCollaborator) list.push({ label: "Leave playlist…", onSelect: () => setDialog("leave") });
    if (isOwner) list.push({ label: "Delete playlist…", onSelect: () => setDialog("delete") });
    return list;
  });

  const tint = `hsl(${hue(header.id)} 45% 38%)`;
  return (
    <section className="page wide-page playlist-page">
      <header className="hero" style={{ "--tint": tint } as React.CSSProperties}>
        <PlaylistCover
          covers={header.covers}
          name={header.name}
          seed={header.id}
          className="hero-art"
          eager
        />
        <div className="hero-text">
          <span className="eyebrow">{header.isPublic ? "Public playlist" : "Playlist"}</span>
          <h1 className="hero-title">{header.name}</h1>
          {header.description ? <p className="hero-description">{header.description}</p> : null}
          <p className="hero-meta">
            <span className="hero-owner">
              <Avatar user={header.owner} size={24} />
              <span className="hero-artist">{displayName(header.owner)}</span>
            </span>
            <span data-testid="playlist-totals">
              {plural(header.songCount, "song")}, {formatTotal(header.durationMs)}
            </span>
          </p>
          <div className="playlist-badges">
            <span className="badge" data-testid="visibility-badge">
              {header.isPublic ? <GlobeIcon size={14} /> : <LockIcon size={14} />}
              {header.isPublic ? "Public" : "Private"}
            </span>
            {header.collaborative ? (
              <span className="badge">
                <UsersIcon size={14} /> Collaborative
              </span>
            ) : null}
            {header.collaborators.length ? (
              <span
                className="avatar-stack"
                aria-label={`With ${header.collaborators.map((c) => displayName(c)).join(", ")}`}
                role="img"
              >
                {header.collaborators.slice(0, 5).map((c) => (
                  <span key={c.id} title={displayName(c)}>
                    <Avatar user={c} size={26} />
                  </span>
                ))}
                {header.collaborators.length > 5 ? (
                  <span className="avatar-more">+{header.collaborators.length - 5}</span>
                ) : null}
              </span>
            ) : null}
            {header.copiedFrom ? (
              <span className="muted small">
                Copied from <Link to={`/playlists/${header.copiedFrom.id}`}>{header.copiedFrom.name}</Link>
              </span>
            ) : null}
          </div>
        </div>
      </header>

      <div className="actions-row">
        <PlayButtons songs={songs} source={source} name={header.name} />
        {isOwner ? (
          <button type="button" className="ghost with-icon" onClick={() => setDialog("invite")}>
            <UsersIcon /> Invite
          </button>
        ) : user && !isCollaborator ? (
          <button type="button" className="ghost with-icon" onClick={saveCopy} disabled={copy.isPending}>
            <PlusIcon /> Save a copy
          </button>
        ) : null}
        <MoreButton label={`More for ${header.name}`} menu={menu} />
      </div>

      {items.length ? (
        <>
          <PlaylistItems
            playlistId={header.id}
            items={items}
            canEdit={header.canEdit}
            onMove={edits.move}
            onRemove={edits.remove}
          />
          {more.fetching ? <SongListSkeleton rows={4} variant="list" /> : null}
          {more.failed ? (
            <ErrorState title="The next songs did not load." error={more.error} onRetry={more.fetch} />
          ) : null}
          <div ref={sentinel} className="sentinel" aria-hidden="true" />
          {more.has && !more.fetching && !more.failed ? (
            <div className="load-more">
              <button type="button" onClick={more.fetch}>
                Show more songs
              </button>
            </div>
          ) : null}
        </>
      ) : (
        <EmptyState
          title={header.canEdit ? "Let’s find something for this playlist" : "This playlist is empty"}
        >
          {header.canEdit ? (
            <p>
              Open an <Link to="/albums">album</Link> or an <Link to="/artists">artist</Link> and choose “Add
              to playlist…” from any song’s ⋯ menu.
            </p>
          ) : (
            <p>Nothing has been added yet.</p>
          )}
        </EmptyState>
      )}

      {dialog === "edit" ? (
        <PlaylistFormDialog
          playlist={header}
          onClose={() => setDialog(null)}
          onSaved={(saved) => {
            cache.patch({
              name: saved.name,
              description: saved.description,
              isPublic: saved.isPublic,
              collaborative: saved.collaborative,
            });
            setDialog(null);
            toast("Saved");
          }}
        />
      ) : null}
      {dialog === "invite" ? <InviteDialog playlist={header} onClose={() => setDialog(null)} /> : null}
      {dialog === "delete" ? (
        <ConfirmDialog
          title={`Delete “${header.name}”?`}
          confirmLabel="Delete"
          pendingLabel="Deleting…"
          danger
          pending={remove.isPending}
          error={remove.error ? readError(remove.error).form : null}
          onClose={() => setDialog(null)}
          onConfirm={() =>
            remove.mutate(
              { id: header.id },
              {
                onSuccess: () => {
                  afterChange();
                  toast(`Deleted “${header.name}”`);
                  navigate("/playlists", { replace: true });
                },
              },
            )
          }
        >
          <p>
            {header.songCount
              ? `Its ${plural(header.songCount, "song")} stay in the library; the playlist itself cannot be brought back.`
              : "It cannot be brought back."}
            {header.collaborators.length ? " Your collaborators lose it too." : ""}
          </p>
        </ConfirmDialog>
      ) : null}
      {dialog === "leave" && user ? (
        <ConfirmDialog
          title={`Leave “${header.name}”?`}
          confirmLabel="Leave"
          pendingLabel="Leaving…"
          danger
          pending={leave.isPending}
          error={leave.error ? readError(leave.error).form : null}
          onClose={() => setDialog(null)}
          onConfirm={() =>
            leave.mutate(
              { playlistId: header.id, userId: user.id },
              {
                onSuccess: () => {
                  afterChange();
                  toast(`You left “${header.name}”`);
                  navigate("/playlists", { replace: true });
                },
              },
            )
          }
        >
          <p>
            You will not be able to change it any more
            {header.isPublic ? "" : ", or see it, unless its owner invites you again"}.
          </p>
        </ConfirmDialog>
      ) : null}
    </section>
  );
}
