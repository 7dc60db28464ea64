export * from "./auth.js";
export * from "./common.js";
export * from "./system.js";
export * from "./user.js";
