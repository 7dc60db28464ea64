import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import nodemailer from "nodemailer";

export interface Mail {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** A one-time code the mail carries: the outbox prints it to the log so a local user can sign up. */
  code?: string;
}

export interface Mailer {
  readonly kind: "smtp" | "outbox";
  send(mail: Mail): Promise<void>;
  close(): Promise<void>;
}

export interface MailLog {
  info(obj: object, msg?: string): void;
}

/** Real mail over SMTP (smtp://user:pass@host:587, smtps://... for implicit TLS). */
export function createSmtpMailer(url: string, from: string): Mailer {
  const transport = nodemailer.createTransport(url);
  return {
    kind: "smtp",
    async send({ to, subject, text, html }) {
      await transport.sendMail({ from, to, subject, text, html });
    },
    async close() {
      transport.close();
    },
  };
}

/**
 * The embedded default: each mail becomes a file in `dir` (an .eml any mail program opens, plus a
 * .json beside it) and its code goes to the log, so a person running Chorus locally can sign up.
 */
export function createOutboxMailer(dir: string, from: string, log: MailLog): Mailer {
  return {
    kind: "outbox",
    async send(mail) {
      await fs.mkdir(dir, { recursive: true });
      const stamp = new Date().toISOString().replace(/[:.]/g, "-");
      const base = path.join(dir, `${stamp}-${randomBytes(3).toString("hex")}`);
      const message = await renderEml(from, mail);
      await fs.writeFile(`${base}.eml`, message, { mode: 0o600 });
      await fs.writeFile(
        `${base}.json`,
        JSON.stringify(
          { from, to: mail.to, subject: mail.subject, text: mail.text, code: mail.code ?? null },
          null,
          2,
        ),
        { mode: 0o600 },
      );
      log.info(
        { to: mail.to, subject: mail.subject, code: mail.code, file: `${base}.eml` },
        mail.code
          ? `mail to ${mail.to}: your code is ${mail.code}`
          : `mail to ${mail.to} written to the outbox`,
      );
    },
    async close() {},
  };
}

async function renderEml(from: string, mail: Mail): Promise<Buffer> {
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: "unix" });
  const info = await transport.sendMail({
    from,
    to: mail.to,
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
  });
  return info.message as Buffer;
}

/** Reads the outbox back, newest first (tests and the local "what did I get" check). */
export async function readOutbox(
  dir: string,
): Promise<{ to: string; subject: string; text: string; code: string | null; file: string }[]> {
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch {
    return [];
  }
  const files = names
    .filter((n) => n.endsWith(".json"))
    .sort()
    .reverse();
  return Promise.all(
    files.map(async (name) => ({
      ...(JSON.parse(await fs.readFile(path.join(dir, name), "utf8")) as {
        to: string;
        subject: string;
        text: string;
        code: string | null;
      }),
      file: path.join(dir, name),
    })),
  );
}
