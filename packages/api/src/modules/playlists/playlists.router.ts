import {
  AddSongsInput,
  CollaboratorInput,
  CopyPlaylistInput,
  CreatePlaylistInput,
  GetPlaylistInput,
  PlaylistIdInput,
  PublicPlaylistsInput,
  RemoveSongInput,
  ReorderInput,
  UpdatePlaylistInput,
} from "@chorus/contracts";
import { protectedProcedure, publicProcedure, router, viewerProcedure } from "../../trpc.js";
import * as playlists from "./playlists.service.js";

export const playlistRouter = router({
  create: protectedProcedure
    .input(CreatePlaylistInput)
    .mutation(({ ctx, input }) => playlists.createPlaylist(ctx, input)),
  update: protectedProcedure
    .input(UpdatePlaylistInput)
    .mutation(({ ctx, input }) => playlists.updatePlaylist(ctx, input)),
  delete: protectedProcedure
    .input(PlaylistIdInput)
    .mutation(({ ctx, input }) => playlists.deletePlaylist(ctx, input.id)),
  get: viewerProcedure.input(GetPlaylistInput).query(({ ctx, input }) => playlists.getPlaylist(ctx, input)),
  mine: protectedProcedure.query(({ ctx }) => playlists.myPlaylists(ctx)),
  public: publicProcedure
    .input(PublicPlaylistsInput)
    .query(({ ctx, input }) => playlists.publicPlaylists(ctx, input)),
  addSongs: protectedProcedure
    .input(AddSongsInput)
    .mutation(({ ctx, input }) => playlists.addSongs(ctx, input)),
  removeSong: protectedProcedure
    .input(RemoveSongInput)
    .mutation(({ ctx, input }) => playlists.removeSong(ctx, input)),
  reorder: protectedProcedure.input(ReorderInput).mutation(({ ctx, input }) => playlists.reorder(ctx, input)),
  copy: protectedProcedure
    .input(CopyPlaylistInput)
    .mutation(({ ctx, input }) => playlists.copyPlaylist(ctx, input)),
  addCollaborator: protectedProcedure
    .input(CollaboratorInput)
    .mutation(({ ctx, input }) => playlists.addCollaborator(ctx, input)),
  removeCollaborator: protectedProcedure
    .input(CollaboratorInput)
    .mutation(({ ctx, input }) => playlists.removeCollaborator(ctx, input)),
});
