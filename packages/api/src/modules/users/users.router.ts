import {
  ChangePasswordInput,
  DeleteAccountInput,
  UpdateProfileInput,
  UpdateSettingsInput,
} from "@chorus/contracts";
import { protectedProcedure, router } from "../../trpc.js";
import * as users from "./users.service.js";

export const userRouter = router({
  me: protectedProcedure.query(({ ctx }) => users.getMe(ctx, ctx.user.id)),
  updateProfile: protectedProcedure
    .input(UpdateProfileInput)
    .mutation(({ ctx, input }) => users.updateProfile(ctx, ctx.user.id, input)),
  settings: protectedProcedure.query(({ ctx }) => users.getSettings(ctx, ctx.user.id)),
  updateSettings: protectedProcedure
    .input(UpdateSettingsInput)
    .mutation(({ ctx, input }) => users.updateSettings(ctx, ctx.user.id, input)),
  changePassword: protectedProcedure
    .input(ChangePasswordInput)
    .mutation(({ ctx, input }) => users.changePassword(ctx, ctx.user.id, input)),
  requestDeleteCode: protectedProcedure.mutation(({ ctx }) => users.requestDeleteCode(ctx, ctx.user.id)),
  deleteAccount: protectedProcedure
    .input(DeleteAccountInput)
    .mutation(({ ctx, input }) => users.deleteAccount(ctx, ctx.user.id, input)),
});
