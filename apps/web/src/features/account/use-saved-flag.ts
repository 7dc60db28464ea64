import { useCallback, useEffect, useRef, useState } from "react";

/** A "Saved" confirmation that shows for a few seconds after each save. */
export function useSavedFlag(ms = 3000): [saved: boolean, flash: () => void] {
  const [saved, setSaved] = useState(false);
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);
  const flash = useCallback(() => {
    setSaved(true);
    clearTimeout(timer.current);
    timer.current = setTimeout(() => setSaved(false), ms);
  }, [ms]);
  return [saved, flash];
}
