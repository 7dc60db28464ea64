import { mkdtemp, readFile, rm } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOutboxMailer, createSmtpMailer, readOutbox } from "./index.js";

const received: { to: string[]; raw: string }[] = [];
let smtp: SMTPServer;
let port: number;

beforeAll(async () => {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    onData(stream, session, callback) {
      let raw = "";
      stream.on("data", (chunk: Buffer) => {
        raw += chunk.toString("utf8");
      });
      stream.on("end", () => {
        received.push({ to: session.envelope.rcptTo.map((r) => r.address), raw });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", resolve));
  port = (smtp.server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
});

const mail = {
  to: "ann@example.com",
  subject: "Your Chorus code",
  text: "Your code is 123456",
  html: "<p>Your code is <b>123456</b></p>",
  code: "123456",
};

describe("SMTP mailer", () => {
  it("delivers plain and HTML parts to a real SMTP server", async () => {
    const mailer = createSmtpMailer(`smtp://127.0.0.1:${port}`, "Chorus <chorus@example.com>");
    await mailer.send(mail);
    await mailer.close();
    const got = received.find((m) => m.to.includes("ann@example.com"));
    expect(got?.raw).toContain("Subject: Your Chorus code");
    expect(got?.raw).toContain("text/plain");
    expect(got?.raw).toContain("text/html");
    expect(got?.raw).toContain("123456");
  });

  it("fails loudly when the SMTP server cannot be reached", async () => {
    const mailer = createSmtpMailer("smtp://127.0.0.1:1", "chorus@example.com");
    await expect(mailer.send(mail)).rejects.toThrow();
  });
});

describe("outbox mailer", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "chorus-outbox-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("writes an .eml and a .json, and logs the code", async () => {
    const logged: unknown[] = [];
    const mailer = createOutboxMailer(dir, "chorus@localhost", {
      info: (obj, msg) => logged.push({ obj, msg }),
    });
    await mailer.send(mail);
    const [first] = await readOutbox(dir);
    expect(first).toMatchObject({ to: "ann@example.com", code: "123456", subject: "Your Chorus code" });
    const eml = await readFile(first!.file.replace(/\.json$/, ".eml"), "utf8");
    expect(eml).toContain("To: ann@example.com");
    expect(eml).toContain("text/html");
    expect(JSON.stringify(logged)).toContain("your code is 123456");
  });

  it("reads an outbox that does not exist yet as empty", async () => {
    expect(await readOutbox(path.join(dir, "nope"))).toEqual([]);
  });
});
