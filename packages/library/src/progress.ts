import path from "node:path";
import type { ImportProgress, ImportReport } from "./import.js";

/** The part of a stream the renderer uses (process.stdout / stderr fit). */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface RenderOptions {
  /** Milliseconds between redraws on a terminal. Default 100. */
  redrawMs?: number;
  /** Milliseconds between lines when the output is not a terminal (a log, a pipe). Default 2000. */
  lineMs?: number;
  /** Clock, for tests. */
  now?: () => number;
}

const BAR = 24;

function rate(filesPerSecond: number): string {
  return `${Math.round(filesPerSecond).toLocaleString("en-US")} files/s`;
}

/**
 * An onProgress callback drawing one line on `stream`: a bar redrawn in place on a terminal,
 * otherwise a plain line every couple of seconds. The last call (done = total) ends the line.
 */
export function renderProgress(
  stream: ProgressStream,
  options: RenderOptions = {},
): (progress: ImportProgress) => void {
  const now = options.now ?? (() => performance.now());
  const tty = stream.isTTY === true;
  const every = tty ? (options.redrawMs ?? 100) : (options.lineMs ?? 2000);
  let last = Number.NEGATIVE_INFINITY;
  let finished = false;
  return (p) => {
    if (finished || p.total === 0 || (!tty && p.done === 0)) return;
    const complete = p.done >= p.total;
    const t = now();
    if (!complete && t - last < every) return;
    last = t;
    const counts = `${p.done}/${p.total}`;
    if (tty) {
      const filled = Math.round((BAR * p.done) / p.total);
      let line = `[${"#".repeat(filled)}${"-".repeat(BAR - filled)}] ${counts}  ${rate(p.filesPerSecond)}`;
      if (!complete && p.current) line += `  ${p.current}`;
      const width = (stream.columns ?? 80) - 1;
      if (line.length > width) line = `${line.slice(0, width - 1)}…`;
      // \x1b[K clears what a longer previous line left behind.
      stream.write(`\r${line}\x1b[K${complete ? "\n" : ""}`);
    } else {
      const percent = Math.floor((100 * p.done) / p.total);
      stream.write(`${counts} files (${percent}%), ${rate(p.filesPerSecond)}\n`);
    }
    if (complete) finished = true;
  };
}

function seconds(ms: number): string {
  return ms < 10_000 ? (ms / 1000).toFixed(1) : Math.round(ms / 1000).toString();
}

function shown(root: string, file: string): string {
  const relative = path.relative(root, file);
  return relative && !relative.startsWith("..") ? relative : file;
}

/**
 * The summary: "added 480 · updated 0 · skipped 0 · failed 2 · removed 0 in 0.8 s (612 files/s)",
 * then one line per failure ("  ✗ path: reason"), per file gone and per warning.
 */
export function formatReport(report: ImportReport, options: { maxRemoved?: number } = {}): string {
  const removed =
    report.pruned > 0
      ? `removed ${report.removed.length} (pruned ${report.pruned})`
      : `removed ${report.removed.length}`;
  const lines = [
    `added ${report.added} · updated ${report.updated} · skipped ${report.skipped} · failed ${report.failed.length} · ${removed} in ${seconds(report.durationMs)} s (${rate(report.filesPerSecond)})`,
  ];
  for (const f of report.failed) lines.push(`  ✗ ${shown(report.root, f.path)}: ${f.reason}`);
  const maxRemoved = options.maxRemoved ?? 20;
  const gone =
    report.pruned > 0 ? "gone, removed from the catalog" : "gone (--prune removes it from the catalog)";
  for (const file of report.removed.slice(0, maxRemoved))
    lines.push(`  − ${shown(report.root, file)}: ${gone}`);
  if (report.removed.length > maxRemoved)
    lines.push(`  … and ${report.removed.length - maxRemoved} more gone`);
  for (const w of report.warnings) lines.push(`  ! ${w}`);
  return lines.join("\n");
}
