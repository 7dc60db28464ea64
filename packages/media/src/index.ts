import { createReadStream, createWriteStream } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";

export interface StoredObject {
  size: number;
  modifiedAt: Date;
}

/** Where covers, avatars and uploaded audio live. Keys are flat, URL-safe names chosen by Chorus. */
export interface MediaStore {
  readonly kind: "local" | "cloudinary";
  put(key: string, data: Buffer | Readable, contentType: string): Promise<StoredObject>;
  /** Size and time, or null when there is no such object. */
  stat(key: string): Promise<StoredObject | null>;
  /** A stream of the bytes (optionally a range, inclusive), or null when missing. */
  read(key: string, range?: { start: number; end: number }): Promise<Readable | null>;
  delete(key: string): Promise<void>;
  /**
   * Where a browser fetches an image: a route of this server (local) or the CDN with a transformation
   * (Cloudinary). `cover` is the 300×300 square used in lists.
   */
  imageUrl(key: string, variant?: ImageVariant): string;
  /** A URL the browser may fetch the bytes from directly (a CDN), or null to stream through Chorus. */
  directUrl(key: string): string | null;
}

export type ImageVariant = "original" | "cover" | "thumb";

const KEY = /^[a-z0-9][a-z0-9._-]{0,199}$/i;

/** Refuses keys that could escape the store's folder or are not plain names. */
export function assertValidKey(key: string): void {
  if (!KEY.test(key) || key.includes("..")) throw new Error(`invalid media key "${key}"`);
}

/** The default store: files under one folder on this machine. */
export function createLocalMediaStore(root: string): MediaStore {
  const file = (key: string) => {
    assertValidKey(key);
    return path.join(root, key);
  };
  return {
    kind: "local",
    async put(key, data, _contentType) {
      const target = file(key);
      await fs.mkdir(root, { recursive: true });
      // Write beside, then rename: a reader never sees half a file.
      const temp = `${target}.${process.pid}.${Date.now()}.part`;
      try {
        if (Buffer.isBuffer(data)) await fs.writeFile(temp, data);
        else await pipeline(data, createWriteStream(temp));
        await fs.rename(temp, target);
      } catch (error) {
        await fs.rm(temp, { force: true });
        throw error;
      }
      const stat = await fs.stat(target);
      return { size: stat.size, modifiedAt: stat.mtime };
    },
    async stat(key) {
      try {
        // lstat, and only plain files: a link placed in the folder must not expose what it points to.
        const stat = await fs.lstat(file(key));
        return stat.isFile() ? { size: stat.size, modifiedAt: stat.mtime } : null;
      } catch {
        return null;
      }
    },
    async read(key, range) {
      const target = file(key);
      try {
        if (!(await fs.lstat(target)).isFile()) return null;
      } catch {
        return null;
      }
      return createReadStream(target, range ? { start: range.start, end: range.end } : {});
    },
    async delete(key) {
      await fs.rm(file(key), { force: true });
    },
    imageUrl(key) {
      assertValidKey(key);
      return `/media/images/${key}`;
    },
    directUrl() {
      return null;
    },
  };
}

export type ImageType = "image/jpeg" | "image/png" | "image/webp" | "image/gif";

/** The image type from the first bytes of a file (its content, not its name), or null. */
export function sniffImageType(head: Buffer): ImageType | null {
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return "image/jpeg";
  if (
    head.length >= 8 &&
    head.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
  )
    return "image/png";
  if (
    head.length >= 6 &&
    (head.toString("latin1", 0, 6) === "GIF87a" || head.toString("latin1", 0, 6) === "GIF89a")
  )
    return "image/gif";
  if (
    head.length >= 12 &&
    head.toString("latin1", 0, 4) === "RIFF" &&
    head.toString("latin1", 8, 12) === "WEBP"
  )
    return "image/webp";
  return null;
}

export const imageExtension: Record<ImageType, string> = {
  "image/jpeg": "jpg",
  "image/png": "png",
  "image/webp": "webp",
  "image/gif": "gif",
};

/** The content type of a stored key, from the extension Chorus gave it. */
export function contentTypeOfKey(key: string): string {
  const ext = path.extname(key).slice(1).toLowerCase();
  const types: Record<string, string> = {
    jpg: "image/jpeg",
    png: "image/png",
    webp: "image/webp",
    gif: "image/gif",
    mp3: "audio/mpeg",
    flac: "audio/flac",
    ogg: "audio/ogg",
    opus: "audio/ogg",
    m4a: "audio/mp4",
    wav: "audio/wav",
  };
  return types[ext] ?? "application/octet-stream";
}

export {
  type CloudinaryConfig,
  createCloudinaryMediaStore,
  parseCloudinaryUrl,
  signParams,
} from "./cloudinary.js";
