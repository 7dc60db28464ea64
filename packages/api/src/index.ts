export { type Actor, assertCan } from "./authz.js";
export {
  type ApiDeps,
  type Context,
  type CookieOptions,
  type Cookies,
  createContextInner,
  type Log,
  memoryCookies,
  type RequestInfo,
  type Secrets,
  silentLog,
} from "./context.js";
export { FieldError, RetryLaterError } from "./errors.js";
export { ARGON2_OPTIONS, hashPassword, verifyPassword } from "./modules/auth/passwords.js";
export {
  REFRESH_COOKIE,
  REFRESH_COOKIE_PATH,
  signAccessToken,
  verifyAccessToken,
} from "./modules/auth/tokens.js";
export { catalogCached, catalogRevision } from "./modules/catalog/catalog.service.js";
export { findSongMedia, type SongMedia } from "./modules/catalog/song-media.js";
export { checkStreamSignature, streamUrl } from "./modules/catalog/stream-urls.js";
export { refreshPopular } from "./modules/discover/discover.service.js";
export { hubFor as sessionHub, sessionUpkeep } from "./modules/sessions/sessions.service.js";
export { AvatarError, removeAvatar, setAvatar } from "./modules/users/users.service.js";
export { type AppRouter, appRouter, createCaller } from "./root.js";
export { isImmutable } from "./trpc.js";
