import { randomBytes } from "node:crypto";
import { mkdir, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { streamUrl } from "@chorus/api";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Services } from "./backends.js";
import { parseRange } from "./plugins/stream.js";
import { startTestServer, type TestServer } from "./test-server.js";

let server: TestServer;
let services: Services;
let app: FastifyInstance;
let dataDir: string;
const audio = randomBytes(10_000);
const songs: Record<string, string> = {};

beforeAll(async () => {
  server = await startTestServer("stream", { listen: false });
  ({ services, app, dataDir } = server);

  const library = path.join(dataDir, "library");
  await mkdir(library, { recursive: true });
  await writeFile(path.join(library, "song.mp3"), audio);
  await writeFile(path.join(dataDir, "outside.txt"), "secret");
  await symlink(path.join(dataDir, "outside.txt"), path.join(library, "link.mp3"));
  await services.media.put("song-stored.flac", audio, "audio/flac");

  const insert = async (name: string, values: Record<string, string>) => {
    songs[name] = (
      await services.db
        .insertInto("songs")
        .values({ title: name, duration_ms: 1000, ...values })
        .returning("id")
        .executeTakeFirstOrThrow()
    ).id;
  };
  await insert("file", { file_path: path.join(library, "song.mp3"), mime_type: "audio/mpeg" });
  await insert("stored", { audio_key: "song-stored.flac" });
  await insert("link", { file_path: path.join(library, "link.mp3") });
  await insert("gone", { file_path: path.join(library, "deleted.mp3") });
});

afterAll(async () => {
  await server?.close();
});

const url = (name: string) => streamUrl(services.secrets, songs[name]!);
const get = (name: string, headers: Record<string, string> = {}) => app.inject({ url: url(name), headers });

describe("parseRange", () => {
  it("reads every form of a single byte range", () => {
    expect(parseRange(undefined, 100)).toBeNull();
    expect(parseRange("bytes=0-9", 100)).toEqual({ start: 0, end: 9 });
    expect(parseRange("bytes=90-", 100)).toEqual({ start: 90, end: 99 });
    expect(parseRange("bytes=-10", 100)).toEqual({ start: 90, end: 99 });
    expect(parseRange("bytes=-500", 100)).toEqual({ start: 0, end: 99 });
    expect(parseRange("bytes=50-5000", 100)).toEqual({ start: 50, end: 99 });
    expect(parseRange("bytes=0-1, 5-6", 100)).toEqual({ start: 0, end: 1 });
    expect(parseRange("items=0-1", 100)).toBeNull();
    for (const bad of ["bytes=100-", "bytes=9-1", "bytes=x-y", "bytes=-", "bytes=-0"]) {
      expect(parseRange(bad, 100)).toBe("unsatisfiable");
    }
  });
});

describe("GET /media/songs/:id/stream", () => {
  it("serves the whole file with validators and cache headers", async () => {
    const res = await get("file");
    expect(res.statusCode).toBe(200);
    expect(res.rawPayload.equals(audio)).toBe(true);
    expect(res.headers).toMatchObject({
      "accept-ranges": "bytes",
      "content-type": "audio/mpeg",
      "content-length": "10000",
      "cache-control": "public, max-age=3600",
    });
    expect(res.headers.etag).toMatch(/^"[0-9a-f]+-[0-9a-f]+"$/);
    expect(new Date(String(res.headers["last-modified"])).getTime()).toBeGreaterThan(0);
    expect((await get("file", { "if-none-match": String(res.headers.etag) })).statusCode).toBe(304);
  });

  it("answers ranges (first bytes, middle, suffix, open-ended) with exactly those bytes", async () => {
    const cases: [string, number, number][] = [
      ["bytes=0-99", 0, 99],
      ["bytes=4000-4999", 4000, 4999],
      ["bytes=-500", 9500, 9999],
      ["bytes=9000-", 9000, 9999],
    ];
    for (const name of ["file", "stored"]) {
      for (const [range, start, end] of cases) {
        const res = await get(name, { range });
        expect(res.statusCode).toBe(206);
        expect(res.headers["content-range"]).toBe(`bytes ${start}-${end}/10000`);
        expect(res.headers["content-length"]).toBe(String(end - start + 1));
        expect(res.rawPayload.equals(audio.subarray(start, end + 1))).toBe(true);
      }
    }
    expect((await get("stored")).headers["content-type"]).toBe("audio/flac");
  });

  it("answers 416 with the size for an invalid range, and ignores a stale If-Range", async () => {
    for (const range of ["bytes=10000-", "bytes=500-100", "bytes=abc"]) {
      const res = await get("file", { range });
      expect(res.statusCode).toBe(416);
      expect(res.headers["content-range"]).toBe("bytes */10000");
    }
    const stale = await get("file", { range: "bytes=0-9", "if-range": '"old-etag"' });
    expect(stale.statusCode).toBe(200);
    expect(stale.rawPayload.length).toBe(10_000);
  });

  it("needs a valid, unexpired signature", async () => {
    const id = songs.file!;
    const good = new URL(url("file"), "http://x");
    const sig = good.searchParams.get("sig")!;
    const exp = good.searchParams.get("exp")!;
    expect((await app.inject(`/media/songs/${id}/stream`)).statusCode).toBe(403);
    expect((await app.inject(`/media/songs/${id}/stream?exp=${exp}&sig=${sig.slice(1)}x`)).statusCode).toBe(
      403,
    );
    expect((await app.inject(`/media/songs/${songs.stored}/stream?exp=${exp}&sig=${sig}`)).statusCode).toBe(
      403,
    );
    const old = streamUrl(services.secrets, id, Date.now() - 30 * 3600 * 1000);
    const expired = await app.inject(old);
    expect(expired.statusCode).toBe(403);
    expect(expired.json().message).toMatch(/expired/);
  });

  it("reads nothing outside the library or the media store: traversal, links, encoded dots", async () => {
    const attempts = [
      "/media/songs/..%2F..%2F..%2Fetc%2Fpasswd/stream",
      "/media/songs/%2e%2e%2f%2e%2e%2fetc%2fpasswd/stream",
      "/media/songs/../../etc/passwd/stream",
      "/media/images/..%2Foutside.txt",
      "/media/images/%2e%2e%2foutside.txt",
      "/media/images/....%2F%2Foutside.txt",
    ];
    for (const attempt of attempts) {
      const res = await app.inject(attempt);
      expect([400, 403, 404]).toContain(res.statusCode);
      expect(res.body).not.toContain("secret");
    }
    // A song whose recorded file is now a link pointing elsewhere is not served.
    const link = await get("link");
    expect(link.statusCode).toBe(410);
    expect(link.body).not.toContain("secret");
    expect((await get("gone")).statusCode).toBe(410);
  });
});
