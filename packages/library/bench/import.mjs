// Import speed on this machine: generates N tagged files (default 2,000), imports them into a fresh
// database, imports them again unchanged, then times a naive baseline over the same files
// (music-metadata's parseFile with default options, one file at a time, one INSERT per song).
// Needs DATABASE_URL pointing at a server where it may create a database.
// Run after `pnpm build`: node packages/library/bench/import.mjs [N]
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createDb, migrateToLatest } from "@chorus/db";
import { createLocalMediaStore } from "@chorus/media";
import { sql } from "kysely";
import { parseFile } from "music-metadata";
import { generateLibrary } from "../dist/fixtures.js";
import { formatReport, importLibrary, renderProgress } from "../dist/index.js";

const adminUrl = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const count = Number(process.argv[2] ?? process.env.FILES ?? 2000);
const names = [`chorus_bench_library_${process.pid}`, `chorus_bench_naive_${process.pid}`];
const admin = createDb({ connectionString: adminUrl, maxConnections: 1 });
const urlOf = (name) => {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
};
const dir = await fs.mkdtemp(path.join(os.tmpdir(), "chorus-library-bench-"));
const dbs = [];
const perSecond = (n, ms) => `${Math.round((n / ms) * 1000).toLocaleString("en-US")} files/s`;

try {
  for (const name of names) await sql.raw(`create database "${name}"`).execute(admin);
  const [db, naiveDb] = names.map((name) => createDb({ connectionString: urlOf(name) }));
  dbs.push(db, naiveDb);
  await Promise.all([migrateToLatest(db), migrateToLatest(naiveDb)]);

  let t = performance.now();
  const lib = await generateLibrary(path.join(dir, "library"), { count, seed: 42 });
  const files = lib.files.length + lib.corrupt.length;
  console.log(
    `generated ${files} files (${lib.corrupt.length} corrupt) in ${Math.round(performance.now() - t)} ms${lib.skipped.length ? `; left out: ${lib.skipped.join("; ")}` : ""}`,
  );
  const media = createLocalMediaStore(path.join(dir, "media"));

  const first = await importLibrary(db, media, lib.root, { onProgress: renderProgress(process.stderr) });
  console.log(`first import:     ${formatReport(first).split("\n")[0]}`);
  const again = await importLibrary(db, media, lib.root);
  console.log(`unchanged re-run: ${formatReport(again).split("\n")[0]}`);

  // The baseline: what a straightforward importer does.
  const audio = [...lib.files.map((f) => f.path), ...lib.corrupt];
  t = performance.now();
  let ok = 0;
  for (const file of audio) {
    try {
      const { common, format } = await parseFile(file);
      const stat = await fs.stat(file);
      await naiveDb
        .insertInto("songs")
        .values({
          title: common.title ?? path.basename(file, path.extname(file)),
          duration_ms: Math.round((format.duration ?? 0) * 1000),
          track_number: common.track.no || null,
          disc_number: common.disk.no || null,
          year: common.year ?? null,
          genre: common.genre?.[0] ?? null,
          file_path: file,
          size_bytes: stat.size,
          file_mtime: stat.mtime,
          codec: format.codec ?? null,
          sample_rate: format.sampleRate ?? null,
        })
        .execute();
      ok++;
    } catch {}
  }
  const naiveMs = performance.now() - t;
  console.log(
    `naive baseline:   ${ok} of ${audio.length} files in ${(naiveMs / 1000).toFixed(1)} s (${perSecond(audio.length, naiveMs)})`,
  );
  console.log(
    `\nimport ${perSecond(files, first.durationMs)} (first), ${perSecond(files, again.durationMs)} (unchanged), naive ${perSecond(audio.length, naiveMs)}; ${os.cpus().length} CPUs, Node ${process.versions.node}`,
  );
} finally {
  await Promise.all(dbs.map((db) => db.destroy()));
  for (const name of names) await sql.raw(`drop database if exists "${name}" with (force)`).execute(admin);
  await admin.destroy();
  await fs.rm(dir, { recursive: true, force: true });
}
