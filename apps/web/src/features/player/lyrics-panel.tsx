import type { SyncedLine } from "@chorus/contracts";
import { type ReactNode, useEffect, useRef, useState } from "react";
import { ErrorState, isNotFound } from "../../components/states";
import { trpc } from "../../lib/trpc";
import { currentLineIndex } from "./lyrics";
import { livePosition, player, useCurrentSong } from "./player";
import { PanelFrame } from "./queue-panel";

/** A line lights up a touch early: the eye reads ahead of the ear. */
const LEAD_MS = 150;
/** After the listener scrolls the lyrics, they stop following the song for this long. */
const FOLLOW_PAUSE_MS = 4000;

export function LyricsPanel() {
  const song = useCurrentSong();
  const lyrics = trpc.lyrics.get.useQuery(
    { songId: song?.id ?? "" },
    {
      enabled: Boolean(song?.hasLyrics),
      staleTime: 10 * 60_000,
      retry: (count, err) => !isNotFound(err) && count < 1,
    },
  );

  let body: ReactNode;
  if (!song) {
    body = <Empty title="Nothing playing" detail="Play a song to see its lyrics here." />;
  } else if (!song.hasLyrics || (lyrics.isError && isNotFound(lyrics.error))) {
    body = <Empty title="No lyrics for this song" detail="When lyrics are added, they show up here." />;
  } else if (lyrics.isPending) {
    body = (
      <div className="lyrics-skeleton" aria-busy="true">
        <span className="visually-hidden">Loading lyrics…</span>
        {[70, 55, 80, 45, 65, 75].map((w) => (
          <span key={w} className="shimmer" style={{ width: `${w}%`, height: 22 }} />
        ))}
      </div>
    );
  } else if (lyrics.isError) {
    body = (
      <ErrorState
        title="The lyrics did not load."
        error={lyrics.error}
        onRetry={() => void lyrics.refetch()}
      />
    );
  } else if (lyrics.data.synced?.length) {
    body = <SyncedLyrics key={song.id} lines={lyrics.data.synced} />;
  } else if (lyrics.data.plain) {
    body = (
      <div className="lyrics-plain" data-testid="lyrics-plain">
        {lyrics.data.plain.split(/\n{2,}/).map((stanza, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: stanzas are only text, in a fixed order
          <p key={i}>{stanza}</p>
        ))}
      </div>
    );
  } else {
    body = <Empty title="No lyrics for this song" detail="When lyrics are added, they show up here." />;
  }

  return (
    <PanelFrame title="Lyrics" className="lyrics-panel">
      {song ? (
        <p className="lyrics-song muted small">
          {song.title} · {song.artists.map((a) => a.name).join(", ")}
        </p>
      ) : null}
      {body}
    </PanelFrame>
  );
}

function Empty({ title, detail }: { title: string; detail: string }) {
  return (
    <div className="panel-empty" data-testid="lyrics-empty">
      <strong>{title}</strong>
      <p className="muted small">{detail}</p>
    </div>
  );
}

/** Lines that follow the song: the current one lit and kept in the middle; a click seeks to a line. */
function SyncedLyrics({ lines }: { lines: SyncedLine[] }) {
  const [active, setActive] = useState(() => currentLineIndex(lines, livePosition() * 1000 + LEAD_MS));
  const boxRef = useRef<HTMLDivElement>(null);
  const userScrolledAt = useRef(0);
  const [following, setFollowing] = useState(true);

  // The position is read from the audio element every frame; React hears only of line changes.
  useEffect(() => {
    let frame = 0;
    let last = -2;
    const tick = () => {
      const i = currentLineIndex(lines, livePosition() * 1000 + LEAD_MS);
      if (i !== last) {
        last = i;
        setActive(i);
      }
      if (!following && Date.now() - userScrolledAt.current > FOLLOW_PAUSE_MS) setFollowing(true);
      frame = requestAnimationFrame(tick);
    };
    frame = requestAnimationFrame(tick);
    return () => cancelAnimationFrame(frame);
  }, [lines, following]);

  useEffect(() => {
    if (!following) return;
    const box = boxRef.current;
    const line = box?.querySelector<HTMLElement>(`[data-line="${Math.max(0, active)}"]`);
    if (!box || !line) return;
    const top = line.offsetTop - box.clientHeight / 2 + line.clientHeight / 2;
    const reduce = matchMedia("(prefers-reduced-motion: reduce)").matches;
    box.scrollTo({ top: Math.max(0, top), behavior: reduce ? "auto" : "smooth" });
  }, [active, following]);

  function onUserScroll() {
    userScrolledAt.current = Date.now();
    setFollowing(false);
  }

  return (
    <div className="lyrics-wrap">
      <div
        className="lyrics-synced"
        ref={boxRef}
        onWheel={onUserScroll}
        onTouchMove={onUserScroll}
        data-testid="lyrics-synced"
      >
        {lines.map((line, i) => (
          <button
            // biome-ignore lint/suspicious/noArrayIndexKey: a song can repeat a line at other times
            key={`${line.ms}-${i}`}
            type="button"
            data-line={i}
            className={`lyric-line${i === active ? " active" : i < active ? " past" : ""}`}
            aria-current={i === active ? "true" : undefined}
            onClick={() => {
              player.seek(line.ms / 1000);
              player.play();
              userScrolledAt.current = 0;
              setFollowing(true);
            }}
          >
            {line.text.trim() || "♪"}
          </button>
        ))}
      </div>
      {following ? null : (
        <button
          type="button"
          className="small follow-button"
          onClick={() => {
            userScrolledAt.current = 0;
            setFollowing(true);
          }}
        >
          Back to the current line
        </button>
      )}
    </div>
  );
}
