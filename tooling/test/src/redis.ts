import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import net, { type AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { Redis } from "ioredis";
import { testRedisUrl } from "./services.js";

/** A key prefix unique to one test, and a way to delete every key under it afterwards. */
export function uniqueRedisPrefix(label = "t"): string {
  return `chorus-test:${label}:${randomBytes(4).toString("hex")}:`;
}

export async function deleteRedisKeys(prefix: string): Promise<void> {
  const redis = new Redis(testRedisUrl, { maxRetriesPerRequest: 1 });
  try {
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 500);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== "0");
  } finally {
    redis.disconnect();
  }
}

export interface RedisServer {
  url: string;
  port: number;
  /** Shuts the server down, saving a snapshot first so that `start()` brings the keys back. */
  stop(): Promise<void>;
  /** Starts it again on the same port (after `stop()`). */
  start(): Promise<void>;
}

/**
 * A Redis server of the test's own (`/usr/bin/redis-server` on a free port), to stop and restart
 * mid-test. Keys survive a restart, as on a Redis with persistence: that is what lets a test see
 * stale data an outage left behind. The snapshot is held in memory between the two, so nothing is
 * left on disk once stopped. Stop it in afterAll.
 */
export async function startRedisServer(): Promise<RedisServer> {
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  let child: ChildProcess | null = null;
  let dir = "";
  let snapshot: Buffer | null = null;
  process.once("exit", () => child?.kill("SIGKILL"));

  const start = async () => {
    if (child) return;
    dir = await mkdtemp(path.join(os.tmpdir(), "chorus-redis-"));
    const dump = path.join(dir, "dump.rdb");
    if (snapshot) await writeFile(dump, snapshot);
    const output: string[] = [];
    const proc = spawn(
      "/usr/bin/redis-server",
      ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    child = proc;
    proc.stdout?.on("data", (d: Buffer) => output.push(d.toString()));
    proc.stderr?.on("data", (d: Buffer) => output.push(d.toString()));
    proc.once("exit", () => {
      if (child === proc) child = null;
    });
    const end = Date.now() + 5_000;
    while (!(await answersPing(port))) {
      if (proc.exitCode !== null || Date.now() > end) {
        proc.kill("SIGKILL");
        await rm(dir, { recursive: true, force: true });
        throw new Error(`redis-server did not start on port ${port}:\n${output.join("")}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    await rm(dump, { force: true });
  };

  const stop = async () => {
    const proc = child;
    if (!proc) return;
    const exited = new Promise((r) => proc.once("exit", r));
    const client = new Redis(url, { maxRetriesPerRequest: 0, retryStrategy: () => null, lazyConnect: true });
    client.on("error", () => {});
    // SHUTDOWN never answers: the server closes the connection as it exits.
    await client
      .connect()
      .then(() => client.call("SHUTDOWN", "SAVE"))
      .catch(() => proc.kill("SIGTERM"));
    client.disconnect();
    await exited;
    snapshot = await readFile(path.join(dir, "dump.rdb")).catch(() => null);
    await rm(dir, { recursive: true, force: true });
  };

  await start();
  return { url, port, start, stop };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    socket.setTimeout(500);
    socket.once("connect", () => socket.write("PING\r\n"));
    socket.once("data", (d) => {
      socket.destroy();
      resolve(d.toString().startsWith("+PONG"));
    });
    for (const event of ["error", "timeout", "close"]) socket.once(event, () => resolve(false));
  });
}
