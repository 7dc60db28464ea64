import { AlbumsInput, ArtistsInput, IdInput, SongsByIdsInput, SongsInput } from "@chorus/contracts";
import { publicProcedure, router } from "../../trpc.js";
import * as catalog from "./catalog.service.js";

export const catalogRouter = router({
  songs: publicProcedure.input(SongsInput).query(({ ctx, input }) => catalog.listSongs(ctx, input)),
  song: publicProcedure.input(IdInput).query(({ ctx, input }) => catalog.getSong(ctx, input.id)),
  songsByIds: publicProcedure
    .input(SongsByIdsInput)
    .query(({ ctx, input }) => catalog.getSongsByIds(ctx, input.ids)),
  albums: publicProcedure.input(AlbumsInput).query(({ ctx, input }) => catalog.listAlbums(ctx, input)),
  album: publicProcedure.input(IdInput).query(({ ctx, input }) => catalog.getAlbum(ctx, input.id)),
  artists: publicProcedure.input(ArtistsInput).query(({ ctx, input }) => catalog.listArtists(ctx, input)),
  artist: publicProcedure.input(IdInput).query(({ ctx, input }) => catalog.getArtist(ctx, input.id)),
});
