// Declaration emit of the router type fails (TS2742) without this import; see TOOLCHAIN.md.
import type {} from "@trpc/server/unstable-core-do-not-import";
import { systemRouter } from "./modules/system/system.router.js";
import { createCallerFactory, router } from "./trpc.js";

export const appRouter = router({
  system: systemRouter,
});

/** The type a typed client needs: `createTRPCClient<AppRouter>(...)`. */
export type AppRouter = typeof appRouter;

export const createCaller = createCallerFactory(appRouter);
