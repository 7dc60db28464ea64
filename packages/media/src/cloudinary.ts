import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { v2 as cloudinary, type UploadApiResponse } from "cloudinary";
import { assertValidKey, type ImageVariant, type MediaStore, type StoredObject } from "./index.js";

export interface CloudinaryConfig {
  cloudName: string;
  apiKey: string;
  apiSecret: string;
  /** Folder every public id goes under. */
  folder: string;
}

/** Reads `cloudinary://<api_key>:<api_secret>@<cloud_name>` (the format Cloudinary's console shows). */
export function parseCloudinaryUrl(url: string, folder = "chorus"): CloudinaryConfig {
  const u = new URL(url);
  if (u.protocol !== "cloudinary:" || !u.username || !u.password || !u.hostname) {
    throw new Error("CLOUDINARY_URL must look like cloudinary://<api_key>:<api_secret>@<cloud_name>");
  }
  return {
    cloudName: u.hostname,
    apiKey: decodeURIComponent(u.username),
    apiSecret: decodeURIComponent(u.password),
    folder: u.searchParams.get("folder") ?? folder,
  };
}

/**
 * Cloudinary's request signature: the parameters sorted by name, joined as a query string (without
 * encoding), the API secret appended, SHA-1 in hex. Matches `cloudinary.utils.api_sign_request`.
 */
export function signParams(params: Record<string, string | number>, apiSecret: string): string {
  const text = Object.keys(params)
    .filter((k) => params[k] !== undefined && params[k] !== "")
    .sort()
    .map((k) => `${k}=${params[k]}`)
    .join("&");
  return createHash("sha1")
    .update(text + apiSecret)
    .digest("hex");
}

const VARIANTS: Record<ImageVariant, object[]> = {
  original: [{ quality: "auto", fetch_format: "auto" }],
  cover: [{ width: 300, height: 300, crop: "fill", quality: "auto", fetch_format: "auto" }],
  thumb: [{ width: 64, height: 64, crop: "fill", quality: "auto", fetch_format: "auto" }],
};

// Cloudinary files audio under the "video" resource type.
const resourceType = (key: string) => (/\.(jpe?g|png|webp|gif)$/i.test(key) ? "image" : "video");

/** Media in Cloudinary: uploads through its API, delivery (with transformations) from its CDN. */
export function createCloudinaryMediaStore(config: CloudinaryConfig): MediaStore {
  const auth = {
    cloud_name: config.cloudName,
    api_key: config.apiKey,
    api_secret: config.apiSecret,
    secure: true,
  };
  // Stable URLs: no SDK analytics parameter, no "v1/" version segment.
  const urlOptions = { analytics: false, force_version: false };
  const publicId = (key: string) => {
    assertValidKey(key);
    return `${config.folder}/${key.replace(/\.[^.]+$/, "")}`;
  };
  const deliveryUrl = (key: string, transformation?: object[]) =>
    cloudinary.url(publicId(key), {
      ...auth,
      ...urlOptions,
      resource_type: resourceType(key),
      ...(transformation ? { transformation } : {}),
      ...(resourceType(key) === "video" ? { format: key.split(".").pop() } : {}),
    });

  return {
    kind: "cloudinary",
    async put(key, data, _contentType) {
      const result = await new Promise<UploadApiResponse>((resolve, reject) => {
        const upload = cloudinary.uploader.upload_stream(
          {
            ...auth,
            public_id: publicId(key),
            resource_type: resourceType(key),
            overwrite: true,
            invalidate: true,
          },
          (error, response) =>
            error || !response ? reject(error ?? new Error("no answer")) : resolve(response),
        );
        (Buffer.isBuffer(data) ? Readable.from([data]) : data).pipe(upload);
      });
      return { size: result.bytes, modifiedAt: new Date(result.created_at) };
    },
    async stat(key): Promise<StoredObject | null> {
      try {
        const r = (await cloudinary.api.resource(publicId(key), {
          ...auth,
          resource_type: resourceType(key),
        })) as {
          bytes: number;
          created_at: string;
        };
        return { size: r.bytes, modifiedAt: new Date(r.created_at) };
      } catch (error) {
        if ((error as { error?: { http_code?: number } }).error?.http_code === 404) return null;
        throw error;
      }
    },
    async read(key, range) {
      const response = await fetch(deliveryUrl(key), {
        headers: range ? { range: `bytes=${range.start}-${range.end}` } : {},
      });
      if (response.status === 404) return null;
      if (!response.ok || !response.body)
        throw new Error(`Cloudinary answered ${response.status} for ${key}`);
      return Readable.fromWeb(response.body as WebReadableStream<Uint8Array>);
    },
    async delete(key) {
      await cloudinary.uploader.destroy(publicId(key), {
        ...auth,
        resource_type: resourceType(key),
        invalidate: true,
      });
    },
    imageUrl(key, variant = "original") {
      return deliveryUrl(key, VARIANTS[variant]);
    },
    directUrl(key) {
      return deliveryUrl(key);
    },
  };
}
