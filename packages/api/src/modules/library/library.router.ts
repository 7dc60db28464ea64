import { AlbumIdInput, LikedPageInput, SongIdInput } from "@chorus/contracts";
import { protectedProcedure, router } from "../../trpc.js";
import * as library from "./library.service.js";

export const libraryRouter = router({
  likeSong: protectedProcedure
    .input(SongIdInput)
    .mutation(({ ctx, input }) => library.like(ctx, "song", input.songId)),
  unlikeSong: protectedProcedure
    .input(SongIdInput)
    .mutation(({ ctx, input }) => library.unlike(ctx, "song", input.songId)),
  likeAlbum: protectedProcedure
    .input(AlbumIdInput)
    .mutation(({ ctx, input }) => library.like(ctx, "album", input.albumId)),
  unlikeAlbum: protectedProcedure
    .input(AlbumIdInput)
    .mutation(({ ctx, input }) => library.unlike(ctx, "album", input.albumId)),
  likedSongs: protectedProcedure
    .input(LikedPageInput)
    .query(({ ctx, input }) => library.likedSongs(ctx, input)),
  likedAlbums: protectedProcedure
    .input(LikedPageInput)
    .query(({ ctx, input }) => library.likedAlbums(ctx, input)),
  likedIds: protectedProcedure.query(({ ctx }) => library.likedIds(ctx)),
  summary: protectedProcedure.query(({ ctx }) => library.summary(ctx)),
});
