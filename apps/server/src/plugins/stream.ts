import { createReadStream } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import type { Readable } from "node:stream";
import { type ApiDeps, checkStreamSignature, findSongMedia } from "@chorus/api";
import { contentTypeOfKey } from "@chorus/media";
import type { FastifyInstance, FastifyReply } from "fastify";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type ByteRange = { start: number; end: number };

/**
 * Reads a Range header against a size: null for none (or another unit: serve the whole file),
 * "unsatisfiable" for a malformed or out-of-bounds byte range (416). One range only: a request for
 * several gets the first, which every audio element is happy with.
 */
export function parseRange(header: string | undefined, size: number): ByteRange | null | "unsatisfiable" {
  if (!header) return null;
  const match = /^\s*bytes\s*=\s*(.*)$/i.exec(header);
  if (!match) return null;
  const first = match[1]!.split(",")[0]!.trim();
  const parts = /^(\d*)\s*-\s*(\d*)$/.exec(first);
  if (!parts || (parts[1] === "" && parts[2] === "")) return "unsatisfiable";
  if (parts[1] === "") {
    const suffix = Number(parts[2]);
    if (suffix === 0 || size === 0) return "unsatisfiable";
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(parts[1]);
  const end = parts[2] === "" ? size - 1 : Math.min(Number(parts[2]), size - 1);
  if (start >= size || start > end) return "unsatisfiable";
  return { start, end };
}

const AUDIO_TYPES: Record<string, string> = {
  ".mp3": "audio/mpeg",
  ".flac": "audio/flac",
  ".ogg": "audio/ogg",
  ".opus": "audio/ogg",
  ".oga": "audio/ogg",
  ".m4a": "audio/mp4",
  ".mp4": "audio/mp4",
  ".aac": "audio/aac",
  ".wav": "audio/wav",
};

/** GET /media/songs/:id/stream: signed URLs, HTTP Range, validators and caching for `<audio src>`. */
export async function streamRoutes(app: FastifyInstance, opts: { deps: ApiDeps }) {
  const { deps } = opts;

  app.get<{ Params: { id: string }; Querystring: { exp?: string; sig?: string } }>(
    "/media/songs/:id/stream",
    async (req, reply) => {
      const { id } = req.params;
      if (!UUID.test(id)) return reply.code(404).send({ error: "Not Found", message: "No such song" });
      const check = checkStreamSignature(deps.secrets, id, req.query.exp, req.query.sig);
      if (check !== "ok") {
        return reply.code(403).send({
          error: "Forbidden",
          message:
            check === "expired"
              ? "This stream link has expired: load the song again for a fresh one."
              : "This stream link is not valid: load the song again for a fresh one.",
        });
      }
      const media = await findSongMedia(deps, id);
      if (!media) return reply.code(404).send({ error: "Not Found", message: "No such song" });

      if (media.kind === "url") return reply.redirect(media.url, 302);
      if (media.kind === "store") {
        const direct = deps.media.directUrl(media.key);
        if (direct) return reply.redirect(direct, 302);
        const stat = await deps.media.stat(media.key);
        if (!stat) return missingFile(reply);
        return send(reply, req.headers, stat, media.mimeType ?? contentTypeOfKey(media.key), (range) =>
          deps.media.read(media.key, range),
        );
      }
      let stat: { size: number; modifiedAt: Date };
      try {
        // lstat: a file the import recorded may since have been swapped for a link elsewhere.
        const s = await fs.lstat(media.path);
        if (!s.isFile()) return missingFile(reply);
        stat = { size: s.size, modifiedAt: s.mtime };
      } catch {
        return missingFile(reply);
      }
      const type =
        media.mimeType ?? AUDIO_TYPES[path.extname(media.path).toLowerCase()] ?? "application/octet-stream";
      return send(reply, req.headers, stat, type, async (range) =>
        createReadStream(media.path, range ? { start: range.start, end: range.end } : {}),
      );
    },
  );
}

function missingFile(reply: FastifyReply) {
  return reply.code(410).send({
    error: "Gone",
    message: "The audio file of this song is missing: it may have been moved or deleted.",
  });
}

async function send(
  reply: FastifyReply,
  headers: Record<string, string | string[] | undefined>,
  stat: { size: number; modifiedAt: Date },
  contentType: string,
  open: (range?: ByteRange) => Promise<Readable | null>,
) {
  const etag = `"${stat.size.toString(16)}-${Math.floor(stat.modifiedAt.getTime()).toString(16)}"`;
  reply
    .header("accept-ranges", "bytes")
    .header("etag", etag)
    .header("last-modified", stat.modifiedAt.toUTCString())
    // The URL is signed per song and hour, so the bytes behind one URL never change.
    .header("cache-control", "public, max-age=3600")
    .header("content-type", contentType)
    .header("x-content-type-options", "nosniff");

  if (headers["if-none-match"] === etag) return reply.code(304).send();
  // If-Range: a range is only valid against the same version of the file.
  const ifRange = headers["if-range"];
  const rangeHeader =
    typeof headers.range === "string" && (!ifRange || ifRange === etag) ? headers.range : undefined;
  const range = parseRange(rangeHeader, stat.size);
  if (range === "unsatisfiable") {
    return reply.code(416).header("content-range", `bytes */${stat.size}`).send();
  }
  const stream = await open(range ?? undefined);
  if (!stream) return missingFile(reply);
  if (range) {
    return reply
      .code(206)
      .header("content-range", `bytes ${range.start}-${range.end}/${stat.size}`)
      .header("content-length", range.end - range.start + 1)
      .send(stream);
  }
  return reply.header("content-length", stat.size).send(stream);
}
