#!/usr/bin/env node
import path from "node:path";
import { createDb, type Db, migrateToLatest } from "@chorus/db";
import { formatReport, importLibrary, renderProgress } from "@chorus/library";
import {
  createCloudinaryMediaStore,
  createLocalMediaStore,
  type MediaStore,
  parseCloudinaryUrl,
} from "@chorus/media";
import { seedDemoCatalog } from "./demo.js";
import { connectEmbeddedPostgres } from "./embedded-postgres.js";
import { ConfigError, loadConfig } from "./env.js";

const USAGE = `Usage: pnpm chorus <command>

  import <folder> [--prune]   add the music under <folder> to the catalog (files stay where they are);
                              --prune removes songs whose files are gone
  demo                        (re)create the demo catalog of synthesized albums
  help                        this text

Uses the same configuration as the server (DATABASE_URL, DATA_DIR, CLOUDINARY_URL...).`;

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
  console.error(`Unknown command "${command}".\n\n${USAGE}`);
  return 2;
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
