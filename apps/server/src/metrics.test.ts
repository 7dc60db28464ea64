import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { startTestServer, type TestServer } from "./test-server.js";

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer("metrics", { listen: true });
});

afterAll(async () => {
  await server?.close();
});

type Sample = { name: string; labels: Record<string, string>; value: number };

/** Parses the text format strictly: a line that is neither a comment nor `name{labels} value` fails. */
function parse(text: string): { samples: Sample[]; types: Map<string, string> } {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  for (const line of text.split("\n")) {
    if (line === "") continue;
    const comment = /^# (HELP|TYPE) ([a-zA-Z_:][\w:]*) (.+)$/.exec(line);
    if (comment) {
      if (comment[1] === "TYPE") types.set(comment[2]!, comment[3]!);
      continue;
    }
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (-?[\d.e+-]+|NaN|[+-]Inf)$/.exec(line);
    if (!match) throw new Error(`not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, key, value] of (match[2] ?? "").matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) {
      labels[key!] = value!;
    }
    samples.push({ name: match[1]!, labels, value: Number(match[3]!.replace("Inf", "Infinity")) });
  }
  return { samples, types };
}

async function scrape() {
  const res = await server.app.inject("/metrics");
  expect(res.statusCode).toBe(200);
  expect(res.headers["content-type"]).toContain("text/plain; version=0.0.4");
  return parse(res.body);
}

const find = (samples: Sample[], name: string, labels: Record<string, string> = {}) =>
  samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));

const query = (path: string) => server.app.inject(`/trpc/${path}`);

describe("/metrics", () => {
  it("counts requests per route, method and status class, with tRPC procedures by name", async () => {
    const info = { method: "GET", route: "/trpc/system.info", status: "2xx" };
    const before = await scrape();
    const countBefore = find(before.samples, "chorus_http_requests_total", info)?.value ?? 0;

    expect((await query("system.info")).statusCode).toBe(200);
    expect((await query("system.info")).statusCode).toBe(200);
    expect((await query("system.info,system.info?batch=1&input=%7B%7D")).statusCode).toBe(200);
    expect((await query("no.such.procedure")).statusCode).toBe(404);
    expect((await server.app.inject("/health")).statusCode).toBe(200);
    expect((await server.app.inject("/nowhere")).statusCode).toBe(404);

    const { samples, types } = await scrape();
    expect(types.get("chorus_http_requests_total")).toBe("counter");
    expect(types.get("chorus_http_request_duration_seconds")).toBe("histogram");
    expect(find(samples, "chorus_http_requests_total", info)?.value).toBe(countBefore + 2);
    expect(find(samples, "chorus_http_request_duration_seconds_count", info)?.value).toBe(countBefore + 2);
    expect(find(samples, "chorus_http_request_duration_seconds_sum", info)?.value).toBeGreaterThan(0);
    expect(find(samples, "chorus_http_requests_total", { route: "/trpc/(batch)" })?.value).toBe(1);
    expect(find(samples, "chorus_http_requests_total", { route: "/trpc/other", status: "4xx" })?.value).toBe(
      1,
    );
    expect(find(samples, "chorus_http_requests_total", { route: "/health" })?.value).toBe(1);
    expect(find(samples, "chorus_http_requests_total", { route: "unmatched", status: "4xx" })?.value).toBe(1);
    // Each call in a batch counts for its procedure.
    expect(find(samples, "chorus_trpc_calls_total", { procedure: "system.info" })?.value).toBe(4);
    expect(find(samples, "chorus_trpc_calls_total", { procedure: "other" })?.value).toBe(1);
    // Scrapes do not count themselves.
    expect(samples.some((s) => s.labels.route === "/metrics")).toBe(false);

    // Buckets are cumulative and end at +Inf with the count.
    const buckets = samples.filter(
      (s) =>
        s.name === "chorus_http_request_duration_seconds_bucket" &&
        s.labels.route === info.route &&
        s.labels.method === "GET",
    );
    expect(buckets.at(-1)?.labels.le).toBe("+Inf");
    expect(buckets.at(-1)?.value).toBe(countBefore + 2);
    for (let i = 1; i < buckets.length; i++) {
      expect(buckets[i]!.value).toBeGreaterThanOrEqual(buckets[i - 1]!.value);
    }
  });

  it("reports memory, uptime, the cache and live WebSocket connections", async () => {
    await query("system.info");
    await query("system.info");
    const ws = new WebSocket(`${server.baseUrl.replace("http", "ws")}/trpc`);
    await new Promise((resolve, reject) => ws.once("open", resolve).once("error", reject));
    try {
      const { samples } = await scrape();
      expect(find(samples, "process_resident_memory_bytes")?.value).toBeGreaterThan(10_000_000);
      expect(find(samples, "nodejs_heap_size_used_bytes")?.value).toBeGreaterThan(0);
      expect(find(samples, "process_uptime_seconds")?.value).toBeGreaterThan(0);
      expect(find(samples, "chorus_info")?.labels.version).toBe("0.1.0");
      expect(find(samples, "chorus_cache_redis_up")?.value).toBe(1);
      const stats = server.services.cache.stats();
      expect(find(samples, "chorus_cache_misses_total")?.value).toBe(stats.misses);
      expect(find(samples, "chorus_cache_hits_total", { tier: "lru" })?.value).toBe(stats.lruHits);
      expect(find(samples, "chorus_cache_hit_ratio")?.value).toBeCloseTo(stats.hitRate);
      expect(find(samples, "chorus_cache_lru_entries")?.value).toBe(stats.lruSize);
      expect(find(samples, "chorus_websocket_connections")?.value).toBe(1);
      // The WebSocket upgrade is not an HTTP request with a duration.
      expect(samples.some((s) => s.labels.route === "/trpc")).toBe(false);
    } finally {
      ws.close();
    }
  });

  it("reports what answered searches: the in-process index, or PostgreSQL while it was behind", async () => {
    const search = (q: string) =>
      query(`search.query?input=${encodeURIComponent(JSON.stringify({ json: { q } }))}`);
    expect((await search("metrics first")).statusCode).toBe(200);
    const engine = server.services.search as { current?: () => Promise<void> };
    await engine.current?.();
    expect((await search("metrics second")).statusCode).toBe(200);
    const { samples, types } = await scrape();
    const stats = server.services.searchIndex();
    expect(stats).not.toBeNull();
    expect(types.get("chorus_search_answers_total")).toBe("counter");
    expect(find(samples, "chorus_search_answers_total", { by: "index" })?.value).toBe(stats!.fromIndex);
    expect(find(samples, "chorus_search_answers_total", { by: "postgres" })?.value).toBe(stats!.fromPostgres);
    expect(stats!.fromIndex).toBeGreaterThanOrEqual(1);
    expect(find(samples, "chorus_search_index_builds_total")?.value).toBeGreaterThanOrEqual(1);
    expect(find(samples, "chorus_search_index_songs")?.value).toBe(stats!.songs);
  });
});
