import type { Song } from "@chorus/contracts";
import type { ReactNode } from "react";
import { Link } from "react-router";
import { Cover } from "../../components/cover";
import { PauseIcon, PlayIcon } from "../../components/icons";
import { MoreButton, useMenu } from "../../components/menu";
import { songMenuItems, useNowPlaying } from "../library/song-list";
import { player } from "../player/player";

/**
 * A song as a tile (the home page's shelves): its cover, title and artists, a line of its own
 * underneath ("Because you played …", "1,204 plays"); the button plays the shelf from this song.
 */
export function SongCard({
  song,
  list,
  index,
  source,
  note,
}: {
  song: Song;
  /** The songs of the shelf, played in order from this one. */
  list: readonly Song[];
  index: number;
  source: string;
  note?: ReactNode;
}) {
  const now = useNowPlaying();
  const isCurrent = now.songId === song.id;
  const playing = isCurrent && now.playing;
  const menu = useMenu(() => songMenuItems(song));
  const artists = song.artists.map((a) => a.name).join(", ") || "Unknown artist";
  return (
    <article
      className={`tile song-tile${isCurrent ? " active" : ""}`}
      onContextMenu={menu.onContextMenu}
      data-testid="song-card"
    >
      <div className="tile-art">
        <Cover
          src={song.coverUrl ?? song.album?.coverUrl}
          title={song.album?.title ?? song.title}
          seed={song.album?.id ?? song.id}
        />
        <button
          type="button"
          className={`tile-play${playing ? " playing" : ""}`}
          aria-label={`${playing ? "Pause" : "Play"} ${song.title}`}
          onClick={(e) => {
            e.preventDefault();
            e.stopPropagation();
            if (isCurrent) player.toggle();
            else player.playSongs(list, index, { source });
          }}
        >
          {playing ? <PauseIcon size={20} /> : <PlayIcon size={20} />}
        </button>
      </div>
      {song.album ? (
        <Link className="tile-title" to={`/albums/${song.album.id}`} title={song.title}>
          {song.title}
        </Link>
      ) : (
        <span className="tile-title" title={song.title}>
          {song.title}
        </span>
      )}
      <div className="tile-sub" title={artists}>
        {song.artists[0] ? (
          <Link to={`/artists/${song.artists[0].id}`} className="tile-sub-link">
            {artists}
          </Link>
        ) : (
          artists
        )}
      </div>
      {note ? <div className="tile-note">{note}</div> : null}
      <MoreButton label={`More for ${song.title}`} menu={menu} className="tile-more" />
    </article>
  );
}
