import { signOutLocally } from "../../lib/auth";
import { trpc } from "../../lib/trpc";
import { flushBeforeSignOut } from "../player/play-reporter";
import { reportCurrentListen } from "../player/player";

/**
 * Logs out on the server (this device, or every device), then here. When the server cannot be
 * reached the session still ends on this device: nobody should be stuck signed in.
 */
export function useLogout() {
  const { client } = trpc.useUtils();
  return async ({ everywhere = false }: { everywhere?: boolean } = {}) => {
    // What was played under this account goes to its history while the session still stands.
    reportCurrentListen();
    await flushBeforeSignOut();
    try {
      await (everywhere ? client.auth.logoutAll.mutate() : client.auth.logout.mutate());
    } catch (err) {
      if (everywhere) throw err;
    }
    // An account screen then goes home by itself (RequireAuth); other screens stay.
    signOutLocally();
  };
}
