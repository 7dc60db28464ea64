// Times auth.login end to end through the router (real PostgreSQL, argon2id check, token issue),
// one sign-in at a time. Needs DATABASE_URL pointing at a server where it may create a database.
// Run after `pnpm build`: node packages/api/bench/login.mjs
import { createMemoryCache, createMemoryEventBus, createMemoryRateLimiter } from "@chorus/cache";
import { createDb, migrateToLatest } from "@chorus/db";
import pg from "pg";
import { createCaller, createContextInner, hashPassword, silentLog } from "../dist/index.js";

const admin = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const name = `chorus_bench_${process.pid}`;
const RUNS = Number(process.env.RUNS ?? 40);
const client = new pg.Client(admin);
await client.connect();
await client.query(`create database ${name}`);
const url = new URL(admin);
url.pathname = `/${name}`;
const db = createDb({ connectionString: url.toString() });
try {
  await migrateToLatest(db);
  const password = "correct horse battery staple";
  const hashed = await hashPassword(password);
  const emails = Array.from({ length: RUNS }, (_, i) => `bench${i}@example.com`);
  await db
    .insertInto("users")
    .values(emails.map((email) => ({ email, password_hash: hashed, email_verified_at: new Date() })))
    .execute();
  const deps = {
    db,
    cache: createMemoryCache(),
    bus: createMemoryEventBus(),
    limiter: createMemoryRateLimiter(),
    media: null,
    mailer: null,
    secrets: { authSecret: "bench-secret-bench-secret-bench-secret-0000" },
    backends: { database: "postgres", cache: "memory", eventBus: "memory", media: "local" },
    log: silentLog,
    version: "bench",
    startedAt: new Date(),
  };
  const samples = [];
  for (const [i, email] of emails.entries()) {
    const caller = createCaller(createContextInner(deps, { ip: `10.0.${i >> 8}.${i & 255}` }));
    const start = process.hrtime.bigint();
    await caller.auth.login({ email, password });
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  samples.sort((a, b) => a - b);
  const at = (q) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))].toFixed(1);
  console.log(
    `auth.login x${RUNS}: p50 ${at(0.5)} ms, p95 ${at(0.95)} ms, max ${samples.at(-1).toFixed(1)} ms`,
  );
} finally {
  await db.destroy();
  await client.query(`drop database ${name} with (force)`);
  await client.end();
}
