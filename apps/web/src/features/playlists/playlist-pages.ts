import type { PlaylistDetail, PlaylistItem } from "@chorus/contracts";

/**
 * A playlist as loaded so far: pages of `playlist.get`, each carrying the header and up to 100
 * items. These pure functions apply an edit to them before the server confirms it (optimistic), so
 * the list moves under the pointer at once.
 */
export type Pages = readonly PlaylistDetail[];

export function loadedItems(pages: Pages): PlaylistItem[] {
  return pages.flatMap((p) => p.items);
}

/**
 * The items again, in pages of `sizes`, numbered with `positions` in order (a song gone from the
 * catalog leaves a hole in the server's numbers: the loaded items keep the numbers they had).
 */
function repage(pages: Pages, items: PlaylistItem[], sizes: number[], positions: number[]): PlaylistDetail[] {
  let at = 0;
  return pages.map((page, p) => {
    const size = sizes[p] ?? 0;
    const slice = items.slice(at, at + size).map((item, k) => {
      const position = positions[at + k] ?? item.position;
      return item.position === position ? item : { ...item, position };
    });
    at += size;
    return { ...page, items: slice };
  });
}

function sortedPositions(pages: Pages): number[] {
  return loadedItems(pages)
    .map((i) => i.position)
    .sort((a, b) => a - b);
}

/** Moves the loaded item at index `from` to index `to`. */
export function moveItem(pages: Pages, from: number, to: number): PlaylistDetail[] {
  const items = loadedItems(pages);
  if (from === to || !items[from] || to < 0 || to >= items.length) return [...pages];
  const [moved] = items.splice(from, 1);
  items.splice(to, 0, moved!);
  return repage(
    pages,
    items,
    pages.map((p) => p.items.length),
    sortedPositions(pages),
  );
}

/** Removes the loaded item at `index`; the songs after it move up one, the totals shrink. */
export function removeItem(pages: Pages, index: number): PlaylistDetail[] {
  const items = loadedItems(pages);
  const gone = items[index];
  if (!gone) return [...pages];
  let before = 0;
  const sizes = pages.map((p) => {
    const size = p.items.length;
    const hit = index >= before && index < before + size;
    before += size;
    return hit ? size - 1 : size;
  });
  const rest = items.filter((_, i) => i !== index);
  return repage(pages, rest, sizes, sortedPositions(pages).slice(0, -1)).map((page) => ({
    ...page,
    songCount: Math.max(0, page.songCount - 1),
    durationMs: Math.max(0, page.durationMs - gone.song.durationMs),
  }));
}

/** The header fields changed (a rename, public on): every page carries a copy. */
export function patchHeader(pages: Pages, patch: Partial<PlaylistDetail>): PlaylistDetail[] {
  return pages.map((p) => ({ ...p, ...patch, items: p.items, nextCursor: p.nextCursor }));
}
