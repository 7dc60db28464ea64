import { Redis } from "ioredis";
import pg from "pg";

/** Where tests find PostgreSQL and Redis. The defaults match this machine and docker-compose.yml. */
export const testDatabaseUrl = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
export const testRedisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

const HOW_TO_START = [
  "Start them with `docker compose up -d postgres redis`, or on Debian:",
  "  pg_ctlcluster --skip-systemctl-redirect 15 main start",
  '  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no',
  "or point DATABASE_URL / REDIS_URL at running servers.",
].join("\n");

function hidePassword(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return url;
  }
}

async function checkPostgres(url: string): Promise<string | null> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  client.on("error", () => {});
  try {
    await client.connect();
    await client.query("select 1");
    return null;
  } catch (error) {
    return `PostgreSQL is not reachable at ${hidePassword(url)}: ${(error as Error).message}`;
  } finally {
    await client.end().catch(() => {});
  }
}

async function checkRedis(url: string): Promise<string | null> {
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 2_000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  redis.on("error", () => {});
  try {
    await redis.connect();
    await redis.ping();
    return null;
  } catch (error) {
    return `Redis is not reachable at ${hidePassword(url)}: ${(error as Error).message}`;
  } finally {
    redis.disconnect();
  }
}

/** Fails at once, with how to fix it, when a service the tests need is down. */
export async function assertServicesUp(): Promise<void> {
  const problems = (await Promise.all([checkPostgres(testDatabaseUrl), checkRedis(testRedisUrl)])).filter(
    (p): p is string => p !== null,
  );
  if (problems.length > 0) {
    throw new Error(
      `The integration tests need PostgreSQL and Redis.\n${problems.join("\n")}\n${HOW_TO_START}`,
    );
  }
}
