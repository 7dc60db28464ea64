import type { Song } from "@chorus/contracts";
import {
  type CSSProperties,
  type KeyboardEvent,
  type PointerEvent,
  type ReactNode,
  useRef,
  useState,
} from "react";
import { Cover } from "../../components/cover";
import { ArrowDownIcon, ArrowUpIcon, CloseIcon, DragIcon, PlayingBars } from "../../components/icons";
import { formatTime, formatTotal, plural } from "../format";
import { player, usePlayer } from "./player";
import { current, type Entry, upcoming } from "./queue";

/** The side panel's frame: a title, its actions, a close button. */
export function PanelFrame({
  title,
  actions,
  children,
  className = "",
}: {
  title: string;
  actions?: ReactNode;
  children: ReactNode;
  className?: string;
}) {
  return (
    <aside className={`side-panel ${className}`} aria-label={title} data-testid="side-panel">
      <header className="panel-head">
        <h2>{title}</h2>
        <div className="panel-actions">
          {actions}
          <button
            type="button"
            className="icon-button"
            aria-label={`Close ${title.toLowerCase()}`}
            onClick={() => player.closePanel()}
          >
            <CloseIcon />
          </button>
        </div>
      </header>
      <div className="panel-body">{children}</div>
    </aside>
  );
}

export function QueuePanel() {
  const queue = usePlayer((s) => s.queue);
  const songs = usePlayer((s) => s.songs);
  const restoring = usePlayer((s) => s.restoring);
  const playing = usePlayer((s) => s.playing);
  const now = current(queue);
  const next = upcoming(queue);
  const nextMs = next.reduce((sum, e) => sum + (songs.get(e.songId)?.durationMs ?? 0), 0);

  return (
    <PanelFrame
      title="Queue"
      actions={
        next.length ? (
          <button type="button" className="ghost small" onClick={() => player.clearUpcoming()}>
            Clear
          </button>
        ) : null
      }
    >
      {restoring ? (
        <p className="muted panel-note">Bringing back your queue…</p>
      ) : !now ? (
        <div className="panel-empty">
          <strong>Your queue is empty</strong>
          <p className="muted small">Play an album, or choose “Add to queue” from any song’s ⋯ menu.</p>
        </div>
      ) : (
        <>
          <h3 className="panel-section">Now playing</h3>
          <ol className="queue-list" aria-label="Now playing">
            <QueueRow entry={now} song={songs.get(now.songId)} isCurrent playing={playing} />
          </ol>
          <div className="panel-section-row">
            <h3 className="panel-section">Next up</h3>
            {next.length ? (
              <span className="muted small">
                {plural(next.length, "song")} · {formatTotal(nextMs)}
                {queue.original ? " · shuffled" : ""}
              </span>
            ) : null}
          </div>
          {next.length ? (
            <UpNext entries={next} base={queue.index + 1} songs={songs} />
          ) : (
            <p className="muted small panel-note">
              Nothing up next{queue.repeat === "all" ? ": the queue starts over" : ""}. Add songs with “Add to
              queue” or “Play next”.
            </p>
          )}
        </>
      )}
    </PanelFrame>
  );
}

interface Drag {
  from: number;
  to: number;
  dy: number;
  /** Distance between two rows' tops. */
  step: number;
}

/** The upcoming songs: drag by the handle (or arrow keys on it, or the ↑/↓ buttons) to reorder. */
function UpNext({
  entries,
  base,
  songs,
}: {
  entries: Entry[];
  /** The play-order index of the first entry here. */
  base: number;
  songs: ReadonlyMap<string, Song>;
}) {
  const listRef = useRef<HTMLOListElement>(null);
  const start = useRef<{ y: number; mids: number[]; top: number; height: number } | null>(null);
  const [drag, setDrag] = useState<Drag | null>(null);

  function onDown(e: PointerEvent<HTMLButtonElement>, i: number) {
    if (e.button !== 0) return;
    e.preventDefault();
    e.currentTarget.setPointerCapture(e.pointerId);
    const rows = [...(listRef.current?.children ?? [])] as HTMLElement[];
    const rects = rows.map((r) => r.getBoundingClientRect());
    const self = rects[i]!;
    start.current = {
      y: e.clientY,
      mids: rects.map((r) => r.top + r.height / 2),
      top: self.top,
      height: self.height,
    };
    const step = rects.length > 1 ? rects[1]!.top - rects[0]!.top : self.height;
    setDrag({ from: i, to: i, dy: 0, step });
  }

  function onMove(e: PointerEvent<HTMLButtonElement>) {
    const s = start.current;
    if (!drag || !s) return;
    const dy = e.clientY - s.y;
    const center = s.top + s.height / 2 + dy;
    // The new place: how many of the other rows the dragged row's middle has passed.
    const to = s.mids.filter((m, j) => j !== drag.from && m < center).length;
    setDrag({ ...drag, dy, to });
  }

  function onUp() {
    if (drag && drag.to !== drag.from) player.move(base + drag.from, base + drag.to);
    start.current = null;
    setDrag(null);
  }

  function onKey(e: KeyboardEvent<HTMLButtonElement>, i: number) {
    if (e.key === "ArrowUp" && i > 0) player.move(base + i, base + i - 1);
    else if (e.key === "ArrowDown" && i < entries.length - 1) player.move(base + i, base + i + 1);
    else return;
    e.preventDefault();
    e.stopPropagation();
  }

  function shift(i: number): number {
    if (!drag) return 0;
    if (i === drag.from) return drag.dy;
    if (drag.from < drag.to && i > drag.from && i <= drag.to) return -drag.step;
    if (drag.to < drag.from && i >= drag.to && i < drag.from) return drag.step;
    return 0;
  }

  return (
    <ol
      className={`queue-list${drag ? " dragging" : ""}`}
      ref={listRef}
      aria-label="Next up"
      data-testid="up-next"
    >
      {entries.map((entry, i) => {
        const song = songs.get(entry.songId);
        const title = song?.title ?? "song";
        return (
          <QueueRow
            key={entry.key}
            entry={entry}
            song={song}
            style={{ transform: shift(i) ? `translateY(${shift(i)}px)` : undefined }}
            lifted={drag?.from === i}
            onPlay={() => player.jumpTo(base + i)}
            handle={
              <button
                type="button"
                className="icon-button drag-handle"
                aria-label={`Reorder ${title} (arrow keys)`}
                onPointerDown={(e) => onDown(e, i)}
                onPointerMove={onMove}
                onPointerUp={onUp}
                onPointerCancel={onUp}
                onKeyDown={(e) => onKey(e, i)}
                onClick={(e) => e.stopPropagation()}
              >
                <DragIcon size={16} />
              </button>
            }
            actions={
              <>
                <button
                  type="button"
                  className="icon-button"
                  aria-label={`Move ${title} up`}
                  disabled={i === 0}
                  onClick={(e) => {
                    e.stopPropagation();
                    player.move(base + i, base + i - 1);
                  }}
                >
                  <ArrowUpIcon size={16} />
                </button>
                <button
                  type="button"
                  className="icon-button"
                  aria-label={`Move ${title} down`}
                  disabled={i === entries.length - 1}
                  onClick={(e) => {
                    e.stopPropagation();
                    player.move(base + i, base + i + 1);
                  }}
                >
                  <ArrowDownIcon size={16} />
                </button>
                <button
                  type="button"
                  className="icon-button"
                  aria-label={`Remove ${title} from the queue`}
                  onClick={(e) => {
                    e.stopPropagation();
                    player.remove(base + i);
                  }}
                >
                  <CloseIcon size={16} />
                </button>
              </>
            }
          />
        );
      })}
    </ol>
  );
}

function QueueRow({
  entry,
  song,
  isCurrent = false,
  playing = false,
  handle,
  actions,
  onPlay,
  style,
  lifted = false,
}: {
  entry: Entry;
  song: Song | undefined;
  isCurrent?: boolean;
  playing?: boolean;
  handle?: ReactNode;
  actions?: ReactNode;
  onPlay?: () => void;
  style?: CSSProperties;
  lifted?: boolean;
}) {
  return (
    <li
      className={`queue-row${isCurrent ? " current" : ""}${lifted ? " lifted" : ""}`}
      style={style}
      data-testid="queue-row"
      data-song-id={entry.songId}
      aria-current={isCurrent ? "true" : undefined}
    >
      {handle}
      <button
        type="button"
        className="queue-main"
        onClick={onPlay}
        disabled={!onPlay}
        aria-label={song ? `Play ${song.title}` : "Loading"}
      >
        <span className="queue-art">
          <Cover
            src={song?.coverUrl ?? song?.album?.coverUrl}
            title={song?.album?.title ?? song?.title ?? ""}
            seed={song?.album?.id ?? entry.songId}
            size={40}
          />
          {isCurrent ? (
            <span className="queue-art-overlay">
              <PlayingBars playing={playing} />
            </span>
          ) : null}
        </span>
        <span className="song-text">
          <span className="song-title" data-testid="queue-title">
            {song?.title ?? "…"}
          </span>
          <span className="song-artists">{song?.artists.map((a) => a.name).join(", ")}</span>
        </span>
      </button>
      <span className="queue-time">{song ? formatTime(song.durationMs / 1000) : ""}</span>
      {actions ? <span className="queue-actions">{actions}</span> : null}
    </li>
  );
}
