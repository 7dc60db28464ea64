import { verifyAccessToken } from "@chorus/api";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { Services } from "../backends.js";

/** The bearer token of an HTTP request, if any. */
export function bearerToken(req: FastifyRequest): string | null {
  const header = req.headers.authorization;
  if (!header) return null;
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  return match?.[1] ?? null;
}

/** For plain HTTP routes: the signed-in user, or a 401 reply (returns null then). */
export async function requireUser(
  services: Services,
  req: FastifyRequest,
  reply: FastifyReply,
): Promise<{ id: string; role: "user" | "admin" } | null> {
  const token = bearerToken(req);
  const user = token ? await verifyAccessToken(services.secrets, token) : null;
  if (!user) {
    await reply
      .code(401)
      .header("www-authenticate", 'Bearer realm="chorus"')
      .send({
        error: "Unauthorized",
        message: token ? "Your session has expired: sign in again." : "Sign in to do this.",
      });
    return null;
  }
  return user;
}
