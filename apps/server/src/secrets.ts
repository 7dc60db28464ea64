import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import type { Secrets } from "@chorus/api";
import type { Log } from "./backends.js";
import type { Config } from "./env.js";

export type { Secrets };

/**
 * AUTH_SECRET from the environment, or (embedded default) one generated on first start and kept in
 * DATA_DIR/secrets.json, so tokens survive a restart. Several instances must share AUTH_SECRET.
 */
export async function loadSecrets(config: Config, log: Log): Promise<Secrets> {
  if (config.authSecret) return { authSecret: config.authSecret };
  const file = path.join(config.dataDir, "secrets.json");
  try {
    const stored = JSON.parse(await fs.readFile(file, "utf8")) as Partial<Secrets>;
    if (typeof stored.authSecret === "string" && stored.authSecret.length >= 32)
      return { authSecret: stored.authSecret };
    throw new Error(`${file} has no usable authSecret`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  const secrets: Secrets = { authSecret: randomBytes(48).toString("base64url") };
  await fs.mkdir(config.dataDir, { recursive: true });
  // wx: two instances starting at once on one DATA_DIR must not overwrite each other's secret.
  try {
    await fs.writeFile(file, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600, flag: "wx" });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return loadSecrets(config, log);
    throw error;
  }
  if (config.databaseUrl) {
    log.warn(
      { file },
      "AUTH_SECRET is not set: generated one for this instance only; set it when running several",
    );
  } else {
    log.info({ file }, "generated the token secret");
  }
  return secrets;
}
