import { BSON, EJSON, ObjectId } from "bson";
import { describe, expect, it } from "vitest";
import { renderProgress } from "./format.js";
import { openMongo, readBson, readJson, redact, type SourceItem } from "./sources.js";
import { idOf, parseDuration } from "./values.js";

async function all(items: AsyncIterable<SourceItem>): Promise<SourceItem[]> {
  const out: SourceItem[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** The text cut into chunks of `size` bytes, as a file stream would hand it over. */
function chunks(text: string, size: number): Buffer[] {
  const bytes = Buffer.from(text, "utf8");
  const out: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size));
  return out;
}

describe("reading mongoexport files", () => {
  const id = "65f000000000000000001eef";
  const relaxed = `{"_id":{"$oid":"${id}"},"name":"Ana María 🎧","n":5,"at":{"$date":"2024-03-01T10:00:00Z"}}`;
  const canonical = `{"_id":{"$oid":"${id}"},"name":"Ana María 🎧","n":{"$numberInt":"5"},"big":{"$numberLong":"9007199254740"},"x":{"$numberDouble":"1.5"},"at":{"$date":{"$numberLong":"1709287200000"}}}`;

  it("reads relaxed and canonical Extended JSON alike, one document a line, whatever the chunking", async () => {
    for (const size of [1, 7, 64, 1 << 20]) {
      const items = await all(readJson(chunks(`${relaxed}\n\n${canonical}\r\n`, size)));
      expect(items).toHaveLength(2);
      const [a, b] = items.map((i) => ("doc" in i ? i.doc : null));
      expect(idOf(a!._id)).toBe(id);
      expect(a!.name).toBe("Ana María 🎧");
      expect(a!.at).toEqual(new Date("2024-03-01T10:00:00Z"));
      expect(b).toMatchObject({ n: 5, big: 9007199254740, x: 1.5, name: "Ana María 🎧" });
      expect(b!.at).toEqual(new Date(1709287200000));
    }
  });

  it("reports a line that is not JSON, and reads the next ones", async () => {
    const items = await all(readJson([`${relaxed}\n{"_id": oops\n${relaxed}\n`]));
    expect(items.map((i) => ("doc" in i ? "doc" : i.reason.split(":")[0]))).toEqual([
      "doc",
      "unparseable JSON",
      "doc",
    ]);
    expect(items[1]).toMatchObject({ unreadable: '{"_id": oops' });
  });

  it("splits a --jsonArray export into its documents without reading it whole (braces in text too)", async () => {
    const tricky = `{"_id":{"$oid":"${id}"},"message":"a } and a { and a \\" quote","list":[{"a":1},{"b":[2]}]}`;
    const text = `[\n${relaxed},\n${tricky} ,${canonical}\n]\n`;
    for (const size of [1, 5, 4096]) {
      const items = await all(readJson(chunks(text, size)));
      expect(items.map((i) => ("doc" in i ? Object.keys(i.doc).length : i.reason))).toEqual([4, 3, 6]);
      expect("doc" in items[1]! && items[1].doc.message).toBe('a } and a { and a " quote');
    }
    const cut = await all(readJson([`[${relaxed},{"_id":{"$oid":"${id}"},"name":"half`]));
    expect(cut.map((i) => ("doc" in i ? "doc" : i.reason))).toEqual(["doc", "truncated JSON array"]);
  });

  it("leaves unknown wrappers to EJSON (binary data, timestamps)", async () => {
    const text = EJSON.stringify({ _id: new ObjectId(id), data: new BSON.Binary(Buffer.from([1, 2, 3])) });
    const [item] = await all(readJson([text]));
    expect("doc" in item! && item.doc.data).toBeInstanceOf(BSON.Binary);
  });
});

describe("reading mongodump files", () => {
  it("reads BSON documents one after another, across any chunking, and reports a truncated end", async () => {
    const docs = Array.from({ length: 5 }, (_, i) => ({
      _id: new ObjectId(),
      name: `Song ${i} — ✓`,
      duration: "3:01",
      at: new Date(Date.UTC(2024, 0, i + 1)),
    }));
    const bytes = Buffer.concat(docs.map((d) => BSON.serialize(d)));
    for (const size of [3, 50, 1 << 20]) {
      const pieces: Buffer[] = [];
      for (let i = 0; i < bytes.length; i += size) pieces.push(bytes.subarray(i, i + size));
      const items = await all(readBson(pieces));
      expect(items).toHaveLength(5);
    }
    const whole = await all(readBson([bytes]));
    expect(whole.map((i) => ("doc" in i ? idOf(i.doc._id) : null))).toEqual(
      docs.map((d) => d._id.toHexString()),
    );
    expect("doc" in whole[2]! && whole[2].doc.at).toEqual(docs[2]!.at);
    const cut = await all(readBson([bytes.subarray(0, bytes.length - 10)]));
    expect(cut.map((i) => ("doc" in i ? "doc" : i.reason))).toEqual([
      "doc",
      "doc",
      "doc",
      "doc",
      "truncated BSON at the end of the file",
    ]);
  });
});

describe("values of the old app", () => {
  it("reads durations m:ss, h:mm:ss and plain seconds as milliseconds", () => {
    expect(parseDuration("5:15")).toBe(315_000);
    expect(parseDuration("0:07")).toBe(7_000);
    expect(parseDuration("1:02:03")).toBe(3_723_000);
    expect(parseDuration(" 12:00 ")).toBe(720_000);
    expect(parseDuration("3:05.5")).toBe(185_500);
    expect(parseDuration("215")).toBe(215_000);
    expect(parseDuration(61.3)).toBe(61_300);
    for (const bad of ["4:60", "1:61:00", "four minutes", "", null, undefined, -3, "3:5:5:5"]) {
      expect(parseDuration(bad), String(bad)).toBeNull();
    }
  });
});

describe("import progress", () => {
  const progress = {
    collection: "recentlyplayeds" as const,
    read: 12_000,
    written: 11_990,
    rejected: 10,
    position: 500,
    total: 1_000,
    unit: "bytes" as const,
    docsPerSecond: 8_123.4,
    done: false,
  };

  it("redraws a bar in place on a terminal", () => {
    let out = "";
    const render = renderProgress({ isTTY: true, columns: 120, write: (t: string) => (out += t) });
    render(progress);
    render({ ...progress, done: true, position: 1_000 });
    expect(out).toContain(
      "\rrecentlyplayeds     [############------------] 12,000 docs (11,990 written, 10 rejected)  8,123 docs/s",
    );
    expect(out.endsWith("8,123 docs/s\x1b[K\n")).toBe(true);
  });

  it("writes plain lines elsewhere (a log, CI)", () => {
    const lines: string[] = [];
    let now = 0;
    const render = renderProgress({ write: (t: string) => lines.push(t) }, { now: () => now });
    render({ ...progress, read: 2_000 }); // the first batch: no line yet
    now = 2_500;
    render(progress);
    now = 3_000;
    render({ ...progress, read: 12_001 }); // within 2 s of the last line: not printed
    render({ ...progress, done: true });
    expect(lines).toEqual([
      "recentlyplayeds     50% 12,000 docs (11,990 written, 10 rejected)  8,123 docs/s\n",
      "recentlyplayeds     done 12,000 docs (11,990 written, 10 rejected)  8,123 docs/s\n",
    ]);
  });
});

describe("reading a live MongoDB", () => {
  // No MongoDB server exists on this machine: only the driver's way in and its error are checked here.
  it("says which server it could not reach, without the password", async () => {
    await expect(
      openMongo({ uri: "mongodb://importer:s3cret@127.0.0.1:1/music", timeoutMs: 300 }),
    ).rejects.toThrow(/^MongoDB is not reachable at mongodb:\/\/importer:\*\*\*@127\.0\.0\.1:1\/music: /);
    expect(redact("mongodb+srv://a:b@cluster0.example.net/music")).toBe(
      "mongodb+srv://a:***@cluster0.example.net/music",
    );
  });
});
