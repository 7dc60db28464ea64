import type { PlaylistItem, Song } from "@chorus/contracts";
import {
  type Announcements,
  closestCenter,
  DndContext,
  type DragEndEvent,
  KeyboardSensor,
  type Modifier,
  PointerSensor,
  type ScreenReaderInstructions,
  type UniqueIdentifier,
  useSensor,
  useSensors,
} from "@dnd-kit/core";
import {
  SortableContext,
  sortableKeyboardCoordinates,
  useSortable,
  verticalListSortingStrategy,
} from "@dnd-kit/sortable";
import { CSS } from "@dnd-kit/utilities";
import { type ReactNode, useMemo } from "react";
import { Avatar, displayName } from "../../components/avatar";
import { DragIcon } from "../../components/icons";
import type { MenuItem } from "../../components/menu";
import { formatAgo } from "../format";
import { type Likes, useLikes } from "../library/likes";
import {
  type ListShape,
  listColumns,
  SongListHead,
  SongRow,
  songMenuItems,
  useNowPlaying,
} from "../library/song-list";
import { player } from "../player/player";

const verticalOnly: Modifier = ({ transform }) => ({ ...transform, x: 0 });

const instructions: ScreenReaderInstructions = {
  draggable:
    "To move this song, press Space or Enter to pick it up, the up and down arrows to move it, Space or Enter again to drop it, or Escape to put it back.",
};

/**
 * A playlist's songs: numbered, with who added each and when. Those who may edit it drag a song by
 * its handle (or pick it up with Space and move it with the arrows); its menu has "Move up",
 * "Move down" and "Remove from playlist" too.
 */
export function PlaylistItems({
  playlistId,
  items,
  canEdit,
  onMove,
  onRemove,
}: {
  playlistId: string;
  items: readonly PlaylistItem[];
  canEdit: boolean;
  onMove: (from: number, to: number) => void;
  onRemove: (index: number) => void;
}) {
  const now = useNowPlaying();
  const likes = useLikes();
  const source = `playlist:${playlistId}`;
  const songs = useMemo(() => items.map((i) => i.song), [items]);
  const ids = useMemo(() => items.map((i) => i.id), [items]);
  const sensors = useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 4 } }),
    useSensor(KeyboardSensor, { coordinateGetter: sortableKeyboardCoordinates }),
  );
  const shape: ListShape = { variant: "list", detail: "Added", likes: likes.enabled, handle: canEdit };

  const indexOf = (id: UniqueIdentifier) => ids.indexOf(String(id));
  const titleOf = (id: UniqueIdentifier | undefined) =>
    id === undefined ? "" : (items[indexOf(id)]?.song.title ?? "the song");
  const announcements: Announcements = {
    onDragStart: ({ active }) => `Picked up ${titleOf(active.id)}, at position ${indexOf(active.id) + 1}.`,
    onDragOver: ({ active, over }) =>
      over ? `${titleOf(active.id)} would move to position ${indexOf(over.id) + 1}.` : undefined,
    onDragEnd: ({ active, over }) =>
      over ? `${titleOf(active.id)} moved to position ${indexOf(over.id) + 1}.` : undefined,
    onDragCancel: ({ active }) => `${titleOf(active.id)} was put back.`,
  };

  function onDragEnd({ active, over }: DragEndEvent) {
    if (!over || active.id === over.id) return;
    const from = indexOf(active.id);
    const to = indexOf(over.id);
    if (from >= 0 && to >= 0) onMove(from, to);
  }

  const rows = (
    <ol className="song-rows" aria-label="Songs in this playlist">
      {items.map((item, index) => (
        <PlaylistRow
          key={item.id}
          item={item}
          index={index}
          last={index === items.length - 1}
          canEdit={canEdit}
          likes={likes}
          isCurrent={now.songId === item.song.id}
          playing={now.playing}
          onPlay={() => {
            if (now.songId === item.song.id) player.toggle();
            else player.playSongs(songs, index, { source });
          }}
          onMove={onMove}
          onRemove={onRemove}
        />
      ))}
    </ol>
  );

  return (
    <div className="song-list list playlist-items" style={listColumns(shape)} data-testid="playlist-items">
      <SongListHead {...shape} />
      {canEdit ? (
        <DndContext
          sensors={sensors}
          collisionDetection={closestCenter}
          modifiers={[verticalOnly]}
          onDragEnd={onDragEnd}
          accessibility={{ announcements, screenReaderInstructions: instructions }}
        >
          <SortableContext items={ids} strategy={verticalListSortingStrategy}>
            {rows}
          </SortableContext>
        </DndContext>
      ) : (
        rows
      )}
    </div>
  );
}

function PlaylistRow({
  item,
  index,
  last,
  canEdit,
  likes,
  isCurrent,
  playing,
  onPlay,
  onMove,
  onRemove,
}: {
  item: PlaylistItem;
  index: number;
  last: boolean;
  canEdit: boolean;
  likes: Likes;
  isCurrent: boolean;
  playing: boolean;
  onPlay: () => void;
  onMove: (from: number, to: number) => void;
  onRemove: (index: number) => void;
}) {
  const song = item.song;
  const menuItems = (): MenuItem[] =>
    canEdit
      ? [
          { label: "Remove from playlist", onSelect: () => onRemove(index) },
          { label: "Move up", onSelect: () => onMove(index, index - 1), disabled: index === 0 },
          { label: "Move down", onSelect: () => onMove(index, index + 1), disabled: last },
          { separator: true },
          ...songMenuItems(song),
        ]
      : songMenuItems(song);
  const detail = <AddedCell item={item} />;
  if (!canEdit) {
    return (
      <SongRow
        song={song}
        number={item.position + 1}
        variant="list"
        isCurrent={isCurrent}
        playing={playing}
        onPlay={onPlay}
        likes={likes}
        detail={detail}
        menuItems={menuItems}
      />
    );
  }
  return (
    <SortableRow
      item={item}
      song={song}
      isCurrent={isCurrent}
      playing={playing}
      onPlay={onPlay}
      likes={likes}
      detail={detail}
      menuItems={menuItems}
    />
  );
}

function SortableRow({
  item,
  song,
  menuItems,
  ...row
}: {
  item: PlaylistItem;
  song: Song;
  isCurrent: boolean;
  playing: boolean;
  onPlay: () => void;
  likes: Likes;
  detail: ReactNode;
  menuItems: () => MenuItem[];
}) {
  const { attributes, listeners, setNodeRef, setActivatorNodeRef, transform, transition, isDragging } =
    useSortable({ id: item.id });
  return (
    <SongRow
      {...row}
      song={song}
      number={item.position + 1}
      variant="list"
      menuItems={menuItems}
      rowRef={setNodeRef}
      style={{ transform: CSS.Translate.toString(transform), transition }}
      className={isDragging ? "lifted" : ""}
      handle={
        <span className="col-handle">
          <button
            type="button"
            ref={setActivatorNodeRef}
            className="icon-button drag-handle"
            {...attributes}
            {...listeners}
            aria-label={`Reorder ${song.title}`}
            data-testid="drag-handle"
            onClick={(e) => e.stopPropagation()}
          >
            <DragIcon size={16} />
          </button>
        </span>
      }
    />
  );
}

function AddedCell({ item }: { item: PlaylistItem }) {
  const when = formatAgo(item.addedAt);
  if (!item.addedBy) return <span className="added-when">{when}</span>;
  const name = displayName(item.addedBy);
  return (
    <span className="added-cell" title={`Added by ${name}, ${item.addedAt.toLocaleString()}`}>
      <Avatar user={item.addedBy} size={22} />
      <span className="added-text">
        <span className="added-by">{name}</span>
        <span className="added-when">{when}</span>
      </span>
    </span>
  );
}
