import { randomBytes } from "node:crypto";
import { getOrSet, keys, TTL, tags } from "@chorus/cache";
import {
  type AuthResult,
  AVATAR_MAX_BYTES,
  type ChangePasswordInput,
  CODE_RESEND_SECONDS,
  type DeleteAccountInput,
  type Me,
  type SentResult,
  type Settings,
  type UpdateProfileInput,
  type UpdateSettingsInput,
} from "@chorus/contracts";
import type { Db, UserSettings } from "@chorus/db";
import { imageExtension, sniffImageType } from "@chorus/media";
import { sql } from "kysely";
import type { ApiDeps, Context } from "../../context.js";
import { fieldError, notFound } from "../../errors.js";
import { assertNotCommon, enforceLimits, sendCode, startSession, toMe } from "../auth/auth.service.js";
import { checkCode } from "../auth/codes.js";
import { hashPassword, verifyPassword } from "../auth/passwords.js";
import { REFRESH_COOKIE, REFRESH_COOKIE_PATH, revokeAllOfUser } from "../auth/tokens.js";

async function loadUser(db: Db, userId: string) {
  const user = await db.selectFrom("users").selectAll().where("id", "=", userId).executeTakeFirst();
  if (!user) throw notFound("Your account");
  return user;
}

type Deps = Pick<ApiDeps, "db" | "cache">;

/** Read on every page load: cached, and retired by each change below (on every instance). */
export function getMe({ db, cache }: Deps, userId: string): Promise<Me> {
  return getOrSet(cache, keys.user(userId), TTL.user, async () => toMe(await loadUser(db, userId)), {
    tags: [tags.account(userId)],
  });
}

async function forgetUser(
  cache: Deps["cache"],
  userId: string,
  { shownOnPlaylists = true }: { shownOnPlaylists?: boolean } = {},
): Promise<void> {
  // A tag, not a key: a load racing this change on another instance cannot store the old row back.
  // A person's name and picture also show on their public playlists (the public list, search).
  await cache.invalidateTags(tags.account(userId), ...(shownOnPlaylists ? [tags.publicPlaylists()] : []));
}

export async function updateProfile(
  { db, cache }: Deps,
  userId: string,
  input: UpdateProfileInput,
): Promise<Me> {
  const user = await db
    .updateTable("users")
    .set({
      ...(input.name !== undefined ? { name: input.name } : {}),
      ...(input.bio !== undefined ? { bio: input.bio || null } : {}),
      updated_at: new Date(),
    })
    .where("id", "=", userId)
    .returningAll()
    .executeTakeFirst();
  if (!user) throw notFound("Your account");
  await forgetUser(cache, userId);
  return toMe(user);
}

function toSettings(row: UserSettings): Settings {
  return {
    theme: row.theme,
    audioQuality: row.audio_quality,
    equalizer: row.equalizer,
    crossfadeSeconds: row.crossfade_seconds,
    autoplay: row.autoplay,
    privateSession: row.private_session,
    language: row.language,
    notifications: row.notifications,
  };
}

export function getSettings({ db, cache }: Deps, userId: string): Promise<Settings> {
  return getOrSet(cache, keys.settings(userId), TTL.settings, () => loadSettings(db, userId), {
    tags: [tags.account(userId)],
  });
}

async function loadSettings(db: Db, userId: string): Promise<Settings> {
  let row = await db.selectFrom("user_settings").selectAll().where("user_id", "=", userId).executeTakeFirst();
  if (!row) {
    // Accounts made before settings existed (or imported without them) get the defaults on first read.
    await loadUser(db, userId);
    await db
      .insertInto("user_settings")
      .values({ user_id: userId })
      .onConflict((oc) => oc.doNothing())
      .execute();
    row = await db
      .selectFrom("user_settings")
      .selectAll()
      .where("user_id", "=", userId)
      .executeTakeFirstOrThrow();
  }
  return toSettings(row);
}

export async function updateSettings(
  { db, cache }: Deps,
  userId: string,
  input: UpdateSettingsInput,
): Promise<Settings> {
  await loadSettings(db, userId);
  const row = await db
    .updateTable("user_settings")
    .set({
      ...(input.theme !== undefined ? { theme: input.theme } : {}),
      ...(input.audioQuality !== undefined ? { audio_quality: input.audioQuality } : {}),
      ...(input.equalizer !== undefined ? { equalizer: JSON.stringify(input.equalizer) } : {}),
      ...(input.crossfadeSeconds !== undefined ? { crossfade_seconds: input.crossfadeSeconds } : {}),
      ...(input.autoplay !== undefined ? { autoplay: input.autoplay } : {}),
      ...(input.privateSession !== undefined ? { private_session: input.privateSession } : {}),
      ...(input.language !== undefined ? { language: input.language } : {}),
      // Merge, so a client can flip one notification without knowing the other.
      ...(input.notifications !== undefined
        ? { notifications: sql`notifications || ${JSON.stringify(input.notifications)}::jsonb` }
        : {}),
      updated_at: new Date(),
    })
    .where("user_id", "=", userId)
    .returningAll()
    .executeTakeFirstOrThrow();
  await forgetUser(cache, userId, { shownOnPlaylists: false });
  return toSettings(row);
}

export async function changePassword(
  ctx: Context,
  userId: string,
  input: ChangePasswordInput,
): Promise<AuthResult> {
  await enforceLimits(ctx, [{ key: `change-password:${userId}`, limit: 10, windowSeconds: 900 }]);
  const user = await loadUser(ctx.db, userId);
  const check = user.password_hash
    ? await verifyPassword(user.password_hash, input.currentPassword)
    : { ok: false };
  if (!check.ok) throw fieldError("BAD_REQUEST", "currentPassword", "The current password is wrong.");
  if (input.newPassword === input.currentPassword) {
    throw fieldError("BAD_REQUEST", "newPassword", "The new password must differ from the current one.");
  }
  assertNotCommon(input.newPassword, "newPassword");
  const updated = await ctx.db
    .updateTable("users")
    .set({ password_hash: await hashPassword(input.newPassword), updated_at: new Date() })
    .where("id", "=", userId)
    .returningAll()
    .executeTakeFirstOrThrow();
  // Every other sign-in ends; this one continues with a fresh token family.
  await revokeAllOfUser(ctx.db, userId);
  return startSession(ctx, updated);
}

export async function requestDeleteCode(ctx: Context, userId: string): Promise<SentResult> {
  const user = await loadUser(ctx.db, userId);
  await sendCode(ctx, user.email, user, "delete");
  return { message: `We sent a code to ${user.email}.`, resendAfterSeconds: CODE_RESEND_SECONDS };
}

export async function deleteAccount(
  ctx: Context,
  userId: string,
  input: DeleteAccountInput,
): Promise<{ ok: true }> {
  await enforceLimits(ctx, [{ key: `delete-account:${userId}`, limit: 10, windowSeconds: 900 }]);
  const user = await loadUser(ctx.db, userId);
  if ("password" in input) {
    const check = user.password_hash
      ? await verifyPassword(user.password_hash, input.password)
      : { ok: false };
    if (!check.ok)
      throw fieldError("BAD_REQUEST", "password", "The password is wrong: the account was not deleted.");
  } else {
    const result = await checkCode(ctx.db, ctx.secrets, userId, "delete", input.code);
    if (result !== "ok") {
      throw fieldError(
        "BAD_REQUEST",
        "code",
        result === "locked"
          ? "Too many wrong codes: request a new code."
          : "That code is wrong or has expired.",
      );
    }
  }
  // Media first, rows after: a crash in between leaves rows that point at nothing, never orphan files
  // that no row names any more.
  const songs = await ctx.db
    .selectFrom("songs")
    .select(["audio_key", "cover_key"])
    .where("uploaded_by", "=", userId)
    .execute();
  const keys = [user.avatar_key, ...songs.flatMap((s) => [s.audio_key, s.cover_key])].filter(
    (k): k is string => typeof k === "string",
  );
  for (const key of keys) await ctx.media.delete(key);
  await ctx.db.deleteFrom("users").where("id", "=", userId).execute();
  await forgetUser(ctx.cache, userId);
  ctx.cookies.clear(REFRESH_COOKIE, REFRESH_COOKIE_PATH);
  ctx.log.info({ userId, mediaDeleted: keys.length }, "account deleted");
  return { ok: true };
}

export class AvatarError extends Error {
  constructor(
    readonly statusCode: 400 | 413 | 415,
    message: string,
  ) {
    super(message);
  }
}

/** Stores a new avatar for the user (checked by content) and removes the old one. */
export async function setAvatar(deps: ApiDeps, userId: string, data: Buffer): Promise<{ avatarUrl: string }> {
  if (data.length === 0) throw new AvatarError(400, "The file is empty: choose an image.");
  if (data.length > AVATAR_MAX_BYTES) {
    throw new AvatarError(
      413,
      `The image is larger than ${AVATAR_MAX_BYTES / 1024 / 1024} MB: choose a smaller one.`,
    );
  }
  const type = sniffImageType(data.subarray(0, 16));
  if (!type) throw new AvatarError(415, "Only JPEG, PNG, WebP or GIF images can be avatars.");
  const user = await loadUser(deps.db, userId);
  const key = `avatar-${userId}-${randomBytes(6).toString("hex")}.${imageExtension[type]}`;
  await deps.media.put(key, data, type);
  try {
    await deps.db
      .updateTable("users")
      .set({ avatar_key: key, updated_at: new Date() })
      .where("id", "=", userId)
      .execute();
  } catch (error) {
    await deps.media.delete(key);
    throw error;
  }
  await forgetUser(deps.cache, userId);
  if (user.avatar_key) await deps.media.delete(user.avatar_key);
  return { avatarUrl: `/media/images/${key}` };
}

export async function removeAvatar(deps: ApiDeps, userId: string): Promise<{ avatarUrl: null }> {
  const user = await loadUser(deps.db, userId);
  await deps.db
    .updateTable("users")
    .set({ avatar_key: null, avatar_url: null, updated_at: new Date() })
    .where("id", "=", userId)
    .execute();
  await forgetUser(deps.cache, userId);
  if (user.avatar_key) await deps.media.delete(user.avatar_key);
  return { avatarUrl: null };
}
