import type { Song } from "@chorus/contracts";
import { useState } from "react";
import { Cover } from "../../components/cover";
import {
  ArrowDownIcon,
  ArrowUpIcon,
  CloseIcon,
  PlayingBars,
  PlusIcon,
  SearchIcon,
} from "../../components/icons";
import { toast } from "../../components/toast";
import { readError } from "../../lib/errors";
import { trpc } from "../../lib/trpc";
import { formatTime, plural } from "../format";
import { follow, usePlayer } from "../player/player";
import { useDebouncedValue } from "../search/use-debounced-value";
import { canControl, type Room } from "./room";
import { addToSessionQueue, controlSession, takeState } from "./session-actions";

/** The shared queue: everyone sees it; the host and djs play, remove and move its songs. */
export function SessionQueue({ room }: { room: Room }) {
  const utils = trpc.useUtils();
  const { code } = room.session;
  const controls = canControl(room.me.role) && !room.ended;
  const queue = room.state.queue;
  const currentIndex = queue.findIndex((q) => q.id === room.state.currentItemId);
  const names = new Map(room.participants.map((p) => [p.userId, p.name]));
  const [busy, setBusy] = useState<string | null>(null);
  const remove = trpc.session.queueRemove.useMutation();
  const reorder = trpc.session.queueReorder.useMutation();

  function onRemove(itemId: string, title: string) {
    setBusy(itemId);
    remove.mutate(
      { code, itemId },
      {
        onSuccess: (state) => takeState(code, state),
        onError: (err) => toast(`Could not remove “${title}”. ${readError(err).form ?? ""}`.trim()),
        onSettled: () => setBusy(null),
      },
    );
  }

  function onMove(itemId: string, toIndex: number) {
    setBusy(itemId);
    reorder.mutate(
      { code, itemId, toIndex, version: room.state.version },
      {
        onSuccess: (state) => takeState(code, state),
        onError: (err) => {
          const e = readError(err);
          toast(
            e.code === "CONFLICT"
              ? "The queue changed just before you: here it is now."
              : `Could not move it. ${e.form ?? ""}`.trim(),
          );
        },
        onSettled: () => setBusy(null),
      },
    );
  }

  return (
    <section className="card room-queue" aria-labelledby="session-queue-title" data-testid="session-queue">
      <div className="room-card-head">
        <h2 id="session-queue-title">Queue</h2>
        <span className="muted small">{plural(queue.length, "song")}</span>
      </div>
      {room.ended ? null : <AddSongs code={code} queued={queue.map((q) => q.songId)} />}
      {queue.length === 0 ? (
        <p className="room-empty muted">
          The queue is empty. Search above, or pick <em>Add to queue</em> on any song while you are in the
          session.
        </p>
      ) : (
        <ol className="room-queue-list">
          {queue.map((q, i) => {
            const song = room.songs.get(q.songId);
            const title = song?.title ?? "A song";
            const isCurrent = i === currentIndex;
            const past = currentIndex >= 0 && i < currentIndex;
            return (
              <li
                key={q.id}
                className={`room-queue-row${isCurrent ? " current" : ""}${past ? " past" : ""}`}
                data-testid="session-queue-item"
                aria-current={isCurrent ? "true" : undefined}
              >
                {controls ? (
                  <button
                    type="button"
                    className="queue-main plain"
                    aria-label={`Play “${title}” for everyone`}
                    onClick={() => void controlSession(utils.client, code, "jump", { itemId: q.id })}
                  >
                    <QueueSong song={song} current={isCurrent} playing={isCurrent && room.state.playing} />
                  </button>
                ) : (
                  <div className="queue-main">
                    <QueueSong song={song} current={isCurrent} playing={isCurrent && room.state.playing} />
                  </div>
                )}
                <span className="muted small room-added-by">
                  {q.addedBy ? (names.get(q.addedBy) ?? "") : ""}
                </span>
                {controls ? (
                  <span className="queue-actions">
                    <button
                      type="button"
                      className="icon-button"
                      aria-label={`Move “${title}” up`}
                      disabled={i === 0 || busy === q.id}
                      onClick={() => onMove(q.id, i - 1)}
                    >
                      <ArrowUpIcon size={16} />
                    </button>
                    <button
                      type="button"
                      className="icon-button"
                      aria-label={`Move “${title}” down`}
                      disabled={i === queue.length - 1 || busy === q.id}
                      onClick={() => onMove(q.id, i + 1)}
                    >
                      <ArrowDownIcon size={16} />
                    </button>
                    <button
                      type="button"
                      className="icon-button"
                      aria-label={`Remove “${title}” from the queue`}
                      disabled={busy === q.id}
                      onClick={() => onRemove(q.id, title)}
                    >
                      <CloseIcon size={16} />
                    </button>
                  </span>
                ) : null}
              </li>
            );
          })}
        </ol>
      )}
    </section>
  );
}

function QueueSong({
  song,
  current,
  playing,
}: {
  song: Song | undefined;
  current: boolean;
  playing: boolean;
}) {
  return (
    <>
      <span className="queue-art">
        <Cover
          src={song?.coverUrl ?? song?.album?.coverUrl}
          title={song?.album?.title ?? song?.title ?? ""}
          seed={song?.album?.id ?? song?.id ?? "x"}
        />
        {current ? (
          <span className="queue-art-overlay">
            <PlayingBars playing={playing} />
          </span>
        ) : null}
      </span>
      <span className="queue-text">
        <span className="queue-title">{song?.title ?? "Unknown song"}</span>
        <span className="queue-sub muted small">
          {song ? song.artists.map((a) => a.name).join(", ") : ""}
          {song ? ` · ${formatTime(song.durationMs / 1000)}` : ""}
        </span>
      </span>
    </>
  );
}

/** Finds songs by name and adds them to the end of the shared queue. */
function AddSongs({ code, queued }: { code: string; queued: readonly string[] }) {
  const utils = trpc.useUtils();
  const [q, setQ] = useState("");
  const settled = useDebouncedValue(q.trim(), 250);
  const found = trpc.search.query.useQuery(
    { q: settled, types: ["songs"], limit: 6 },
    { enabled: settled.length > 0, placeholderData: (prev) => prev },
  );
  const [adding, setAdding] = useState<string | null>(null);
  const songs = settled ? (found.data?.songs ?? []) : [];
  // What one was listening to before joining: one click puts it in the shared queue.
  const ownSong = usePlayer(() => follow.ownSong);
  const own = ownSong && !queued.includes(ownSong.id) ? ownSong : null;

  return (
    <div className="room-add">
      <label className="room-search">
        <SearchIcon size={16} />
        <span className="visually-hidden">Find songs to add</span>
        <input
          type="search"
          className="room-search-input"
          value={q}
          onChange={(e) => setQ(e.target.value)}
          placeholder="Find songs to add"
          autoComplete="off"
          data-testid="session-song-search"
        />
      </label>
      {own && !settled ? (
        <button
          type="button"
          className="small room-own-song"
          disabled={adding === own.id}
          onClick={async () => {
            setAdding(own.id);
            await addToSessionQueue(utils.client, code, [own]);
            setAdding(null);
          }}
        >
          <PlusIcon size={14} /> Add “{own.title}”, which you were playing
        </button>
      ) : null}
      {settled ? (
        <ul className="room-results" aria-label="Songs found">
          {found.isError ? (
            <li className="muted small">The search did not work. {readError(found.error).form}</li>
          ) : found.isPending ? (
            <li className="muted small">Searching…</li>
          ) : songs.length === 0 ? (
            <li className="muted small">No songs match “{settled}”.</li>
          ) : (
            songs.map((s) => (
              <li key={s.id} className="room-result">
                <span className="queue-text">
                  <span className="queue-title">{s.title}</span>
                  <span className="queue-sub muted small">{s.artists.map((a) => a.name).join(", ")}</span>
                </span>
                <button
                  type="button"
                  className="small"
                  disabled={adding === s.id}
                  data-testid="session-add-song"
                  onClick={async () => {
                    setAdding(s.id);
                    await addToSessionQueue(utils.client, code, [s]);
                    setAdding(null);
                  }}
                >
                  <PlusIcon size={14} /> Add
                </button>
              </li>
            ))
          )}
        </ul>
      ) : null}
    </div>
  );
}
