import { RecentlyPlayedInput, RecordPlayInput } from "@chorus/contracts";
import { protectedProcedure, router } from "../../trpc.js";
import * as player from "./player.service.js";

export const playerRouter = router({
  recordPlay: protectedProcedure
    .input(RecordPlayInput)
    .mutation(({ ctx, input }) => player.recordPlay(ctx, input)),
  recentlyPlayed: protectedProcedure
    .input(RecentlyPlayedInput)
    .query(({ ctx, input }) => player.recentlyPlayed(ctx, input)),
});
