import { foldText } from "@chorus/contracts/search";
/** A run of a suggestion's text, and whether it is the part the query matched. */
export interface Segment {
  text: string;
  match: boolean;
}

/** One character as the server compares it: lower case, no accents ("Ö" → "o", "ß" → "ss"). */
export function foldChar(c: string): string {
  return foldText(c);
}

/** A whole string folded, for comparing (the query). */
export function fold(s: string): string {
  return Array.from(s, foldChar).join("");
}

/** The folded words of a string, without punctuation: "AC/DC's Best" → ["ac", "dc", "s", "best"]. */
export function words(s: string): string[] {
  return fold(s)
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
}

const WORD = /[\p{L}\p{N}\p{M}]+/gu;

/**
 * How much of a query word must match the start of a word to count, so that a typo still lights up
 * what it was meant to ("junipr" → "Junip|er"), while a chance first letter does not ("junipr" is
 * not "J|azz"). Short words match in full.
 */
export function required(tokenLength: number): number {
  return tokenLength <= 3 ? tokenLength : Math.max(3, tokenLength - 2);
}

/**
 * The parts of `text` that the query's words match at the start of its words, folded (no case, no
 * accents), for a suggestion list to mark: each query word lights up the longest start it shares
 * with a word of the text, when that is long enough to mean something (see `required`).
 */
export function highlight(text: string, query: string): Segment[] {
  const tokens = words(query);
  const ranges: [start: number, end: number][] = [];
  if (tokens.length > 0) {
    for (const word of text.matchAll(WORD)) {
      // The folded word, and for each folded character where it ends in the text.
      let folded = "";
      const ends: number[] = [];
      let at = word.index;
      for (const c of word[0]) {
        at += c.length;
        const f = foldChar(c);
        folded += f;
        for (let i = 0; i < f.length; i++) ends.push(at);
      }
      let best = 0;
      for (const token of tokens) {
        const n = commonPrefix(folded, token);
        if (n >= required(token.length) && n > best) best = n;
      }
      if (best > 0) ranges.push([word.index, ends[best - 1]!]);
    }
  }
  const out: Segment[] = [];
  let from = 0;
  for (const [start, end] of ranges) {
    if (start > from) out.push({ text: text.slice(from, start), match: false });
    out.push({ text: text.slice(start, end), match: true });
    from = end;
  }
  if (from < text.length || out.length === 0) out.push({ text: text.slice(from), match: false });
  return out;
}

/** How many characters two strings share from their start. */
export function commonPrefix(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a[i] === b[i]) i++;
  return i;
}
