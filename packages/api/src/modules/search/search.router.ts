import { AutocompleteInput, RemoveRecentInput, SearchInput } from "@chorus/contracts";
import { protectedProcedure, publicProcedure, router, viewerProcedure } from "../../trpc.js";
import * as search from "./search.service.js";

export const searchRouter = router({
  /** Public; a signed-in caller's search is also kept in their recent searches. */
  query: viewerProcedure.input(SearchInput).query(({ ctx, input }) => search.search(ctx, input)),
  autocomplete: publicProcedure
    .input(AutocompleteInput)
    .query(({ ctx, input }) => search.autocomplete(ctx, input)),
  recent: protectedProcedure.query(({ ctx }) => search.recent(ctx)),
  clearRecent: protectedProcedure.mutation(({ ctx }) => search.clearRecent(ctx)),
  removeRecent: protectedProcedure
    .input(RemoveRecentInput)
    .mutation(({ ctx, input }) => search.removeRecent(ctx, input.query)),
});
