import type { Settings } from "@chorus/contracts";
import { useEffect } from "react";
import { applyTheme } from "../../lib/theme";
import { trpc } from "../../lib/trpc";

/** Keeps the account's saved theme applied while signed in (the settings screen previews its draft). */
export function useAccountTheme(enabled: boolean) {
  const settings = trpc.user.settings.useQuery(undefined, { enabled });
  const theme: Settings["theme"] | undefined = enabled ? settings.data?.theme : undefined;
  useEffect(() => {
    if (theme) applyTheme(theme);
  }, [theme]);
}
