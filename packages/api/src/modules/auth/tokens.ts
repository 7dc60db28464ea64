import { createHash, createHmac, randomBytes } from "node:crypto";
import { ACCESS_TOKEN_MINUTES, REFRESH_TOKEN_DAYS } from "@chorus/contracts";
import type { Db } from "@chorus/db";
import { errors, jwtVerify, SignJWT } from "jose";
import type { Secrets } from "../../context.js";

export const ISSUER = "chorus";
export const AUDIENCE = "chorus-api";
export const REFRESH_COOKIE = "chorus_refresh";
/** The refresh cookie goes only to the API, never to pages or media. */
export const REFRESH_COOKIE_PATH = "/trpc";

const keys = new WeakMap<Secrets, Uint8Array>();
function signingKey(secrets: Secrets): Uint8Array {
  let key = keys.get(secrets);
  if (!key) {
    key = createHmac("sha256", secrets.authSecret).update("chorus access tokens v1").digest();
    keys.set(secrets, key);
  }
  return key;
}

export async function signAccessToken(
  secrets: Secrets,
  user: { id: string; role: "user" | "admin" },
): Promise<{ token: string; expiresAt: Date }> {
  const expiresAt = new Date(Date.now() + ACCESS_TOKEN_MINUTES * 60_000);
  const token = await new SignJWT({ role: user.role })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(user.id)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
    .setJti(randomBytes(12).toString("base64url"))
    .sign(signingKey(secrets));
  return { token, expiresAt };
}

/** The token's user, or null when it is invalid, expired, or signed for someone else. */
export async function verifyAccessToken(
  secrets: Secrets,
  token: string,
): Promise<{ id: string; role: "user" | "admin" } | null> {
  try {
    const { payload } = await jwtVerify(token, signingKey(secrets), {
      algorithms: ["HS256"],
      issuer: ISSUER,
      audience: AUDIENCE,
      requiredClaims: ["sub", "exp", "iat"],
    });
    const role = payload.role === "admin" ? "admin" : "user";
    return payload.sub ? { id: payload.sub, role } : null;
  } catch (error) {
    if (error instanceof errors.JOSEError) return null;
    throw error;
  }
}

export const hashRefreshToken = (token: string) => createHash("sha256").update(token).digest("base64url");

export interface IssuedRefreshToken {
  token: string;
  familyId: string;
  expiresAt: Date;
}

/** A new refresh token: a new family (a new sign-in), or the next in an existing one. */
export async function createRefreshToken(
  db: Db,
  userId: string,
  meta: { userAgent: string | null; ip: string },
  family?: { id: string; expiresAt: Date },
): Promise<IssuedRefreshToken> {
  const token = randomBytes(32).toString("base64url");
  const familyId = family?.id ?? crypto.randomUUID();
  const expiresAt = family?.expiresAt ?? new Date(Date.now() + REFRESH_TOKEN_DAYS * 86_400_000);
  await db
    .insertInto("refresh_tokens")
    .values({
      user_id: userId,
      family_id: familyId,
      token_hash: hashRefreshToken(token),
      expires_at: expiresAt,
      user_agent: meta.userAgent?.slice(0, 300) ?? null,
      ip: meta.ip,
    })
    .execute();
  return { token, familyId, expiresAt };
}

/**
 * A rotated token presented again within this many seconds is taken for a lost response (a reload
 * mid-refresh, a phone dropping off the network), not theft: the client gets another token of the
 * same family instead of losing the sign-in. Later reuse revokes the family.
 */
export const REUSE_GRACE_SECONDS = 20;

export type RotateResult =
  | { kind: "rotated"; userId: string; next: IssuedRefreshToken }
  | { kind: "invalid" }
  | { kind: "reused"; userId: string; familyId: string };

/**
 * Swaps a refresh token for the next one in its family. Presenting a token that was already
 * rotated means two parties hold it (one of them stole it): the whole family is revoked.
 */
export async function rotateRefreshToken(
  db: Db,
  token: string,
  meta: { userAgent: string | null; ip: string },
): Promise<RotateResult> {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom("refresh_tokens")
      .selectAll()
      .where("token_hash", "=", hashRefreshToken(token))
      .forUpdate()
      .executeTakeFirst();
    if (!row || row.revoked_at || row.expires_at.getTime() <= Date.now()) return { kind: "invalid" as const };
    if (row.rotated_at && Date.now() - row.rotated_at.getTime() < REUSE_GRACE_SECONDS * 1000) {
      const next = await createRefreshToken(trx, row.user_id, meta, {
        id: row.family_id,
        expiresAt: row.expires_at,
      });
      return { kind: "rotated" as const, userId: row.user_id, next };
    }
    if (row.rotated_at) {
      await trx
        .updateTable("refresh_tokens")
        .set({ revoked_at: new Date() })
        .where("family_id", "=", row.family_id)
        .where("revoked_at", "is", null)
        .execute();
      return { kind: "reused" as const, userId: row.user_id, familyId: row.family_id };
    }
    await trx
      .updateTable("refresh_tokens")
      .set({ rotated_at: new Date() })
      .where("id", "=", row.id)
      .execute();
    const next = await createRefreshToken(trx, row.user_id, meta, {
      id: row.family_id,
      expiresAt: row.expires_at,
    });
    return { kind: "rotated" as const, userId: row.user_id, next };
  });
}

/** Revokes the family (the sign-in) that a token belongs to; returns its user, if any. */
export async function revokeFamilyOf(db: Db, token: string): Promise<string | null> {
  const row = await db
    .selectFrom("refresh_tokens")
    .select(["family_id", "user_id"])
    .where("token_hash", "=", hashRefreshToken(token))
    .executeTakeFirst();
  if (!row) return null;
  await db
    .updateTable("refresh_tokens")
    .set({ revoked_at: new Date() })
    .where("family_id", "=", row.family_id)
    .where("revoked_at", "is", null)
    .execute();
  return row.user_id;
}

export async function revokeAllOfUser(db: Db, userId: string): Promise<void> {
  await db
    .updateTable("refresh_tokens")
    .set({ revoked_at: new Date() })
    .where("user_id", "=", userId)
    .where("revoked_at", "is", null)
    .execute();
}
