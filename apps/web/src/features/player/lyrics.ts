import type { SyncedLine } from "@chorus/contracts";

/**
 * The line being sung at `ms`: the last one that has started, or -1 before the first. Lines are in
 * time order (the contract says so); a binary search keeps this cheap at 60 frames a second.
 */
export function currentLineIndex(lines: readonly SyncedLine[], ms: number): number {
  let lo = 0;
  let hi = lines.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (lines[mid]!.ms <= ms) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return found;
}
