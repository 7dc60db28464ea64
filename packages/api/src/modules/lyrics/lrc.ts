import type { SyncedLine } from "@chorus/contracts";

export interface ParsedLrc {
  lines: SyncedLine[];
  /** Tags such as ar (artist), ti (title), al (album), by, offset, length, la (language). */
  meta: Record<string, string>;
}

export class LrcError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`Line ${line}: ${message}`);
    this.name = "LrcError";
  }
}

const TIME = /\[(\d{1,3}):(\d{1,2})(?:[.:](\d{1,3}))?\]/y;
const META = /^\[([a-zA-Z#]+):(.*)\]\s*$/;
// Word-level stamps of "enhanced" LRC (<00:12.34>): the line keeps its words, the stamps go.
const WORD_STAMP = /<\d{1,3}:\d{1,2}(?:[.:]\d{1,3})?>/g;

/**
 * Parses LRC: `[mm:ss.xx]` before each line (several stamps may share a line), metadata tags,
 * an `[offset:±ms]` applied to every line, enhanced word stamps dropped. Lines come back in time order.
 */
export function parseLrc(text: string): ParsedLrc {
  const meta: Record<string, string> = {};
  const stamped: { ms: number; text: string; order: number }[] = [];
  const rows = text.replace(/^\uFEFF/, "").split(/\r\n|\r|\n/);
  rows.forEach((raw, index) => {
    const lineNo = index + 1;
    const row = raw.trim();
    if (!row) return;
    const metaMatch = META.exec(row);
    if (metaMatch && !/^\d/.test(metaMatch[1]!)) {
      meta[metaMatch[1]!.toLowerCase()] = metaMatch[2]!.trim();
      return;
    }
    const times: number[] = [];
    TIME.lastIndex = 0;
    let pos = 0;
    for (let m = TIME.exec(row); m; m = TIME.exec(row)) {
      const [, min, sec, frac = "0"] = m;
      if (Number(sec) >= 60) throw new LrcError(lineNo, `"${m[0]}" has ${sec} seconds; seconds go up to 59.`);
      const fraction = Number(frac.padEnd(3, "0").slice(0, 3));
      times.push(Number(min) * 60_000 + Number(sec) * 1000 + fraction);
      pos = TIME.lastIndex;
    }
    if (times.length === 0) {
      throw new LrcError(
        lineNo,
        `expected a time like [01:23.45] before the text (got "${row.slice(0, 40)}").`,
      );
    }
    const lyric = row.slice(pos).replace(WORD_STAMP, "").replace(/\s+/g, " ").trim();
    for (const ms of times) stamped.push({ ms, text: lyric, order: stamped.length });
  });
  const offset = Number(meta.offset ?? 0);
  if (!Number.isFinite(offset))
    throw new LrcError(0, `[offset:${meta.offset}] is not a number of milliseconds.`);
  const lines = stamped
    // A positive offset shows every line that much sooner.
    .map((l) => ({ ...l, ms: Math.max(0, l.ms - offset) }))
    .sort((a, b) => a.ms - b.ms || a.order - b.order)
    .map(({ ms, text }) => ({ ms, text }));
  return { lines, meta };
}

function stamp(ms: number): string {
  const min = Math.floor(ms / 60_000);
  const sec = Math.floor((ms % 60_000) / 1000);
  const cs = Math.floor((ms % 1000) / 10);
  return `[${String(min).padStart(2, "0")}:${String(sec).padStart(2, "0")}.${String(cs).padStart(2, "0")}]`;
}

/** Writes lines back as LRC, metadata first. */
export function formatLrc(lines: SyncedLine[], meta: Record<string, string> = {}): string {
  const head = Object.entries(meta)
    .filter(([key]) => key !== "offset")
    .map(([key, value]) => `[${key}:${value}]`);
  return `${[...head, ...lines.map((l) => `${stamp(l.ms)}${l.text}`)].join("\n")}\n`;
}

/** The plain text of synced lines (for search and the plain view). */
export function plainFromLines(lines: SyncedLine[]): string {
  return lines
    .map((l) => l.text)
    .filter((t, i, all) => t !== "" || (i > 0 && all[i - 1] !== ""))
    .join("\n")
    .trim();
}
