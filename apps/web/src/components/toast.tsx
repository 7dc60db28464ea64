import { useSyncExternalStore } from "react";
import { Link } from "react-router";

/** Short confirmations ("Added to the queue") that fade after a few seconds. */
interface Toast {
  id: number;
  message: string;
  /** A link to where the thing now is ("Added to Road trip" → the playlist). */
  action?: { label: string; to: string } | undefined;
}

let toasts: Toast[] = [];
let nextId = 1;
const listeners = new Set<() => void>();

function emit(next: Toast[]) {
  toasts = next;
  for (const l of listeners) l();
}

export function toast(
  message: string,
  options: number | { ms?: number; action?: { label: string; to: string } } = {},
) {
  const { ms, action } = typeof options === "number" ? { ms: options, action: undefined } : options;
  const id = nextId++;
  // The newest three at most: a burst of "add to queue" clicks should not wall off the page.
  emit([...toasts.slice(-2), { id, message, action }]);
  // One with a link stays long enough to reach it.
  setTimeout(() => emit(toasts.filter((t) => t.id !== id)), ms ?? (action ? 6000 : 3500));
}

function dismiss(id: number) {
  emit(toasts.filter((t) => t.id !== id));
}

const store = {
  get: () => toasts,
  subscribe(l: () => void) {
    listeners.add(l);
    return () => void listeners.delete(l);
  },
};

export function Toasts() {
  const list = useSyncExternalStore(store.subscribe, store.get);
  return (
    <div className="toasts" aria-live="polite">
      {list.map((t) => (
        <div key={t.id} className={`toast${t.action ? " with-action" : ""}`}>
          <span>{t.message}</span>
          {t.action ? (
            <Link to={t.action.to} className="toast-action" onClick={() => dismiss(t.id)}>
              {t.action.label}
            </Link>
          ) : null}
        </div>
      ))}
    </div>
  );
}
