// Search on a large generated catalog through the real HTTP server: p50/p95/p99 of search.query and
// search.autocomplete over realistic queries with typos (a different query almost every time, so the
// cache rarely helps), 10 concurrent clients; and, while the searches run, the latency of another
// request (catalog.song), against the same request on an idle server: search must not stall the rest.
// Makes and drops its own database. Run after `pnpm build`:
//   pnpm --filter @chorus/server bench:search
// Environment: DATABASE_URL (admin connection; default postgres://postgres@127.0.0.1:5432/postgres),
// SONGS (100000), PLAYLISTS (public ones, 1000), CONNECTIONS (10), SECONDS (10), WARMUP (2), RATE (requests/s over all clients;
// unset: as fast as they can, each client sending its next request when the last is answered),
// HEAP_GROWING_PERCENT (the server's setting; 0 for V8's own heap growth), SEARCH_INDEX (the server's
// setting; false: PostgreSQL answers every search), DATABASE_POOL_SIZE (the server's), DISTINCT (use only the
// first N queries and prefixes: DISTINCT=1 measures a cache hit every time, the server's ceiling),
// ONLY (search.query or search.autocomplete: run that one alone).
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";

const trpcGet = (procedure, input) =>
  `/trpc/${procedure}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`;

// ---------- the load generator (worker thread) ----------

async function loadGenerator(job) {
  const { default: autocannon } = await import("autocannon");
  const random = (n) => Math.floor(Math.random() * n);
  const percentile = (sorted, p) =>
    sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
  const summary = (ms) => {
    const sorted = [...ms].sort((a, b) => a - b);
    return {
      n: sorted.length,
      p50: percentile(sorted, 50),
      p95: percentile(sorted, 95),
      p99: percentile(sorted, 99),
    };
  };

  /** A request every 50 ms to a cheap procedure, measured; runs until `until`. */
  async function probe(until) {
    const ms = [];
    while (Date.now() < until) {
      const started = performance.now();
      const res = await fetch(`${job.base}${job.probePath}`);
      await res.arrayBuffer();
      ms.push(performance.now() - started);
      await new Promise((r) => setTimeout(r, 50));
    }
    return summary(ms);
  }

  /**
   * RATE: requests started evenly over time (people typing), each timed from when it was due, at most
   * `connections` in flight. (autocannon's overallRate lets each connection send its share of a second
   * back to back at the start of that second: a burst every second, not a steady rate.)
   */
  async function paced(paths, seconds) {
    const latencies = [];
    let non2xx = 0;
    let errors = 0;
    const interval = 1000 / job.rate;
    const started = performance.now();
    const inflight = new Set();
    for (let sent = 0; ; sent++) {
      const due = started + sent * interval;
      if (due >= started + seconds * 1000) break;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      while (inflight.size >= job.connections) await Promise.race(inflight);
      const request = fetch(`${job.base}${paths[random(paths.length)]}`)
        .then(async (res) => {
          await res.arrayBuffer();
          latencies.push(performance.now() - due);
          if (!res.ok) non2xx++;
        })
        .catch(() => errors++)
        .finally(() => inflight.delete(request));
      inflight.add(request);
    }
    await Promise.all(inflight);
    return { ...summary(latencies), rps: latencies.length / seconds, non2xx, errors };
  }

  async function load(paths, seconds) {
    if (job.rate) return paced(paths, seconds);
    const latencies = [];
    let non2xx = 0;
    const instance = autocannon({
      url: job.base,
      connections: job.connections,
      duration: seconds,
      requests: [{ setupRequest: (req) => ({ ...req, method: "GET", path: paths[random(paths.length)] }) }],
    });
    instance.on("response", (_c, status, _b, ms) => {
      latencies.push(ms);
      if (status < 200 || status > 299) non2xx++;
    });
    const result = await instance;
    return {
      ...summary(latencies),
      rps: result.totalCompletedRequests / result.duration,
      non2xx,
      errors: result.errors,
    };
  }

  const results = {};
  results.idleProbe = await probe(Date.now() + 3_000);
  for (const [name, paths] of Object.entries(job.workloads)) {
    await load(paths, job.warmup);
    const probing = probe(Date.now() + job.seconds * 1000);
    results[name] = await load(paths, job.seconds);
    results[`${name}:probe`] = await probing;
  }
  parentPort.postMessage(results);
}

// ---------- the server, the data and the report (main thread) ----------

const WORDS = `love night heart light fire rain blue dream summer river road home dance city star gold sky
time world girl boy moon sun stone wild soul ocean storm shadow silver morning evening winter spring
autumn garden window paper letter song radio highway train station mountain valley desert island
harbor forest field flower rose honey sugar coffee whiskey midnight sunrise sunset thunder lightning
echo mirror glass velvet electric neon crystal diamond broken lonely young old sweet bitter golden
little big last first lost found falling rising running waiting dreaming burning shining fading
together forever never always tonight tomorrow yesterday again away alone inside outside over under
between behind beyond without within through across along around kingdom empire garden cathedral
machine engine signal static wire circuit satellite rocket planet comet galaxy universe atlas
compass anchor sailor captain pilot driver dancer singer painter poet stranger lover friend brother
sister mother father daughter son queen king prince angel devil ghost spirit saint sinner hunter`
  .split(/\s+/)
  .filter(Boolean);
const FIRST =
  "Anna Björk Chloé Diego Élodie Felix Greta Hugo Ines Jonas Kai Lena Mateo Nina Oskar Paula Rafael Sigrún Tomás Zoë".split(
    " ",
  );
const LAST =
  "Hall Orchard Coast Pools Rivers Stone Okafor Sørensen Müller García Dubois Novak Kowalski Rossi Silva Tanaka Kim Nguyen Walsh Byrne".split(
    " ",
  );

/** One realistic typo: a letter dropped, doubled, swapped with the next, or replaced by a neighbour. */
function typo(text, rand) {
  const letters = [...text];
  const positions = letters.map((c, i) => (/\p{L}/u.test(c) ? i : -1)).filter((i) => i > 0);
  if (positions.length === 0) return text;
  const i = positions[Math.floor(rand() * positions.length)];
  const kind = Math.floor(rand() * 4);
  if (kind === 0) letters.splice(i, 1);
  else if (kind === 1) letters.splice(i, 0, letters[i]);
  else if (kind === 2 && i + 1 < letters.length) [letters[i], letters[i + 1]] = [letters[i + 1], letters[i]];
  else letters[i] = "qwertyuiopasdfghjklzxcvbnm"[Math.floor(rand() * 26)];
  return letters.join("");
}

async function main() {
  const { mkdtemp, rm } = await import("node:fs/promises");
  const os = await import("node:os");
  const path = await import("node:path");
  const { default: pg } = await import("pg");
  const { applyHeapGrowing, buildApp, loadConfig, openServices } = await import("../dist/app.js");

  const admin = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
  const songCount = Number(process.env.SONGS ?? 100_000);
  const seconds = Number(process.env.SECONDS ?? 10);
  const warmup = Number(process.env.WARMUP ?? 2);
  const connections = Number(process.env.CONNECTIONS ?? 10);
  // KEEP_DB=<name>: search that database, generating its catalog only when it has none, and keep it
  // afterwards (for EXPLAIN and repeated runs); drop it yourself when done.
  const keep = process.env.KEEP_DB;
  if (keep && !/^[a-z_][a-z0-9_]*$/.test(keep)) throw new Error("KEEP_DB: a database name of a-z, 0-9 and _");
  const name = keep ?? `chorus_bench_search_${process.pid}`;
  const started = Date.now();
  const step = (what) => console.log(`… ${what} (${((Date.now() - started) / 1000).toFixed(1)} s)`);

  const adminClient = new pg.Client(admin);
  await adminClient.connect();
  const exists =
    (await adminClient.query("select 1 from pg_database where datname = $1", [name])).rowCount > 0;
  if (!exists) await adminClient.query(`create database ${name}`);
  const url = new URL(admin);
  url.pathname = `/${name}`;
  const dir = await mkdtemp(path.join(os.tmpdir(), "chorus-bench-search-"));
  const closers = [];
  let cleaned = false;
  async function cleanup() {
    if (cleaned) return;
    cleaned = true;
    for (const close of closers.reverse())
      await close().catch((err) => console.warn("cleanup:", err.message));
    if (!keep)
      await adminClient
        .query(`drop database if exists ${name} with (force)`)
        .catch((err) => console.warn(err));
    await adminClient.end().catch(() => {});
    await rm(dir, { recursive: true, force: true });
  }
  for (const signal of ["SIGINT", "SIGTERM"]) {
    process.once(signal, () => void cleanup().finally(() => process.exit(130)));
  }
  process.once("uncaughtException", (err) => {
    console.error(err);
    void cleanup().finally(() => process.exit(1));
  });

  try {
    // No REDIS_URL: the in-process cache, as `pnpm start` runs. Queries rarely repeat, so it rarely hits.
    const config = loadConfig({
      DATABASE_URL: url.toString(),
      DATA_DIR: dir,
      NODE_ENV: "production",
      SERVE_WEB: "false",
      LOG_LEVEL: "silent",
      ...(process.env.HEAP_GROWING_PERCENT ? { HEAP_GROWING_PERCENT: process.env.HEAP_GROWING_PERCENT } : {}),
      ...(process.env.SEARCH_INDEX ? { SEARCH_INDEX: process.env.SEARCH_INDEX } : {}),
      ...(process.env.DATABASE_POOL_SIZE ? { DATABASE_POOL_SIZE: process.env.DATABASE_POOL_SIZE } : {}),
    });
    // As `pnpm start` does (src/index.ts).
    applyHeapGrowing(config.heapGrowingPercent);
    const services = await openServices(config);
    closers.push(() => services.close());

    const seed = new pg.Client(url.toString());
    await seed.connect();
    closers.push(() => seed.end());
    const generated = Number((await seed.query("select count(*) from songs")).rows[0].count);
    if (generated === 0) {
      step(`generating ${songCount.toLocaleString("en")} songs`);
      const artists = Math.max(50, Math.round(songCount / 20));
      const albums = Math.max(100, Math.round(songCount / 10));
      // Deterministic "random" words from the row number, so every run searches the same catalog.
      await seed.query(
        `insert into artists (name)
         select distinct on (lower(n)) n from (
           select case when g % 3 = 0
             then 'The ' || initcap(($1::text[])[1 + (g * 31) % $3]) || ' ' || initcap(($1::text[])[1 + (g * 17) % $3]) || 's'
             else ($2::text[])[1 + g % $4] || ' ' || ($5::text[])[1 + (g / $4) % $6] || case when g >= $4 * $6 then ' ' || g else '' end
           end as n from generate_series(0, $7::int - 1) g) t`,
        [WORDS, FIRST, WORDS.length, FIRST.length, LAST, LAST.length, artists],
      );
      await seed.query(
        `insert into albums (title, artist_id)
         select distinct on (lower(t), a) t, a from (
           select initcap(($1::text[])[1 + (g * 7) % $2]) || ' ' || initcap(($1::text[])[1 + (g * 13) % $2]) || ' ' || g as t,
                  ar.id as a
           from generate_series(0, $3::int - 1) g
           join (select id, row_number() over (order by id) - 1 as n from artists) ar
             on ar.n = g % (select count(*) from artists)) x`,
        [WORDS, WORDS.length, albums],
      );
      await seed.query(
        `insert into songs (title, album_id, track_number, duration_ms)
         select initcap(array_to_string(array(
                  select ($1::text[])[(1 + (g * 2654435761::bigint + k * 40503) % $2::int)::int]
                  from generate_series(1, 1 + g % 4) k), ' ')),
                al.id, g % 12 + 1, 120000 + (g::bigint * 7919) % 180000
         from generate_series(0, $3::int - 1) g
         join (select id, row_number() over (order by id) - 1 as n from albums) al
           on al.n = g % (select count(*) from albums)`,
        [WORDS, WORDS.length, songCount],
      );
      await seed.query(`insert into song_artists (song_id, artist_id, position)
        select s.id, al.artist_id, 0 from songs s join albums al on al.id = s.album_id where al.artist_id is not null`);
      await seed.query("analyze");
    } else if (generated !== songCount) {
      throw new Error(`KEEP_DB ${name} holds ${generated} songs, not SONGS=${songCount}`);
    }
    // Public playlists, as people share them: searched beside the catalog by every search.query.
    const playlistCount = Number(process.env.PLAYLISTS ?? 1_000);
    const havePlaylists = Number((await seed.query("select count(*) from playlists")).rows[0].count);
    if (havePlaylists === 0 && playlistCount > 0) {
      step(`generating ${playlistCount.toLocaleString("en")} public playlists`);
      const { rows } = await seed.query(
        "insert into users (email, name) values ('bench-search@example.com', 'Bench') returning id",
      );
      await seed.query(
        `insert into playlists (owner_id, name, is_public)
         select $1, initcap(($2::text[])[1 + (g * 37) % $3]) || ' ' || initcap(($2::text[])[1 + (g * 11) % $3])
           || case when g % 3 = 0 then ' Mix' when g % 3 = 1 then ' Vibes' else '' end, true
         from generate_series(0, $4::int - 1) g`,
        [rows[0].id, WORDS, WORDS.length, playlistCount],
      );
      await seed.query(`insert into playlist_items (playlist_id, song_id, position)
        select p.id, s.id, 0 from (select id, row_number() over (order by id) as n from playlists) p
        join (select id, row_number() over (order by id) as n from songs) s on s.n = p.n`);
      await seed.query("analyze playlists");
    }
    step("catalog ready");

    // Realistic queries: titles, artist names and prefixes as typed, a third of them with a typo.
    let state = 42;
    const rand = () => {
      state = (state * 1103515245 + 12345) % 2 ** 31;
      return state / 2 ** 31;
    };
    const sampleSongs = (await seed.query("select title from songs order by md5(id::text) limit 3000")).rows;
    const sampleArtists = (await seed.query("select name from artists order by md5(id::text) limit 1000"))
      .rows;
    const phrases = [...sampleSongs.map((r) => r.title), ...sampleArtists.map((r) => r.name)];
    const queries = phrases.map((p) => (rand() < 0.33 ? typo(p, rand) : p).toLowerCase());
    const prefixes = phrases.map((p) => {
      const q = p.toLowerCase().slice(0, 2 + Math.floor(rand() * 6));
      return rand() < 0.2 ? typo(q, rand) : q;
    });
    const distinct = Number(process.env.DISTINCT ?? 0);
    if (distinct > 0) {
      queries.splice(distinct);
      prefixes.splice(distinct);
    }
    const someSong = (await seed.query("select id from songs limit 1")).rows[0].id;

    const app = await buildApp({ config, services, logger: false });
    closers.push(() => app.close());
    await app.listen({ host: "127.0.0.1", port: 0 });
    const base = `http://127.0.0.1:${app.server.address().port}`;

    // One request of each kind first: a broken procedure fails loudly here, not as a fast 4xx table.
    for (const p of [
      trpcGet("search.query", { q: queries[0] }),
      trpcGet("search.autocomplete", { q: prefixes[0] }),
    ]) {
      const res = await fetch(base + p);
      if (!res.ok) throw new Error(`${p} answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
    }

    // The in-process index (SEARCH_INDEX, on by default) is built on the first search: measure the
    // server as it runs once it is built, not while PostgreSQL stands in.
    if (typeof services.search.current === "function") {
      await services.search.current();
      const index = services.search.stats();
      step(`search index built in ${index.buildMs} ms (${index.words.toLocaleString("en")} words)`);
    }
    const job = {
      base,
      connections,
      seconds,
      warmup,
      rate: Number(process.env.RATE ?? 0),
      probePath: trpcGet("catalog.song", { id: someSong }),
      workloads: {
        "search.query": queries.map((q) => trpcGet("search.query", { q })),
        "search.autocomplete": prefixes.map((q) => trpcGet("search.autocomplete", { q })),
      },
    };
    if (process.env.ONLY) {
      if (!job.workloads[process.env.ONLY])
        throw new Error(`ONLY: one of ${Object.keys(job.workloads).join(", ")}`);
      job.workloads = { [process.env.ONLY]: job.workloads[process.env.ONLY] };
    }
    services.cache.resetStats();
    step(
      `${queries.length} queries, ${prefixes.length} prefixes; ${connections} clients, ${warmup} s warm-up + ${seconds} s each`,
    );
    const results = await new Promise((resolve, reject) => {
      const worker = new Worker(new URL(import.meta.url), { workerData: job });
      worker.once("message", resolve);
      worker.once("error", reject);
    });
    const stats = services.cache.stats();
    const engine = typeof services.search.stats === "function" ? services.search.stats() : null;

    // A rebuild of the index, as after any catalog change: how long it holds the server's event loop.
    let rebuild = null;
    if (engine) {
      await seed.query("update artists set name = name where id = (select id from artists limit 1)");
      // The server reads the revision at most every 250 ms.
      await new Promise((resolve) => setTimeout(resolve, 300));
      const { monitorEventLoopDelay } = await import("node:perf_hooks");
      const delay = monitorEventLoopDelay({ resolution: 5 });
      delay.enable();
      const began = performance.now();
      await services.search.current();
      delay.disable();
      rebuild = { ms: performance.now() - began, p99: delay.percentile(99) / 1e6, max: delay.max / 1e6 };
    }

    const row = (label, r) =>
      `${label.padEnd(34)} ${String(Math.round(r.rps ?? 0)).padStart(6)} ${r.p50.toFixed(1).padStart(7)} ${r.p95.toFixed(1).padStart(7)} ${r.p99.toFixed(1).padStart(7)}${r.non2xx ? `  (${r.non2xx} non-2xx)` : ""}`;
    console.log(
      `\n${songCount.toLocaleString("en")} songs, PostgreSQL ${(await seed.query("show server_version")).rows[0].server_version}`,
    );
    console.log(`${"request".padEnd(34)}  req/s  p50 ms  p95 ms  p99 ms`);
    console.log("-".repeat(70));
    for (const name of Object.keys(job.workloads)) {
      console.log(row(name, results[name]));
      console.log(row("  catalog.song meanwhile", results[`${name}:probe`]));
    }
    console.log(row("catalog.song, idle server (baseline)", results.idleProbe));
    console.log(`cache hit rate over the run: ${(stats.hitRate * 100).toFixed(1)} % (queries rarely repeat)`);
    if (engine) {
      const requests = Object.keys(job.workloads).reduce((n, name) => n + results[name].n, 0);
      console.log(
        `search engine calls (cache misses, warm-ups included): ${engine.fromIndex + engine.fromPostgres} for ${requests} measured requests; answered by the in-process index: ${engine.fromIndex}, by PostgreSQL: ${engine.fromPostgres}`,
      );
      console.log(
        `index: built in ${engine.buildMs} ms; a rebuild after a catalog change took ${rebuild.ms.toFixed(0)} ms and held the event loop at most ${rebuild.max.toFixed(0)} ms (p99 ${rebuild.p99.toFixed(0)} ms)`,
      );
    }
    const first = Object.keys(job.workloads)[0];
    console.log(
      `${Object.keys(job.workloads)
        .map((name) => `${name} p95 ${results[name].p95.toFixed(1)} ms`)
        .join(
          ", ",
        )} at ${songCount.toLocaleString("en")} songs; another request's p99 ${results.idleProbe.p99.toFixed(1)} → ${results[`${first}:probe`].p99.toFixed(1)} ms under search load (${((Date.now() - started) / 1000).toFixed(0)} s)`,
    );
  } finally {
    await cleanup();
  }
}

// Last: main() reads the word lists above.
if (isMainThread) await main();
else await loadGenerator(workerData);
