import path from "node:path";
import { z } from "zod";

/**
 * The one place that reads the environment. Each variable is checked here, and a bad value stops
 * start-up with a message that names it and says what was expected.
 */

const urlWithProtocols = (name: string, protocols: string[], example: string) =>
  z
    .string()
    .trim()
    .refine(
      (value) => {
        try {
          const url = new URL(value);
          return protocols.includes(url.protocol) && url.hostname !== "";
        } catch {
          return false;
        }
      },
      {
        error: (issue) =>
          `${name} is not a valid ${protocols[0]}// URL (got "${redact(String(issue.input))}"); expected e.g. ${example}`,
      },
    );

const booleanish = (name: string) =>
  z
    .enum(["true", "false", "1", "0", "yes", "no"], { error: `${name} must be true or false` })
    .transform((v) => v === "true" || v === "1" || v === "yes");

const EnvSchema = z.object({
  NODE_ENV: z
    .enum(["development", "production", "test"], {
      error: (issue) => `NODE_ENV must be development, production or test (got "${String(issue.input)}")`,
    })
    .default("development"),
  HOST: z.string().trim().min(1, "HOST must not be empty").default("0.0.0.0"),
  PORT: z
    .string()
    .trim()
    .default("3000")
    .refine((v) => /^\d+$/.test(v) && Number(v) >= 0 && Number(v) <= 65535, {
      error: (issue) => `PORT must be a whole number from 0 to 65535 (got "${String(issue.input)}")`,
    })
    .transform(Number),
  DATA_DIR: z.string().trim().min(1, "DATA_DIR must not be empty").default("./data"),
  DATABASE_URL: urlWithProtocols(
    "DATABASE_URL",
    ["postgres:", "postgresql:"],
    "postgres://user:pass@localhost:5432/chorus",
  ).optional(),
  DATABASE_POOL_SIZE: z
    .string()
    .default("10")
    .refine((v) => /^\d+$/.test(v) && Number(v) >= 1 && Number(v) <= 200, {
      error: (issue) =>
        `DATABASE_POOL_SIZE must be a whole number from 1 to 200 (got "${String(issue.input)}")`,
    })
    .transform(Number),
  REDIS_URL: urlWithProtocols("REDIS_URL", ["redis:", "rediss:"], "redis://localhost:6379").optional(),
  REDIS_PREFIX: z
    .string()
    .regex(/^[\w:.-]{1,50}$/, "REDIS_PREFIX may hold letters, digits and : . _ - (at most 50)")
    .default("chorus:"),
  MEILI_URL: urlWithProtocols("MEILI_URL", ["http:", "https:"], "http://localhost:7700").optional(),
  MEILI_MASTER_KEY: z
    .string()
    .trim()
    .min(16, "MEILI_MASTER_KEY must be at least 16 characters (Meilisearch refuses shorter master keys)")
    .optional(),
  MEILI_INDEX_PREFIX: z
    .string()
    .regex(/^[\w-]{1,50}$/, "MEILI_INDEX_PREFIX may hold letters, digits, _ and - (at most 50)")
    .default("chorus_"),
  PUBLIC_URL: urlWithProtocols("PUBLIC_URL", ["https:", "http:"], "https://music.example.com").optional(),
  CLOUDINARY_URL: z
    .string()
    .trim()
    .refine((v) => /^cloudinary:\/\/[^:@/]+:[^@/]+@[\w-]+/.test(v), {
      error: "CLOUDINARY_URL must look like cloudinary://<api_key>:<api_secret>@<cloud_name>",
    })
    .optional(),
  DEMO_CATALOG: z
    .enum(["auto", "true", "false"], { error: "DEMO_CATALOG must be auto, true or false" })
    .default("auto"),
  AUTH_SECRET: z
    .string()
    .min(32, "AUTH_SECRET must be at least 32 characters (e.g. the output of `openssl rand -base64 48`)")
    .optional(),
  SMTP_URL: urlWithProtocols(
    "SMTP_URL",
    ["smtp:", "smtps:"],
    "smtp://user:pass@mail.example.com:587",
  ).optional(),
  MAIL_FROM: z
    .string()
    .trim()
    .min(3, "MAIL_FROM must be an address like Chorus <music@example.com>")
    .optional(),
  LOG_LEVEL: z
    .enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"], {
      error: (issue) =>
        `LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent (got "${String(issue.input)}")`,
    })
    .default("info"),
  TRUST_PROXY: z
    .string()
    .trim()
    .refine(
      (v) => /^(true|false|\d{1,2})$/.test(v) || v.split(",").every((p) => /^[\d.:a-fA-F/]+$/.test(p.trim())),
      {
        error: (issue) =>
          `TRUST_PROXY must be true, false, a number of proxy hops, or a comma-separated list of proxy addresses (got "${String(issue.input)}")`,
      },
    )
    .optional(),
  WS_ALLOWED_ORIGINS: z
    .string()
    .trim()
    .refine(
      (v) =>
        v.split(",").every((o) => {
          try {
            const url = new URL(o.trim());
            return (
              (url.protocol === "http:" || url.protocol === "https:") &&
              url.origin === o.trim().replace(/\/+$/, "")
            );
          } catch {
            return false;
          }
        }),
      {
        error: (issue) =>
          `WS_ALLOWED_ORIGINS must be a comma-separated list of origins like https://music.example.com (got "${String(issue.input)}")`,
      },
    )
    .optional(),
  WS_MAX_MESSAGE_BYTES: z
    .string()
    .trim()
    .default("65536")
    .refine((v) => /^\d+$/.test(v) && Number(v) >= 1024 && Number(v) <= 16 * 1024 * 1024, {
      error: (issue) =>
        `WS_MAX_MESSAGE_BYTES must be a whole number of bytes from 1024 to 16777216 (got "${String(issue.input)}")`,
    })
    .transform(Number),
  HEAP_GROWING_PERCENT: z
    .string()
    .trim()
    .default("20")
    .refine((v) => /^\d+$/.test(v) && Number(v) <= 300, {
      error: (issue) =>
        `HEAP_GROWING_PERCENT must be a whole number from 0 (V8's own choice) to 300 (got "${String(issue.input)}")`,
    })
    .transform(Number),
  SEARCH_INDEX: booleanish("SEARCH_INDEX").default(true),
  SERVE_WEB: booleanish("SERVE_WEB").optional(),
  WEB_DIST_DIR: z.string().trim().min(1).optional(),
});

export type Env = z.infer<typeof EnvSchema>;

export interface Config {
  nodeEnv: Env["NODE_ENV"];
  host: string;
  port: number;
  /** Absolute path; everything the embedded default keeps lives under it. */
  dataDir: string;
  /** Unset: the embedded PostgreSQL under dataDir. */
  databaseUrl: string | undefined;
  databasePoolSize: number;
  /** Unset: in-process cache and event bus. */
  redisUrl: string | undefined;
  /** Put before every Redis key and channel, so deployments (and tests) can share one Redis. */
  redisPrefix: string;
  /** Unset: search with PostgreSQL full text + pg_trgm. Set: Meilisearch, PostgreSQL while it is down. */
  meiliUrl: string | undefined;
  /** The master key, or an API key allowed to manage indexes, documents and settings. */
  meiliKey: string | undefined;
  /** Put before every index name, so deployments (and tests) can share one Meilisearch. */
  meiliIndexPrefix: string;
  publicUrl: string | undefined;
  /** Unset: media on the local disk under DATA_DIR/media. */
  cloudinaryUrl: string | undefined;
  /** Make the demo catalog on first start into an empty catalog (auto: only with the embedded database). */
  demoCatalog: boolean;
  /** Unset: generated once and kept in DATA_DIR/secrets.json (fine for one instance). */
  authSecret: string | undefined;
  /** Unset: mail goes to DATA_DIR/outbox and codes to the log. */
  smtpUrl: string | undefined;
  mailFrom: string;
  logLevel: Env["LOG_LEVEL"];
  /**
   * Which proxies' X-Forwarded-For to believe (rate limits are per client address). Off by default:
   * a client could otherwise pick its own address.
   */
  trustProxy: boolean | number | string;
  /**
   * Browser origins allowed to open the WebSocket besides the server's own (and PUBLIC_URL's): a page
   * on another site must not ride a signed-in visitor's connection. Outside production, pages served
   * from localhost (the Vite dev server's proxy) are allowed too.
   */
  wsAllowedOrigins: string[];
  /** The largest WebSocket message a client may send; a bigger one closes the connection (1009). */
  wsMaxMessageBytes: number;
  /**
   * How far V8 lets the heap grow past what is live before its next full collection, in percent
   * (0: V8's own choice). Applied by the server's entry point (decision 011).
   */
  heapGrowingPercent: number;
  /**
   * Keep the catalog's search documents in each server's memory and answer searches from them while
   * they match the catalog revision (decision 012); false: every search asks PostgreSQL.
   */
  searchIndex: boolean;
  /** Serve the built web player from this server (production by default). */
  serveWeb: boolean;
  webDistDir: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `Chorus cannot start: the configuration is invalid.\n${problems.map((p) => `  - ${p}`).join("\n")}`,
    );
    this.name = "ConfigError";
  }
}

function redact(value: string): string {
  // Never echo a password back into logs.
  return value.replace(/(\/\/[^:/@]*:)[^@]*@/, "$1***@");
}

/** Reads and validates the configuration; throws ConfigError naming every bad variable. */
export function loadConfig(
  env: Record<string, string | undefined> = process.env,
  cwd: string = process.cwd(),
): Config {
  // An empty variable (FOO= in a .env file) means "not set", as it does for most tools.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = EnvSchema.safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const name = String(issue.path[0] ?? "");
        return issue.message.includes(name) ? issue.message : `${name}: ${issue.message}`;
      }),
    );
  }
  const e = parsed.data;
  return {
    nodeEnv: e.NODE_ENV,
    host: e.HOST,
    port: e.PORT,
    dataDir: path.resolve(cwd, e.DATA_DIR),
    databaseUrl: e.DATABASE_URL,
    databasePoolSize: e.DATABASE_POOL_SIZE,
    redisUrl: e.REDIS_URL,
    redisPrefix: e.REDIS_PREFIX,
    meiliUrl: e.MEILI_URL?.replace(/\/+$/, ""),
    meiliKey: e.MEILI_MASTER_KEY,
    meiliIndexPrefix: e.MEILI_INDEX_PREFIX,
    publicUrl: e.PUBLIC_URL?.replace(/\/+$/, ""),
    cloudinaryUrl: e.CLOUDINARY_URL,
    demoCatalog: e.DEMO_CATALOG === "true" || (e.DEMO_CATALOG === "auto" && !e.DATABASE_URL),
    authSecret: e.AUTH_SECRET,
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM ?? "Chorus <chorus@localhost>",
    logLevel: e.LOG_LEVEL,
    trustProxy:
      e.TRUST_PROXY === undefined || e.TRUST_PROXY === "false"
        ? false
        : e.TRUST_PROXY === "true"
          ? true
          : /^\d+$/.test(e.TRUST_PROXY)
            ? Number(e.TRUST_PROXY)
            : e.TRUST_PROXY,
    wsAllowedOrigins: [
      ...new Set(
        [...(e.WS_ALLOWED_ORIGINS?.split(",") ?? []), ...(e.PUBLIC_URL ? [e.PUBLIC_URL] : [])].map(
          (o) => new URL(o.trim()).origin,
        ),
      ),
    ],
    wsMaxMessageBytes: e.WS_MAX_MESSAGE_BYTES,
    heapGrowingPercent: e.HEAP_GROWING_PERCENT,
    searchIndex: e.SEARCH_INDEX,
    serveWeb: e.SERVE_WEB ?? e.NODE_ENV === "production",
    webDistDir: e.WEB_DIST_DIR
      ? path.resolve(cwd, e.WEB_DIST_DIR)
      : path.resolve(import.meta.dirname, "../../web/dist"),
  };
}
