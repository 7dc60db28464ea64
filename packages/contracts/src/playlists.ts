import { z } from "zod";
import { Song } from "./catalog.js";
import { Cursor, Id } from "./common.js";

export const PLAYLIST_NAME_MAX = 100;
export const PLAYLIST_DESCRIPTION_MAX = 2000;
export const PLAYLIST_MAX_ITEMS = 10_000;
/** Songs added in one call. */
export const PLAYLIST_ADD_MAX = 500;

export const PlaylistName = z
  .string({ error: "A playlist needs a name" })
  .trim()
  .min(1, "A playlist needs a name")
  .max(PLAYLIST_NAME_MAX, `A playlist name has at most ${PLAYLIST_NAME_MAX} characters`);
export const PlaylistDescription = z
  .string()
  .trim()
  .max(PLAYLIST_DESCRIPTION_MAX, `A description has at most ${PLAYLIST_DESCRIPTION_MAX} characters`);

const Position = (what: string) =>
  z
    .number({ error: `${what} must be a number` })
    .int(`${what} must be a whole number`)
    .min(0, `${what} starts at 0`);

export const CreatePlaylistInput = z.object({
  name: PlaylistName,
  description: PlaylistDescription.nullish(),
  isPublic: z.boolean().default(false),
  collaborative: z.boolean().default(false),
});
export type CreatePlaylistInput = z.input<typeof CreatePlaylistInput>;

export const UpdatePlaylistInput = z
  .object({
    id: Id,
    name: PlaylistName.optional(),
    description: PlaylistDescription.nullable().optional(),
    isPublic: z.boolean().optional(),
    collaborative: z.boolean().optional(),
  })
  .refine(
    (v) =>
      v.name !== undefined ||
      v.description !== undefined ||
      v.isPublic !== undefined ||
      v.collaborative !== undefined,
    "Change at least one of name, description, isPublic or collaborative",
  );
export type UpdatePlaylistInput = z.input<typeof UpdatePlaylistInput>;

export const PlaylistIdInput = z.object({ id: Id });
export type PlaylistIdInput = z.infer<typeof PlaylistIdInput>;

/** A playlist id from the old MongoDB app (24 hex digits): links to it keep working after the import. */
export const LegacyPlaylistId = z.string().regex(/^[0-9a-fA-F]{24}$/);

export const GetPlaylistInput = z.object({
  /** A Chorus id, or the old app's id of an imported playlist (the answer carries the Chorus id). */
  id: z.union([Id, LegacyPlaylistId], { error: "must be a valid id (a UUID)" }),
  /** The `nextCursor` of the previous page. */
  cursor: Cursor.nullish(),
  limit: z
    .number({ error: "limit must be a number" })
    .int("limit must be a whole number")
    .min(1, "limit must be at least 1")
    .max(500, "limit must be at most 500")
    .default(100),
});
export type GetPlaylistInput = z.input<typeof GetPlaylistInput>;

export const AddSongsInput = z.object({
  playlistId: Id,
  songIds: z
    .array(Id)
    .min(1, "Add at least one song")
    .max(PLAYLIST_ADD_MAX, `Add at most ${PLAYLIST_ADD_MAX} songs at once`),
  /** Where the first new song goes (0-based); the end when left out. */
  position: Position("position").optional(),
});
export type AddSongsInput = z.infer<typeof AddSongsInput>;

export const RemoveSongInput = z.object({
  playlistId: Id,
  position: Position("position"),
  /** When given, the removal is refused if another song is at that position by now. */
  songId: Id.optional(),
});
export type RemoveSongInput = z.infer<typeof RemoveSongInput>;

export const ReorderInput = z.object({
  playlistId: Id,
  from: Position("from"),
  to: Position("to"),
  /** When given, the move is refused if another song is at `from` by now. */
  songId: Id.optional(),
});
export type ReorderInput = z.infer<typeof ReorderInput>;

export const CollaboratorInput = z
  .object({
    playlistId: Id,
    email: z.email({ error: "That is not a valid email address" }).optional(),
    userId: Id.optional(),
  })
  .refine((v) => (v.email === undefined) !== (v.userId === undefined), "Give either an email or a userId");
export type CollaboratorInput = z.infer<typeof CollaboratorInput>;

export const CopyPlaylistInput = z.object({ id: Id, name: PlaylistName.optional() });
export type CopyPlaylistInput = z.infer<typeof CopyPlaylistInput>;

export const PublicPlaylistsInput = z.object({
  cursor: Cursor.nullish(),
  limit: z
    .number()
    .int()
    .min(1, "limit must be at least 1")
    .max(100, "limit must be at most 100")
    .default(30),
});
export type PublicPlaylistsInput = z.input<typeof PublicPlaylistsInput>;

export const PersonRef = z.object({
  id: z.string(),
  name: z.string().nullable(),
  avatarUrl: z.string().nullable(),
});
export type PersonRef = z.infer<typeof PersonRef>;

export const PlaylistSummary = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  isPublic: z.boolean(),
  collaborative: z.boolean(),
  owner: PersonRef,
  songCount: z.number().int(),
  durationMs: z.number().int(),
  /** Up to four distinct covers from the first songs, for a mosaic. */
  covers: z.array(z.string()),
  createdAt: z.date(),
  updatedAt: z.date(),
});
export type PlaylistSummary = z.infer<typeof PlaylistSummary>;

export const PlaylistRole = z.enum(["owner", "collaborator", "viewer"]);
export type PlaylistRole = z.infer<typeof PlaylistRole>;

export const PlaylistItem = z.object({
  id: z.string(),
  position: z.number().int(),
  song: Song,
  addedBy: PersonRef.nullable(),
  addedAt: z.date(),
});
export type PlaylistItem = z.infer<typeof PlaylistItem>;

export const PlaylistDetail = PlaylistSummary.extend({
  /** What the caller may do: an owner edits everything, a collaborator adds, removes and reorders. */
  role: PlaylistRole,
  canEdit: z.boolean(),
  collaborators: z.array(PersonRef),
  copiedFrom: z.object({ id: z.string(), name: z.string() }).nullable(),
  items: z.array(PlaylistItem),
  nextCursor: z.string().nullable(),
});
export type PlaylistDetail = z.infer<typeof PlaylistDetail>;

export const MyPlaylist = PlaylistSummary.extend({ role: PlaylistRole });
export type MyPlaylist = z.infer<typeof MyPlaylist>;

export const PlaylistPage = z.object({ items: z.array(PlaylistSummary), nextCursor: z.string().nullable() });
export type PlaylistPage = z.infer<typeof PlaylistPage>;

/** What an edit of the items returns: the new totals, so a client can update without a refetch. */
export const PlaylistEditResult = z.object({
  playlistId: z.string(),
  songCount: z.number().int(),
  durationMs: z.number().int(),
});
export type PlaylistEditResult = z.infer<typeof PlaylistEditResult>;
