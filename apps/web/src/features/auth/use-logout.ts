import { signOutLocally } from "../../lib/auth";
import { trpc } from "../../lib/trpc";

/**
 * Logs out on the server (this device, or every device), then here. When the server cannot be
 * reached the session still ends on this device: nobody should be stuck signed in.
 */
export function useLogout() {
  const { client } = trpc.useUtils();
  return async ({ everywhere = false }: { everywhere?: boolean } = {}) => {
    try {
      await (everywhere ? client.auth.logoutAll.mutate() : client.auth.logout.mutate());
    } catch (err) {
      if (everywhere) throw err;
    }
    // An account screen then goes home by itself (RequireAuth); other screens stay.
    signOutLocally();
  };
}
