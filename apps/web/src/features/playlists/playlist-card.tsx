import type { MyPlaylist, PlaylistSummary } from "@chorus/contracts";
import { useState } from "react";
import { Link } from "react-router";
import { displayName } from "../../components/avatar";
import { PauseIcon, PlayIcon } from "../../components/icons";
import { toast } from "../../components/toast";
import { useUser } from "../../lib/auth";
import { trpc } from "../../lib/trpc";
import { plural } from "../format";
import { useSource } from "../library/cards";
import { player } from "../player/player";
import { PlaylistCover } from "./playlist-cover";
import { playlistInput } from "./use-playlist";

/** A playlist as a tile: its mosaic, name, owner and size; the button plays it from the top. */
export function PlaylistCard({ playlist }: { playlist: PlaylistSummary | MyPlaylist }) {
  const user = useUser();
  const utils = trpc.useUtils();
  const source = `playlist:${playlist.id}`;
  const state = useSource(source);
  const [pending, setPending] = useState(false);
  const role = "role" in playlist ? playlist.role : null;
  const mine = playlist.owner.id === user?.id;

  async function play() {
    if (state.active) return player.toggle();
    setPending(true);
    try {
      // Its first page: a card plays from the top, like the playlist's own play button.
      const first = await utils.client.playlist.get.query(playlistInput(playlist.id));
      const songs = first.items.map((i) => i.song);
      if (songs.length === 0) toast("This playlist is empty: add songs from any song’s ⋯ menu.");
      else player.playSongs(songs, 0, { source });
    } catch {
      toast("Could not load the playlist. Check your connection and try again.");
    } finally {
      setPending(false);
    }
  }

  return (
    <article className={`tile${state.active ? " active" : ""}`} data-testid="playlist-card">
      <div className="tile-art">
        <PlaylistCover covers={playlist.covers} name={playlist.name} seed={playlist.id} />
        <button
          type="button"
          className={`tile-play${state.playing ? " playing" : ""}`}
          aria-label={`${state.playing ? "Pause" : "Play"} ${playlist.name}`}
          aria-busy={pending || undefined}
          onClick={(e) => {
            e.preventDefault();
            e.stopPropagation();
            void play();
          }}
        >
          {pending ? (
            <span className="spinner" aria-hidden="true" />
          ) : state.playing ? (
            <PauseIcon size={20} />
          ) : (
            <PlayIcon size={20} />
          )}
        </button>
        {role === "collaborator" ? <span className="tile-badge">Shared with you</span> : null}
      </div>
      <Link className="tile-title" to={`/playlists/${playlist.id}`} title={playlist.name}>
        {playlist.name}
      </Link>
      <div className="tile-sub">
        {mine ? (playlist.isPublic ? "Public" : "Private") : `By ${displayName(playlist.owner)}`} ·{" "}
        {plural(playlist.songCount, "song")}
      </div>
    </article>
  );
}
