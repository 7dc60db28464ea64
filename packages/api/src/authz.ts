import { TRPCError } from "@trpc/server";

export interface Actor {
  id: string;
  role: "user" | "admin";
}

/**
 * The object-level check every owner/member procedure makes once it has loaded the row.
 * A resource the caller may not see answers NOT_FOUND (it does not exist, as far as they know);
 * one they may see but not change answers FORBIDDEN.
 *
 *   const playlist = await findPlaylist(ctx.db, input.id);
 *   assertCan(ctx.user, playlist, { see: p => p.is_public || p.user_id === ctx.user.id,
 *                                   change: p => p.user_id === ctx.user.id }, "change", "Playlist");
 */
export function assertCan<T>(
  actor: Actor | null,
  resource: T | undefined | null,
  rules: { see: (r: T, actor: Actor | null) => boolean; change?: (r: T, actor: Actor) => boolean },
  action: "see" | "change",
  what: string,
): asserts resource is T {
  const isAdmin = actor?.role === "admin";
  if (!resource || !(isAdmin || rules.see(resource, actor))) {
    throw new TRPCError({ code: "NOT_FOUND", message: `${what} was not found` });
  }
  if (action === "change") {
    if (!actor) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in to do this." });
    if (!(isAdmin || rules.change?.(resource, actor))) {
      throw new TRPCError({ code: "FORBIDDEN", message: `You cannot change this ${what.toLowerCase()}` });
    }
  }
}
