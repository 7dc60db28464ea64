// Streams an 8 KB range of a song through the real route (signature check, catalog lookup through
// the cache, lstat, Range) as fast as a local client can ask, and, as a baseline in the same run,
// the same range of the same file from @fastify/static. Needs PostgreSQL at DATABASE_URL (it creates
// and drops its own database). Run after `pnpm build`: pnpm --filter @chorus/server bench
import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { streamUrl } from "@chorus/api";
import fastifyStatic from "@fastify/static";
import autocannon from "autocannon";
import Fastify from "fastify";
import pg from "pg";
import { buildApp, loadConfig, openServices } from "../dist/app.js";

const admin = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const seconds = Number(process.env.SECONDS ?? 10);
const connections = Number(process.env.CONNECTIONS ?? 20);
const name = `chorus_bench_stream_${process.pid}`;
const client = new pg.Client(admin);
await client.connect();
await client.query(`create database ${name}`);
const url = new URL(admin);
url.pathname = `/${name}`;
const dir = await mkdtemp(path.join(os.tmpdir(), "chorus-bench-"));

async function run(label, target) {
  const result = await autocannon({
    url: target,
    connections,
    duration: seconds,
    headers: { range: "bytes=8192-16383" },
  });
  const ok = result["2xx"];
  console.log(
    `${label.padEnd(28)} ${Math.round(result.requests.average)} req/s  p50 ${result.latency.p50} ms  p99 ${result.latency.p99} ms  (${ok} ok, ${result.non2xx} other, ${result.errors} errors)`,
  );
}

try {
  const file = path.join(dir, "song.mp3");
  await writeFile(file, randomBytes(4 * 1024 * 1024));
  const config = loadConfig({
    DATABASE_URL: url.toString(),
    REDIS_URL: process.env.REDIS_URL,
    DATA_DIR: dir,
    NODE_ENV: "production",
    SERVE_WEB: "false",
    LOG_LEVEL: "silent",
  });
  const services = await openServices(config);
  const app = await buildApp({ config, services, logger: false });
  await app.listen({ host: "127.0.0.1", port: 0 });
  const song = await services.db
    .insertInto("songs")
    .values({ title: "Bench", duration_ms: 1000, file_path: file, mime_type: "audio/mpeg" })
    .returning("id")
    .executeTakeFirstOrThrow();
  const base = `http://127.0.0.1:${app.server.address().port}`;

  const plain = Fastify();
  await plain.register(fastifyStatic, { root: dir });
  await plain.listen({ host: "127.0.0.1", port: 0 });

  console.log(`8 KB range, ${connections} connections, ${seconds} s each, cache: ${services.backends.cache}`);
  await run("baseline: @fastify/static", `http://127.0.0.1:${plain.server.address().port}/song.mp3`);
  await run("chorus: signed stream", base + streamUrl(services.secrets, song.id));
  await plain.close();
  await app.close();
  await services.close();
} finally {
  await client.query(`drop database ${name} with (force)`);
  await client.end();
  await rm(dir, { recursive: true, force: true });
}
