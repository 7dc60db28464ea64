import type { Song } from "@chorus/contracts";
import { type CSSProperties, Fragment, type MouseEvent, type ReactNode, type Ref, useMemo } from "react";
import { Link } from "react-router";
import { Cover } from "../../components/cover";
import { ClockIcon, PauseIcon, PlayIcon, PlayingBars } from "../../components/icons";
import { type MenuItem, MoreButton, useMenu } from "../../components/menu";
import { sessionStore } from "../../lib/auth";
import { formatTime } from "../format";
import { player, usePlayer } from "../player/player";
import { current } from "../player/queue";
import { openAddToPlaylist } from "../playlists/add-to-playlist";
import { LikeButton } from "./like-button";
import { type Likes, useLikes } from "./likes";

/** The id of the song playing (or paused) now, and whether it plays. */
export function useNowPlaying(): { songId: string | null; playing: boolean } {
  const songId = usePlayer((s) => current(s.queue)?.songId ?? null);
  const playing = usePlayer((s) => s.playing);
  return { songId, playing };
}

/** What every song offers: to the queue, to a playlist, and on to its album and artist. */
export function songMenuItems(song: Song): MenuItem[] {
  const items: MenuItem[] = [
    { label: "Play next", onSelect: () => player.playNext([song]) },
    { label: "Add to queue", onSelect: () => player.addToQueue([song]) },
  ];
  if (sessionStore.get().status === "signedIn") {
    items.push({ label: "Add to playlist…", onSelect: () => openAddToPlaylist([song]) });
  }
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

export interface ListShape {
  variant: Variant;
  /** A column of its own between the album and the time: when it was added, its plays. */
  detail?: string | undefined;
  likes: boolean;
  /** A drag handle before the number (a playlist its owner can reorder). */
  handle?: boolean;
}

/**
 * The grid columns of a list's rows: wide; beside the sidebar on a small laptop (a list with a
 * detail column drops its album column); and on a phone (album and detail fold away).
 */
export function listColumns({ variant, detail, likes, handle }: ListShape): CSSProperties {
  const cols: [string, string][] = [
    ["handle", handle ? "28px" : ""],
    ["index", "40px"],
    ["main", variant === "list" ? "minmax(0, 1.5fr)" : "minmax(0, 1fr)"],
    ["album", variant === "list" ? "minmax(0, 1fr)" : ""],
    ["detail", detail ? "minmax(0, 0.8fr)" : ""],
    ["like", likes ? "36px" : ""],
    ["time", "64px"],
    ["more", "40px"],
  ];
  const template = (skip: string[], sizes: Record<string, string> = {}) =>
    cols
      .filter(([name, width]) => width && !skip.includes(name))
      .map(([name, width]) => sizes[name] ?? width)
      .join(" ");
  return {
    "--cols": template([]),
    "--cols-mid": template(detail ? ["album"] : []),
    "--cols-narrow": template(["album", "detail"], {
      index: "28px",
      main: "minmax(0, 1fr)",
      like: "32px",
      time: "auto",
      more: "36px",
    }),
  } as CSSProperties;
}

/** The column titles over a list (hidden on phones). */
export function SongListHead({ variant, detail, likes, handle }: ListShape) {
  return (
    <div className="song-list-head" aria-hidden="true">
      {handle ? <span /> : null}
      <span className="col-index">#</span>
      <span>Title</span>
      {variant === "list" ? <span className="col-album">Album</span> : null}
      {detail ? <span className="col-detail">{detail}</span> : null}
      {likes ? <span /> : null}
      <span className="col-time">
        <ClockIcon size={16} />
      </span>
      <span />
    </div>
  );
}

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
  detail,
}: {
  songs: readonly Song[];
  /** What a click queues, when more than is shown (an artist's top songs, folded). */
  context?: readonly Song[];
  variant: Variant;
  /** What the queue is started from ("album:<id>"). */
  source: string;
  label: string;
  /**
   * An extra column: its title and each row's cell ("Liked": "3 days ago"). On a phone, where the
   * column folds away, `phone` says it under the artists instead ("Liked 3 days ago").
   */
  detail?: { title: string; cells: readonly ReactNode[]; phone?: readonly ReactNode[] };
}) {
  const now = useNowPlaying();
  const likes = useLikes();
  const shape: ListShape = { variant, detail: detail?.title, likes: likes.enabled };
  // Discs as groups of their own, only when the album has more than one.
  const groups = useMemo(() => {
    const out: { disc: number; items: { song: Song; index: number }[] }[] = [];
    songs.forEach((song, index) => {
      const disc = variant === "album" ? (song.discNumber ?? 1) : 1;
      const last = out.at(-1);
      if (last && last.disc === disc) last.items.push({ song, index });
      else out.push({ disc, items: [{ song, index }] });
    });
    return out;
  }, [songs, variant]);
  const discs = groups.length > 1;
  return (
    <div className={`song-list ${variant}`} style={listColumns(shape)}>
      <SongListHead {...shape} />
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
                likes={likes}
                detail={detail ? (detail.cells[index] ?? <span />) : undefined}
                phoneNote={detail?.phone?.[index]}
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

export function SongRow({
  song,
  number,
  variant,
  isCurrent,
  playing,
  onPlay,
  likes,
  detail,
  phoneNote,
  menuItems,
  handle,
  rowRef,
  style,
  className = "",
}: {
  song: Song;
  number: number;
  variant: Variant;
  isCurrent: boolean;
  playing: boolean;
  onPlay: () => void;
  likes: Likes;
  detail?: ReactNode;
  /** A line under the artists, on phones only (where the detail column is folded away). */
  phoneNote?: ReactNode;
  /** Instead of the usual song menu (a playlist's rows add "Remove from playlist"). */
  menuItems?: () => MenuItem[];
  handle?: ReactNode;
  rowRef?: Ref<HTMLLIElement>;
  style?: CSSProperties;
  className?: string;
}) {
  const menu = useMenu(menuItems ?? (() => songMenuItems(song)));
  const showPause = isCurrent && playing;
  const liked = likes.songs.has(song.id);
  return (
    // Clicking anywhere on the row plays it, as in every music app; keyboard and screen-reader
    // users have the row's own play button.
    // biome-ignore lint/a11y/useKeyWithClickEvents: the row's play button is the keyboard path
    <li
      ref={rowRef}
      style={style}
      className={`song-row${isCurrent ? " current" : ""}${menu.open ? " menu-open" : ""} ${className}`}
      aria-current={isCurrent ? "true" : undefined}
      data-testid="song-row"
      onClick={onPlay}
      onContextMenu={menu.onContextMenu}
    >
      {handle}
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
            {phoneNote ? <span className="song-phone-note"> · {phoneNote}</span> : null}
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
      {detail !== undefined ? <span className="col-detail">{detail}</span> : null}
      {likes.enabled ? (
        <span className="col-like">
          <LikeButton liked={liked} title={song.title} onToggle={() => likes.toggleSong(song)} />
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
    <div className={`song-list ${variant}`} style={listColumns({ variant, likes: false })} aria-hidden="true">
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

export function stop(e: MouseEvent) {
  e.stopPropagation();
}
