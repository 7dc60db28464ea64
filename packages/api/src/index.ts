export { type ApiDeps, type Context, createContextInner } from "./context.js";
export { type AppRouter, appRouter, createCaller } from "./root.js";
