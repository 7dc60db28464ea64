import type { Migration } from "kysely";
import * as core from "./2026-11-25-001-core.js";
import * as accounts from "./2026-11-25-002-accounts.js";
import * as catalog from "./2026-11-25-003-catalog.js";
import * as library from "./2026-11-25-004-library.js";
import * as search from "./2026-11-25-005-search.js";
import * as sessions from "./2026-11-26-006-sessions.js";
import * as mongoImport from "./2026-11-26-007-import.js";
import * as sessionsMore from "./2026-11-26-008-sessions-more.js";
import * as searchRevision from "./2026-11-26-009-search-revision.js";

/**
 * Every migration, by name. Names sort in the order they run (date prefix); Kysely's Migrator
 * refuses to run when a landed migration is missing or out of order, so only ever append.
 * A static list (rather than a folder scan) works the same from `src/` under vitest and from `dist/`.
 */
export const migrations: Record<string, Migration> = {
  "2026-11-25-001-core": core,
  "2026-11-25-002-accounts": accounts,
  "2026-11-25-003-catalog": catalog,
  "2026-11-25-004-library": library,
  "2026-11-25-005-search": search,
  "2026-11-26-006-sessions": sessions,
  "2026-11-26-007-import": mongoImport,
  "2026-11-26-008-sessions-more": sessionsMore,
  "2026-11-26-009-search-revision": searchRevision,
};
