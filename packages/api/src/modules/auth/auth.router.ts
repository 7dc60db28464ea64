import {
  EmailInput,
  LoginInput,
  LoginWithOtpInput,
  LogoutInput,
  RefreshInput,
  SignupInput,
  VerifyEmailInput,
} from "@chorus/contracts";
import { protectedProcedure, publicProcedure, router } from "../../trpc.js";
import * as auth from "./auth.service.js";

export const authRouter = router({
  signup: publicProcedure.input(SignupInput).mutation(({ ctx, input }) => auth.signup(ctx, input)),
  resendVerification: publicProcedure
    .input(EmailInput)
    .mutation(({ ctx, input }) => auth.resendVerification(ctx, input)),
  verifyEmail: publicProcedure
    .input(VerifyEmailInput)
    .mutation(({ ctx, input }) => auth.verifyEmail(ctx, input)),
  login: publicProcedure.input(LoginInput).mutation(({ ctx, input }) => auth.login(ctx, input)),
  requestOtp: publicProcedure.input(EmailInput).mutation(({ ctx, input }) => auth.requestOtp(ctx, input)),
  loginWithOtp: publicProcedure
    .input(LoginWithOtpInput)
    .mutation(({ ctx, input }) => auth.loginWithOtp(ctx, input)),
  refresh: publicProcedure.input(RefreshInput).mutation(({ ctx, input }) => auth.refresh(ctx, input)),
  // Public on purpose: the refresh token itself is the credential (see logout in auth.service).
  logout: publicProcedure.input(LogoutInput).mutation(({ ctx, input }) => auth.logout(ctx, input)),
  logoutAll: protectedProcedure.mutation(({ ctx }) => auth.logoutAll(ctx, ctx.user.id)),
});
