import { existsSync } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import type { Db } from "@chorus/db";
import { type ImportReport, importLibrary, writeDemoLibrary } from "@chorus/library";
import type { MediaStore } from "@chorus/media";
import type { Log } from "./backends.js";

/**
 * The demo catalog: synthesized albums written under DATA_DIR/demo and imported in place. Made once
 * (a marker remembers it, so deleting the demo songs does not bring them back), and only into an
 * empty catalog unless forced.
 */
export async function seedDemoCatalog(
  deps: { db: Db; media: MediaStore },
  dataDir: string,
  log: Log,
  { force = false }: { force?: boolean } = {},
): Promise<ImportReport | null> {
  const dir = path.join(dataDir, "demo");
  const marker = path.join(dir, ".imported");
  if (!force && existsSync(marker)) return null;
  if (!force) {
    const any = await deps.db.selectFrom("songs").select("id").limit(1).executeTakeFirst();
    if (any) return null;
  }
  const started = Date.now();
  const tracks = await writeDemoLibrary(dir);
  const report = await importLibrary(deps.db, deps.media, dir);
  await fs.writeFile(marker, `${new Date().toISOString()}\n`);
  log.info(
    { tracks, added: report.added, failed: report.failed.length, ms: Date.now() - started },
    "demo catalog ready: 4 albums to play",
  );
  return report;
}
