import { readFileSync } from "node:fs";
import { hash, verify } from "@node-rs/argon2";
import bcrypt from "bcryptjs";

/** OWASP's argon2id floor: m = 19 MiB, t = 2, p = 1. (`2` is Algorithm.Argon2id, a const enum.) */
export const ARGON2_OPTIONS = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2_OPTIONS);
}

const isBcrypt = (stored: string) => /^\$2[aby]\$\d{2}\$/.test(stored);

/**
 * Checks a password against a stored hash: argon2id, or a bcrypt hash carried over from the old app.
 * `rehash` is true when the stored hash should be replaced by a fresh argon2id one.
 */
export async function verifyPassword(
  stored: string,
  password: string,
): Promise<{ ok: boolean; rehash: boolean }> {
  if (isBcrypt(stored)) {
    // bcrypt reads only the first 72 bytes: the old app's users chose passwords under that rule.
    const ok = await bcrypt.compare(password, stored);
    return { ok, rehash: ok };
  }
  try {
    const ok = await verify(stored, password);
    const weaker =
      !stored.startsWith("$argon2id$") ||
      !stored.includes(`m=${ARGON2_OPTIONS.memoryCost},t=${ARGON2_OPTIONS.timeCost}`);
    return { ok, rehash: ok && weaker };
  } catch {
    return { ok: false, rehash: false };
  }
}

let dummy: Promise<string> | null = null;
/**
 * Spends the same time as a real check when there is no account (or no password), so the answer's
 * timing does not tell whether an email is registered.
 */
export async function verifyAgainstNothing(password: string): Promise<void> {
  dummy ??= hashPassword("chorus-timing-equaliser");
  await verify(await dummy, password).catch(() => false);
}

let common: Set<string> | null = null;
/** True when the password is on the shipped list of common passwords (case-insensitive). */
export function isCommonPassword(password: string): boolean {
  common ??= new Set(
    readFileSync(new URL("../../../data/common-passwords.txt", import.meta.url), "utf8")
      .split("\n")
      .map((line) => line.trim().toLowerCase())
      .filter(Boolean),
  );
  return common.has(password.toLowerCase());
}
