// Declaration emit of the router type fails (TS2742) without this import; see TOOLCHAIN.md.
import type {} from "@trpc/server/unstable-core-do-not-import";
import { authRouter } from "./modules/auth/auth.router.js";
import { catalogRouter } from "./modules/catalog/catalog.router.js";
import { discoverRouter } from "./modules/discover/discover.router.js";
import { libraryRouter } from "./modules/library/library.router.js";
import { lyricsRouter } from "./modules/lyrics/lyrics.router.js";
import { playerRouter } from "./modules/player/player.router.js";
import { playlistRouter } from "./modules/playlists/playlists.router.js";
import { searchRouter } from "./modules/search/search.router.js";
import { sessionRouter } from "./modules/sessions/sessions.router.js";
import { systemRouter } from "./modules/system/system.router.js";
import { userRouter } from "./modules/users/users.router.js";
import { createCallerFactory, router } from "./trpc.js";

export const appRouter = router({
  auth: authRouter,
  catalog: catalogRouter,
  discover: discoverRouter,
  library: libraryRouter,
  lyrics: lyricsRouter,
  player: playerRouter,
  playlist: playlistRouter,
  search: searchRouter,
  session: sessionRouter,
  system: systemRouter,
  user: userRouter,
});

/** The type a typed client needs: `createTRPCClient<AppRouter>(...)`. */
export type AppRouter = typeof appRouter;

export const createCaller = createCallerFactory(appRouter);
