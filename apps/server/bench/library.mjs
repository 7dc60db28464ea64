// What the two-tier cache buys on the library's hottest reads, through the real HTTP server (tRPC
// over HTTP, bearer token, Redis cache), against a baseline in the same run whose cache never hits:
//   - playlist.get: the owner of a 10,000-song playlist reads random pages of 100, with an edit
//     (reorder, remove, add: each retires the playlist's cached pages) after every 200 reads;
//   - player.recentlyPlayed: a listener with 100,000 plays over six months reads the first page,
//     then random deep pages, with a play recorded every 3 s (each retires their cached history).
// Makes and drops its own database and Redis prefix, even when it fails. The load comes from a
// worker thread so it does not share the server's event loop. Run after `pnpm build`:
//   pnpm --filter @chorus/server bench:library
// Environment: DATABASE_URL (an admin connection; default postgres://postgres@127.0.0.1:5432/postgres),
// REDIS_URL (default redis://127.0.0.1:6379), CONNECTIONS (20), SECONDS (10), WARMUP (2), EDIT_EVERY (200 reads).
import { isMainThread, parentPort, Worker } from "node:worker_threads";

const PLAYLIST_SIZE = 10_000;
const PAGE = 100;
const SONGS = 2_000;
const PLAYS = 100_000;
// EDIT_EVERY=0 for none: the cache's best case.
const EDIT_EVERY_READS = Number(process.env.EDIT_EVERY ?? 200);
const PLAY_EVERY_MS = 3_000;
const HISTORY_LIMIT = 30;

const trpcGet = (procedure, input) =>
  `/trpc/${procedure}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`;
const cursorOf = (values) => Buffer.from(JSON.stringify(values)).toString("base64url");

if (isMainThread) await main();
else await loadGenerator();

// ---------- the load generator (worker thread) ----------

async function loadGenerator() {
  const { default: autocannon } = await import("autocannon");
  // Survives between runs: the playlist's length after the edits so far.
  let playlistSize = PLAYLIST_SIZE;
  let editCount = 0;

  async function post(job, procedure, input) {
    const started = performance.now();
    const res = await fetch(`${job.base}/trpc/${procedure}`, {
      method: "POST",
      headers: { authorization: `Bearer ${job.token}`, "content-type": "application/json" },
      body: JSON.stringify({ json: input }),
    });
    await res.arrayBuffer();
    return { ok: res.ok, ms: performance.now() - started };
  }

  const random = (n) => Math.floor(Math.random() * n);

  /** One edit of the playlist; remove and add alternate so it stays about 10,000 long. */
  function playlistEdit(job) {
    const { playlistId, songIds } = job.trickle;
    const kind = ["reorder", "removeSong", "addSongs"][editCount++ % 3];
    if (kind === "reorder") {
      return post(job, "playlist.reorder", {
        playlistId,
        from: random(playlistSize),
        to: random(playlistSize),
      });
    }
    if (kind === "removeSong") {
      return post(job, "playlist.removeSong", { playlistId, position: random(playlistSize) }).then((r) => {
        if (r.ok) playlistSize--;
        return r;
      });
    }
    return post(job, "playlist.addSongs", {
      playlistId,
      songIds: [songIds[random(songIds.length)]],
      position: random(playlistSize + 1),
    }).then((r) => {
      if (r.ok) playlistSize++;
      return r;
    });
  }

  function play(job) {
    const { songIds } = job.trickle;
    return post(job, "player.recordPlay", { songId: songIds[random(songIds.length)], playedMs: 200_000 });
  }

  async function run(job) {
    const latencies = [];
    let bytes = 0;
    const writes = { done: 0, failed: 0, ms: 0 };
    let writing = null;
    // One write at a time, outside autocannon's numbers: the table shows the reads.
    const write = (doWrite) => {
      if (writing) return;
      writing = doWrite(job)
        .then((r) => {
          writes.done++;
          writes.ms += r.ms;
          if (!r.ok) writes.failed++;
        })
        .catch(() => writes.failed++)
        .finally(() => {
          writing = null;
        });
    };
    const instance = autocannon({
      url: job.base,
      connections: job.connections,
      duration: job.seconds,
      headers: { authorization: `Bearer ${job.token}` },
      requests: [
        { setupRequest: (req) => ({ ...req, method: "GET", path: job.paths[random(job.paths.length)] }) },
      ],
    });
    instance.on("response", (_client, _status, resBytes, ms) => {
      latencies.push(ms);
      bytes += resBytes;
      if (
        job.trickle?.kind === "playlist" &&
        EDIT_EVERY_READS > 0 &&
        latencies.length % EDIT_EVERY_READS === 0
      ) {
        write(playlistEdit);
      }
    });
    const timer = job.trickle?.kind === "plays" ? setInterval(() => write(play), PLAY_EVERY_MS) : undefined;
    const result = await instance;
    clearInterval(timer);
    await writing;
    latencies.sort((a, b) => a - b);
    const at = (q) => latencies[Math.max(0, Math.ceil(q * latencies.length) - 1)] ?? Number.NaN;
    return {
      // In a worker thread autocannon hands back its raw result, without the per-second averages.
      rps: result.totalCompletedRequests / result.duration,
      reads: latencies.length,
      kbPerResponse: bytes / Math.max(1, latencies.length) / 1024,
      p50: at(0.5),
      p95: at(0.95),
      p99: at(0.99),
      non2xx: result.non2xx,
      errors: result.errors + result.timeouts,
      writes,
    };
  }

  parentPort.on("message", async (job) => {
    try {
      parentPort.postMessage({ result: await run(job) });
    } catch (error) {
      parentPort.postMessage({ error: error instanceof Error ? error.stack : String(error) });
    }
  });
}

// ---------- the server, the data and the report (main thread) ----------

async function main() {
  const { mkdtemp, rm } = await import("node:fs/promises");
  const os = await import("node:os");
  const path = await import("node:path");
  const { hashPassword } = await import("@chorus/api");
  const { createDb, ensurePlaysPartitions } = await import("@chorus/db");
  const { Redis } = await import("ioredis");
  const { default: pg } = await import("pg");
  const { buildApp, loadConfig, openServices } = await import("../dist/app.js");

  const admin = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
  const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
  const seconds = Number(process.env.SECONDS ?? 10);
  const warmup = Number(process.env.WARMUP ?? 2);
  const connections = Number(process.env.CONNECTIONS ?? 20);
  const name = `chorus_bench_library_${process.pid}`;
  const prefix = `chorus-bench-library-${process.pid}:`;
  const started = Date.now();
  const step = (what) => console.log(`… ${what} (${((Date.now() - started) / 1000).toFixed(1)} s)`);

  const adminClient = new pg.Client(admin);
  await adminClient.connect();
  await adminClient.query(`create database ${name}`);
  const url = new URL(admin);
  url.pathname = `/${name}`;
  const dir = await mkdtemp(path.join(os.tmpdir(), "chorus-bench-library-"));

  const closers = [];
  let cleaned = false;
  async function cleanup() {
    if (cleaned) return;
    cleaned = true;
    for (const close of closers.reverse())
      await close().catch((err) => console.warn("cleanup:", err.message));
    await adminClient.query(`drop database if exists ${name} with (force)`).catch((err) => console.warn(err));
    await adminClient.end().catch(() => {});
    const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
    try {
      await redis.connect();
      let cursor = "0";
      do {
        const [next, found] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
        cursor = next;
        if (found.length > 0) await redis.del(...found);
      } while (cursor !== "0");
    } catch (err) {
      console.warn(`could not delete the Redis keys under ${prefix}: ${err.message}`);
    } finally {
      redis.disconnect();
    }
    await rm(dir, { recursive: true, force: true });
  }
  for (const signal of ["SIGINT", "SIGTERM"]) {
    process.once(signal, () => {
      console.warn(`${signal}: cleaning up`);
      void cleanup().finally(() => process.exit(130));
    });
  }
  // An error thrown outside the awaited chain (a closed stdout, say) skips `finally`: clean up here too.
  process.once("uncaughtException", (err) => {
    console.error(err);
    void cleanup().finally(() => process.exit(1));
  });

  try {
    const config = loadConfig({
      DATABASE_URL: url.toString(),
      REDIS_URL: redisUrl,
      REDIS_PREFIX: prefix,
      DATA_DIR: dir,
      NODE_ENV: "production",
      SERVE_WEB: "false",
      LOG_LEVEL: "silent",
    });
    const opened = await openServices(config);
    closers.push(() => opened.close());
    // The same database through a pool that times every query, for the "db" columns.
    const queries = { count: 0, ms: 0 };
    const db = createDb({
      connectionString: url.toString(),
      maxConnections: config.databasePoolSize,
      onQuery: (_sql, ms) => {
        queries.count++;
        queries.ms += ms;
      },
    });
    closers.push(() => db.destroy());
    const services = { ...opened, db };

    step(
      `seeding ${SONGS.toLocaleString("en")} songs, a ${PLAYLIST_SIZE.toLocaleString("en")}-song playlist`,
    );
    const seed = new pg.Client(url.toString());
    await seed.connect();
    closers.push(() => seed.end());
    const password = "a long bench passphrase";
    const hash = await hashPassword(password);
    const users = {};
    for (const who of ["owner", "listener"]) {
      const email = `${who}-${process.pid}@bench.example.com`;
      const { rows } = await seed.query(
        "insert into users (email, password_hash, name, email_verified_at) values ($1, $2, $3, now()) returning id",
        [email, hash, who],
      );
      users[who] = { id: rows[0].id, email };
    }
    await seed.query("insert into artists (name) select 'Bench Artist ' || g from generate_series(1, 50) g");
    await seed.query(`insert into albums (title, artist_id)
      select 'Bench Album ' || g, a.id from generate_series(0, 199) g
      join (select id, row_number() over (order by id) - 1 as n from artists) a on a.n = g % 50`);
    await seed.query(
      `insert into songs (title, album_id, track_number, duration_ms)
      select 'Bench Song ' || g, al.id, g / 200 + 1, 150000 + (g * 7919) % 120000
      from generate_series(0, $1::int - 1) g
      join (select id, row_number() over (order by id) - 1 as n from albums) al on al.n = g % 200`,
      [SONGS],
    );
    await seed.query(`insert into song_artists (song_id, artist_id, position)
      select s.id, al.artist_id, 0 from songs s join albums al on al.id = s.album_id`);
    const numbered = "(select id, row_number() over (order by id) - 1 as n from songs)";
    const playlistId = (
      await seed.query("insert into playlists (owner_id, name) values ($1, 'Bench 10k') returning id", [
        users.owner.id,
      ])
    ).rows[0].id;
    await seed.query(
      `insert into playlist_items (playlist_id, song_id, position, added_by)
      select $1, s.id, g, $2 from generate_series(0, $3::int - 1) g join ${numbered} s on s.n = g % $4`,
      [playlistId, users.owner.id, PLAYLIST_SIZE, SONGS],
    );

    step(`seeding ${PLAYS.toLocaleString("en")} plays over six months`);
    const sixMonthsAgo = new Date(Date.now() - 183 * 86_400_000);
    await ensurePlaysPartitions(db, sixMonthsAgo, 8);
    const spacing = (183 * 86_400) / PLAYS;
    await seed.query(
      `insert into plays (user_id, song_id, played_ms, skipped, played_at)
      select $1, s.id, 20000 + (g * 7919) % 160000, g % 10 = 0,
             now() - make_interval(secs => 60 + g * $2::float8 + random() * $2::float8)
      from generate_series(0, $3::int - 1) g join ${numbered} s on s.n = (g * 7) % $4`,
      [users.listener.id, spacing, PLAYS, SONGS],
    );
    await seed.query("analyze");
    const partitions = (
      await seed.query("select tableoid::regclass as p, count(*) from plays group by 1 order by 1")
    ).rows;
    const deep = (
      await seed.query(
        `select played_at, id from (
          select played_at, id, row_number() over (order by played_at desc, id desc) as rn
          from plays where user_id = $1) t
        where rn % 1000 = 500 order by rn`,
        [users.listener.id],
      )
    ).rows.map((r) => cursorOf([r.played_at.toISOString(), r.id]));
    const songSample = (await seed.query("select id from songs order by random() limit 200")).rows.map(
      (r) => r.id,
    );
    step(`${partitions.length} plays partitions: ${partitions.map((r) => `${r.p} ${r.count}`).join(", ")}`);

    // ---------- two servers on the same data: the real cache, and one that never hits ----------
    const apps = {};
    for (const [mode, cache] of [
      ["on", services.cache],
      ["off", bypassed(services.cache)],
    ]) {
      const app = await buildApp({ config, services: { ...services, cache }, logger: false });
      closers.push(() => app.close());
      await app.listen({ host: "127.0.0.1", port: 0 });
      apps[mode] = { app, cache, base: `http://127.0.0.1:${app.server.address().port}` };
    }

    const tokens = {};
    for (const who of ["owner", "listener"]) {
      const res = await fetch(`${apps.on.base}/trpc/auth.login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ json: { email: users[who].email, password } }),
      });
      const body = await res.json();
      if (!res.ok) throw new Error(`could not sign in the ${who}: ${JSON.stringify(body)}`);
      tokens[who] = body.result.data.json.accessToken;
    }

    const playlistPaths = [];
    for (let from = 0; from < PLAYLIST_SIZE; from += PAGE) {
      playlistPaths.push(
        trpcGet("playlist.get", {
          id: playlistId,
          limit: PAGE,
          ...(from ? { cursor: cursorOf([from]) } : {}),
        }),
      );
    }
    const workloads = [
      {
        label: "playlist.get random page",
        short: "playlist.get",
        token: tokens.owner,
        paths: playlistPaths,
        trickle: { kind: "playlist", playlistId, songIds: songSample },
        check: (data) => data.items.length === PAGE && data.songCount === PLAYLIST_SIZE,
      },
      {
        label: "recentlyPlayed first page",
        short: "history page 1",
        token: tokens.listener,
        paths: [trpcGet("player.recentlyPlayed", { limit: HISTORY_LIMIT })],
        trickle: { kind: "plays", songIds: songSample },
        check: (data) => data.items.length === HISTORY_LIMIT && data.nextCursor,
      },
      {
        label: "recentlyPlayed deep pages",
        short: "history deep",
        token: tokens.listener,
        paths: deep.map((cursor) => trpcGet("player.recentlyPlayed", { limit: HISTORY_LIMIT, cursor })),
        trickle: { kind: "plays", songIds: songSample },
        check: (data) => data.items.length === HISTORY_LIMIT,
      },
    ];

    // Both servers answer the same, and fully, before anything is timed.
    for (const w of workloads) {
      for (const mode of ["on", "off"]) {
        const res = await fetch(apps[mode].base + w.paths.at(-1), {
          headers: { authorization: `Bearer ${w.token}` },
        });
        const body = await res.json();
        if (!res.ok || !w.check(body.result.data.json)) {
          throw new Error(
            `${w.label} (cache ${mode}) answered wrongly: ${JSON.stringify(body).slice(0, 300)}`,
          );
        }
      }
    }

    const worker = new Worker(new URL(import.meta.url));
    closers.push(() => worker.terminate());
    worker.unref();
    /** One run of the load generator; resolves with its numbers. */
    const runJob = (job) =>
      new Promise((resolve, reject) => {
        const onError = (err) => reject(err);
        worker.once("error", onError);
        worker.once("message", (m) => {
          worker.off("error", onError);
          if (m.error) reject(new Error(m.error));
          else resolve(m.result);
        });
        worker.postMessage(job);
      });

    const results = [];
    console.log(
      `\n${connections} connections, ${warmup} s warm-up + ${seconds} s per row, Redis prefix ${prefix}; ` +
        `writes beside the reads: ${EDIT_EVERY_READS > 0 ? `a playlist edit per ${EDIT_EVERY_READS} reads` : "no playlist edits"}, ` +
        `a play every ${PLAY_EVERY_MS / 1000} s. "off": every cache read misses. db columns include the writes' queries.`,
    );
    const header = [
      "workload".padEnd(27),
      "cache",
      "req/s".padStart(7),
      "p50 ms".padStart(7),
      "p95 ms".padStart(7),
      "p99 ms".padStart(7),
      "KB".padStart(5),
      "hit rate".padStart(8),
      "db q/req".padStart(8),
      "db ms/req".padStart(9),
      "  writes (ok/all, avg ms)",
    ].join(" ");
    console.log(header);
    console.log("-".repeat(header.length));
    for (const w of workloads) {
      for (const mode of ["on", "off"]) {
        const { cache, base } = apps[mode];
        const job = { base, token: w.token, paths: w.paths, trickle: w.trickle, connections };
        if (warmup > 0) await runJob({ ...job, seconds: warmup });
        cache.resetStats();
        queries.count = 0;
        queries.ms = 0;
        const r = await runJob({ ...job, seconds });
        const stats = cache.stats();
        const row = { label: w.label, mode, ...r, hitRate: stats.hitRate, queries: { ...queries } };
        results.push(row);
        const served = r.reads + r.writes.done;
        console.log(
          [
            (mode === "on" ? w.label : "").padEnd(27),
            mode.padEnd(5),
            Math.round(r.rps).toLocaleString("en").padStart(7),
            r.p50.toFixed(1).padStart(7),
            r.p95.toFixed(1).padStart(7),
            r.p99.toFixed(1).padStart(7),
            r.kbPerResponse.toFixed(1).padStart(5),
            (mode === "on" ? `${(stats.hitRate * 100).toFixed(1)} %` : "bypass").padStart(8),
            (queries.count / served).toFixed(2).padStart(8),
            (queries.ms / served).toFixed(2).padStart(9),
            `  ${r.writes.done - r.writes.failed}/${r.writes.done}, ${
              r.writes.done ? (r.writes.ms / r.writes.done).toFixed(0) : "-"
            }${r.non2xx || r.errors ? `  !! ${r.non2xx} non-2xx, ${r.errors} errors` : ""}`,
          ].join(" "),
        );
      }
    }

    const summary = workloads.map((w) => {
      const on = results.find((r) => r.label === w.label && r.mode === "on");
      const off = results.find((r) => r.label === w.label && r.mode === "off");
      return `${w.short} ×${(on.rps / off.rps).toFixed(1)} req/s, p99 ${off.p99.toFixed(0)}→${on.p99.toFixed(0)} ms at ${(on.hitRate * 100).toFixed(0)} % hits`;
    });
    const failures = results.reduce((n, r) => n + r.non2xx + r.errors, 0);
    console.log(
      `\nCache on vs off: ${summary.join("; ")}${failures ? `; ${failures} failed reads` : ""} (${((Date.now() - started) / 1000).toFixed(0)} s)`,
    );
  } finally {
    await cleanup();
  }
}

/**
 * The real cache with every read a miss: each `getOrSet` runs its loader, as with no cache at all.
 * Invalidations still go through to Redis, as they would in production.
 */
function bypassed(cache) {
  let reads = 0;
  return {
    kind: cache.kind,
    async get() {
      reads++;
      return undefined;
    },
    async set() {},
    async getMany(keys) {
      reads += keys.length;
      return keys.map(() => undefined);
    },
    async setMany() {},
    async getOrSet(_key, _ttl, load) {
      reads++;
      return load();
    },
    delete: (...keys) => cache.delete(...keys),
    invalidateTags: (...tags) => cache.invalidateTags(...tags),
    stats: () => ({
      hits: 0,
      lruHits: 0,
      redisHits: 0,
      misses: reads,
      loads: reads,
      errors: 0,
      invalidations: 0,
      hitRate: 0,
      redis: cache.stats().redis,
      lruSize: 0,
    }),
    resetStats() {
      reads = 0;
    },
    async close() {},
  };
}
