import type { LikedIds } from "@chorus/contracts";
import { useMemo } from "react";
import { toast } from "../../components/toast";
import { useSession } from "../../lib/auth";
import { readError } from "../../lib/errors";
import { trpc } from "../../lib/trpc";

export interface Likes {
  /** Signed in: hearts are drawn. Guests see none. */
  enabled: boolean;
  songs: ReadonlySet<string>;
  albums: ReadonlySet<string>;
  toggleSong: (song: { id: string; title: string }) => void;
  toggleAlbum: (album: { id: string; title: string }) => void;
}

const none: ReadonlySet<string> = new Set();

/**
 * What the listener likes, from one `library.likedIds` query every heart reads. A click flips the
 * heart at once; when the server says no, it flips back and a toast says why.
 */
export function useLikes(): Likes {
  const signedIn = useSession().status === "signedIn";
  const utils = trpc.useUtils();
  const ids = trpc.library.likedIds.useQuery(undefined, { enabled: signedIn, staleTime: 5 * 60_000 });
  const songs = useMemo(() => new Set(ids.data?.songIds ?? []), [ids.data]);
  const albums = useMemo(() => new Set(ids.data?.albumIds ?? []), [ids.data]);

  // Only the one id changes, so a failure undoes just that heart, even with others in flight.
  const flip = (kind: keyof LikedIds, id: string, on: boolean) =>
    utils.library.likedIds.setData(undefined, (old) => {
      const base = old ?? { songIds: [], albumIds: [] };
      const list = base[kind].filter((x) => x !== id);
      return { ...base, [kind]: on ? [id, ...list] : list };
    });
  const settled = (kind: keyof LikedIds) => {
    void utils.library.summary.invalidate();
    void (kind === "songIds"
      ? utils.library.likedSongs.invalidate()
      : utils.library.likedAlbums.invalidate());
  };

  const likeSong = trpc.library.likeSong.useMutation();
  const unlikeSong = trpc.library.unlikeSong.useMutation();
  const likeAlbum = trpc.library.likeAlbum.useMutation();
  const unlikeAlbum = trpc.library.unlikeAlbum.useMutation();

  function toggle(
    kind: keyof LikedIds,
    item: { id: string; title: string },
    call: (on: boolean) => Promise<{ liked: boolean }>,
  ) {
    // From the cache, not this render: two quick clicks must see each other.
    const liked = utils.library.likedIds.getData()?.[kind].includes(item.id) ?? false;
    const on = !liked;
    void utils.library.likedIds.cancel();
    flip(kind, item.id, on);
    const where = kind === "songIds" ? "Liked Songs" : "your albums";
    call(on).then(
      (result) => {
        flip(kind, item.id, result.liked);
        settled(kind);
        toast(on ? `Added to ${where}` : `Removed from ${where}`);
      },
      (err: unknown) => {
        flip(kind, item.id, liked);
        const why = readError(err).form ?? "Something went wrong.";
        toast(`Could not ${on ? "like" : "unlike"} “${item.title}”. ${why}`, 5000);
      },
    );
  }

  return {
    enabled: signedIn,
    songs: signedIn ? songs : none,
    albums: signedIn ? albums : none,
    toggleSong: (song) =>
      toggle("songIds", song, (on) => (on ? likeSong : unlikeSong).mutateAsync({ songId: song.id })),
    toggleAlbum: (album) =>
      toggle("albumIds", album, (on) => (on ? likeAlbum : unlikeAlbum).mutateAsync({ albumId: album.id })),
  };
}
