export * from "./auth.js";
export * from "./catalog.js";
export * from "./common.js";
export * from "./lyrics.js";
export * from "./system.js";
export * from "./user.js";
