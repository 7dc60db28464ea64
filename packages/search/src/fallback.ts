import type { SearchEngine } from "./engine.js";

/** Which engine answers searches now, for /ready and the logs. */
export interface SearchState {
  engine: SearchEngine["kind"];
  /** The configured engine is failing and another one answers instead. */
  degraded: boolean;
  /** Why, while degraded. */
  reason: string | null;
}

export interface FallbackLog {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export interface FallbackOptions {
  log?: FallbackLog;
  /** Called on every change of state. */
  onState?: (state: SearchState) => void;
  /** A primary call slower than this counts as a failure and is answered by the fallback. Default 300 ms. */
  timeoutMs?: number;
  /** How often a degraded wrapper asks the primary's health. Default 5 s. */
  probeMs?: number;
}

export interface FallbackSearch extends SearchEngine {
  state(): SearchState;
  /**
   * Asks the primary's health now and updates the state (degraded when it does not answer), e.g.
   * at start-up, so /ready is right before the first search.
   */
  check(): Promise<SearchState>;
  /** Stops the health probe. */
  close(): void;
}

/**
 * Searches with `primary` and answers from `fallback` when it fails or is slow. The first failure
 * makes it degraded (logged once): from then on the fallback answers every call at once, and the
 * primary's health is probed every probeMs; the first healthy answer brings the primary back.
 */
export function withFallback(
  primary: SearchEngine & { health(): Promise<unknown> },
  fallback: SearchEngine,
  options: FallbackOptions = {},
): FallbackSearch {
  const timeoutMs = options.timeoutMs ?? 300;
  const probeMs = options.probeMs ?? 5_000;
  let current: SearchState = { engine: primary.kind, degraded: false, reason: null };
  let since = 0;
  let probe: NodeJS.Timeout | undefined;
  let probing = false;
  let closed = false;

  const set = (next: SearchState) => {
    current = next;
    options.onState?.(next);
  };

  const degrade = (error: unknown) => {
    if (current.degraded || closed) return;
    const reason = explainError(error);
    since = Date.now();
    options.log?.warn(
      { err: error, reason, engine: primary.kind, fallback: fallback.kind },
      `${primary.kind} search failed: answering from ${fallback.kind} until it is healthy again`,
    );
    set({ engine: fallback.kind, degraded: true, reason });
    probe = setInterval(check, probeMs);
    probe.unref();
  };

  const recover = () => {
    clearInterval(probe);
    options.log?.info(
      { engine: primary.kind, degradedMs: Date.now() - since },
      `${primary.kind} search is healthy again`,
    );
    set({ engine: primary.kind, degraded: false, reason: null });
  };

  async function check() {
    if (probing || !current.degraded) return;
    probing = true;
    try {
      await within(primary.health(), Math.max(timeoutMs, 2_000));
      if (current.degraded && !closed) recover();
    } catch (error) {
      // Still down: the reason shown is the latest one.
      const reason = explainError(error);
      if (current.degraded && reason !== current.reason) set({ ...current, reason });
    } finally {
      probing = false;
    }
  }

  async function checkNow(): Promise<SearchState> {
    if (current.degraded) {
      await check();
    } else {
      await within(primary.health(), Math.max(timeoutMs, 2_000)).catch(degrade);
    }
    return { ...current };
  }

  async function call<T>(ask: (engine: SearchEngine) => Promise<T>): Promise<T> {
    if (!current.degraded) {
      try {
        return await within(ask(primary), timeoutMs);
      } catch (error) {
        degrade(error);
      }
    }
    return ask(fallback);
  }

  return {
    get kind() {
      return current.engine;
    },
    search: (request) => call((engine) => engine.search(request)),
    autocomplete: (prefix, limit) => call((engine) => engine.autocomplete(prefix, limit)),
    state: () => ({ ...current }),
    check: checkNow,
    close() {
      closed = true;
      clearInterval(probe);
    },
  };
}

/**
 * An error with its causes: the Meilisearch client says "Request to .../multi-search has failed",
 * and why (connection refused, a bad key, a timeout) is two causes down.
 */
export function explainError(error: unknown): string {
  const parts: string[] = [];
  let e: unknown = error;
  for (let depth = 0; e !== undefined && e !== null && depth < 4; depth++) {
    const message = e instanceof Error ? e.message : typeof e === "string" ? e : "";
    const code = (e as { code?: unknown }).code;
    const part = typeof code === "string" && !message.includes(code) ? `${message} (${code})` : message;
    if (part && !parts.includes(part)) parts.push(part);
    e = e instanceof Error ? e.cause : undefined;
  }
  return parts.join(": ") || String(error);
}

/** The promise's outcome, or a rejection after `ms` (the work itself is not cancelled). */
function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  // A late rejection of the original promise must not go unhandled.
  promise.catch(() => {});
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}
