// LRC, the synced-lyrics format: `[mm:ss.xx] text`, several stamps per line allowed, header tags
// ([ar:], [ti:], [offset:±ms], ...), and "enhanced" word stamps (<mm:ss.xx>) that are dropped.
// One reader for both uses: `.lrc` sidecars at import (lenient) and lyrics.set (strict).

export interface LrcLine {
  ms: number;
  text: string;
}

export interface ParsedLrc {
  /** Timed lines in time order (stable for equal times), or null when the file has no time tags. */
  synced: LrcLine[] | null;
  /** The words without times: the timed lines in order, or the untimed text of a plain file. */
  plain: string | null;
  /** Header tags such as ar, ti, al, offset, la (lower-cased names). */
  tags: Record<string, string>;
}

export class LrcError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(line > 0 ? `Line ${line}: ${message}` : message);
    this.name = "LrcError";
  }
}

const TIME = /^\[(\d{1,3}):(\d{1,2})(?:[.:](\d{1,3}))?\]/;
const TAG = /^\[([a-zA-Z#]+):([^\]]*)\]\s*$/;
/** Enhanced LRC marks each word: <00:12.34>word. */
const WORD_TIME = /<\d{1,3}:\d{1,2}(?:[.:]\d{1,3})?>/g;

/**
 * Reads LRC. Lenient by default (an untimed line is plain text, a bad stamp is read as well as it
 * can be); with `strict`, the first line that is neither timed, a tag, nor blank is an LrcError
 * naming it, as is a stamp with 60 or more seconds.
 */
export function parseLrc(source: string, { strict = false }: { strict?: boolean } = {}): ParsedLrc {
  const tags: Record<string, string> = {};
  const timed: LrcLine[] = [];
  const untimed: string[] = [];
  source
    .replace(/^\uFEFF/, "")
    .split(/\r\n|\n|\r/)
    .forEach((raw, index) => {
      let line = raw.trim();
      const times: number[] = [];
      for (let m = TIME.exec(line); m; m = TIME.exec(line)) {
        if (strict && Number(m[2]) >= 60) {
          throw new LrcError(index + 1, `"${m[0]}" has ${m[2]} seconds; seconds go up to 59.`);
        }
        const fraction = m[3] ?? "";
        // ".5" is half a second, ".05" five hundredths, ".005" five milliseconds.
        const ms = fraction ? Number(fraction.padEnd(3, "0")) : 0;
        times.push((Number(m[1]) * 60 + Number(m[2])) * 1000 + ms);
        line = line.slice(m[0].length);
      }
      if (times.length > 0) {
        const text = line.replace(WORD_TIME, "").replace(/\s+/g, " ").trim();
        for (const ms of times) timed.push({ ms, text });
        return;
      }
      const tag = TAG.exec(line);
      if (tag) {
        tags[tag[1]!.toLowerCase()] = tag[2]!.trim();
        return;
      }
      if (strict && line) {
        throw new LrcError(
          index + 1,
          `expected a time like [01:23.45] before the text (got "${line.slice(0, 40)}").`,
        );
      }
      untimed.push(line);
    });

  const offset = Number.parseInt(tags.offset ?? "0", 10);
  if (strict && tags.offset !== undefined && Number.isNaN(offset)) {
    throw new LrcError(0, `[offset:${tags.offset}] is not a number of milliseconds.`);
  }
  if (timed.length === 0) {
    if (strict) throw new LrcError(0, "there are no timed lines in it.");
    const plain = untimed.join("\n").trim();
    return { synced: null, plain: plain || null, tags };
  }
  // A positive offset shows the lyrics earlier.
  const synced = timed
    .map((line, index) => ({ ms: Math.max(0, line.ms - (offset || 0)), text: line.text, index }))
    .sort((a, b) => a.ms - b.ms || a.index - b.index)
    .map(({ ms, text }) => ({ ms, text }));
  const plain = plainFromLines(synced);
  return { synced, plain: plain || null, tags };
}

/** The words of timed lines, one per line, without runs of blank lines. */
export function plainFromLines(lines: LrcLine[]): string {
  return lines
    .map((l) => l.text)
    .filter((t, i, all) => t !== "" || (i > 0 && all[i - 1] !== ""))
    .join("\n")
    .trim();
}

function stamp(ms: number): string {
  const min = Math.floor(ms / 60_000);
  const sec = Math.floor((ms % 60_000) / 1000);
  const cs = Math.floor((ms % 1000) / 10);
  return `[${String(min).padStart(2, "0")}:${String(sec).padStart(2, "0")}.${String(cs).padStart(2, "0")}]`;
}

/** Writes lines back as LRC, tags first (the offset is already applied to the lines). */
export function formatLrc(lines: LrcLine[], tags: Record<string, string> = {}): string {
  const head = Object.entries(tags)
    .filter(([key]) => key !== "offset")
    .map(([key, value]) => `[${key}:${value}]`);
  return `${[...head, ...lines.map((l) => `${stamp(l.ms)}${l.text}`)].join("\n")}\n`;
}
