import { CreatePlaylistInput, type MyPlaylist, PLAYLIST_NAME_MAX, type Song } from "@chorus/contracts";
import { type FormEvent, useEffect, useMemo, useRef, useState, useSyncExternalStore } from "react";
import { Dialog } from "../../components/dialog";
import { FormAlert, SubmitButton, TextField } from "../../components/form";
import { PlusIcon, SearchIcon } from "../../components/icons";
import { ErrorState } from "../../components/states";
import { toast } from "../../components/toast";
import { check, noErrors, readError } from "../../lib/errors";
import { trpc } from "../../lib/trpc";
import { plural } from "../format";
import { PlaylistCover } from "./playlist-cover";
import { loadedItems } from "./playlist-pages";
import { playlistInput } from "./use-playlist";

// Any song menu opens the picker (menus are plain lists of items, outside React): the request goes
// through this little store to the one dialog the layout renders.
let request: { id: number; songs: readonly Song[] } | null = null;
let nextRequest = 1;
const listeners = new Set<() => void>();
function emit(next: typeof request) {
  request = next;
  for (const l of listeners) l();
}
const store = {
  get: () => request,
  subscribe(l: () => void) {
    listeners.add(l);
    return () => void listeners.delete(l);
  },
};

/** Opens "Add to playlist" for these songs. */
export function openAddToPlaylist(songs: readonly Song[]) {
  if (songs.length > 0) emit({ id: nextRequest++, songs });
}

/** Mounted once in the layout: the picker, when a song menu asked for it. */
export function AddToPlaylistHost() {
  const current = useSyncExternalStore(store.subscribe, store.get);
  if (!current) return null;
  return <AddToPlaylistDialog key={current.id} songs={current.songs} onClose={() => emit(null)} />;
}

/** What the listener may add to: their own playlists, and collaborative ones they were invited to. */
export function canAddTo(p: Pick<MyPlaylist, "role" | "collaborative">): boolean {
  return p.role === "owner" || (p.role === "collaborator" && p.collaborative);
}

function AddToPlaylistDialog({ songs, onClose }: { songs: readonly Song[]; onClose: () => void }) {
  const utils = trpc.useUtils();
  const mine = trpc.playlist.mine.useQuery();
  const addSongs = trpc.playlist.addSongs.useMutation();
  const create = trpc.playlist.create.useMutation();
  const [filter, setFilter] = useState("");
  const [creating, setCreating] = useState(false);
  const [newName, setNewName] = useState("");
  const [errors, setErrors] = useState(noErrors);
  const [busyId, setBusyId] = useState<string | null>(null);
  const busy = busyId !== null || create.isPending;
  const newFormRef = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (creating) newFormRef.current?.querySelector("input")?.focus();
  }, [creating]);

  const editable = useMemo(() => (mine.data ?? []).filter(canAddTo), [mine.data]);
  const shown = useMemo(() => {
    const q = filter.trim().toLowerCase();
    return q ? editable.filter((p) => p.name.toLowerCase().includes(q)) : editable;
  }, [editable, filter]);

  const what = songs.length === 1 ? `“${songs[0]!.title}”` : plural(songs.length, "song");

  async function addTo(playlist: { id: string; name: string }) {
    setErrors(noErrors);
    setBusyId(playlist.id);
    // Songs may repeat in a playlist; when this one is already among what is loaded of it, say so.
    const loaded = utils.playlist.get.getInfiniteData(playlistInput(playlist.id));
    const ids = new Set(loaded ? loadedItems(loaded.pages).map((i) => i.song.id) : []);
    const again = songs.length === 1 && ids.has(songs[0]!.id);
    try {
      await addSongs.mutateAsync({ playlistId: playlist.id, songIds: songs.map((s) => s.id) });
      void utils.playlist.get.invalidate(playlistInput(playlist.id));
      void utils.playlist.mine.invalidate();
      toast(again ? `Already in ${playlist.name}: added again` : `Added to ${playlist.name}`, {
        action: { label: "View", to: `/playlists/${playlist.id}` },
      });
      onClose();
    } catch (err) {
      setErrors({ ...readError(err), fields: {} });
      setBusyId(null);
    }
  }

  async function onCreate(e: FormEvent) {
    e.preventDefault();
    const checked = check(CreatePlaylistInput, { name: newName });
    if (checked.errors) return setErrors(checked.errors);
    setErrors(noErrors);
    try {
      const playlist = await create.mutateAsync(checked.data);
      void utils.library.summary.invalidate();
      await addTo(playlist);
    } catch (err) {
      setErrors(readError(err));
    }
  }

  return (
    <Dialog
      title="Add to playlist"
      description={what}
      onClose={onClose}
      busy={busy}
      className="add-to-playlist"
    >
      <FormAlert errors={errors.fields.name ? { ...errors, form: null } : errors} />
      {creating ? (
        <form ref={newFormRef} className="new-playlist-row" onSubmit={(e) => void onCreate(e)} noValidate>
          <TextField
            label="New playlist"
            value={newName}
            onChange={setNewName}
            error={errors.fields.name}
            placeholder="Name it"
            maxLength={PLAYLIST_NAME_MAX + 20}
            autoComplete="off"
          />
          <div className="dialog-actions">
            <button type="button" className="ghost small" onClick={() => setCreating(false)} disabled={busy}>
              Cancel
            </button>
            <SubmitButton pending={create.isPending} pendingLabel="Creating…" className="primary small">
              Create and add
            </SubmitButton>
          </div>
        </form>
      ) : (
        <button
          type="button"
          className="picker-row new"
          onClick={() => {
            setErrors(noErrors);
            setCreating(true);
          }}
          disabled={busy}
        >
          <span className="picker-art">
            <PlusIcon size={22} />
          </span>
          <span className="picker-name">New playlist</span>
        </button>
      )}

      {editable.length > 5 ? (
        <label className="picker-search">
          <SearchIcon size={16} />
          <span className="visually-hidden">Find a playlist</span>
          <input
            type="search"
            value={filter}
            onChange={(e) => setFilter(e.target.value)}
            placeholder="Find a playlist"
          />
        </label>
      ) : null}

      <div className="picker-list" aria-busy={mine.isPending}>
        {mine.isPending ? (
          <PickerSkeleton />
        ) : mine.isError ? (
          <ErrorState
            title="Your playlists did not load."
            error={mine.error}
            onRetry={() => void mine.refetch()}
          />
        ) : editable.length === 0 ? (
          <p className="muted small picker-note">
            You have no playlists to add to yet: make one with “New playlist”.
          </p>
        ) : shown.length === 0 ? (
          <p className="muted small picker-note">No playlist is called anything like “{filter.trim()}”.</p>
        ) : (
          <ul className="picker-items" aria-label="Your playlists">
            {shown.map((p) => (
              <li key={p.id}>
                <button
                  type="button"
                  className="picker-row"
                  onClick={() => void addTo(p)}
                  disabled={busy}
                  aria-busy={busyId === p.id || undefined}
                >
                  <span className="picker-art">
                    <PlaylistCover covers={p.covers} name={p.name} seed={p.id} size={44} />
                  </span>
                  <span className="picker-text">
                    <span className="picker-name">{p.name}</span>
                    <span className="muted small">
                      {plural(p.songCount, "song")}
                      {p.role === "collaborator" ? ` · ${p.owner.name ?? "Someone"}’s` : ""}
                      {p.collaborative && p.role === "owner" ? " · Collaborative" : ""}
                    </span>
                  </span>
                  {busyId === p.id ? <span className="spinner" aria-hidden="true" /> : null}
                </button>
              </li>
            ))}
          </ul>
        )}
      </div>
    </Dialog>
  );
}

function PickerSkeleton() {
  return (
    <>
      {[0, 1, 2].map((i) => (
        <div key={i} className="picker-row skeleton" aria-hidden="true">
          <span className="shimmer" style={{ width: 44, height: 44 }} />
          <span className="shimmer" style={{ width: `${40 + i * 12}%`, height: 13 }} />
        </div>
      ))}
    </>
  );
}
