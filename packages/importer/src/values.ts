// Reading the old app's values, whatever shape messy data gave them. Each reader takes the list of
// warnings of the record being mapped: a value it cannot use is reported there, never dropped silently.

import { hash } from "node:crypto";

export type Doc = Record<string, unknown>;

/** Thrown while mapping a record that cannot land at all; the reason goes in the report. */
export class Reject extends Error {}

const isObjectId = (v: unknown): v is { toHexString(): string } =>
  typeof v === "object" && v !== null && typeof (v as { toHexString?: unknown }).toHexString === "function";

/** An id or a reference: an ObjectId, `{ $oid }`, a string or a number, as its text (hex for ObjectIds). */
export function idOf(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (isObjectId(value)) return value.toHexString();
  if (typeof value === "string") return value.trim() || null;
  if (typeof value === "number" || typeof value === "bigint") return String(value);
  if (typeof value === "object" && "$oid" in (value as object))
    return idOf((value as { $oid: unknown }).$oid);
  return null;
}

/** The record's own id: without one, nothing could make a second run skip it. */
export function legacyIdOf(doc: Doc): string {
  const id = idOf(doc._id);
  if (!id) throw new Reject("no _id");
  return id;
}

/** An ObjectId's creation time: the fallback when createdAt is missing, so reruns agree. */
export function objectIdTime(id: string): Date | null {
  if (!/^[0-9a-f]{24}$/i.test(id)) return null;
  const seconds = Number.parseInt(id.slice(0, 8), 16);
  return seconds > 0 ? new Date(seconds * 1000) : null;
}

export function text(doc: Doc, field: string, warnings: string[]): string | null {
  const v = doc[field];
  if (v === null || v === undefined) return null;
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  if (isObjectId(v)) return v.toHexString();
  warnings.push(`${field}: not text (${preview(v)}), left empty`);
  return null;
}

export function bool(doc: Doc, field: string, warnings: string[]): boolean | null {
  const v = doc[field];
  if (v === null || v === undefined) return null;
  if (typeof v === "boolean") return v;
  if (v === "true" || v === 1 || v === "1") return true;
  if (v === "false" || v === 0 || v === "0") return false;
  warnings.push(`${field}: not a boolean (${preview(v)}), left out`);
  return null;
}

export function num(doc: Doc, field: string, warnings: string[]): number | null {
  const v = doc[field];
  if (v === null || v === undefined || v === "") return null;
  const n = typeof v === "number" ? v : typeof v === "string" ? Number(v.trim()) : Number.NaN;
  if (typeof v === "bigint") return Number(v);
  if (!Number.isFinite(n)) {
    warnings.push(`${field}: not a number (${preview(v)}), left out`);
    return null;
  }
  return n;
}

export function date(doc: Doc, field: string, warnings: string[]): Date | null {
  const v = doc[field];
  if (v === null || v === undefined || v === "") return null;
  let d: Date | null = null;
  if (v instanceof Date) d = v;
  else if (typeof v === "string") d = new Date(v.trim());
  else if (typeof v === "number") d = new Date(v);
  else if (typeof v === "object" && "$date" in (v as object))
    d = new Date(String((v as { $date: unknown }).$date));
  if (!d || Number.isNaN(d.getTime()) || d.getUTCFullYear() < 1970 || d.getUTCFullYear() > 9999) {
    warnings.push(`${field}: not a date (${preview(v)}), left out`);
    return null;
  }
  return d;
}

export function refs(doc: Doc, field: string, warnings: string[]): string[] {
  const v = doc[field];
  if (v === null || v === undefined) return [];
  if (!Array.isArray(v)) {
    const one = idOf(v);
    if (one) return [one];
    warnings.push(`${field}: not a list of ids (${preview(v)}), left empty`);
    return [];
  }
  const out: string[] = [];
  v.forEach((item, i) => {
    const id = idOf(item);
    if (id) out.push(id);
    else warnings.push(`${field}[${i}]: not an id (${preview(item)}), left out`);
  });
  return out;
}

/** `m:ss`, `h:mm:ss` (or plain seconds) as milliseconds; null when it is none of these. */
export function parseDuration(value: unknown): number | null {
  if (typeof value === "number")
    return Number.isFinite(value) && value >= 0 ? Math.round(value * 1000) : null;
  if (typeof value !== "string") return null;
  const s = value.trim();
  if (/^\d+(\.\d+)?$/.test(s)) return Math.round(Number(s) * 1000);
  const m = /^(?:(\d+):)?(\d{1,3}):(\d{1,2})(?:\.(\d{1,3}))?$/.exec(s);
  if (!m) return null;
  const [, h, mm, ss, frac] = m;
  if (Number(ss) >= 60 || (h !== undefined && Number(mm) >= 60)) return null;
  const ms = frac ? Number(frac.padEnd(3, "0")) : 0;
  return ((Number(h ?? 0) * 60 + Number(mm)) * 60 + Number(ss)) * 1000 + ms;
}

export function preview(v: unknown): string {
  let s: string;
  try {
    s = typeof v === "string" ? JSON.stringify(v) : (JSON.stringify(v) ?? String(v));
  } catch {
    s = String(v);
  }
  return s.length > 80 ? `${s.slice(0, 79)}…` : s;
}

/** Milliseconds since the epoch, or null: how times enter a canonical record. */
export const ms = (d: Date | null | undefined): number | null => (d ? d.getTime() : null);

const MASK = (1n << 64n) - 1n;
const TWO64 = 1n << 64n;

/**
 * An order-free checksum of records: the sum, mod 2^64, of the first 64 bits of each record's MD5
 * (of its canonical text). Summed as two 32-bit halves in plain numbers, which is several times
 * faster than a BigInt per record; the halves are folded into one BigInt now and then.
 */
export class Checksum {
  private hi = 0;
  private lo = 0;
  private pending = 0;
  private total = 0n;

  add(canonical: string, sign: 1 | -1 = 1): void {
    const digest = hash("md5", canonical, "buffer");
    this.hi += sign * digest.readUInt32BE(0);
    this.lo += sign * digest.readUInt32BE(4);
    // 2^21 halves of at most 2^32 stay well within a double's 2^53.
    if (++this.pending >= 1 << 20) this.fold();
  }

  private fold(): void {
    this.total = (this.total + (BigInt(this.hi) << 32n) + BigInt(this.lo)) % TWO64;
    this.hi = 0;
    this.lo = 0;
    this.pending = 0;
  }

  value(): bigint {
    this.fold();
    return ((this.total % TWO64) + TWO64) & MASK;
  }
}

export const addHash = (sum: bigint, h: bigint): bigint => (sum + h) & MASK;
/** The record as it came, fit for the report (ObjectIds and dates as EJSON would show them). */
export function asRecord(doc: Doc): unknown {
  return JSON.parse(
    JSON.stringify(doc, (_key, value: unknown) => {
      if (isObjectId(value)) return { $oid: value.toHexString() };
      if (typeof value === "bigint") return value.toString();
      return value;
    }),
  );
}
