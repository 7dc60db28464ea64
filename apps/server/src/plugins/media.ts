import { randomUUID } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import {
  type ApiDeps,
  AvatarError,
  createCaller,
  createContextInner,
  removeAvatar,
  setAvatar,
} from "@chorus/api";
import { AVATAR_MAX_BYTES, SONG_UPLOAD_MAX_BYTES } from "@chorus/contracts";
import { importUpload, UploadError } from "@chorus/library";
import { assertValidKey, contentTypeOfKey } from "@chorus/media";
import multipart from "@fastify/multipart";
import type { FastifyInstance } from "fastify";
import type { Services } from "../backends.js";
import { requireUser } from "./auth.js";

/** /media: uploads and delivery of images (audio streaming joins it with the catalog). */
export async function mediaRoutes(
  app: FastifyInstance,
  opts: { services: Services; deps: ApiDeps; dataDir: string },
) {
  const { services, deps } = opts;
  await app.register(multipart, {
    limits: { files: 1, fields: 5, fileSize: AVATAR_MAX_BYTES, parts: 10 },
  });

  app.post("/media/avatar", async (req, reply) => {
    const user = await requireUser(services, req, reply);
    if (!user) return reply;
    if (!req.isMultipart()) {
      return reply.code(415).send({
        error: "Unsupported Media Type",
        message: "Send the image as multipart/form-data in a field named file.",
      });
    }
    const file = await req.file();
    if (file?.fieldname !== "file") {
      return reply.code(400).send({ error: "Bad Request", message: "Send the image in a field named file." });
    }
    const data = await file.toBuffer().catch((error: { code?: string }) => {
      if (error.code === "FST_REQ_FILE_TOO_LARGE") return null;
      throw error;
    });
    if (!data || file.file.truncated) {
      return reply.code(413).send({
        error: "Payload Too Large",
        message: `The image is larger than ${AVATAR_MAX_BYTES / 1024 / 1024} MB: choose a smaller one.`,
      });
    }
    try {
      return await setAvatar(deps, user.id, data);
    } catch (error) {
      if (error instanceof AvatarError)
        return reply.code(error.statusCode).send({ error: "Bad avatar", message: error.message });
      throw error;
    }
  });

  app.post("/media/songs", async (req, reply) => {
    const user = await requireUser(services, req, reply);
    if (!user) return reply;
    if (!req.isMultipart()) {
      return reply.code(415).send({
        error: "Unsupported Media Type",
        message: "Send the audio as multipart/form-data in a field named file.",
      });
    }
    const file = await req.file({ limits: { fileSize: SONG_UPLOAD_MAX_BYTES } });
    if (file?.fieldname !== "file") {
      return reply.code(400).send({ error: "Bad Request", message: "Send the audio in a field named file." });
    }
    const dir = path.join(opts.dataDir, "uploads");
    await mkdir(dir, { recursive: true });
    const temp = path.join(dir, `${randomUUID()}.part`);
    try {
      await pipeline(file.file, createWriteStream(temp));
      if (file.file.truncated) {
        return reply.code(413).send({
          error: "Payload Too Large",
          message: `The file is larger than ${SONG_UPLOAD_MAX_BYTES / 1024 / 1024} MB.`,
        });
      }
      const { songId } = await importUpload(services.db, services.media, temp, user.id);
      const song = await createCaller(createContextInner(deps)).catalog.song({ id: songId });
      return reply.code(201).send({ song });
    } catch (error) {
      if (error instanceof UploadError)
        return reply.code(error.statusCode).send({ error: "Bad audio", message: error.message });
      throw error;
    } finally {
      await rm(temp, { force: true });
    }
  });

  app.delete("/media/avatar", async (req, reply) => {
    const user = await requireUser(services, req, reply);
    if (!user) return reply;
    return removeAvatar(deps, user.id);
  });

  app.get<{ Params: { key: string } }>("/media/images/:key", async (req, reply) => {
    const { key } = req.params;
    try {
      assertValidKey(key);
    } catch {
      return reply.code(404).send({ error: "Not Found", message: "No such image" });
    }
    if (!contentTypeOfKey(key).startsWith("image/")) {
      return reply.code(404).send({ error: "Not Found", message: "No such image" });
    }
    const stat = await services.media.stat(key);
    if (!stat) return reply.code(404).send({ error: "Not Found", message: "No such image" });
    const etag = `"${stat.size.toString(16)}-${stat.modifiedAt.getTime().toString(16)}"`;
    // A new image always gets a new key, so an image never changes: caches may keep it for good.
    reply.header("cache-control", "public, max-age=31536000, immutable").header("etag", etag);
    if (req.headers["if-none-match"] === etag) return reply.code(304).send();
    const stream = await services.media.read(key);
    if (!stream) return reply.code(404).send({ error: "Not Found", message: "No such image" });
    return reply
      .type(contentTypeOfKey(key))
      .header("content-length", stat.size)
      .header("x-content-type-options", "nosniff")
      .send(stream);
  });
}
