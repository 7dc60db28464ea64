// Declaration emit of the router type fails (TS2742) without this import; see TOOLCHAIN.md.
import type {} from "@trpc/server/unstable-core-do-not-import";
import { authRouter } from "./modules/auth/auth.router.js";
import { catalogRouter } from "./modules/catalog/catalog.router.js";
import { lyricsRouter } from "./modules/lyrics/lyrics.router.js";
import { systemRouter } from "./modules/system/system.router.js";
import { userRouter } from "./modules/users/users.router.js";
import { createCallerFactory, router } from "./trpc.js";

export const appRouter = router({
  auth: authRouter,
  catalog: catalogRouter,
  lyrics: lyricsRouter,
  system: systemRouter,
  user: userRouter,
});

/** The type a typed client needs: `createTRPCClient<AppRouter>(...)`. */
export type AppRouter = typeof appRouter;

export const createCaller = createCallerFactory(appRouter);
