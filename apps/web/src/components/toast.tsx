import { useSyncExternalStore } from "react";

/** Short confirmations ("Added to the queue") that fade after a few seconds. */
interface Toast {
  id: number;
  message: string;
}

let toasts: Toast[] = [];
let nextId = 1;
const listeners = new Set<() => void>();

function emit(next: Toast[]) {
  toasts = next;
  for (const l of listeners) l();
}

export function toast(message: string, ms = 3500) {
  const id = nextId++;
  // The newest three at most: a burst of "add to queue" clicks should not wall off the page.
  emit([...toasts.slice(-2), { id, message }]);
  setTimeout(() => emit(toasts.filter((t) => t.id !== id)), ms);
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
        <div key={t.id} className="toast">
          {t.message}
        </div>
      ))}
    </div>
  );
}
