import { useEffect } from "react";
import { player, playerStore } from "./player";

/** Where typing must not turn into commands. */
const TEXT_ENTRY = 'input, textarea, select, [contenteditable=""], [contenteditable="true"]';
/** A drag handle (dnd-kit): Space picks the row up and the arrows move it, not the music. */
const SORTABLE = '[aria-roledescription="sortable"]';
/** Controls Space (and arrows) belong to when a keyboard user is on them. */
const CONTROLS =
  'button, a[href], summary, [role="button"], [role="menuitem"], [role="tab"], [role="switch"]';

/** Whether a key press lands where typing goes (a text box), not on the page. */
export function isTextEntry(target: EventTarget | null): boolean {
  return target instanceof Element && target.closest(TEXT_ENTRY) !== null;
}

/**
 * Space play/pause, ←/→ seek 5 s, Shift+←/→ previous/next, ↑/↓ volume, M mute, L lyrics, Q queue,
 * Escape closes the side panel. (`/` goes to the search box: features/search/search-shortcut.ts.)
 * Not while typing, and not with Ctrl/⌘/Alt (those are the browser's).
 */
export function handleShortcut(e: KeyboardEvent): boolean {
  if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || e.isComposing) return false;
  const target = e.target instanceof Element ? e.target : null;
  if (target?.closest(TEXT_ENTRY) || target?.closest(SORTABLE)) return false;
  // A button reached by keyboard keeps Space for itself; one just clicked with the mouse does not
  // (people click play, then reach for the space bar).
  const keyboardOnControl = focusedByKeyboard && target?.closest(CONTROLS) != null;
  switch (e.key) {
    case " ":
    case "Spacebar":
      if (keyboardOnControl) return false;
      player.toggle();
      return true;
    case "ArrowLeft":
      if (e.shiftKey) player.previous();
      else player.seekBy(-5);
      return true;
    case "ArrowRight":
      if (e.shiftKey) player.next();
      else player.seekBy(5);
      return true;
    case "ArrowUp":
      player.volumeBy(0.05);
      return true;
    case "ArrowDown":
      player.volumeBy(-0.05);
      return true;
    case "m":
    case "M":
      player.toggleMute();
      return true;
    case "l":
    case "L":
      player.togglePanel("lyrics");
      return true;
    case "q":
    case "Q":
      player.togglePanel("queue");
      return true;
    case "Escape":
      if (playerStore.get().panel === null) return false;
      player.closePanel();
      return true;
    default:
      return false;
  }
}

/**
 * How the focused element got its focus. `:focus-visible` cannot tell: Chrome turns it on for a
 * clicked button as soon as a key is pressed.
 */
let focusedByKeyboard = false;
let lastInput: "keyboard" | "pointer" = "pointer";

export function usePlayerShortcuts() {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (handleShortcut(e)) e.preventDefault();
      lastInput = "keyboard";
    };
    const onPointer = () => {
      lastInput = "pointer";
    };
    const onFocus = () => {
      focusedByKeyboard = lastInput === "keyboard";
    };
    document.addEventListener("keydown", onKey);
    document.addEventListener("pointerdown", onPointer, true);
    document.addEventListener("focusin", onFocus, true);
    return () => {
      document.removeEventListener("keydown", onKey);
      document.removeEventListener("pointerdown", onPointer, true);
      document.removeEventListener("focusin", onFocus, true);
    };
  }, []);
}
