export type ThemePreference = "dark" | "light" | "system";

// The theme is not a secret: this device remembers the last one so the next visit starts in it
// (the account's setting takes over as soon as it has loaded).
const STORAGE_KEY = "chorus-theme";
const lightQuery = typeof matchMedia === "function" ? matchMedia("(prefers-color-scheme: light)") : null;
let preference: ThemePreference = readStored();

function readStored(): ThemePreference {
  try {
    const v = localStorage.getItem(STORAGE_KEY);
    return v === "light" || v === "system" || v === "dark" ? v : "dark";
  } catch {
    return "dark";
  }
}

function render() {
  const resolved = preference === "system" ? (lightQuery?.matches ? "light" : "dark") : preference;
  document.documentElement.dataset.theme = resolved;
  document
    .querySelector('meta[name="theme-color"]')
    ?.setAttribute("content", resolved === "light" ? "#f6f6f8" : "#121214");
}

/** Shows the theme now; `remember` also keeps it for the next visit on this device. */
export function applyTheme(next: ThemePreference, { remember = true } = {}) {
  preference = next;
  if (remember) {
    try {
      localStorage.setItem(STORAGE_KEY, next);
    } catch {
      // Storage can be off (private windows): the theme still applies for this visit.
    }
  }
  render();
}

export function initTheme() {
  render();
  lightQuery?.addEventListener("change", () => {
    if (preference === "system") render();
  });
}
