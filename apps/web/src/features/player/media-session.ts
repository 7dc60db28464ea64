import { useEffect } from "react";
import { currentSong, player, playerStore, useCurrentSong, usePlayer } from "./player";

/**
 * The lock screen, the media keys and the OS "now playing" widget: what plays (with its cover) and
 * the actions they may send back.
 */
export function useMediaSession() {
  const song = useCurrentSong();
  const playing = usePlayer((s) => s.playing);
  const supported = typeof navigator !== "undefined" && "mediaSession" in navigator;

  useEffect(() => {
    if (!supported) return;
    const ms = navigator.mediaSession;
    const handlers: [MediaSessionAction, MediaSessionActionHandler][] = [
      ["play", () => player.play()],
      ["pause", () => player.pause()],
      ["stop", () => player.pause()],
      ["previoustrack", () => player.previous()],
      ["nexttrack", () => player.next()],
      ["seekto", (d) => d.seekTime !== undefined && player.seek(d.seekTime)],
      ["seekbackward", (d) => player.seekBy(-(d.seekOffset ?? 10))],
      ["seekforward", (d) => player.seekBy(d.seekOffset ?? 10)],
    ];
    for (const [action, handler] of handlers) {
      try {
        ms.setActionHandler(action, handler);
      } catch {
        // An action this browser does not know.
      }
    }
    return () => {
      for (const [action] of handlers) {
        try {
          ms.setActionHandler(action, null);
        } catch {
          // As above.
        }
      }
    };
  }, [supported]);

  useEffect(() => {
    if (!supported) return;
    if (!song) {
      navigator.mediaSession.metadata = null;
      return;
    }
    const cover = song.coverUrl ?? song.album?.coverUrl;
    const artwork = cover
      ? [{ src: new URL(cover, location.href).href, sizes: "512x512" }]
      : [{ src: new URL("/favicon.svg", location.href).href, sizes: "any", type: "image/svg+xml" }];
    navigator.mediaSession.metadata = new MediaMetadata({
      title: song.title,
      artist: song.artists.map((a) => a.name).join(", "),
      album: song.album?.title ?? "",
      artwork,
    });
  }, [supported, song]);

  useEffect(() => {
    if (!supported) return;
    navigator.mediaSession.playbackState = song ? (playing ? "playing" : "paused") : "none";
  }, [supported, song, playing]);

  // The position: told again when it jumps (a seek, a new song) or the rate of play changes; in
  // between, the OS extrapolates on its own.
  useEffect(() => {
    if (!supported || typeof navigator.mediaSession.setPositionState !== "function") return;
    let last = { position: -10, at: 0, playing: false, duration: 0 };
    const report = () => {
      const s = playerStore.get();
      if (!currentSong(s) || !(s.duration > 0)) return;
      const expected = last.playing ? last.position + (performance.now() - last.at) / 1000 : last.position;
      if (
        s.playing === last.playing &&
        s.duration === last.duration &&
        Math.abs(s.position - expected) < 1.5
      ) {
        return;
      }
      last = { position: s.position, at: performance.now(), playing: s.playing, duration: s.duration };
      try {
        navigator.mediaSession.setPositionState({
          duration: s.duration,
          position: Math.min(s.position, s.duration),
          playbackRate: 1,
        });
      } catch {
        // A duration the browser finds odd (Infinity for a live stream): leave it.
      }
    };
    return playerStore.subscribe(report);
  }, [supported]);
}
