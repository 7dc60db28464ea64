import { LyricsInput, SetLyricsInput } from "@chorus/contracts";
import { protectedProcedure, publicProcedure, router } from "../../trpc.js";
import { getLyrics, setLyrics } from "./lyrics.service.js";

export const lyricsRouter = router({
  get: publicProcedure.input(LyricsInput).query(({ ctx, input }) => getLyrics(ctx, input.songId)),
  set: protectedProcedure.input(SetLyricsInput).mutation(({ ctx, input }) => setLyrics(ctx, input)),
});
