import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { mp3File } from "@chorus/library/fixtures";
import { readOutbox } from "@chorus/mail";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Services } from "./backends.js";
import { seedDemoCatalog } from "./demo.js";
import { startTestServer, type TestServer } from "./test-server.js";

let server: TestServer;
let services: Services;
let app: FastifyInstance;
let dataDir: string;

beforeAll(async () => {
  server = await startTestServer("catalog_media", { listen: false });
  ({ services, app, dataDir } = server);
});

afterAll(async () => {
  await server?.close();
});

const trpc = async (name: string, input: unknown, token?: string) => {
  const res = await app.inject({
    method: "POST",
    url: `/trpc/${name}`,
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    payload: JSON.stringify({ json: input }),
  });
  return res.json() as {
    result?: { data: { json: Record<string, unknown> } };
    error?: { json: { message: string } };
  };
};
const query = async (name: string, input: unknown) => {
  const res = await app.inject(`/trpc/${name}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`);
  return res.json() as {
    result?: { data: { json: Record<string, unknown> } };
    error?: { json: { message: string } };
  };
};

async function signIn(): Promise<string> {
  const email = `uploader-${Date.now()}@example.com`;
  await trpc("auth.signup", { email, password: "an uploader's passphrase" });
  let code: string | null = null;
  for (let i = 0; i < 50 && !code; i++) {
    code = (await readOutbox(path.join(dataDir, "outbox"))).find((m) => m.to === email)?.code ?? null;
    if (!code) await new Promise((r) => setTimeout(r, 50));
  }
  const verified = await trpc("auth.verifyEmail", { email, code });
  return verified.result!.data.json.accessToken as string;
}

function upload(token: string | null, data: Buffer, name = "song.mp3") {
  const boundary = "----chorus";
  const body = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
    ),
    data,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return app.inject({
    method: "POST",
    url: "/media/songs",
    headers: {
      "content-type": `multipart/form-data; boundary=${boundary}`,
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    payload: body,
  });
}

describe("the demo catalog", () => {
  it("makes 4 albums of 24 playable songs with lyrics on a few, once", async () => {
    const report = await seedDemoCatalog(services, dataDir, { info() {}, warn() {}, debug() {} });
    expect(report).toMatchObject({ added: 24, failed: [] });
    const albums = (await query("catalog.albums", { limit: 10 })).result!.data.json.items as {
      id: string;
      trackCount: number;
      coverUrl: string | null;
    }[];
    expect(albums).toHaveLength(4);
    expect(albums.every((a) => a.trackCount === 6 && a.coverUrl)).toBe(true);
    const album = (await query("catalog.album", { id: albums[0]!.id })).result!.data.json as {
      tracks: { id: string; streamUrl: string; hasLyrics: boolean; durationMs: number }[];
    };
    const playable = await app.inject({ url: album.tracks[0]!.streamUrl, headers: { range: "bytes=0-11" } });
    expect(playable.statusCode).toBe(206);
    expect(playable.rawPayload.toString("latin1", 0, 4)).toBe("RIFF");
    expect(playable.headers["content-type"]).toBe("audio/wav");
    const withLyrics = await services.db.selectFrom("lyrics").select("song_id").execute();
    expect(withLyrics.length).toBeGreaterThanOrEqual(4);
    // Not again: the marker remembers it was made.
    expect(await seedDemoCatalog(services, dataDir, { info() {}, warn() {}, debug() {} })).toBeNull();
  }, 60_000);
});

describe("POST /media/songs", () => {
  it("takes audio from a signed-in user, checked by content, with its tags", async () => {
    const token = await signIn();
    expect((await upload(null, mp3File({ title: "x" }, 3000))).statusCode).toBe(401);
    const notAudio = await upload(token, Buffer.from("%PDF-1.7 not a song"), "song.mp3");
    expect(notAudio.statusCode).toBe(415);
    expect(notAudio.json().message).toMatch(/not an audio file Chorus can play/);

    const res = await upload(
      token,
      mp3File(
        { title: "Uploaded Tune", artists: ["Ann Upload", "Guest"], album: "Home Recordings", year: 2026 },
        5000,
      ),
      "whatever-name.bin",
    );
    expect(res.statusCode).toBe(201);
    const { song } = res.json() as {
      song: {
        id: string;
        title: string;
        artists: { name: string }[];
        album: { title: string };
        streamUrl: string;
        durationMs: number;
      };
    };
    expect(song.title).toBe("Uploaded Tune");
    expect(song.artists.map((a) => a.name)).toEqual(["Ann Upload", "Guest"]);
    expect(song.album.title).toBe("Home Recordings");
    expect(Math.abs(song.durationMs - 5000)).toBeLessThan(100);
    const row = await services.db
      .selectFrom("songs")
      .select(["audio_key", "file_path", "uploaded_by"])
      .where("id", "=", song.id)
      .executeTakeFirstOrThrow();
    expect(row.audio_key).toMatch(/^song-[0-9a-f-]+\.mp3$/);
    expect(row.file_path).toBeNull();
    expect(row.uploaded_by).not.toBeNull();
    const stream = await app.inject({ url: song.streamUrl, headers: { range: "bytes=0-2" } });
    expect(stream.statusCode).toBe(206);
    expect(stream.rawPayload.toString("latin1")).toBe("ID3");
  });
});

const cli = fileURLToPath(new URL("../dist/cli.js", import.meta.url));
describe.runIf(existsSync(cli))("pnpm chorus import", () => {
  it("imports a folder, prints the summary, and a second run skips everything", async () => {
    const { generateLibrary } = await import("@chorus/library/fixtures");
    const folder = path.join(dataDir, "cli-library");
    const generated = await generateLibrary(folder, { count: 40, ffmpeg: false });
    const run = () =>
      new Promise<{ code: number | null; out: string }>((resolve) => {
        const child = spawn(process.execPath, [cli, "import", folder], {
          env: { PATH: process.env.PATH ?? "", DATABASE_URL: server.databaseUrl, DATA_DIR: dataDir },
        });
        let out = "";
        child.stdout.on("data", (d) => {
          out += d;
        });
        child.on("exit", (code) => resolve({ code, out }));
      });
    const first = await run();
    const good = generated.files.length;
    expect(first.out).toMatch(
      new RegExp(`added ${good} · updated 0 · skipped 0 · failed ${generated.corrupt.length}`),
    );
    expect(first.code).toBe(generated.corrupt.length ? 1 : 0);
    const second = await run();
    expect(second.out).toMatch(new RegExp(`added 0 · updated 0 · skipped ${good}`));
  }, 60_000);
});
