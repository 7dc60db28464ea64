import type { AlbumSummary, ArtistSummary, Song } from "@chorus/contracts";
import { type ReactNode, useState } from "react";
import { Link } from "react-router";
import { Cover } from "../../components/cover";
import { PauseIcon, PlayIcon, ShuffleIcon } from "../../components/icons";
import { MoreButton, useMenu } from "../../components/menu";
import { toast } from "../../components/toast";
import { useSession } from "../../lib/auth";
import { trpc } from "../../lib/trpc";
import { plural } from "../format";
import { player, usePlayer } from "../player/player";
import { openAddToPlaylist } from "../playlists/add-to-playlist";

/** Whether the queue was started from `source` ("album:<id>") and is playing. */
export function useSource(source: string): { active: boolean; playing: boolean } {
  const active = usePlayer((s) => s.source === source);
  const playing = usePlayer((s) => s.playing);
  return { active, playing: active && playing };
}

/**
 * The big Play (or Pause, when `source` is what plays) and Shuffle buttons at the top of an album,
 * artist, playlist or the liked songs. `name` completes the labels: "Play Kind of Blue".
 */
export function PlayButtons({
  songs,
  source,
  name,
}: {
  songs: readonly Song[];
  source: string;
  name: string;
}) {
  const state = useSource(source);
  return (
    <>
      <button
        type="button"
        className="big-play"
        aria-label={state.playing ? `Pause ${name}` : `Play ${name}`}
        disabled={!songs.length}
        onClick={() => (state.active ? player.toggle() : player.playSongs(songs, 0, { source }))}
      >
        {state.playing ? <PauseIcon size={26} /> : <PlayIcon size={26} />}
      </button>
      <button
        type="button"
        className="ghost with-icon"
        aria-label={`Shuffle ${name}`}
        disabled={songs.length < 2}
        onClick={() =>
          player.playSongs(songs, Math.floor(Math.random() * songs.length), { shuffle: true, source })
        }
      >
        <ShuffleIcon /> Shuffle
      </button>
    </>
  );
}

/**
 * Plays a whole album or artist from a card: the songs are fetched on the click. Playing it already?
 * Then the button pauses and resumes it.
 */
export function usePlayFromCard(source: string, load: () => Promise<readonly Song[]>) {
  const state = useSource(source);
  const [pending, setPending] = useState(false);
  async function start(opts: { shuffle?: boolean } = {}) {
    if (state.active && !opts.shuffle) {
      player.toggle();
      return;
    }
    setPending(true);
    try {
      const songs = await load();
      if (songs.length === 0) toast("There is nothing to play here yet.");
      else player.playSongs(songs, 0, { source, ...opts });
    } catch {
      toast("Could not load the songs. Check your connection and try again.");
    } finally {
      setPending(false);
    }
  }
  return { ...state, pending, start, load };
}

export function AlbumCard({ album, priority = false }: { album: AlbumSummary; priority?: boolean }) {
  const utils = trpc.useUtils();
  const signedIn = useSession().status === "signedIn";
  const source = `album:${album.id}`;
  const play = usePlayFromCard(
    source,
    async () => (await utils.catalog.album.fetch({ id: album.id })).tracks,
  );
  const menu = useMenu(() => [
    { label: "Play", onSelect: () => void play.start() },
    { label: "Shuffle", onSelect: () => void play.start({ shuffle: true }) },
    { separator: true },
    { label: "Play next", onSelect: () => void play.load().then((s) => player.playNext(s), failed) },
    { label: "Add to queue", onSelect: () => void play.load().then((s) => player.addToQueue(s), failed) },
    ...(signedIn
      ? [{ label: "Add to playlist…", onSelect: () => void play.load().then(openAddToPlaylist, failed) }]
      : []),
    ...(album.artist ? [{ label: "Go to artist", to: `/artists/${album.artist.id}` }] : []),
  ]);
  return (
    <article
      className={`tile${play.active ? " active" : ""}`}
      onContextMenu={menu.onContextMenu}
      data-testid="album-card"
    >
      <div className="tile-art">
        <Cover src={album.coverUrl} title={album.title} seed={album.id} eager={priority} />
        <TilePlayButton
          label={`${play.playing ? "Pause" : "Play"} ${album.title}`}
          playing={play.playing}
          pending={play.pending}
          onClick={() => void play.start()}
        />
      </div>
      <Link className="tile-title" to={`/albums/${album.id}`} title={album.title}>
        {album.title}
      </Link>
      <div className="tile-sub">
        {album.artist ? (
          <Link to={`/artists/${album.artist.id}`} className="tile-sub-link">
            {album.artist.name}
          </Link>
        ) : (
          "Various artists"
        )}
        {album.year ? <span> · {album.year}</span> : null}
      </div>
      <MoreButton label={`More for ${album.title}`} menu={menu} className="tile-more" />
    </article>
  );
}

export function ArtistCard({ artist }: { artist: ArtistSummary }) {
  const utils = trpc.useUtils();
  const play = usePlayFromCard(
    `artist:${artist.id}`,
    async () => (await utils.catalog.artist.fetch({ id: artist.id })).topSongs,
  );
  return (
    <article className={`tile artist${play.active ? " active" : ""}`} data-testid="artist-card">
      <div className="tile-art">
        <Cover src={artist.imageUrl} title={artist.name} seed={artist.id} round />
        <TilePlayButton
          label={`${play.playing ? "Pause" : "Play"} ${artist.name}`}
          playing={play.playing}
          pending={play.pending}
          onClick={() => void play.start()}
        />
      </div>
      <Link className="tile-title" to={`/artists/${artist.id}`} title={artist.name}>
        {artist.name}
      </Link>
      <div className="tile-sub">
        {artist.albumCount ? plural(artist.albumCount, "album") : plural(artist.songCount, "song")}
      </div>
    </article>
  );
}

function TilePlayButton({
  label,
  playing,
  pending,
  onClick,
}: {
  label: string;
  playing: boolean;
  pending: boolean;
  onClick: () => void;
}) {
  return (
    <button
      type="button"
      className={`tile-play${playing ? " playing" : ""}`}
      aria-label={label}
      aria-busy={pending || undefined}
      onClick={(e) => {
        e.preventDefault();
        e.stopPropagation();
        onClick();
      }}
    >
      {pending ? (
        <span className="spinner" aria-hidden="true" />
      ) : playing ? (
        <PauseIcon size={20} />
      ) : (
        <PlayIcon size={20} />
      )}
    </button>
  );
}

export function TileGrid({ children, label }: { children: ReactNode; label: string }) {
  return (
    <section className="tile-grid" aria-label={label}>
      {children}
    </section>
  );
}

export function TileSkeletons({ count = 8, round = false }: { count?: number; round?: boolean }) {
  return (
    <>
      {Array.from({ length: count }, (_, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: placeholders have no identity
        <div key={i} className={`tile skeleton-tile${round ? " artist" : ""}`} aria-hidden="true">
          <div className="tile-art shimmer" />
          <span className="shimmer" style={{ width: "75%", height: 13 }} />
          <span className="shimmer" style={{ width: "50%", height: 11 }} />
        </div>
      ))}
    </>
  );
}

function failed() {
  toast("Could not load the songs. Check your connection and try again.");
}
