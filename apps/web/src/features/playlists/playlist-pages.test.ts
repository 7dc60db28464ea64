import type { PlaylistDetail, PlaylistItem, Song } from "@chorus/contracts";
import { describe, expect, it } from "vitest";
import { loadedItems, moveItem, patchHeader, removeItem } from "./playlist-pages";

function song(id: string): Song {
  return {
    id,
    title: id.toUpperCase(),
    durationMs: 60_000,
    trackNumber: null,
    discNumber: null,
    year: null,
    genre: null,
    album: null,
    artists: [],
    coverUrl: null,
    hasLyrics: false,
    replayGain: null,
    mimeType: null,
    streamUrl: `/stream/${id}`,
    playCount: 0,
    createdAt: new Date(0),
  };
}

function item(songId: string, position: number): PlaylistItem {
  return { id: `item-${songId}`, position, song: song(songId), addedBy: null, addedAt: new Date(0) };
}

function pages(...chunks: string[][]): PlaylistDetail[] {
  const total = chunks.flat().length;
  let position = 0;
  return chunks.map((ids, i) => ({
    id: "p",
    name: "Mix",
    description: null,
    isPublic: false,
    collaborative: false,
    owner: { id: "o", name: "Owner", avatarUrl: null },
    songCount: total,
    durationMs: total * 60_000,
    covers: [],
    createdAt: new Date(0),
    updatedAt: new Date(0),
    role: "owner",
    canEdit: true,
    collaborators: [],
    copiedFrom: null,
    items: ids.map((id) => item(id, position++)),
    nextCursor: i < chunks.length - 1 ? `c${i}` : null,
  }));
}

const order = (p: PlaylistDetail[]) => loadedItems(p).map((i) => i.song.id);
const positions = (p: PlaylistDetail[]) => loadedItems(p).map((i) => i.position);

describe("editing a loaded playlist before the server answers", () => {
  it("moves an item down and up, across pages, and renumbers", () => {
    const before = pages(["a", "b", "c"], ["d", "e"]);
    const down = moveItem(before, 0, 3);
    expect(order(down)).toEqual(["b", "c", "d", "a", "e"]);
    expect(positions(down)).toEqual([0, 1, 2, 3, 4]);
    expect(down.map((p) => p.items.length)).toEqual([3, 2]);
    expect(down[0]!.nextCursor).toBe("c0");
    const up = moveItem(down, 3, 0);
    expect(order(up)).toEqual(["a", "b", "c", "d", "e"]);
    // The input is left alone.
    expect(order(before)).toEqual(["a", "b", "c", "d", "e"]);
  });

  it("ignores a move out of range or onto itself", () => {
    const before = pages(["a", "b"]);
    expect(order(moveItem(before, 1, 1))).toEqual(["a", "b"]);
    expect(order(moveItem(before, 0, 5))).toEqual(["a", "b"]);
    expect(order(moveItem(before, 7, 0))).toEqual(["a", "b"]);
  });

  it("removes an item: the rest move up, the page shrinks, the totals follow", () => {
    const after = removeItem(pages(["a", "b", "c"], ["d"]), 1);
    expect(order(after)).toEqual(["a", "c", "d"]);
    expect(positions(after)).toEqual([0, 1, 2]);
    expect(after.map((p) => p.items.length)).toEqual([2, 1]);
    expect(after.every((p) => p.songCount === 3 && p.durationMs === 180_000)).toBe(true);
  });

  it("keeps the same song twice apart (items, not songs, move)", () => {
    const before = pages(["a", "b"]);
    before[0]!.items[1] = { ...item("a", 1), id: "second-a" };
    const after = moveItem(before, 1, 0);
    expect(loadedItems(after).map((i) => i.id)).toEqual(["second-a", "item-a"]);
  });

  it("patches the header on every page", () => {
    const after = patchHeader(pages(["a"], ["b"]), { name: "Road trip", isPublic: true });
    expect(after.map((p) => p.name)).toEqual(["Road trip", "Road trip"]);
    expect(order(after)).toEqual(["a", "b"]);
  });
});
