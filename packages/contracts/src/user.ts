import { z } from "zod";
import { Code, DisplayName, Password, PasswordAttempt } from "./auth.js";

export const BIO_MAX = 500;
/** Avatars: JPEG, PNG, WebP or GIF, checked by content, at most this size. */
export const AVATAR_MAX_BYTES = 5 * 1024 * 1024;
export const AVATAR_TYPES = ["image/jpeg", "image/png", "image/webp", "image/gif"] as const;
export const EQ_BANDS_HZ = [32, 64, 125, 250, 500, 1000, 2000, 4000, 8000, 16000] as const;
export const EQ_LIMIT_DB = 12;
export const CROSSFADE_MAX_SECONDS = 12;

export const Role = z.enum(["user", "admin"]);

/** The signed-in user, without secrets. */
export const Me = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string().nullable(),
  bio: z.string().nullable(),
  avatarUrl: z.string().nullable(),
  role: Role,
  emailVerified: z.boolean(),
  createdAt: z.date(),
});
export type Me = z.infer<typeof Me>;

export const UpdateProfileInput = z
  .object({
    name: DisplayName.nullable().optional(),
    bio: z.string().trim().max(BIO_MAX, `A bio has at most ${BIO_MAX} characters`).nullable().optional(),
  })
  .refine((v) => v.name !== undefined || v.bio !== undefined, "Change at least the name or the bio");
export type UpdateProfileInput = z.infer<typeof UpdateProfileInput>;

export const Theme = z.enum(["dark", "light", "system"]);
export const AudioQuality = z.enum(["low", "normal", "high", "lossless"]);

export const EqualizerBand = z
  .number({ error: "Each band is a number of dB" })
  .min(-EQ_LIMIT_DB, `Each band is at least -${EQ_LIMIT_DB} dB`)
  .max(EQ_LIMIT_DB, `Each band is at most +${EQ_LIMIT_DB} dB`);

export const Equalizer = z.object({
  enabled: z.boolean(),
  preset: z.string().trim().min(1).max(40),
  bands: z.array(EqualizerBand).length(10, "The equalizer has exactly 10 bands"),
});
export type Equalizer = z.infer<typeof Equalizer>;

export const Notifications = z.object({ email: z.boolean(), push: z.boolean() });

export const Settings = z.object({
  theme: Theme,
  audioQuality: AudioQuality,
  equalizer: Equalizer,
  crossfadeSeconds: z
    .number({ error: "Crossfade is a number of seconds" })
    .min(0, "Crossfade is at least 0 seconds")
    .max(CROSSFADE_MAX_SECONDS, `Crossfade is at most ${CROSSFADE_MAX_SECONDS} seconds`),
  autoplay: z.boolean(),
  privateSession: z.boolean(),
  language: z
    .string()
    .trim()
    .regex(/^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/, "Language is a code like en or pt-BR"),
  notifications: Notifications,
});
export type Settings = z.infer<typeof Settings>;

export const UpdateSettingsInput = Settings.partial()
  .extend({ notifications: Notifications.partial().optional() })
  .strict()
  .refine((v) => Object.keys(v).length > 0, "Change at least one setting");
export type UpdateSettingsInput = z.infer<typeof UpdateSettingsInput>;

export const ChangePasswordInput = z.object({
  currentPassword: PasswordAttempt,
  newPassword: Password,
});
export type ChangePasswordInput = z.infer<typeof ChangePasswordInput>;

/** Deleting an account needs the password, or (for accounts that sign in by code) an emailed code. */
export const DeleteAccountInput = z.union([
  z.object({ password: PasswordAttempt }).strict(),
  z.object({ code: Code }).strict(),
]);
export type DeleteAccountInput = z.infer<typeof DeleteAccountInput>;

/** What a successful sign-in returns. The refresh token is in the body only when asked for. */
export const AuthResult = z.object({
  accessToken: z.string(),
  accessTokenExpiresAt: z.date(),
  user: Me,
  refreshToken: z.string().optional(),
});
export type AuthResult = z.infer<typeof AuthResult>;
