import { type CSSProperties, type PointerEvent, useState } from "react";
import { formatTime } from "../format";

export interface Seek {
  /** Where the bar shows the song: the held thumb while dragging, else the position given. */
  shown: number;
  drag: number | null;
  setDrag(value: number | null): void;
  onSeek(seconds: number): void;
}

/** A seek bar's state: while the thumb is held the bar follows the pointer, and it seeks on release. */
export function useSeek(position: number, onSeek: (seconds: number) => void): Seek {
  const [drag, setDrag] = useState<number | null>(null);
  return { shown: drag ?? position, drag, setDrag, onSeek };
}

export const fillPercent = (shown: number, duration: number) =>
  duration > 0 ? Math.min(100, (shown / duration) * 100) : 0;

/** The range input of a seek bar (the player's and a session room's). */
export function SeekInput({
  seek,
  duration,
  disabled,
  testId,
}: {
  seek: Seek;
  duration: number;
  disabled: boolean;
  testId?: string;
}) {
  const { shown, drag, setDrag, onSeek } = seek;
  function endDrag(e: { currentTarget: HTMLInputElement }) {
    if (drag === null) return;
    setDrag(null);
    onSeek(Number(e.currentTarget.value));
  }
  return (
    <input
      type="range"
      className="range"
      aria-label="Seek"
      min={0}
      max={duration || 1}
      step={0.1}
      value={Math.min(shown, duration || 1)}
      disabled={disabled}
      aria-valuetext={`${formatTime(shown)} of ${formatTime(duration)}`}
      style={{ "--fill": `${fillPercent(shown, duration)}%` } as CSSProperties}
      data-testid={testId}
      onPointerDown={(e: PointerEvent<HTMLInputElement>) => {
        // Held by the thumb until release, wherever the pointer goes meanwhile.
        e.currentTarget.setPointerCapture(e.pointerId);
        setDrag(Number(e.currentTarget.value));
      }}
      onPointerUp={endDrag}
      onBlur={endDrag}
      onPointerCancel={() => setDrag(null)}
      onChange={(e) => {
        const v = Number(e.target.value);
        if (drag !== null) setDrag(v);
        else onSeek(v);
      }}
    />
  );
}
