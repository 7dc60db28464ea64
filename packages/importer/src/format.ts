import { once } from "node:events";
import { createWriteStream } from "node:fs";
import type { ImportProgress, ImportReport, IssueRow } from "./import.js";
import type { CollectionName } from "./sources.js";

export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

const BAR = 24;
const n = (v: number) => Math.round(v).toLocaleString("en-US");

/**
 * One line per collection: a bar redrawn in place on a terminal (by bytes or documents read), with
 * counts and documents per second; on anything else a plain line every couple of seconds.
 */
export function renderProgress(
  stream: ProgressStream,
  options: { redrawMs?: number; lineMs?: number; now?: () => number } = {},
): (p: ImportProgress) => void {
  const tty = stream.isTTY === true;
  const every = tty ? (options.redrawMs ?? 100) : (options.lineMs ?? 2_000);
  const clock = options.now ?? (() => performance.now());
  let last = Number.NEGATIVE_INFINITY;
  let current: CollectionName | null = null;
  return (p) => {
    const now = clock();
    if (p.collection !== current) {
      current = p.collection;
      // A log gets a line per collection when done, and one every couple of seconds in a long one.
      last = tty ? Number.NEGATIVE_INFINITY : now;
    }
    if (!p.done && now - last < every) return;
    last = now;
    const counts = `${n(p.read)} docs (${n(p.written)} written, ${n(p.rejected)} rejected)  ${n(p.docsPerSecond)} docs/s`;
    const name = p.collection.padEnd(19);
    if (tty) {
      const fraction = p.total > 0 ? Math.min(1, p.position / p.total) : p.done ? 1 : 0;
      const filled = Math.round(BAR * fraction);
      let line = `${name} [${"#".repeat(filled)}${"-".repeat(BAR - filled)}] ${counts}`;
      const width = (stream.columns ?? 100) - 1;
      if (line.length > width) line = `${line.slice(0, width - 1)}…`;
      stream.write(`\r${line}\x1b[K${p.done ? "\n" : ""}`);
    } else {
      const percent = p.total > 0 ? ` ${Math.floor((100 * Math.min(p.position, p.total)) / p.total)}%` : "";
      stream.write(`${name}${p.done ? " done" : percent} ${counts}\n`);
    }
  };
}

/** The verification table, then the first issues of each collection (all are in --report). */
export function formatReport(
  report: ImportReport,
  firstIssues: Map<CollectionName, IssueRow[]> = new Map(),
): string {
  const lines: string[] = [];
  lines.push(
    `${"collection".padEnd(20)}${"read".padStart(9)}${"written".padStart(9)}${"rejected".padStart(9)}${"warnings".padStart(9)}  checksum`,
  );
  for (const c of report.collections) {
    const check =
      c.read === 0 && c.origin === null
        ? "not in the source"
        : c.checksum.match
          ? "ok"
          : `MISMATCH (source ${c.checksum.source}, database ${c.checksum.database})`;
    const lost = c.unaccounted !== 0 ? `  ${c.unaccounted} UNACCOUNTED` : "";
    lines.push(
      `${c.name.padEnd(20)}${n(c.read).padStart(9)}${n(c.written).padStart(9)}${n(c.rejected).padStart(9)}${n(c.warnings).padStart(9)}  ${check}${lost}`,
    );
  }
  for (const [collection, issues] of firstIssues) {
    if (issues.length === 0) continue;
    lines.push("", `${collection}:`);
    for (const i of issues)
      lines.push(`  ${i.severity === "rejected" ? "✗" : "!"} ${i.legacyId ?? "(no id)"}: ${i.reason}`);
  }
  if (report.emailCollisions.length) {
    lines.push(
      "",
      "Accounts whose email collided (kept under a placeholder address, flagged for attention):",
    );
    for (const c of report.emailCollisions) lines.push(`  ${c.legacyId}: ${c.reason}`);
  }
  const read = report.collections.reduce((s, c) => s + c.read, 0);
  const written = report.collections.reduce((s, c) => s + c.written, 0);
  const rejected = report.collections.reduce((s, c) => s + c.rejected, 0);
  lines.push(
    "",
    `${report.dryRun ? "Dry run (nothing kept): " : ""}read ${n(read)} · written ${n(written)} · rejected ${n(rejected)} in ${report.seconds.toFixed(1)} s (${n(read / Math.max(report.seconds, 0.001))} docs/s)${report.ok ? "; every record accounted for and checksums match" : "; VERIFICATION FAILED"}`,
  );
  return lines.join("\n");
}

/** The report as JSON with every issue, written as it is read (the issues may be many). */
export async function writeReportFile(
  file: string,
  report: ImportReport,
  issues: (collection: CollectionName) => AsyncGenerator<IssueRow>,
): Promise<void> {
  const out = createWriteStream(file);
  const write = async (text: string) => {
    if (!out.write(text)) await once(out, "drain");
  };
  const { collections, ...rest } = report;
  await write(`${JSON.stringify(rest, null, 2).slice(0, -2)},\n  "collections": [\n`);
  for (const [index, c] of collections.entries()) {
    await write(`    ${JSON.stringify(c).slice(0, -1)},"issues":[`);
    let first = true;
    for await (const issue of issues(c.name)) {
      await write(`${first ? "" : ","}\n      ${JSON.stringify(issue)}`);
      first = false;
    }
    await write(`${first ? "" : "\n    "}]}${index < collections.length - 1 ? "," : ""}\n`);
  }
  await write("  ]\n}\n");
  out.end();
  await once(out, "finish");
}
