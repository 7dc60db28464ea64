import { useEffect } from "react";
import { useNavigate } from "react-router";
import { isTextEntry } from "../player/shortcuts";

/**
 * Puts the cursor in the search box on screen (the sidebar's, or the search page's on a phone) with
 * its text selected, so typing replaces it. False when none is on screen.
 */
export function focusSearchBox(): boolean {
  const box = [...document.querySelectorAll<HTMLInputElement>("input[data-search-box]")].find(
    (el) => el.offsetParent !== null,
  );
  if (!box) return false;
  box.focus();
  box.select();
  return true;
}

/** `/` goes to the search box from anywhere, as on most sites; not while typing, nor over a dialog. */
export function useSearchShortcut() {
  const navigate = useNavigate();
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== "/" || e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || e.isComposing) return;
      if (isTextEntry(e.target) || document.querySelector("dialog[open]")) return;
      e.preventDefault();
      // A phone with a keyboard: its search box is on the search page.
      if (!focusSearchBox()) navigate("/search");
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [navigate]);
}
