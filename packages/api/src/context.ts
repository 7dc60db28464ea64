import type { Cache, EventBus } from "@chorus/cache";
import type { Backends } from "@chorus/contracts";
import type { Db } from "@chorus/db";

/** What every procedure can reach. Built once per server (deps) and once per request (the rest). */
export interface ApiDeps {
  db: Db;
  cache: Cache;
  bus: EventBus;
  backends: Backends;
  version: string;
  startedAt: Date;
}

export interface Context extends ApiDeps {
  /** Request id, for logs and error reports. */
  requestId: string;
}

/** The context without any HTTP: used by the server adapter, by tests and by scripts. */
export function createContextInner(deps: ApiDeps, requestId = "internal"): Context {
  return { ...deps, requestId };
}
