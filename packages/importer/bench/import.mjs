// How fast the MongoDB import runs, and in how much memory: a generated mongoexport folder of
// 250,000 documents (mostly listening history, plus the messy cases), imported into a database of
// its own, with the same verification the command does. The import runs in a child process so its
// peak memory (max RSS) is its own, not the generator's. The database and the folder are removed
// afterwards, even when it fails. Run after `pnpm build`:
//   pnpm --filter @chorus/importer bench:import
// Environment: DATABASE_URL (an admin connection; default postgres://postgres@127.0.0.1:5432/postgres),
// DOCS (250000), BATCH (2000).
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";

const ADMIN_URL = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const DOCS = Number(process.env.DOCS ?? 250_000);
const BATCH = Number(process.env.BATCH ?? 2_000);

if (process.argv[2] === "--child") await child(process.argv[3], process.argv[4]);
else await main();

async function main() {
  const { writeLegacyExport } = await import("../dist/index.js");
  const name = `chorus_bench_import_${randomBytes(4).toString("hex")}`;
  const dir = await mkdtemp(path.join(os.tmpdir(), "chorus-bench-mongo-"));
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`create database "${name}"`);
    const url = new URL(ADMIN_URL);
    url.pathname = `/${name}`;
    // Everything but history is a fixed, realistic size; history fills up to DOCS.
    const others = { users: 2_000, songs: 5_000, albums: 200, playlists: 1_000 };
    // Settings for every other user, a library for every third, and a few dozen of the rest.
    const rest = others.users * (1 + 1 / 2 + 1 / 3) + others.albums + others.songs + others.playlists + 40;
    let started = performance.now();
    const summary = await writeLegacyExport(dir, { ...others, plays: Math.max(0, DOCS - Math.round(rest)) });
    const total = Object.values(summary.docs).reduce((a, b) => a + b, 0);
    console.log(
      `generated ${total.toLocaleString("en-US")} documents (${summary.docs.recentlyplayeds.toLocaleString("en-US")} of history) in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
    started = performance.now();
    const result = await runChild(url.toString(), dir);
    const wall = (performance.now() - started) / 1000;
    const read = result.collections.reduce((s, c) => s + c.read, 0);
    console.log(
      `imported ${read.toLocaleString("en-US")} documents in ${result.seconds.toFixed(1)} s (${Math.round(read / result.seconds).toLocaleString("en-US")} docs/s; ${wall.toFixed(1)} s with process start and migrations)`,
    );
    for (const c of result.collections) {
      console.log(
        `  ${c.name.padEnd(20)} ${String(c.read).padStart(8)} read ${String(c.written).padStart(8)} written ${String(c.rejected).padStart(4)} rejected  ${c.seconds.toFixed(2).padStart(6)} s  ${Math.round(c.docsPerSecond).toLocaleString("en-US").padStart(7)} docs/s  verified in ${c.verifySeconds.toFixed(2)} s, checksum ${c.checksum.match ? "ok" : "MISMATCH"}`,
      );
    }
    console.log(`peak memory of the import process (max RSS): ${Math.round(result.maxRssKb / 1024)} MB`);
    console.log(`verification: ${result.ok ? "every document accounted for, checksums match" : "FAILED"}`);
    console.log(
      `targets: < 60 s ${result.seconds < 60 ? "met" : "MISSED"}, < 300 MB ${result.maxRssKb / 1024 < 300 ? "met" : "MISSED"}`,
    );
    if (!result.ok) process.exitCode = 1;
  } finally {
    await admin.query(`drop database if exists "${name}" with (force)`).catch(() => {});
    await admin.end();
    await rm(dir, { recursive: true, force: true });
  }
}

function runChild(url, dir) {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [fileURLToPath(import.meta.url), "--child", url, dir], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    proc.stdout.on("data", (d) => {
      out += d;
    });
    proc.on("error", reject);
    proc.on("exit", (code) => {
      if (code !== 0) return reject(new Error(`the import process exited with ${code}`));
      resolve(JSON.parse(out.trim().split("\n").at(-1)));
    });
  });
}

async function child(url, dir) {
  const { createDb, migrateToLatest } = await import("@chorus/db");
  const { importMongo, openFolder, renderProgress } = await import("../dist/index.js");
  const db = createDb({ connectionString: url, maxConnections: 4 });
  try {
    await migrateToLatest(db);
    const report = await importMongo(db, await openFolder(dir), {
      batchSize: BATCH,
      onProgress: renderProgress(process.stderr),
    });
    const maxRssKb = process.resourceUsage().maxRSS;
    process.stdout.write(`${JSON.stringify({ ...report, maxRssKb })}\n`);
  } finally {
    await db.destroy();
  }
}
