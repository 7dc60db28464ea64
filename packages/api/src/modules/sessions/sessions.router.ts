import {
  ChatHistoryInput,
  ControlInput,
  CreateSessionInput,
  MemberInput,
  QueueAddInput,
  QueueRemoveInput,
  QueueReorderInput,
  SendChatInput,
  SessionCodeInput,
  SessionEventsInput,
  SetRoleInput,
} from "@chorus/contracts";
import { protectedProcedure, publicProcedure, router } from "../../trpc.js";
import * as sessions from "./sessions.service.js";

/** Live listening sessions: who may call what is in API.md and decision 009. */
export const sessionRouter = router({
  create: protectedProcedure
    .input(CreateSessionInput)
    .mutation(({ ctx, input }) => sessions.createSession(ctx, input)),
  join: protectedProcedure
    .input(SessionCodeInput)
    .mutation(({ ctx, input }) => sessions.joinSession(ctx, input.code)),
  leave: protectedProcedure
    .input(SessionCodeInput)
    .mutation(({ ctx, input }) => sessions.leaveSession(ctx, input.code)),
  approve: protectedProcedure
    .input(MemberInput)
    .mutation(({ ctx, input }) => sessions.approveMember(ctx, input)),
  deny: protectedProcedure.input(MemberInput).mutation(({ ctx, input }) => sessions.denyMember(ctx, input)),
  get: protectedProcedure
    .input(SessionCodeInput)
    .query(({ ctx, input }) => sessions.getSession(ctx, input.code)),
  mine: protectedProcedure.query(({ ctx }) => sessions.mySessions(ctx)),
  control: protectedProcedure.input(ControlInput).mutation(({ ctx, input }) => sessions.control(ctx, input)),
  queueAdd: protectedProcedure
    .input(QueueAddInput)
    .mutation(({ ctx, input }) => sessions.queueAdd(ctx, input)),
  queueRemove: protectedProcedure
    .input(QueueRemoveInput)
    .mutation(({ ctx, input }) => sessions.queueRemove(ctx, input)),
  queueReorder: protectedProcedure
    .input(QueueReorderInput)
    .mutation(({ ctx, input }) => sessions.queueReorder(ctx, input)),
  setRole: protectedProcedure.input(SetRoleInput).mutation(({ ctx, input }) => sessions.setRole(ctx, input)),
  kick: protectedProcedure.input(MemberInput).mutation(({ ctx, input }) => sessions.kick(ctx, input)),
  end: protectedProcedure
    .input(SessionCodeInput)
    .mutation(({ ctx, input }) => sessions.endSession(ctx, input.code)),
  sendChat: protectedProcedure
    .input(SendChatInput)
    .mutation(({ ctx, input }) => sessions.sendChat(ctx, input)),
  chatHistory: protectedProcedure
    .input(ChatHistoryInput)
    .query(({ ctx, input }) => sessions.chatHistory(ctx, input)),
  /** The server clock, read as late as possible: clients estimate their offset from a few round trips. */
  time: publicProcedure.query(() => ({ serverTime: Date.now() })),
  events: protectedProcedure
    .input(SessionEventsInput)
    .subscription(({ ctx, input, signal }) => sessions.sessionEvents(ctx, input, signal)),
});
