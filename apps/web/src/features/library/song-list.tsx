import type { Song } from "@chorus/contracts";
import { Fragment, type MouseEvent } from "react";
import { Link } from "react-router";
import { Cover } from "../../components/cover";
import { ClockIcon, PauseIcon, PlayIcon, PlayingBars } from "../../components/icons";
import { type MenuItem, MoreButton, useMenu } from "../../components/menu";
import { formatTime } from "../format";
import { player, usePlayer } from "../player/player";
import { current } from "../player/queue";

/** The id of the song playing (or paused) now, and whether it plays. */
export function useNowPlaying(): { songId: string | null; playing: boolean } {
  const songId = usePlayer((s) => current(s.queue)?.songId ?? null);
  const playing = usePlayer((s) => s.playing);
  return { songId, playing };
}

/** What every song offers: to the queue, and on to its album and artist. */
export function songMenuItems(song: Song): MenuItem[] {
  const items: MenuItem[] = [
    { label: "Play next", onSelect: () => player.playNext([song]) },
    { label: "Add to queue", onSelect: () => player.addToQueue([song]) },
  ];
  const extra: MenuItem[] = [];
  if (song.album) extra.push({ label: "Go to album", to: `/albums/${song.album.id}` });
  const artist = song.artists[0];
  if (artist) extra.push({ label: "Go to artist", to: `/artists/${artist.id}` });
  return extra.length ? [...items, { separator: true }, ...extra] : items;
}

export function ArtistLinks({ artists }: { artists: Song["artists"] }) {
  if (artists.length === 0) return <span>Unknown artist</span>;
  return (
    <>
      {artists.map((a, i) => (
        <Fragment key={a.id}>
          {i > 0 ? ", " : null}
          <Link to={`/artists/${a.id}`} onClick={stop}>
            {a.name}
          </Link>
        </Fragment>
      ))}
    </>
  );
}

type Variant = "album" | "list";

/**
 * Songs to play, reused everywhere: an album's tracks (numbers, discs) or any other list (covers,
 * album names). A click plays from that song; the current song is marked and pauses on a click.
 */
export function SongList({
  songs,
  variant,
  source,
  label,
  context = songs,
}: {
  songs: readonly Song[];
  /** What a click queues, when more than is shown (an artist's top songs, folded). */
  context?: readonly Song[];
  variant: Variant;
  /** What the queue is started from ("album:<id>"). */
  source: string;
  label: string;
}) {
  const now = useNowPlaying();
  // Discs as groups of their own, only when the album has more than one.
  const groups: { disc: number; items: { song: Song; index: number }[] }[] = [];
  songs.forEach((song, index) => {
    const disc = variant === "album" ? (song.discNumber ?? 1) : 1;
    const last = groups.at(-1);
    if (last && last.disc === disc) last.items.push({ song, index });
    else groups.push({ disc, items: [{ song, index }] });
  });
  const discs = groups.length > 1;
  return (
    <div className={`song-list ${variant}`}>
      <div className="song-list-head" aria-hidden="true">
        <span className="col-index">#</span>
        <span>Title</span>
        {variant === "list" ? <span className="col-album">Album</span> : null}
        <span className="col-time">
          <ClockIcon size={16} />
        </span>
        <span />
      </div>
      {groups.map((group) => (
        <Fragment key={`${group.disc}-${group.items[0]?.index}`}>
          {discs ? <h3 className="disc-header">Disc {group.disc}</h3> : null}
          <ol className="song-rows" aria-label={discs ? `${label}, disc ${group.disc}` : label}>
            {group.items.map(({ song, index }) => (
              <SongRow
                key={song.id}
                song={song}
                number={variant === "album" ? (song.trackNumber ?? index + 1) : index + 1}
                variant={variant}
                isCurrent={now.songId === song.id}
                playing={now.playing}
                onPlay={() => {
                  if (now.songId === song.id) player.toggle();
                  else player.playSongs(context, index, { source });
                }}
              />
            ))}
          </ol>
        </Fragment>
      ))}
    </div>
  );
}

function SongRow({
  song,
  number,
  variant,
  isCurrent,
  playing,
  onPlay,
}: {
  song: Song;
  number: number;
  variant: Variant;
  isCurrent: boolean;
  playing: boolean;
  onPlay: () => void;
}) {
  const menu = useMenu(() => songMenuItems(song));
  const showPause = isCurrent && playing;
  return (
    // Clicking anywhere on the row plays it, as in every music app; keyboard and screen-reader
    // users have the row's own play button.
    // biome-ignore lint/a11y/useKeyWithClickEvents: the row's play button is the keyboard path
    <li
      className={`song-row${isCurrent ? " current" : ""}${menu.open ? " menu-open" : ""}`}
      aria-current={isCurrent ? "true" : undefined}
      data-testid="song-row"
      onClick={onPlay}
      onContextMenu={menu.onContextMenu}
    >
      <span className="col-index">
        <span className="index-number">{isCurrent ? <PlayingBars playing={playing} /> : number}</span>
        <button
          type="button"
          className="row-play"
          aria-label={showPause ? `Pause ${song.title}` : `Play ${song.title}`}
          onClick={(e) => {
            e.stopPropagation();
            onPlay();
          }}
        >
          {showPause ? <PauseIcon size={16} /> : <PlayIcon size={16} />}
        </button>
      </span>
      <span className="song-main">
        {variant === "list" ? (
          <Cover
            src={song.coverUrl ?? song.album?.coverUrl}
            title={song.title}
            seed={song.album?.id ?? song.id}
            size={40}
          />
        ) : null}
        <span className="song-text">
          <span className="song-title" data-testid="song-title">
            {song.title}
          </span>
          <span className="song-artists">
            <ArtistLinks artists={song.artists} />
          </span>
        </span>
      </span>
      {variant === "list" ? (
        <span className="col-album">
          {song.album ? (
            <Link to={`/albums/${song.album.id}`} onClick={stop}>
              {song.album.title}
            </Link>
          ) : null}
        </span>
      ) : null}
      <span className="col-time">{formatTime(song.durationMs / 1000)}</span>
      <span className="col-more">
        <MoreButton label={`More for ${song.title}`} menu={menu} />
      </span>
    </li>
  );
}

/** Placeholder rows while a list loads. */
export function SongListSkeleton({ rows = 8, variant = "album" }: { rows?: number; variant?: Variant }) {
  return (
    <div className={`song-list ${variant}`} aria-hidden="true">
      {Array.from({ length: rows }, (_, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: placeholders have no identity
        <div key={i} className="song-row skeleton-row">
          <span className="col-index">
            <span className="shimmer" style={{ width: 14, height: 12 }} />
          </span>
          <span className="song-main">
            {variant === "list" ? <span className="shimmer" style={{ width: 40, height: 40 }} /> : null}
            <span className="song-text">
              <span className="shimmer" style={{ width: `${40 + ((i * 17) % 35)}%`, height: 13 }} />
              <span className="shimmer" style={{ width: `${20 + ((i * 11) % 20)}%`, height: 11 }} />
            </span>
          </span>
          {variant === "list" ? <span className="col-album" /> : null}
          <span className="col-time">
            <span className="shimmer" style={{ width: 30, height: 12 }} />
          </span>
          <span />
        </div>
      ))}
    </div>
  );
}

function stop(e: MouseEvent) {
  e.stopPropagation();
}
