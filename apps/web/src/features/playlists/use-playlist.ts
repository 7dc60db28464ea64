import type { PlaylistDetail } from "@chorus/contracts";
import { useRef } from "react";
import { isNotFound } from "../../components/states";
import { toast } from "../../components/toast";
import { readError } from "../../lib/errors";
import { trpc } from "../../lib/trpc";
import { loadedItems, moveItem, type Pages, patchHeader, removeItem } from "./playlist-pages";

/** Songs per page of a playlist: a 10,000-song playlist loads as the listener scrolls. */
export const PLAYLIST_PAGE = 100;
export const playlistInput = (id: string) => ({ id, limit: PLAYLIST_PAGE });

export function usePlaylist(id: string) {
  return trpc.playlist.get.useInfiniteQuery(playlistInput(id), {
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    retry: (count, err) => !isNotFound(err) && count < 1,
  });
}

/** The playlist's pages in the cache, changed in place (an edit before the server confirms it). */
export function usePlaylistCache(id: string) {
  const utils = trpc.useUtils();
  const input = playlistInput(id);
  return {
    pages: (): Pages => utils.playlist.get.getInfiniteData(input)?.pages ?? [],
    update(fn: (pages: Pages) => PlaylistDetail[]) {
      utils.playlist.get.setInfiniteData(input, (old) => (old ? { ...old, pages: fn(old.pages) } : old));
    },
    patch(fields: Partial<PlaylistDetail>) {
      utils.playlist.get.setInfiniteData(input, (old) =>
        old ? { ...old, pages: patchHeader(old.pages, fields) } : old,
      );
    },
    refetch: () => utils.playlist.get.invalidate(input),
  };
}

/**
 * Moving and removing songs: the list changes at once, and the calls go to the server one after
 * the other, each with the position it had when it was made (a drag right after another must not
 * overtake it). Each names its song, so a playlist someone else changed meanwhile is refused
 * (CONFLICT) rather than scrambled: then the playlist loads again and a toast says so.
 */
export function usePlaylistEdits(id: string, name: string) {
  const utils = trpc.useUtils();
  const cache = usePlaylistCache(id);
  const reorder = trpc.playlist.reorder.useMutation();
  const removeSong = trpc.playlist.removeSong.useMutation();
  const chain = useRef<Promise<void>>(Promise.resolve());
  const run = useRef({ pending: 0, failed: false, removed: false });

  function enqueue(apply: () => void, send: () => Promise<unknown>, failure: string) {
    void utils.playlist.get.cancel(playlistInput(id));
    apply();
    run.current.pending++;
    chain.current = chain.current
      .then(send)
      .then(
        () => undefined,
        (err: unknown) => {
          const errors = readError(err);
          // One toast for a burst of edits that all ran into the same change.
          if (!run.current.failed) {
            toast(
              errors.code === "CONFLICT"
                ? "The playlist changed while you were editing it. Here it is as it is now: try again."
                : `${failure} ${errors.form ?? ""}`.trim(),
              6000,
            );
          }
          run.current.failed = true;
        },
      )
      .finally(() => {
        const r = run.current;
        if (--r.pending > 0) return;
        // A removal shifts every later song, the next page's cursor too: load what is shown again.
        if (r.failed || r.removed) void cache.refetch();
        void utils.playlist.mine.invalidate();
        run.current = { pending: 0, failed: false, removed: false };
      });
  }

  return {
    /** Moves the loaded song at index `from` to index `to`. */
    move(from: number, to: number) {
      const items = loadedItems(cache.pages());
      const item = items[from];
      const target = items[to];
      if (!item || !target || from === to) return;
      enqueue(
        () => cache.update((p) => moveItem(p, from, to)),
        () =>
          reorder.mutateAsync({
            playlistId: id,
            from: item.position,
            to: target.position,
            songId: item.song.id,
          }),
        `Could not move “${item.song.title}”.`,
      );
    },
    remove(index: number) {
      const item = loadedItems(cache.pages())[index];
      if (!item) return;
      run.current.removed = true;
      enqueue(
        () => cache.update((p) => removeItem(p, index)),
        () => removeSong.mutateAsync({ playlistId: id, position: item.position, songId: item.song.id }),
        `Could not remove “${item.song.title}”.`,
      );
      toast(`Removed from ${name}`);
    },
  };
}
