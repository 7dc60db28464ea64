/**
 * The option an arrow key moves to in a list of `count` options. -1 is the text box itself: ↓ past
 * the last option comes back to what was typed, and ↑ from the text box goes to the last option,
 * as in a browser's address bar.
 */
export function moveActive(active: number, key: "ArrowDown" | "ArrowUp", count: number): number {
  if (count <= 0) return -1;
  // The list may have shrunk under a highlighted option (new suggestions came in).
  const at = Math.min(active, count - 1);
  switch (key) {
    case "ArrowDown":
      return at === count - 1 ? -1 : Math.max(0, at + 1);
    case "ArrowUp":
      return at <= -1 ? count - 1 : at - 1;
  }
}
