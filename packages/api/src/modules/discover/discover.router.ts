import { PopularInput, RecommendationsInput } from "@chorus/contracts";
import { TRPCError } from "@trpc/server";
import { protectedProcedure, publicProcedure, router } from "../../trpc.js";
import * as discover from "./discover.service.js";

export const discoverRouter = router({
  popular: publicProcedure.input(PopularInput).query(({ ctx, input }) => discover.popular(ctx, input)),
  recommendations: protectedProcedure
    .input(RecommendationsInput)
    .query(({ ctx, input }) => discover.recommendations(ctx, input)),
  /** Recompute the popular chart now instead of at the next scheduled refresh (admins). */
  refreshPopular: protectedProcedure.mutation(({ ctx }) => {
    if (ctx.user.role !== "admin") {
      throw new TRPCError({ code: "FORBIDDEN", message: "Only an admin can refresh the popular chart." });
    }
    return discover.refreshPopular(ctx);
  }),
});
