import { createHmac, randomInt, timingSafeEqual } from "node:crypto";
import { CODE_MAX_ATTEMPTS, CODE_TTL_MINUTES } from "@chorus/contracts";
import type { Db, EmailCodePurpose } from "@chorus/db";
import type { Secrets } from "../../context.js";

function codeHash(secrets: Secrets, codeId: string, code: string): Buffer {
  return createHmac("sha256", secrets.authSecret).update(`email-code:${codeId}:${code}`).digest();
}

/** A fresh 6-digit code from a CSPRNG; earlier codes for the same purpose stop working. */
export async function issueCode(
  db: Db,
  secrets: Secrets,
  userId: string,
  purpose: EmailCodePurpose,
): Promise<string> {
  const code = randomInt(0, 1_000_000).toString().padStart(6, "0");
  const id = crypto.randomUUID();
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable("email_codes")
      .set({ consumed_at: new Date() })
      .where("user_id", "=", userId)
      .where("purpose", "=", purpose)
      .where("consumed_at", "is", null)
      .execute();
    await trx
      .insertInto("email_codes")
      .values({
        id,
        user_id: userId,
        purpose,
        code_hash: codeHash(secrets, id, code).toString("base64url"),
        expires_at: new Date(Date.now() + CODE_TTL_MINUTES * 60_000),
      })
      .execute();
  });
  return code;
}

export type CodeCheck = "ok" | "wrong" | "locked";

/**
 * Checks a code in constant time. The code is single-use, expires, and after CODE_MAX_ATTEMPTS
 * wrong tries it is locked: a new one must be requested.
 */
export async function checkCode(
  db: Db,
  secrets: Secrets,
  userId: string,
  purpose: EmailCodePurpose,
  code: string,
): Promise<CodeCheck> {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom("email_codes")
      .selectAll()
      .where("user_id", "=", userId)
      .where("purpose", "=", purpose)
      .where("consumed_at", "is", null)
      .orderBy("created_at", "desc")
      .limit(1)
      .forUpdate()
      .executeTakeFirst();
    if (!row || row.expires_at.getTime() <= Date.now()) return "wrong";
    if (row.attempts >= CODE_MAX_ATTEMPTS) return "locked";
    const expected = Buffer.from(row.code_hash, "base64url");
    const given = codeHash(secrets, row.id, code);
    if (expected.length === given.length && timingSafeEqual(expected, given)) {
      await trx
        .updateTable("email_codes")
        .set({ consumed_at: new Date() })
        .where("id", "=", row.id)
        .execute();
      return "ok";
    }
    const attempts = row.attempts + 1;
    await trx.updateTable("email_codes").set({ attempts }).where("id", "=", row.id).execute();
    return attempts >= CODE_MAX_ATTEMPTS ? "locked" : "wrong";
  });
}
