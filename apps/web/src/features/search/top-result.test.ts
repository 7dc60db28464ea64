import type { AlbumSummary, ArtistSummary, PlaylistSummary, Song } from "@chorus/contracts";
import { describe, expect, it } from "vitest";
import { matchScore, pickTopResult, type Results } from "./top-result";

const artist = (name: string): ArtistSummary => ({
  id: `artist-${name}`,
  name,
  imageUrl: null,
  albumCount: 1,
  songCount: 6,
});
const album = (title: string): AlbumSummary => ({
  id: `album-${title}`,
  title,
  artist: null,
  year: 2025,
  genre: null,
  coverUrl: null,
  color: null,
  trackCount: 6,
  durationMs: 180_000,
});
const song = (title: string): Song => ({
  id: `song-${title}`,
  title,
  durationMs: 30_000,
  trackNumber: 1,
  discNumber: 1,
  year: 2025,
  genre: null,
  album: null,
  artists: [],
  coverUrl: null,
  hasLyrics: false,
  replayGain: null,
  mimeType: "audio/ogg",
  streamUrl: "/media/x",
  playCount: 0,
  createdAt: new Date(0),
});
const playlist = (name: string): PlaylistSummary => ({
  id: `playlist-${name}`,
  name,
  description: null,
  isPublic: true,
  collaborative: false,
  owner: { id: "u", name: "Ann", avatarUrl: null },
  songCount: 3,
  durationMs: 90_000,
  covers: [],
  createdAt: new Date(0),
  updatedAt: new Date(0),
});
const none: Results = { songs: [], albums: [], artists: [], playlists: [] };

describe("matchScore", () => {
  it("ranks the same name, then a start, then every word, then some words", () => {
    expect(matchScore("Tidal", "tidal")).toBe(4);
    expect(matchScore("Tidal", "TÍDAL ")).toBe(4);
    expect(matchScore("Tidal Waves", "tidal w")).toBe(3);
    expect(matchScore("Juniper Hall", "junipr hal")).toBe(2);
    expect(matchScore("Juniper Hall", "junipr band")).toBe(1);
    expect(matchScore("Kettle Song", "junipr")).toBe(0);
    expect(matchScore("Kettle Song", "")).toBe(0);
  });
});

describe("pickTopResult", () => {
  it("takes the artist a misspelled name was meant for over songs that only credit them", () => {
    const top = pickTopResult("junipr hal", {
      ...none,
      artists: [artist("Juniper Hall")],
      songs: [song("Paper Boats"), song("First Light")],
      albums: [album("Morning Pages")],
    });
    expect(top).toEqual({ type: "artist", artist: artist("Juniper Hall") });
  });

  it("takes a song whose title is the query over an artist that only shares a word", () => {
    const top = pickTopResult("kettle song", {
      ...none,
      artists: [artist("Song Birds")],
      songs: [song("Kettle Song")],
    });
    expect(top?.type).toBe("song");
  });

  it("prefers an artist, then an album, on a tie", () => {
    const top = pickTopResult("tide", {
      ...none,
      artists: [artist("The Tide Pools")],
      albums: [album("Tidal")],
      songs: [song("Low Tide")],
    });
    expect(top?.type).toBe("artist");
    expect(
      pickTopResult("tide", { ...none, albums: [album("Tidal")], songs: [song("Low Tide")] })?.type,
    ).toBe("album");
  });

  it("takes an exact name over a closer kind", () => {
    const top = pickTopResult("tidal", {
      ...none,
      artists: [artist("The Tide Pools")],
      albums: [album("Tidal")],
    });
    expect(top?.type).toBe("album");
  });

  it("falls back to the first song, then to anything, when no name answers the query", () => {
    expect(pickTopResult("zzz", { ...none, artists: [artist("A")], songs: [song("B")] })?.type).toBe("song");
    expect(pickTopResult("zzz", { ...none, playlists: [playlist("Road trip")] })?.type).toBe("playlist");
    expect(pickTopResult("zzz", none)).toBeNull();
  });
});
