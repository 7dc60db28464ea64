import { useEffect, useState } from "react";
import { Cover } from "../../components/cover";
import { NextIcon, PauseIcon, PlayIcon, PreviousIcon } from "../../components/icons";
import { trpc } from "../../lib/trpc";
import { formatTime } from "../format";
import { ArtistLinks } from "../library/song-list";
import { fillPercent, SeekInput, useSeek } from "../player/seek-input";
import { type ActiveSession, sessionRoomStore } from "./active-session";
import { canControl, currentItem, type Room } from "./room";
import { controlSession } from "./session-actions";
import { expectedPositionMs, localNow } from "./sync";

/** The room's position (ms), moved on a few times a second while it plays. */
function useRoomPosition(room: Room, offsetMs: number, durationMs: number): number {
  const compute = () => expectedPositionMs(room.state, localNow() + offsetMs, durationMs);
  const [pos, setPos] = useState(compute);
  // biome-ignore lint/correctness/useExhaustiveDependencies: compute reads exactly these
  useEffect(() => {
    setPos(compute());
    if (!room.state.playing) return;
    const timer = setInterval(() => setPos(compute()), 250);
    return () => clearInterval(timer);
  }, [room.state, offsetMs, durationMs]);
  return pos;
}

/** What the room plays, where it is, and (for the host and djs) the controls. */
export function NowPlaying({ active, room }: { active: ActiveSession; room: Room }) {
  const utils = trpc.useUtils();
  const item = currentItem(room.state);
  const song = item ? room.songs.get(item.songId) : undefined;
  const durationMs = song?.durationMs ?? 0;
  const position = useRoomPosition(room, active.clock?.offsetMs ?? 0, durationMs);
  const controls = canControl(room.me.role) && !room.ended;
  // A seek asked for (keys, or a click on the bar): shown until the room's state answers, so the
  // bar does not jump back meanwhile (and report the old place as another change).
  const [asked, setAsked] = useState<number | null>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new state answers the seek
  useEffect(() => setAsked(null), [room.state]);
  const duration = durationMs / 1000;
  const { code } = room.session;
  const send = (action: "play" | "pause" | "next" | "previous") =>
    void controlSession(utils.client, code, action);

  function seekTo(seconds: number) {
    if (seconds === asked) return;
    setAsked(seconds);
    void controlSession(utils.client, code, "seek", { positionMs: Math.round(seconds * 1000) }).then(
      (ok) => ok || setAsked(null),
    );
  }

  const seek = useSeek(asked ?? position / 1000, seekTo);
  const shown = seek.shown;

  return (
    <section className="card room-now" aria-label="Now playing" data-testid="session-now-playing">
      {song ? (
        <div className="room-song">
          <Cover
            src={song.coverUrl ?? song.album?.coverUrl}
            title={song.album?.title ?? song.title}
            seed={song.album?.id ?? song.id}
            className="room-cover"
            eager
          />
          <div className="room-song-text">
            <span className="eyebrow">{room.state.playing ? "Playing now" : "Paused"}</span>
            <strong className="room-song-title" data-testid="session-song-title">
              {song.title}
            </strong>
            <span className="muted">
              <ArtistLinks artists={song.artists} />
            </span>
          </div>
        </div>
      ) : (
        <div className="room-song empty">
          <span className="cover room-cover np-empty" aria-hidden="true" />
          <div className="room-song-text">
            <strong>Nothing playing yet</strong>
            <span className="muted">
              {controls
                ? "Add songs to the queue below, then press play."
                : "The music starts when the host plays something."}
            </span>
          </div>
        </div>
      )}

      <div className="seek room-seek">
        <span className="time" data-testid="session-elapsed">
          {formatTime(shown)}
        </span>
        {controls ? (
          <SeekInput seek={seek} duration={duration} disabled={!song} testId="session-seek" />
        ) : (
          <div
            className="progress"
            role="progressbar"
            aria-label="Position"
            aria-valuemin={0}
            aria-valuemax={Math.round(duration)}
            aria-valuenow={Math.round(shown)}
            aria-valuetext={`${formatTime(shown)} of ${formatTime(duration)}`}
          >
            <span style={{ width: `${fillPercent(shown, duration)}%` }} />
          </div>
        )}
        <span className="time">{formatTime(duration)}</span>
      </div>

      <div className="room-transport">
        {controls ? (
          <div className="transport">
            <button
              type="button"
              className="icon-button"
              aria-label="Previous for everyone"
              disabled={!song}
              onClick={() => send("previous")}
            >
              <PreviousIcon size={20} />
            </button>
            <button
              type="button"
              className="play-button"
              aria-label={room.state.playing ? "Pause for everyone" : "Play for everyone"}
              disabled={!song && room.state.queue.length === 0}
              onClick={() => send(room.state.playing ? "pause" : "play")}
              data-testid="session-play"
            >
              {room.state.playing ? <PauseIcon size={20} /> : <PlayIcon size={20} />}
            </button>
            <button
              type="button"
              className="icon-button"
              aria-label="Next for everyone"
              disabled={room.state.queue.length === 0}
              onClick={() => send("next")}
            >
              <NextIcon size={20} />
            </button>
          </div>
        ) : (
          <span className="muted small">The host and DJs choose the music; you hear it in sync.</span>
        )}
        <ListeningState active={active} room={room} />
      </div>
    </section>
  );
}

/** Whether this device's audio follows the room, and the click it needs when the browser said no. */
function ListeningState({ active, room }: { active: ActiveSession; room: Room }) {
  if (room.ended || !room.state.currentItemId) return null;
  const code = room.session.code;
  if (active.audio === "following") {
    if (canControl(room.me.role)) return null;
    return (
      <button
        type="button"
        className="ghost small"
        onClick={() => sessionRoomStore.update(code, { audio: "paused" })}
        data-testid="pause-here"
      >
        Pause here
      </button>
    );
  }
  const message =
    active.audio === "blocked"
      ? "Your browser needs a click before it plays sound."
      : active.audio === "released"
        ? "You are playing your own music."
        : "Paused on this device; the room plays on.";
  return (
    <div className="listen-prompt" role="status">
      <span className="muted small">{message}</span>
      <button
        type="button"
        className="primary small"
        onClick={() => sessionRoomStore.update(code, { audio: "following" })}
        data-testid="start-listening"
      >
        <PlayIcon size={14} /> Start listening
      </button>
    </div>
  );
}
