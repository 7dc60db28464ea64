#!/usr/bin/env node
import path from "node:path";
import { redactUrl } from "@chorus/cache";
import { createDb, type Db, migrateToLatest } from "@chorus/db";
import {
  type CollectionName,
  formatReport as formatImportReport,
  type ImportReport,
  type IssueRow,
  importMongo,
  openFolder,
  openMongo,
  renderProgress as renderImportProgress,
  writeReportFile,
} from "@chorus/importer";
import { formatReport, importLibrary, renderProgress } from "@chorus/library";
import {
  createCloudinaryMediaStore,
  createLocalMediaStore,
  type MediaStore,
  parseCloudinaryUrl,
} from "@chorus/media";
import { createMeiliSearch, explainError, type ReindexProgress, reindex } from "@chorus/search";
import { seedDemoCatalog } from "./demo.js";
import { connectEmbeddedPostgres } from "./embedded-postgres.js";
import { ConfigError, loadConfig } from "./env.js";

const USAGE = `Usage: pnpm chorus <command>

  import <folder> [--prune]   add the music under <folder> to the catalog (files stay where they are);
                              --prune removes songs whose files are gone
  migrate-mongo --from <folder> | --mongo-uri <uri> [--mongo-db <name>] [--dry-run] [--report <file>]
                              bring the old MongoDB app's data in (mongoexport or mongodump folder,
                              or a live MongoDB); resumable, verified, exits 1 if anything is
                              unaccounted for; --dry-run changes nothing; --report writes JSON
                              (see docs/importing.md)
  demo                        (re)create the demo catalog of synthesized albums
  reindex                     rebuild the Meilisearch indexes from the catalog (with MEILI_URL)
  help                        this text

Uses the same configuration as the server (DATABASE_URL, DATA_DIR, CLOUDINARY_URL, MEILI_URL...).`;

const quiet = { info() {}, warn() {}, debug() {} };

async function open(): Promise<{ db: Db; media: MediaStore; dataDir: string; close: () => Promise<void> }> {
  const config = loadConfig();
  const embedded = config.databaseUrl ? null : await connectEmbeddedPostgres(config.dataDir, quiet);
  const db = createDb({ connectionString: config.databaseUrl ?? embedded!.url, maxConnections: 4 });
  await migrateToLatest(db);
  const media = config.cloudinaryUrl
    ? createCloudinaryMediaStore(parseCloudinaryUrl(config.cloudinaryUrl))
    : createLocalMediaStore(path.join(config.dataDir, "media"));
  return {
    db,
    media,
    dataDir: config.dataDir,
    close: async () => {
      await db.destroy();
      await embedded?.stop();
    },
  };
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === "help" || command === "--help") {
    process.stdout.write(`${USAGE}\n`);
    return command ? 0 : 2;
  }
  if (command === "import") {
    const folder = rest.find((a) => !a.startsWith("--"));
    const unknown = rest.filter((a) => a.startsWith("--") && a !== "--prune");
    if (!folder || unknown.length) {
      console.error(
        unknown.length ? `Unknown option ${unknown.join(" ")}.\n\n${USAGE}` : `Which folder?\n\n${USAGE}`,
      );
      return 2;
    }
    const ctx = await open();
    try {
      const report = await importLibrary(ctx.db, ctx.media, path.resolve(folder), {
        prune: rest.includes("--prune"),
        onProgress: renderProgress(process.stderr),
      });
      process.stdout.write(`${formatReport(report)}\n`);
      return report.failed.length ? 1 : 0;
    } finally {
      await ctx.close();
    }
  }
  if (command === "demo") {
    const ctx = await open();
    try {
      const report = await seedDemoCatalog(ctx, ctx.dataDir, quiet, { force: true });
      if (report) process.stdout.write(`${formatReport(report)}\n`);
      return 0;
    } finally {
      await ctx.close();
    }
  }
  if (command === "reindex") return reindexCommand();
  if (command === "migrate-mongo") return migrateMongoCommand(rest);
  console.error(`Unknown command "${command}".\n\n${USAGE}`);
  return 2;
}

async function reindexCommand(): Promise<number> {
  const config = loadConfig();
  if (!config.meiliUrl) {
    process.stdout.write(
      "Search uses PostgreSQL (MEILI_URL is not set): its indexes are kept up to date by the database itself, so there is nothing to rebuild.\n",
    );
    return 0;
  }
  const meili = createMeiliSearch({
    url: config.meiliUrl,
    apiKey: config.meiliKey,
    indexPrefix: config.meiliIndexPrefix,
  });
  await meili.health().catch((error: unknown) => {
    throw new Error(
      `Meilisearch is not reachable at ${redactUrl(config.meiliUrl!).replace(/\/$/, "")} (MEILI_URL): ${explainError(error)}`,
    );
  });
  const ctx = await open();
  try {
    const report = await reindex(ctx.db, meili, { onProgress: renderReindexProgress(process.stderr) }).catch(
      (error: unknown) => {
        throw new Error(
          `${explainError(error)}\nThe indexes are partly rebuilt: run \`pnpm chorus reindex\` again.`,
        );
      },
    );
    const n = (count: number) => count.toLocaleString("en-US");
    const { songs, albums, artists, playlists } = report.indexed;
    process.stdout.write(
      `Reindexed ${n(songs)} songs · ${n(albums)} albums · ${n(artists)} artists · ${n(playlists)} playlists into Meilisearch (indexes ${config.meiliIndexPrefix}*) in ${(report.ms / 1000).toFixed(1)} s\n`,
    );
    return 0;
  } finally {
    await ctx.close();
  }
}

const MIGRATE_FLAGS = new Set(["--from", "--dry-run", "--report", "--mongo-uri", "--mongo-db"]);

async function migrateMongoCommand(args: string[]): Promise<number> {
  const value = (flag: string) => {
    const i = args.indexOf(flag);
    return i === -1 ? undefined : args[i + 1];
  };
  const unknown = args.filter(
    (a, i) => a.startsWith("--") && !MIGRATE_FLAGS.has(a) && !MIGRATE_FLAGS.has(args[i - 1] ?? ""),
  );
  const from = value("--from");
  const uri = value("--mongo-uri");
  if (unknown.length || (!from && !uri) || (from && uri)) {
    console.error(
      unknown.length
        ? `Unknown option ${unknown.join(" ")}.\n\n${USAGE}`
        : `Give either --from <folder> or --mongo-uri <uri>.\n\n${USAGE}`,
    );
    return 2;
  }
  const reportFile = value("--report");
  const source = from
    ? await openFolder(path.resolve(from))
    : await openMongo({ uri: uri!, ...(value("--mongo-db") ? { database: value("--mongo-db")! } : {}) });
  const ctx = await open();
  try {
    let first = new Map<CollectionName, IssueRow[]>();
    const report: ImportReport = await importMongo(ctx.db, source, {
      dryRun: args.includes("--dry-run"),
      onProgress: renderImportProgress(process.stderr),
      beforeFinish: async (done, issues) => {
        first = new Map();
        for (const c of done.collections) {
          const list: IssueRow[] = [];
          for await (const issue of issues(c.name)) {
            list.push(issue);
            if (list.length === 10) break;
          }
          first.set(c.name, list);
        }
        if (reportFile) await writeReportFile(path.resolve(reportFile), done, issues);
      },
    });
    process.stdout.write(`${formatImportReport(report, first)}\n`);
    if (reportFile) process.stdout.write(`Report with every issue: ${path.resolve(reportFile)}\n`);
    return report.ok ? 0 : 1;
  } finally {
    await source.close();
    await ctx.close();
  }
}

const BAR = 24;

/** One line per type: a bar redrawn in place on a terminal, otherwise a line every couple of seconds. */
function renderReindexProgress(stream: NodeJS.WriteStream): (progress: ReindexProgress) => void {
  const tty = stream.isTTY === true;
  const finished = new Set<string>();
  let last = Number.NEGATIVE_INFINITY;
  return ({ type, done, total }) => {
    if (finished.has(type)) return;
    const complete = done >= total;
    const now = performance.now();
    if (!complete && now - last < (tty ? 100 : 2_000)) return;
    last = now;
    if (complete) finished.add(type);
    const counts = `${done.toLocaleString("en-US")}/${total.toLocaleString("en-US")}`;
    if (tty) {
      const filled = total === 0 ? BAR : Math.round((BAR * done) / total);
      stream.write(
        `\r${type.padEnd(9)} [${"#".repeat(filled)}${"-".repeat(BAR - filled)}] ${counts}\x1b[K${complete ? "\n" : ""}`,
      );
    } else {
      stream.write(`${type.padEnd(9)} ${counts}\n`);
    }
  };
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(
      error instanceof ConfigError
        ? error.message
        : `chorus: ${error instanceof Error ? error.message : error}`,
    );
    process.exit(1);
  },
);
