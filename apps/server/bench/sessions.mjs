// Live-session fan-out: SUBSCRIBERS WebSocket subscribers (default 10,000) in SESSIONS sessions
// (default 1,000) on one server process, then on two instances sharing Redis (subscribers split
// between them). Control calls go to the server over HTTP at RATE per second for SECONDS; each
// subscriber timestamps the state event it gets. Reports the server's RSS and the latency from the
// control call to its delivery at every subscriber (p50/p99), and to the last subscriber of a session.
// The servers and the subscribers run in processes of their own (per-process open files limit:
// 20,000 here), so the RSS is the server's alone. Subscribers are raw `ws` clients speaking the tRPC
// WebSocket protocol. Makes and drops its own database. Run after `pnpm build`:
//   pnpm --filter @chorus/server bench:sessions
// Environment: DATABASE_URL (admin connection; default postgres://postgres@127.0.0.1:5432/postgres),
// REDIS_URL (redis://127.0.0.1:6379), SUBSCRIBERS (10000), SESSIONS (1000), RATE (20 controls/s),
// SECONDS (10), CLIENT_PROCESSES (2), INSTANCES ("1,2": the runs to make), HEAP_GROWING_PERCENT (the
// server's setting; 0 for V8's own heap growth).
import { fork } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";

const role = process.argv[2] ?? "main";
const AUTH_SECRET = "bench-sessions-secret-bench-sessions-secret-0123456789";
const now = () => performance.timeOrigin + performance.now();

// ---------- a server instance (child process) ----------

async function server() {
  const { mkdtemp, rm } = await import("node:fs/promises");
  const os = await import("node:os");
  const path = await import("node:path");
  const { applyHeapGrowing, buildApp, loadConfig, openServices } = await import("../dist/app.js");
  const dir = await mkdtemp(path.join(os.tmpdir(), "chorus-bench-sessions-"));
  const config = loadConfig({
    DATABASE_URL: process.env.BENCH_DATABASE_URL,
    ...(process.env.BENCH_REDIS_URL
      ? { REDIS_URL: process.env.BENCH_REDIS_URL, REDIS_PREFIX: process.env.BENCH_REDIS_PREFIX }
      : {}),
    DATA_DIR: dir,
    NODE_ENV: "production",
    SERVE_WEB: "false",
    LOG_LEVEL: "silent",
    AUTH_SECRET,
    DATABASE_POOL_SIZE: "20",
    ...(process.env.HEAP_GROWING_PERCENT ? { HEAP_GROWING_PERCENT: process.env.HEAP_GROWING_PERCENT } : {}),
  });
  // As `pnpm start` does (src/index.ts).
  applyHeapGrowing(config.heapGrowingPercent);
  const services = await openServices(config);
  const app = await buildApp({ config, services, logger: false });
  await app.listen({ host: "127.0.0.1", port: 0 });
  let peak = 0;
  const sample = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 250);
  process.on("message", async (msg) => {
    if (msg.type === "rss") {
      const rss = process.memoryUsage().rss;
      peak = Math.max(peak, rss);
      if (msg.gc && global.gc) global.gc();
      const mem = process.memoryUsage();
      process.send({
        type: "rss",
        rss,
        peak,
        heap: mem.heapUsed,
        heapTotal: mem.heapTotal,
        external: mem.external,
      });
      if (msg.resetPeak) peak = 0;
    } else if (msg.type === "heapdump") {
      const v8 = await import("node:v8");
      global.gc?.();
      process.send({ type: "heapdump", file: v8.writeHeapSnapshot(msg.file) });
    } else if (msg.type === "stop") {
      clearInterval(sample);
      await app.close();
      await services.close();
      await rm(dir, { recursive: true, force: true });
      process.send({ type: "stopped" });
      process.exit(0);
    }
  });
  process.send({ type: "listening", port: app.server.address().port });
}

// ---------- subscribers (child process) ----------

async function clients() {
  const { default: WebSocket } = await import("ws");
  /** [code, version, receivedAt] of every state event. */
  const deliveries = [];
  const sockets = [];
  let failed = 0;
  let lastError = null;

  function open({ url, token, code }) {
    return new Promise((resolve) => {
      const ws = new WebSocket(`${url}?connectionParams=1`, { perMessageDeflate: false });
      let ready = false;
      ws.on("open", () => {
        ws.send(JSON.stringify({ method: "connectionParams", data: { token } }));
        ws.send(
          JSON.stringify({
            id: 1,
            method: "subscription",
            params: { path: "session.events", input: { json: { code } } },
          }),
        );
      });
      ws.on("message", (raw) => {
        const text = raw.toString();
        if (text === "PING") return ws.send("PONG");
        const msg = JSON.parse(text);
        if (msg.error) {
          lastError = msg.error.json?.message ?? JSON.stringify(msg.error);
          if (!ready) {
            failed++;
            ready = true;
            resolve();
          }
          return;
        }
        const event = msg.result?.data?.json?.data;
        if (!event) return;
        if (event.type === "snapshot" && !ready) {
          ready = true;
          resolve();
        } else if (event.type === "state") deliveries.push([code, event.state.version, now()]);
      });
      ws.on("error", (err) => {
        lastError = err.message;
        if (!ready) {
          failed++;
          ready = true;
          resolve();
        }
      });
      sockets.push(ws);
    });
  }

  process.on("message", async (msg) => {
    if (msg.type === "open") {
      const queue = [...msg.subscribers];
      const concurrency = 100;
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          for (let s = queue.shift(); s; s = queue.shift()) await open(s);
        }),
      );
      process.send({ type: "opened", failed, lastError });
    } else if (msg.type === "report") {
      process.send({ type: "report", deliveries });
      deliveries.length = 0;
    } else if (msg.type === "close") {
      for (const ws of sockets) ws.terminate();
      process.send({ type: "closed" });
      process.exit(0);
    }
  });
  process.send({ type: "ready" });
}

// ---------- orchestration (main process) ----------

function child(args, env = {}) {
  const proc = fork(new URL(import.meta.url).pathname, args, {
    env: { ...process.env, ...env },
    execArgv:
      args[0] === "server"
        ? [
            "--expose-gc",
            // e.g. SERVER_NODE_OPTIONS="--max-semi-space-size=2" to see what V8's heap sizing costs
            ...(process.env.SERVER_NODE_OPTIONS?.split(" ").filter(Boolean) ?? []),
            ...(process.env.BENCH_PROFILE
              ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_PROFILE}`]
              : []),
          ]
        : [],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const waiting = [];
  proc.on("message", (msg) => {
    const i = waiting.findIndex((w) => w.type === msg.type);
    if (i >= 0) waiting.splice(i, 1)[0].resolve(msg);
  });
  proc.on("exit", (code) => {
    for (const w of waiting.splice(0)) w.reject(new Error(`${args[0]} process exited (${code})`));
  });
  return {
    proc,
    next: (type) => new Promise((resolve, reject) => waiting.push({ type, resolve, reject })),
    send: (msg) => proc.send(msg),
  };
}

const percentile = (sorted, p) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
const mb = (bytes) => `${Math.round(bytes / 1024 / 1024)} MB`;
const ms = (v) => `${v.toFixed(1)} ms`;

async function main() {
  const pg = (await import("pg")).default;
  const { signAccessToken } = await import("@chorus/api");
  const admin = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
  const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
  const subscriberCount = Number(process.env.SUBSCRIBERS ?? 10_000);
  const sessionCount = Number(process.env.SESSIONS ?? 1_000);
  const rate = Number(process.env.RATE ?? 20);
  const seconds = Number(process.env.SECONDS ?? 10);
  const clientProcesses = Number(process.env.CLIENT_PROCESSES ?? 2);
  const runs = (process.env.INSTANCES ?? "1,2").split(",").map(Number);
  const perSession = Math.ceil(subscriberCount / sessionCount);
  const name = `chorus_bench_sessions_${process.pid}`;
  const started = Date.now();
  const step = (what) => console.log(`… ${what} (${((Date.now() - started) / 1000).toFixed(1)} s)`);

  const adminClient = new pg.Client(admin);
  await adminClient.connect();
  await adminClient.query(`create database ${name}`);
  const url = new URL(admin);
  url.pathname = `/${name}`;
  const children = [];
  let cleaned = false;
  async function cleanup() {
    if (cleaned) return;
    cleaned = true;
    // Children stopped on request exit by themselves (writing a --cpu-prof on the way): give them a moment.
    await new Promise((r) => setTimeout(r, 1_000));
    for (const c of children) if (c.proc.exitCode === null) c.proc.kill("SIGKILL");
    await adminClient.query(`drop database if exists ${name} with (force)`).catch((err) => console.warn(err));
    await adminClient.end().catch(() => {});
  }
  for (const signal of ["SIGINT", "SIGTERM"])
    process.once(signal, () => void cleanup().finally(() => process.exit(130)));

  const results = [];
  try {
    // The schema: a server started once applies the migrations.
    const migrator = child(["server"], { BENCH_DATABASE_URL: url.toString() });
    children.push(migrator);
    await migrator.next("listening");
    migrator.send({ type: "stop" });
    await migrator.next("stopped");

    step(`making ${perSession} people and ${sessionCount.toLocaleString("en")} sessions`);
    const db = new pg.Client(url.toString());
    await db.connect();
    const people = (
      await db.query(
        `insert into users (email, name, password_hash, email_verified_at)
         select 'bench' || g || '@example.com', 'Listener ' || g, 'x', now() from generate_series(1, $1::int) g
         returning id`,
        [perSession],
      )
    ).rows.map((r) => r.id);
    const tokens = await Promise.all(
      people.map(
        async (id) => (await signAccessToken({ authSecret: AUTH_SECRET }, { id, role: "user" })).token,
      ),
    );
    const artist = (await db.query(`insert into artists (name) values ('Bench Band') returning id`)).rows[0]
      .id;
    const songs = (
      await db.query(
        `insert into songs (title, duration_ms) select 'Bench ' || g, 240000 from generate_series(1, 10) g returning id`,
      )
    ).rows.map((r) => r.id);
    await db.query(
      `insert into song_artists (song_id, artist_id, position) select unnest($1::uuid[]), $2, 0`,
      [songs, artist],
    );
    const queue = JSON.stringify(songs.map((songId) => ({ id: randomUUID(), songId, addedBy: people[0] })));
    const alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
    const codes = new Set();
    while (codes.size < sessionCount) {
      codes.add([...randomBytes(6)].map((b) => alphabet[b % alphabet.length]).join(""));
    }
    const codeList = [...codes];
    const sessions = (
      await db.query(
        `insert into live_sessions (code, name, host_id, queue, expires_at)
         select c, 'Bench ' || c, $2, $3::jsonb, now() + interval '4 hours' from unnest($1::text[]) c
         returning id, code`,
        [codeList, people[0], queue],
      )
    ).rows;
    await db.query(
      `insert into session_participants (session_id, user_id, role)
       select s, p, case when p = $3 then 'host' else 'listener' end
       from unnest($1::uuid[]) s cross join unnest($2::uuid[]) p`,
      [sessions.map((s) => s.id), people, people[0]],
    );
    await db.query("analyze");
    await db.end();

    for (const instances of runs) {
      step(`${instances} instance${instances > 1 ? "s" : ""}: starting`);
      const prefix = `bench-sessions-${process.pid}-${instances}:`;
      const servers = [];
      for (let i = 0; i < instances; i++) {
        const s = child(["server"], {
          BENCH_DATABASE_URL: url.toString(),
          ...(instances > 1 ? { BENCH_REDIS_URL: redisUrl, BENCH_REDIS_PREFIX: prefix } : {}),
        });
        children.push(s);
        const { port } = await s.next("listening");
        servers.push({ ...s, port });
      }
      const subscribers = [];
      for (let i = 0; i < subscriberCount; i++) {
        const session = sessions[i % sessionCount];
        const person = Math.floor(i / sessionCount) % perSession;
        const srv = servers[i % instances];
        subscribers.push({
          url: `ws://127.0.0.1:${srv.port}/trpc`,
          token: tokens[person],
          code: session.code,
        });
      }
      const workers = [];
      for (let w = 0; w < clientProcesses; w++) {
        const c = child(["clients"]);
        children.push(c);
        await c.next("ready");
        workers.push(c);
      }
      const rssBefore = await Promise.all(
        servers.map((s) => {
          s.send({ type: "rss" });
          return s.next("rss");
        }),
      );
      const opening = Date.now();
      const opened = await Promise.all(
        workers.map((c, w) => {
          c.send({ type: "open", subscribers: subscribers.filter((_, i) => i % clientProcesses === w) });
          return c.next("opened");
        }),
      );
      const failed = opened.reduce((n, o) => n + o.failed, 0);
      step(
        `${(subscriberCount - failed).toLocaleString("en")} subscribed in ${((Date.now() - opening) / 1000).toFixed(1)} s${failed ? `, ${failed} failed (${opened.find((o) => o.lastError)?.lastError})` : ""}`,
      );
      // Let the presence changes of the connections settle (each member online once per instance).
      const probe = new pg.Client(url.toString());
      await probe.connect();
      const expectedPresence = Math.min(subscriberCount, sessionCount * perSession);
      for (let waited = 0; waited < 300_000; waited += 500) {
        const { rows } = await probe.query("select count(*)::int as n from session_presence");
        if (rows[0].n >= expectedPresence) break;
        await new Promise((r) => setTimeout(r, 500));
      }
      await probe.end();
      step("presence settled");
      await new Promise((r) => setTimeout(r, 2_000));
      for (const c of workers) {
        c.send({ type: "report" });
        await c.next("report");
      }
      if (process.env.BENCH_HEAPDUMP) {
        servers[0].send({ type: "heapdump", file: process.env.BENCH_HEAPDUMP });
        step(`heap snapshot: ${(await servers[0].next("heapdump")).file}`);
      }
      const rssConnected = await Promise.all(
        servers.map((s) => {
          s.send({ type: "rss", resetPeak: true, gc: true });
          return s.next("rss");
        }),
      );

      step(`control calls: ${rate}/s for ${seconds} s`);
      const sent = new Map();
      const versions = new Map(sessions.map((s) => [s.code, 0]));
      const controlLatency = [];
      const interval = 1000 / rate;
      const t0 = performance.now();
      const inflight = new Set();
      let errors = 0;
      for (let n = 0; ; n++) {
        const due = t0 + n * interval;
        if (due >= t0 + seconds * 1000) break;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        const code = codeList[n % sessionCount];
        const srv = servers[n % instances];
        const action = versions.get(code) % 2 === 0 ? "play" : "pause";
        const at = now();
        const request = fetch(`http://127.0.0.1:${srv.port}/trpc/session.control`, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${tokens[0]}` },
          body: JSON.stringify({ json: { code, action } }),
        })
          .then(async (res) => {
            const body = await res.json();
            if (!res.ok) throw new Error(body.error?.json?.message ?? res.status);
            const version = body.result.data.json.version;
            versions.set(code, version);
            sent.set(`${code}:${version}`, at);
            controlLatency.push(now() - at);
          })
          .catch((err) => {
            errors++;
            if (errors === 1) console.warn("control failed:", err.message);
          })
          .finally(() => inflight.delete(request));
        inflight.add(request);
      }
      await Promise.all(inflight);
      await new Promise((r) => setTimeout(r, 1_000));
      const rssLoaded = await Promise.all(
        servers.map((s) => {
          s.send({ type: "rss" });
          return s.next("rss");
        }),
      );
      const deliveries = [];
      for (const c of workers) {
        c.send({ type: "report" });
        deliveries.push(...(await c.next("report")).deliveries);
      }
      const latencies = [];
      const lastPerControl = new Map();
      for (const [code, version, at] of deliveries) {
        const key = `${code}:${version}`;
        const from = sent.get(key);
        if (from === undefined) continue;
        const latency = at - from;
        latencies.push(latency);
        lastPerControl.set(key, Math.max(lastPerControl.get(key) ?? 0, latency));
      }
      latencies.sort((x, y) => x - y);
      const lasts = [...lastPerControl.values()].sort((x, y) => x - y);
      const controls = [...controlLatency].sort((x, y) => x - y);
      const expected = sent.size * perSession;
      results.push({
        instances,
        subscribers: subscriberCount - failed,
        sessions: sessionCount,
        rssBefore: rssBefore.map((r) => r.rss),
        rssConnected: rssConnected.map((r) => r.rss),
        rssConnecting: rssConnected.map((r) => r.peak),
        heapConnected: rssConnected.map((r) => r.heap),
        heapTotalConnected: rssConnected.map((r) => r.heapTotal),
        rssPeak: rssLoaded.map((r) => r.peak),
        rssEnd: rssLoaded.map((r) => r.rss),
        heapEnd: rssLoaded.map((r) => r.heap),
        heapTotalEnd: rssLoaded.map((r) => r.heapTotal),
        controls: sent.size,
        errors,
        deliveries: latencies.length,
        expected,
        controlP50: percentile(controls, 50),
        controlP99: percentile(controls, 99),
        p50: percentile(latencies, 50),
        p99: percentile(latencies, 99),
        max: latencies.at(-1) ?? 0,
        lastP50: percentile(lasts, 50),
        lastP99: percentile(lasts, 99),
      });
      for (const c of workers) {
        c.send({ type: "close" });
        await c.next("closed").catch(() => {});
      }
      for (const s of servers) {
        s.send({ type: "stop" });
        await s.next("stopped").catch(() => {});
      }
      if (instances > 1) {
        const { Redis } = await import("ioredis");
        const redis = new Redis(redisUrl);
        const keys = await redis.keys(`${prefix}*`);
        if (keys.length) await redis.del(...keys);
        redis.disconnect();
      }
    }

    console.log("");
    console.log(
      `Live-session fan-out: ${subscriberCount.toLocaleString("en")} WebSocket subscribers in ${sessionCount.toLocaleString("en")} sessions (${perSession} each), ${rate} control calls/s for ${seconds} s`,
    );
    console.log("");
    console.log(
      "| instances | server RSS idle → peak while subscribing → 10k connected → peak under load → at the end | control call p50 / p99 | delivery p50 / p99 / max (every subscriber) | last subscriber of a session p50 / p99 | delivered |",
    );
    console.log("| --- | --- | --- | --- | --- | --- |");
    for (const r of results) {
      const rss = r.rssBefore
        .map(
          (_, i) =>
            `${mb(r.rssBefore[i])} → ${mb(r.rssConnecting[i])} → ${mb(r.rssConnected[i])} (heap ${mb(r.heapConnected[i])} of ${mb(r.heapTotalConnected[i])}) → ${mb(r.rssPeak[i])} → ${mb(r.rssEnd[i])} (heap ${mb(r.heapEnd[i])} of ${mb(r.heapTotalEnd[i])})`,
        )
        .join("; ");
      console.log(
        `| ${r.instances} | ${rss} | ${ms(r.controlP50)} / ${ms(r.controlP99)} | ${ms(r.p50)} / ${ms(r.p99)} / ${ms(r.max)} | ${ms(r.lastP50)} / ${ms(r.lastP99)} | ${r.deliveries.toLocaleString("en")} of ${r.expected.toLocaleString("en")}${r.errors ? `, ${r.errors} failed calls` : ""} |`,
      );
    }
    step("done");
  } finally {
    await cleanup();
  }
}

if (role === "server") await server();
else if (role === "clients") await clients();
else
  await main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
