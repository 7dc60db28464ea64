import type { AlbumSummary, ArtistSummary, PlaylistSummary, Song } from "@chorus/contracts";
import { commonPrefix, required, words } from "./highlight";

export type TopResult =
  | { type: "artist"; artist: ArtistSummary }
  | { type: "album"; album: AlbumSummary }
  | { type: "song"; song: Song }
  | { type: "playlist"; playlist: PlaylistSummary };

export interface Results {
  songs: readonly Song[];
  albums: readonly AlbumSummary[];
  artists: readonly ArtistSummary[];
  playlists: readonly PlaylistSummary[];
}

/**
 * How closely a name answers a query: 4 the same (folded), 3 it starts with the query, 2 every
 * query word begins one of its words (allowing a typo's worth, as the highlight does), 1 some do, 0
 * none.
 */
export function matchScore(name: string, query: string): number {
  const q = words(query);
  const n = words(name);
  if (q.length === 0 || n.length === 0) return 0;
  if (q.join(" ") === n.join(" ")) return 4;
  if (n.join(" ").startsWith(q.join(" "))) return 3;
  const hits = q.filter((t) => n.some((w) => commonPrefix(w, t) >= required(t.length))).length;
  return hits === q.length ? 2 : hits > 0 ? 1 : 0;
}

/**
 * The one result to show first. The API ranks each kind on its own, so the best of each kind
 * competes on how closely its name answers the query; on a tie an artist goes first, then an album,
 * a song, a playlist (who someone looks for more often than what). Nothing matched by name (a
 * search that found words elsewhere, in an album's songs): the first song, else the first of anything.
 */
export function pickTopResult(query: string, results: Results): TopResult | null {
  const candidates: { result: TopResult; name: string }[] = [];
  const [artist] = results.artists;
  const [album] = results.albums;
  const [song] = results.songs;
  const [playlist] = results.playlists;
  if (artist) candidates.push({ result: { type: "artist", artist }, name: artist.name });
  if (album) candidates.push({ result: { type: "album", album }, name: album.title });
  if (song) candidates.push({ result: { type: "song", song }, name: song.title });
  if (playlist) candidates.push({ result: { type: "playlist", playlist }, name: playlist.name });
  let best: { result: TopResult; score: number } | null = null;
  for (const c of candidates) {
    const score = matchScore(c.name, query);
    if (score > 0 && (!best || score > best.score)) best = { result: c.result, score };
  }
  if (best) return best.result;
  if (song) return { type: "song", song };
  return candidates[0]?.result ?? null;
}
