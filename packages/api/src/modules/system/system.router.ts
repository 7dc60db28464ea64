import { ClockInput } from "@chorus/contracts";
import { publicProcedure, router } from "../../trpc.js";
import { clockTick, getServerInfo, sleep } from "./system.service.js";

export const systemRouter = router({
  /** What this server is, which backend serves each part, and how much music it holds. */
  info: publicProcedure.query(({ ctx }) => getServerInfo(ctx)),

  /** The server clock, once per interval: the simplest live subscription, and a connection check. */
  clock: publicProcedure.input(ClockInput).subscription(async function* ({ ctx, input, signal }) {
    while (!signal?.aborted) {
      yield clockTick(ctx.startedAt);
      await sleep(input.intervalMs, signal);
    }
  }),
});
