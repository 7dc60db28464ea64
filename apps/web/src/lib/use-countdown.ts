import { useCallback, useEffect, useState } from "react";

/** Whole seconds left until `deadline` (a Date.now() value), ticking; 0 once passed or when null. */
export function useSecondsUntil(deadline: number | null): number {
  // The state only makes the component render again; the time is read fresh on each render.
  const [, setTick] = useState(0);
  useEffect(() => {
    if (deadline === null) return;
    const timer = setInterval(() => {
      setTick((n) => n + 1);
      if (Date.now() >= deadline) clearInterval(timer);
    }, 250);
    return () => clearInterval(timer);
  }, [deadline]);
  return deadline === null ? 0 : Math.max(0, Math.ceil((deadline - Date.now()) / 1000));
}

/**
 * Counts `seconds` down from when it (or `key`, e.g. the error object it came with) last changed.
 */
export function useCountdown(seconds: number | null, key?: unknown): number {
  const [state, setState] = useState(() => ({ seconds, key, deadline: deadlineIn(seconds) }));
  let deadline = state.deadline;
  if (state.seconds !== seconds || state.key !== key) {
    // Derived state, updated during render so the first frame already shows the right number.
    deadline = deadlineIn(seconds);
    setState({ seconds, key, deadline });
  }
  return useSecondsUntil(deadline);
}

/** A resend timer: `start(60)` disables the button for a minute. */
export function useCooldown(initialSeconds = 0): [remaining: number, start: (seconds: number) => void] {
  const [deadline, setDeadline] = useState(() => deadlineIn(initialSeconds));
  const start = useCallback((seconds: number) => setDeadline(deadlineIn(seconds)), []);
  return [useSecondsUntil(deadline), start];
}

function deadlineIn(seconds: number | null): number | null {
  return seconds && seconds > 0 ? Date.now() + seconds * 1000 : null;
}
