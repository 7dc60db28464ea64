import { createHmac, timingSafeEqual } from "node:crypto";
import { STREAM_URL_TTL_SECONDS } from "@chorus/contracts";
import type { Secrets } from "../../context.js";

const keys = new WeakMap<Secrets, Buffer>();
function key(secrets: Secrets): Buffer {
  let k = keys.get(secrets);
  if (!k) {
    k = createHmac("sha256", secrets.authSecret).update("chorus stream urls v1").digest();
    keys.set(secrets, k);
  }
  return k;
}

const sign = (secrets: Secrets, songId: string, exp: number) =>
  createHmac("sha256", key(secrets)).update(`${songId}:${exp}`).digest("base64url").slice(0, 32);

/**
 * A URL an `<audio src>` can play without headers. The expiry is rounded up to the hour, so one
 * song's URL stays the same for an hour and browsers and CDNs can cache it.
 */
export function streamUrl(secrets: Secrets, songId: string, now = Date.now()): string {
  const exp = Math.ceil((now / 1000 + STREAM_URL_TTL_SECONDS) / 3600) * 3600;
  return `/media/songs/${songId}/stream?exp=${exp}&sig=${sign(secrets, songId, exp)}`;
}

export type StreamCheck = "ok" | "expired" | "invalid";

export function checkStreamSignature(
  secrets: Secrets,
  songId: string,
  exp: string | undefined,
  sig: string | undefined,
  now = Date.now(),
): StreamCheck {
  if (!exp || !sig || !/^\d{1,12}$/.test(exp)) return "invalid";
  const expected = Buffer.from(sign(secrets, songId, Number(exp)));
  const given = Buffer.from(sig);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return "invalid";
  return Number(exp) * 1000 < now ? "expired" : "ok";
}
