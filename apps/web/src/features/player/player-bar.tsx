import type { Song } from "@chorus/contracts";
import type { CSSProperties, ReactNode } from "react";
import { Link } from "react-router";
import { Cover } from "../../components/cover";
import {
  EqualizerIcon,
  LyricsIcon,
  NextIcon,
  PauseIcon,
  PlayIcon,
  PreviousIcon,
  QueueIcon,
  RepeatIcon,
  ShuffleIcon,
  VolumeIcon,
} from "../../components/icons";
import { MoreButton, useMenu } from "../../components/menu";
import { formatTime } from "../format";
import { LikeButton } from "../library/like-button";
import { useLikes } from "../library/likes";
import { ArtistLinks, songMenuItems } from "../library/song-list";
import { type Panel, player, useCurrentSong, usePlayer } from "./player";
import { SeekInput, useSeek } from "./seek-input";

const repeatLabels = { off: "Repeat: off", all: "Repeat: all", one: "Repeat: one" } as const;

/** Always at the bottom: what plays, the controls, the seek bar, volume, and the side panels. */
export function PlayerBar() {
  const song = useCurrentSong();
  const restoring = usePlayer((s) => s.restoring);
  const error = usePlayer((s) => s.error);
  const hasQueue = usePlayer((s) => s.queue.entries.length > 0);

  return (
    <section className={`player-bar${song ? "" : " idle"}`} aria-label="Player" data-testid="player-bar">
      <div className="now-playing">
        {song ? (
          <>
            <Link
              to={song.album ? `/albums/${song.album.id}` : "#"}
              className="np-art"
              aria-label={song.album ? `Open ${song.album.title}` : undefined}
              tabIndex={song.album ? undefined : -1}
            >
              <Cover
                src={song.coverUrl ?? song.album?.coverUrl}
                title={song.album?.title ?? song.title}
                seed={song.album?.id ?? song.id}
                className="np-cover"
                eager
              />
            </Link>
            <div className="np-text">
              {song.album ? (
                <Link to={`/albums/${song.album.id}`} className="np-title" data-testid="now-playing-title">
                  {song.title}
                </Link>
              ) : (
                <span className="np-title" data-testid="now-playing-title">
                  {song.title}
                </span>
              )}
              {error ? (
                <span className="np-error" role="alert">
                  {error}{" "}
                  <button type="button" className="link-button" onClick={() => player.play()}>
                    Try again
                  </button>
                </span>
              ) : (
                <span className="np-artists">
                  <ArtistLinks artists={song.artists} />
                </span>
              )}
            </div>
            <NowPlayingActions song={song} />
          </>
        ) : restoring ? (
          <>
            <span className="cover np-cover shimmer" />
            <div className="np-text">
              <span className="shimmer" style={{ width: 140, height: 13 }} />
              <span className="shimmer" style={{ width: 90, height: 11 }} />
            </div>
          </>
        ) : (
          <>
            <span className="cover np-cover np-empty" aria-hidden="true" />
            <div className="np-text">
              <span className="np-title">Nothing playing</span>
              <span className="np-artists muted">Pick a song to start listening</span>
            </div>
          </>
        )}
      </div>

      <div className="transport-area">
        <Transport disabled={!hasQueue} />
        <SeekBar disabled={!song} />
      </div>

      <div className="player-extras">
        <PanelButton panel="lyrics" label="Lyrics" disabled={!song}>
          <LyricsIcon />
        </PanelButton>
        <PanelButton panel="queue" label="Queue">
          <QueueIcon />
        </PanelButton>
        <PanelButton panel="equalizer" label="Equalizer">
          <EqualizerIcon />
        </PanelButton>
        <Volume />
      </div>
    </section>
  );
}

/** The heart and the song's menu (add to a playlist, go to the album), for the song playing. */
function NowPlayingActions({ song }: { song: Song }) {
  const likes = useLikes();
  const menu = useMenu(() => songMenuItems(song).filter((i) => !("label" in i) || i.label !== "Play next"));
  return (
    <div className="np-actions">
      {likes.enabled ? (
        <LikeButton
          liked={likes.songs.has(song.id)}
          title={song.title}
          onToggle={() => likes.toggleSong(song)}
        />
      ) : null}
      <MoreButton label={`More for ${song.title}`} menu={menu} className="np-more" />
    </div>
  );
}

function Transport({ disabled }: { disabled: boolean }) {
  const playing = usePlayer((s) => s.playing);
  const buffering = usePlayer((s) => s.buffering);
  const shuffle = usePlayer((s) => s.queue.original !== null);
  const repeat = usePlayer((s) => s.queue.repeat);
  return (
    <div className="transport">
      <button
        type="button"
        className={`icon-button toggle${shuffle ? " on" : ""}`}
        aria-label="Shuffle"
        aria-pressed={shuffle}
        title={shuffle ? "Shuffle is on" : "Shuffle"}
        onClick={() => player.toggleShuffle()}
      >
        <ShuffleIcon />
      </button>
      <button
        type="button"
        className="icon-button"
        aria-label="Previous"
        title="Previous (Shift+←)"
        disabled={disabled}
        onClick={() => player.previous()}
      >
        <PreviousIcon size={20} />
      </button>
      <button
        type="button"
        className={`play-button${buffering && playing ? " buffering" : ""}`}
        aria-label={playing ? "Pause" : "Play"}
        title={playing ? "Pause (Space)" : "Play (Space)"}
        disabled={disabled}
        onClick={() => player.toggle()}
        data-testid="play-pause"
      >
        {playing ? <PauseIcon size={20} /> : <PlayIcon size={20} />}
      </button>
      <button
        type="button"
        className="icon-button"
        aria-label="Next"
        title="Next (Shift+→)"
        disabled={disabled}
        onClick={() => player.next()}
      >
        <NextIcon size={20} />
      </button>
      <button
        type="button"
        className={`icon-button toggle${repeat !== "off" ? " on" : ""}`}
        aria-label={repeatLabels[repeat]}
        aria-pressed={repeat !== "off"}
        title={repeatLabels[repeat]}
        data-repeat={repeat}
        onClick={() => player.cycleRepeat()}
      >
        <RepeatIcon one={repeat === "one"} />
      </button>
    </div>
  );
}

function SeekBar({ disabled }: { disabled: boolean }) {
  const position = usePlayer((s) => s.position);
  const duration = usePlayer((s) => s.duration);
  const seek = useSeek(position, (seconds) => player.seek(seconds));
  return (
    <div className="seek">
      <span className="time" data-testid="elapsed">
        {formatTime(seek.shown)}
      </span>
      <SeekInput seek={seek} duration={duration} disabled={disabled} />
      <span className="time" data-testid="duration">
        {formatTime(duration)}
      </span>
    </div>
  );
}

function Volume() {
  const volume = usePlayer((s) => s.volume);
  const muted = usePlayer((s) => s.muted);
  const level = muted || volume === 0 ? "mute" : volume < 0.5 ? "low" : "high";
  const shown = muted ? 0 : volume;
  return (
    <div
      className="volume"
      onWheel={(e) => {
        // Scrolling over the volume nudges it, like a knob.
        if (e.deltaY) player.volumeBy(e.deltaY < 0 ? 0.05 : -0.05);
      }}
    >
      <button
        type="button"
        className="icon-button"
        aria-label={muted ? "Unmute" : "Mute"}
        title={muted ? "Unmute (M)" : "Mute (M)"}
        onClick={() => player.toggleMute()}
      >
        <VolumeIcon level={level} />
      </button>
      <input
        type="range"
        className="range"
        aria-label="Volume"
        min={0}
        max={1}
        step={0.01}
        value={shown}
        aria-valuetext={`${Math.round(shown * 100)}%`}
        style={{ "--fill": `${shown * 100}%` } as CSSProperties}
        onChange={(e) => player.setVolume(Number(e.target.value))}
      />
    </div>
  );
}

function PanelButton({
  panel,
  label,
  disabled,
  children,
}: {
  panel: Panel;
  label: string;
  disabled?: boolean;
  children: ReactNode;
}) {
  const open = usePlayer((s) => s.panel === panel);
  const key = panel === "lyrics" ? " (L)" : panel === "queue" ? " (Q)" : "";
  return (
    <button
      type="button"
      className={`icon-button toggle${open ? " on" : ""}`}
      aria-label={label}
      aria-pressed={open}
      title={`${label}${key}`}
      disabled={disabled}
      onClick={() => player.togglePanel(panel)}
      data-testid={`toggle-${panel}`}
    >
      {children}
    </button>
  );
}
