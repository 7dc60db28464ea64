import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { text } from "node:stream/consumers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLocalMediaStore, type MediaStore, sniffImageType } from "./index.js";

let dir: string;
let store: MediaStore;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "chorus-media-"));
  store = createLocalMediaStore(path.join(dir, "media"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("local media store", () => {
  it("stores, reads (whole and a range), stats and deletes", async () => {
    expect(await store.stat("a.txt")).toBeNull();
    expect(await store.read("a.txt")).toBeNull();
    const stored = await store.put("a.txt", Buffer.from("hello world"), "text/plain");
    expect(stored.size).toBe(11);
    expect(await text((await store.read("a.txt"))!)).toBe("hello world");
    expect(await text((await store.read("a.txt", { start: 6, end: 10 }))!)).toBe("world");
    await store.put("b.txt", Readable.from([Buffer.from("streamed")]), "text/plain");
    expect((await store.stat("b.txt"))?.size).toBe(8);
    await store.delete("a.txt");
    expect(await store.stat("a.txt")).toBeNull();
  });

  it("does not follow a link placed in its folder", async () => {
    const { symlink, writeFile } = await import("node:fs/promises");
    const outside = path.join(dir, "secret.txt");
    await writeFile(outside, "secret");
    await symlink(outside, path.join(dir, "media", "link.txt"));
    expect(await store.stat("link.txt")).toBeNull();
    expect(await store.read("link.txt")).toBeNull();
  });

  it("refuses keys that could leave its folder", async () => {
    for (const key of ["../x", "a/b", "", ".hidden", "a..b"]) {
      await expect(store.put(key, Buffer.from("x"), "text/plain")).rejects.toThrow(/invalid media key/);
    }
  });
});

describe("sniffImageType", () => {
  it("knows images by their bytes, not their names", () => {
    expect(sniffImageType(Buffer.from([0xff, 0xd8, 0xff, 0xe0]))).toBe("image/jpeg");
    expect(sniffImageType(Buffer.from("89504e470d0a1a0a0000", "hex"))).toBe("image/png");
    expect(sniffImageType(Buffer.from("GIF89a...."))).toBe("image/gif");
    expect(sniffImageType(Buffer.from("RIFF\0\0\0\0WEBPVP8 "))).toBe("image/webp");
    expect(sniffImageType(Buffer.from("<svg xmlns="))).toBeNull();
    expect(sniffImageType(Buffer.from("%PDF-1.7"))).toBeNull();
  });
});
