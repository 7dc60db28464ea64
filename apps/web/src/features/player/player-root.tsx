import { useEffect, useRef } from "react";
import { useSession } from "../../lib/auth";
import { trpc } from "../../lib/trpc";
import { useAppliedEqualizer } from "./equalizer";
import { EqualizerPanel } from "./equalizer-panel";
import { LyricsPanel } from "./lyrics-panel";
import { useMediaSession } from "./media-session";
import { setPlaySender } from "./play-reporter";
import { player, restorePlayer, setSongLoader, useCurrentSong, usePlayer } from "./player";
import { QueuePanel } from "./queue-panel";
import { usePlayerShortcuts } from "./shortcuts";

/**
 * Connects the player to the rest of the app, once, inside the tRPC provider: how to fetch songs,
 * where plays are reported, the saved queue, the account's equalizer and crossfade, the media keys, the keyboard, the tab title.
 */
export function PlayerRoot() {
  const utils = trpc.useUtils();
  const session = useSession();
  const signedIn = session.status === "signedIn";
  const settings = trpc.user.settings.useQuery(undefined, { enabled: signedIn });

  useEffect(() => {
    setSongLoader((ids) => utils.client.catalog.songsByIds.query({ ids }));
    // Plays reach the history; "Recently played" then shows them.
    setPlaySender(
      (input) => utils.client.player.recordPlay.mutate(input),
      () => void utils.player.recentlyPlayed.invalidate(),
    );
    void restorePlayer();
  }, [utils]);

  const eq = useAppliedEqualizer();
  useEffect(() => player.setEqualizer(eq), [eq]);

  const crossfade = signedIn ? (settings.data?.crossfadeSeconds ?? 0) : 0;
  useEffect(() => player.setCrossfade(crossfade), [crossfade]);

  // Logging out on a shared computer leaves nothing of one's listening behind.
  const wasSignedIn = useRef(false);
  useEffect(() => {
    if (session.status === "signedIn") wasSignedIn.current = true;
    else if (session.status === "signedOut" && session.deliberate && wasSignedIn.current) {
      wasSignedIn.current = false;
      player.clear();
    }
  }, [session]);

  useMediaSession();
  usePlayerShortcuts();
  useDocumentTitle();
  return null;
}

function useDocumentTitle() {
  const song = useCurrentSong();
  const playing = usePlayer((s) => s.playing);
  useEffect(() => {
    document.title =
      song && playing ? `${song.title} · ${song.artists.map((a) => a.name).join(", ")}` : "Chorus";
  }, [song, playing]);
}

/** The open side panel, if any. */
export function SidePanel() {
  const panel = usePlayer((s) => s.panel);
  if (panel === "queue") return <QueuePanel />;
  if (panel === "lyrics") return <LyricsPanel />;
  if (panel === "equalizer") return <EqualizerPanel />;
  return null;
}
