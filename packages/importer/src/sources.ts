import { createReadStream } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import path from "node:path";
import type { Readable } from "node:stream";
import { StringDecoder } from "node:string_decoder";
import { createGunzip } from "node:zlib";
import { BSON, EJSON } from "bson";

/** The old app's collections, in the order they are imported (references point backwards). */
export const COLLECTIONS = [
  "users",
  "usersettings",
  "albums",
  "songs",
  "lyrics",
  "playlists",
  "libraries",
  "sessions",
  "sessionparticipants",
  "chatmessages",
  "recentlyplayeds",
  "recentsearches",
  "recommendations",
] as const;
export type CollectionName = (typeof COLLECTIONS)[number];

/** One document as read, or the text of one that could not be read (reported, never dropped). */
export type SourceItem = { doc: Record<string, unknown> } | { unreadable: string; reason: string };

export interface CollectionReader {
  name: CollectionName;
  /** Where it comes from: a file path, or `mongodb:<db>.<collection>`. */
  origin: string | null;
  /** Size in bytes (files) or a document count estimate (MongoDB), for the progress bar. */
  total: number;
  unit: "bytes" | "docs";
  /** Bytes or documents consumed so far. */
  position(): number;
  /** Every document once, in source order; streaming, so memory stays flat whatever the size. */
  read(): AsyncIterable<SourceItem>;
}

export interface Source {
  /** What was read, for the report: a folder, or a MongoDB URI without its password. */
  description: string;
  /** Changes when the source's content may have changed: a killed run resumes only the same source. */
  fingerprint: string;
  collections: CollectionReader[];
  close(): Promise<void>;
}

// EJSON in relaxed mode hands back plain numbers for $numberInt/$numberDouble/$numberLong and Dates
// for $date, in canonical and relaxed exports alike; ObjectIds stay ObjectIds (normalized later).
const EJSON_OPTIONS = { relaxed: true } as const;
const BSON_OPTIONS = { promoteLongs: true, promoteValues: true, promoteBuffers: true } as const;

const EXTENSIONS = [".json", ".json.gz", ".bson", ".bson.gz"] as const;

/**
 * A mongoexport or mongodump folder: `<collection>.json` (one document a line, or one JSON array)
 * or `<collection>.bson`, gzipped or not, in the folder or one level below (mongodump writes
 * `dump/<db>/`). A collection with no file reads as empty and the report says so.
 */
export async function openFolder(folder: string): Promise<Source> {
  const info = await stat(folder).catch(() => null);
  if (!info?.isDirectory()) throw new Error(`--from ${folder}: not a folder`);
  const candidates = new Map<string, string>();
  const scan = async (dir: string, depth: number) => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory() && depth < 1) await scan(full, depth + 1);
      else if (entry.isFile()) {
        const ext = EXTENSIONS.find((e) => entry.name.toLowerCase().endsWith(e));
        if (!ext) continue;
        const base = entry.name.slice(0, -ext.length).toLowerCase();
        // The folder's own files win over a subfolder's.
        if (!candidates.has(base) || depth === 0) candidates.set(base, full);
      }
    }
  };
  await scan(folder, 0);
  const fingerprintParts: string[] = [path.resolve(folder)];
  const collections: CollectionReader[] = [];
  for (const name of COLLECTIONS) {
    const file = candidates.get(name) ?? null;
    if (!file) {
      collections.push(emptyReader(name));
      fingerprintParts.push(`${name}:-`);
      continue;
    }
    const s = await stat(file);
    fingerprintParts.push(`${name}:${file}:${s.size}:${s.mtimeMs}`);
    collections.push(fileReader(name, file, s.size));
  }
  return {
    description: path.resolve(folder),
    fingerprint: fingerprintParts.join("|"),
    collections,
    close: async () => {},
  };
}

function emptyReader(name: CollectionName): CollectionReader {
  return {
    name,
    origin: null,
    total: 0,
    unit: "docs",
    position: () => 0,
    async *read() {},
  };
}

function fileReader(name: CollectionName, file: string, size: number): CollectionReader {
  let consumed = 0;
  const lower = file.toLowerCase();
  const gz = lower.endsWith(".gz");
  const bson = lower.endsWith(".bson") || lower.endsWith(".bson.gz");
  const open = (): Readable => {
    const raw = createReadStream(file, { highWaterMark: 1 << 20 });
    raw.on("data", (chunk) => {
      consumed += chunk.length;
    });
    return gz ? raw.pipe(createGunzip()) : raw;
  };
  return {
    name,
    origin: file,
    total: size,
    unit: "bytes",
    position: () => consumed,
    read: () => (bson ? readBson(open()) : readJson(open())),
  };
}

/** The documents of a mongodump `.bson` file: each starts with its length (int32, little-endian). */
export async function* readBson(
  stream: AsyncIterable<Buffer> | Iterable<Buffer>,
): AsyncGenerator<SourceItem> {
  let buffer: Buffer = Buffer.alloc(0);
  for await (const chunk of stream) {
    buffer = buffer.length ? Buffer.concat([buffer, chunk]) : chunk;
    let offset = 0;
    while (buffer.length - offset >= 4) {
      const length = buffer.readInt32LE(offset);
      if (length < 5) {
        yield {
          unreadable: buffer.subarray(offset, offset + 64).toString("hex"),
          reason: "corrupt BSON length",
        };
        return;
      }
      if (buffer.length - offset < length) break;
      const bytes = buffer.subarray(offset, offset + length);
      offset += length;
      try {
        yield { doc: BSON.deserialize(bytes, BSON_OPTIONS) };
      } catch (error) {
        yield {
          unreadable: bytes.subarray(0, 256).toString("hex"),
          reason: `unreadable BSON: ${message(error)}`,
        };
      }
    }
    buffer = buffer.subarray(offset);
  }
  if (buffer.length > 0) {
    yield {
      unreadable: buffer.subarray(0, 256).toString("hex"),
      reason: "truncated BSON at the end of the file",
    };
  }
}

/**
 * The documents of a mongoexport file, either shape: one document a line (a bad line is reported on
 * its own), or one `--jsonArray` array, split into its top-level objects without reading it whole.
 */
export async function* readJson(
  stream: AsyncIterable<Buffer | string> | Iterable<Buffer | string>,
): AsyncGenerator<SourceItem> {
  let mode: "lines" | "array" | null = null;
  let pending = "";
  // Array mode: the object being collected, and where the scan is within it.
  let depth = 0;
  let inString = false;
  let escaped = false;
  let objectText = "";
  const parse = (text: string): SourceItem => {
    try {
      const value = JSON.parse(text, revive) as unknown;
      if (value === null || typeof value !== "object" || Array.isArray(value)) {
        return { unreadable: clip(text), reason: "not a JSON object" };
      }
      return { doc: value as Record<string, unknown> };
    } catch (error) {
      return { unreadable: clip(text), reason: `unparseable JSON: ${message(error)}` };
    }
  };
  // A chunk may end inside a character of several bytes: the decoder holds it for the next chunk.
  const decoder = new StringDecoder("utf8");
  for await (const chunk of stream) {
    let text = typeof chunk === "string" ? chunk : decoder.write(chunk);
    if (mode === null) {
      pending += text;
      const first = pending.replace(/^\uFEFF/, "").trimStart();
      if (!first) continue;
      mode = first.startsWith("[") ? "array" : "lines";
      text = mode === "array" ? first.slice(1) : pending;
      pending = "";
    }
    if (mode === "lines") {
      pending += text;
      let start = 0;
      for (let nl = pending.indexOf("\n", start); nl !== -1; nl = pending.indexOf("\n", start)) {
        const line = pending.slice(start, nl).trim();
        start = nl + 1;
        if (line) yield parse(line);
      }
      pending = pending.slice(start);
      continue;
    }
    // Array mode: a character scan that knows strings, so braces inside text do not count.
    let from = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (inString) {
        if (escaped) escaped = false;
        else if (c === 92 /* \ */) escaped = true;
        else if (c === 34 /* " */) inString = false;
        continue;
      }
      if (c === 34) inString = true;
      else if (c === 123 /* { */) {
        if (depth === 0) from = i;
        depth++;
      } else if (c === 125 /* } */) {
        depth--;
        if (depth === 0) {
          yield parse(objectText + text.slice(from, i + 1));
          objectText = "";
        }
      }
    }
    if (depth > 0) objectText += text.slice(from);
  }
  if (mode === "lines" && pending.trim()) yield parse(pending.trim());
  if (mode === "array" && depth > 0) yield { unreadable: clip(objectText), reason: "truncated JSON array" };
}

/**
 * Extended JSON, relaxed or canonical, read by JSON.parse itself: numbers in wrappers become numbers,
 * `$date` a Date, `{ $oid }` stays as it is (ids are read as text later). Five times faster than
 * EJSON.parse on history lines; any other wrapper ($binary, $timestamp...) goes to EJSON.
 */
function revive(_key: string, value: unknown): unknown {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return value;
  const o = value as Record<string, unknown>;
  let first: string | undefined;
  for (const k in o) {
    first = k;
    break;
  }
  if (first === undefined || first.charCodeAt(0) !== 36 /* $ */) return value;
  switch (first) {
    case "$oid":
      return value;
    case "$date": {
      const d = o.$date;
      if (typeof d === "string" || typeof d === "number") return new Date(d);
      return value;
    }
    case "$numberInt":
    case "$numberDouble":
    case "$numberLong":
    case "$numberDecimal":
      return Number(o[first]);
    default:
      return EJSON.deserialize(o, EJSON_OPTIONS);
  }
}

export interface MongoOptions {
  uri: string;
  /** The database; by default the one named in the URI, else `music` (the old app's). */
  database?: string;
  /** How long to look for a server before giving up (default 10 s). */
  timeoutMs?: number;
}

/** A live MongoDB through the official driver: the same documents as a dump of it would give. */
export async function openMongo(options: MongoOptions): Promise<Source> {
  const { MongoClient } = await import("mongodb");
  const client = new MongoClient(options.uri, { serverSelectionTimeoutMS: options.timeoutMs ?? 10_000 });
  try {
    await client.connect();
  } catch (error) {
    await client.close().catch(() => {});
    throw new Error(`MongoDB is not reachable at ${redact(options.uri)}: ${message(error)}`);
  }
  // The database named in the URI (mongodb://host/music), else the old app's.
  const named = /^mongodb(?:\+srv)?:\/\/[^/]+\/([^/?]+)/.exec(options.uri)?.[1];
  const db = client.db(options.database ?? (named ? decodeURIComponent(named) : "music"));
  const existing = new Set((await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name));
  const collections: CollectionReader[] = [];
  const parts: string[] = [redact(options.uri), db.databaseName];
  for (const name of COLLECTIONS) {
    if (!existing.has(name)) {
      collections.push(emptyReader(name));
      parts.push(`${name}:-`);
      continue;
    }
    const collection = db.collection(name);
    const total = await collection.estimatedDocumentCount();
    parts.push(`${name}:${total}`);
    let done = 0;
    collections.push({
      name,
      origin: `mongodb:${db.databaseName}.${name}`,
      total,
      unit: "docs",
      position: () => done,
      async *read() {
        // Natural order, no sort: a sort on _id would need the server to hold the collection.
        const cursor = collection.find({}, { batchSize: 2_000, ...BSON_OPTIONS });
        try {
          for await (const doc of cursor) {
            done++;
            yield { doc: doc as Record<string, unknown> };
          }
        } finally {
          await cursor.close();
        }
      },
    });
  }
  return {
    description: redact(options.uri),
    fingerprint: parts.join("|"),
    collections,
    close: () => client.close(),
  };
}

/** A URI fit to print: the password replaced. */
export function redact(uri: string): string {
  return uri.replace(/\/\/([^:@/]+):([^@/]+)@/, "//$1:***@");
}

function clip(text: string): string {
  return text.length > 2_000 ? `${text.slice(0, 2_000)}…` : text;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
