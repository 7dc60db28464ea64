import { monitorEventLoopDelay } from "node:perf_hooks";
import { appRouter } from "@chorus/api";
import type { Cache } from "@chorus/cache";
import type { IndexedSearchStats } from "@chorus/search";
import type {} from "@fastify/websocket";
import type { FastifyInstance, FastifyRequest } from "fastify";

/** Upper bounds in seconds: from a cache hit (a few ms) to a request the seed's targets call slow. */
export const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);
const TRPC_ROUTE = "/trpc/:path";

export interface MetricsOptions {
  cache: Cache;
  version: string;
  /** This instance's live-session fan-out: sessions with subscribers here, and those subscribers. */
  liveSessions?: () => { sessions: number; subscribers: number };
  /** The in-process search index's counters, or null when it is off. */
  searchIndex?: () => IndexedSearchStats | null;
}

type Labels = Record<string, string>;

interface Series {
  labels: Labels;
  count: number;
  sum: number;
  /** Per bucket, not cumulative: summed when written out. */
  buckets: number[];
}

/**
 * The route label of a request: its route pattern, with a tRPC call's procedure in place of
 * `:path` so each endpoint's latency is visible. Labels stay bounded: only procedures the router
 * knows are named; a batch of several is "(batch)", since one duration cannot be split among them.
 */
export function routeLabel(request: FastifyRequest, procedures: ReadonlySet<string>): string {
  const route = request.routeOptions.url;
  if (!route) return "unmatched";
  if (route !== TRPC_ROUTE) return route;
  const calls = trpcProcedures(request);
  if (calls.length !== 1) return "/trpc/(batch)";
  return `/trpc/${procedures.has(calls[0]!) ? calls[0] : "other"}`;
}

function trpcProcedures(request: FastifyRequest): string[] {
  const path = (request.params as { path?: unknown } | undefined)?.path;
  return typeof path === "string" && path ? path.split(",") : [];
}

const escapeLabel = (value: string) =>
  value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");

function formatLabels(labels: Labels): string {
  const pairs = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`);
  return pairs.length ? `{${pairs.join(",")}}` : "";
}

function formatNumber(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Number.POSITIVE_INFINITY) return "+Inf";
  if (value === Number.NEGATIVE_INFINITY) return "-Inf";
  return String(value);
}

class Exposition {
  private lines: string[] = [];

  metric(name: string, type: "counter" | "gauge" | "histogram", help: string): this {
    this.lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    return this;
  }

  sample(name: string, value: number, labels: Labels = {}): this {
    this.lines.push(`${name}${formatLabels(labels)} ${formatNumber(value)}`);
    return this;
  }

  toString(): string {
    return `${this.lines.join("\n")}\n`;
  }
}

/**
 * GET /metrics in the Prometheus text format: process memory and uptime, event-loop lag, HTTP
 * requests per route, method and status class (count and duration histogram), tRPC calls per
 * procedure, this instance's cache tiers, live WebSocket connections and live-session subscribers. Every instance reports its
 * own numbers; Prometheus adds the `instance` label.
 *
 * Called on the root instance before any route is registered: Fastify gives a route the hooks its
 * context has when the route is added, so the onResponse hook must come first.
 */
export function registerMetrics(
  app: FastifyInstance,
  { cache, version, liveSessions, searchIndex }: MetricsOptions,
): void {
  const procedures = new Set(Object.keys(appRouter._def.procedures));
  const requests = new Map<string, Series>();
  const calls = new Map<string, number>();
  const lag = monitorEventLoopDelay({ resolution: 10 });
  lag.enable();
  app.addHook("onClose", async () => lag.disable());

  app.addHook("onResponse", async (request, reply) => {
    // A WebSocket's "response" is the upgrade; its lifetime is not a request's duration.
    if (request.routeOptions.url === "/metrics" || request.ws) return;
    const labels = {
      method: METHODS.has(request.method) ? request.method : "other",
      route: routeLabel(request, procedures),
      status: `${Math.floor(reply.statusCode / 100)}xx`,
    };
    const key = `${labels.method} ${labels.route} ${labels.status}`;
    let series = requests.get(key);
    if (!series) {
      series = { labels, count: 0, sum: 0, buckets: DURATION_BUCKETS.map(() => 0) };
      requests.set(key, series);
    }
    const seconds = reply.elapsedTime / 1000;
    series.count++;
    series.sum += seconds;
    const bucket = DURATION_BUCKETS.findIndex((le) => seconds <= le);
    if (bucket >= 0) series.buckets[bucket]!++;
    if (request.routeOptions.url === TRPC_ROUTE) {
      for (const name of trpcProcedures(request)) {
        const procedure = procedures.has(name) ? name : "other";
        calls.set(procedure, (calls.get(procedure) ?? 0) + 1);
      }
    }
  });

  app.get("/metrics", async (_request, reply) => {
    const out = new Exposition();
    const memory = process.memoryUsage();
    out
      .metric("chorus_info", "gauge", "The running Chorus version (always 1).")
      .sample("chorus_info", 1, { version })
      .metric("process_resident_memory_bytes", "gauge", "Resident set size of the process in bytes.")
      .sample("process_resident_memory_bytes", memory.rss)
      .metric("nodejs_heap_size_used_bytes", "gauge", "V8 heap in use, in bytes.")
      .sample("nodejs_heap_size_used_bytes", memory.heapUsed)
      .metric("nodejs_heap_size_total_bytes", "gauge", "V8 heap reserved, in bytes.")
      .sample("nodejs_heap_size_total_bytes", memory.heapTotal)
      .metric("process_uptime_seconds", "gauge", "Seconds since the process started.")
      .sample("process_uptime_seconds", process.uptime());

    // Since the previous scrape, like prom-client's: a lag spike shows once, not forever after.
    out
      .metric(
        "nodejs_eventloop_lag_p99_seconds",
        "gauge",
        "99th percentile event-loop delay since the last scrape.",
      )
      .sample("nodejs_eventloop_lag_p99_seconds", lag.count ? lag.percentile(99) / 1e9 : 0)
      .metric("nodejs_eventloop_lag_max_seconds", "gauge", "Longest event-loop delay since the last scrape.")
      .sample("nodejs_eventloop_lag_max_seconds", lag.count ? lag.max / 1e9 : 0);
    lag.reset();

    const all = [...requests.values()];
    out.metric(
      "chorus_http_requests_total",
      "counter",
      "HTTP requests answered, by method, route (tRPC: /trpc/<procedure>) and status class.",
    );
    for (const s of all) out.sample("chorus_http_requests_total", s.count, s.labels);
    out.metric(
      "chorus_http_request_duration_seconds",
      "histogram",
      "Time from receiving a request to the end of its response, by method, route and status class.",
    );
    for (const s of all) {
      let cumulative = 0;
      for (const [i, le] of DURATION_BUCKETS.entries()) {
        cumulative += s.buckets[i]!;
        out.sample("chorus_http_request_duration_seconds_bucket", cumulative, {
          ...s.labels,
          le: String(le),
        });
      }
      out
        .sample("chorus_http_request_duration_seconds_bucket", s.count, { ...s.labels, le: "+Inf" })
        .sample("chorus_http_request_duration_seconds_sum", s.sum, s.labels)
        .sample("chorus_http_request_duration_seconds_count", s.count, s.labels);
    }
    out.metric(
      "chorus_trpc_calls_total",
      "counter",
      "tRPC procedure calls over HTTP, each call of a batch counted.",
    );
    for (const [procedure, count] of calls) out.sample("chorus_trpc_calls_total", count, { procedure });

    // The cache's counters restart when someone calls resetStats() (the benchmarks do);
    // Prometheus treats that as a counter reset.
    const stats = cache.stats();
    out
      .metric(
        "chorus_cache_hits_total",
        "counter",
        "Cache reads answered from a tier (lru: this process, redis).",
      )
      .sample("chorus_cache_hits_total", stats.lruHits, { tier: "lru" })
      .sample("chorus_cache_hits_total", stats.redisHits, { tier: "redis" })
      .metric("chorus_cache_misses_total", "counter", "Cache reads that found nothing.")
      .sample("chorus_cache_misses_total", stats.misses)
      .metric(
        "chorus_cache_loads_total",
        "counter",
        "Loader calls after misses (concurrent misses share one).",
      )
      .sample("chorus_cache_loads_total", stats.loads)
      .metric("chorus_cache_errors_total", "counter", "Redis commands that failed.")
      .sample("chorus_cache_errors_total", stats.errors)
      .metric(
        "chorus_cache_invalidations_total",
        "counter",
        "Keys and tags invalidated through this instance.",
      )
      .sample("chorus_cache_invalidations_total", stats.invalidations)
      .metric("chorus_cache_hit_ratio", "gauge", "hits / (hits + misses) since start (0 before any read).")
      .sample("chorus_cache_hit_ratio", stats.hitRate)
      .metric("chorus_cache_lru_entries", "gauge", "Entries in this process's LRU tier.")
      .sample("chorus_cache_lru_entries", stats.lruSize)
      .metric("chorus_cache_redis_up", "gauge", "1 while the Redis tier is usable, 0 while reads fall back.");
    if (stats.redis !== "none") out.sample("chorus_cache_redis_up", stats.redis === "up" ? 1 : 0);

    out
      .metric("chorus_websocket_connections", "gauge", "Open WebSocket connections (tRPC subscriptions).")
      .sample("chorus_websocket_connections", app.websocketServer?.clients.size ?? 0);
    if (liveSessions) {
      const live = liveSessions();
      out
        .metric(
          "chorus_live_sessions",
          "gauge",
          "Live sessions with at least one event subscriber on this instance.",
        )
        .sample("chorus_live_sessions", live.sessions)
        .metric(
          "chorus_live_session_subscribers",
          "gauge",
          "Live-session event subscriptions open on this instance.",
        )
        .sample("chorus_live_session_subscribers", live.subscribers);
    }

    const index = searchIndex?.();
    if (index) {
      out
        .metric(
          "chorus_search_answers_total",
          "counter",
          "Uncached searches of songs, albums and artists (and autocompletes), by what answered: the in-process index, or PostgreSQL while the index was behind the catalog.",
        )
        .sample("chorus_search_answers_total", index.fromIndex, { by: "index" })
        .sample("chorus_search_answers_total", index.fromPostgres, { by: "postgres" })
        .metric("chorus_search_index_builds_total", "counter", "Builds of the in-process search index.")
        .sample("chorus_search_index_builds_total", index.builds)
        .metric("chorus_search_index_songs", "gauge", "Songs in the in-process search index.")
        .sample("chorus_search_index_songs", index.songs)
        .metric(
          "chorus_search_index_build_seconds",
          "gauge",
          "How long the last build of the search index took.",
        )
        .sample("chorus_search_index_build_seconds", (index.buildMs ?? 0) / 1000);
    }

    return reply
      .header("content-type", "text/plain; version=0.0.4; charset=utf-8")
      .header("cache-control", "no-store")
      .send(out.toString());
  });
}
