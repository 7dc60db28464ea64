import { CODE_TTL_MINUTES } from "@chorus/contracts";
import type { Mail } from "@chorus/mail";

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

function layout(title: string, paragraphs: string[], code?: { lead: string; code: string }): string {
  const body = paragraphs.map((p) => `<p style="margin:0 0 16px">${escapeHtml(p)}</p>`).join("");
  const codeBlock = code
    ? `<p style="margin:0 0 8px">${escapeHtml(code.lead)}</p>` +
      `<p style="font-size:32px;font-weight:700;letter-spacing:8px;margin:8px 0 24px;font-family:monospace">${code.code}</p>`
    : "";
  return `<!doctype html><html><body style="font-family:system-ui,sans-serif;color:#1b1b1f;background:#f4f4f6;padding:24px">
<div style="max-width:480px;margin:auto;background:#fff;border-radius:12px;padding:32px">
<h1 style="font-size:20px;margin:0 0 16px">${escapeHtml(title)}</h1>${codeBlock}${body}
<p style="color:#777;font-size:12px;margin:24px 0 0">Chorus, your own music server.</p></div></body></html>`;
}

const PURPOSE_TEXT = {
  verify: {
    subject: "Your Chorus sign-up code",
    title: "Confirm your email",
    lead: "Enter this code to finish signing up:",
  },
  login: {
    subject: "Your Chorus sign-in code",
    title: "Sign in to Chorus",
    lead: "Enter this code to sign in:",
  },
  delete: {
    subject: "Confirm deleting your Chorus account",
    title: "Delete your account?",
    lead: "Enter this code to delete your account and everything in it. This cannot be undone:",
  },
} as const;

export function codeMail(to: string, purpose: keyof typeof PURPOSE_TEXT, code: string): Mail {
  const t = PURPOSE_TEXT[purpose];
  const after = [
    `The code works once, for ${CODE_TTL_MINUTES} minutes.`,
    "If you did not ask for it, ignore this email: nothing changes without the code.",
  ];
  return {
    to,
    subject: t.subject,
    code,
    text: `${t.lead}\n\n    ${code}\n\n${after.join("\n")}\n`,
    html: layout(t.title, after, { lead: t.lead, code }),
  };
}

/** Sent when someone signs up with an address that already has an account. */
export function alreadyRegisteredMail(to: string): Mail {
  const paragraphs = [
    "Someone (maybe you) tried to create a Chorus account with this email address, but it already has one.",
    "If it was you, sign in instead; if you forgot your password, sign in with an emailed code.",
    "If it was not you, ignore this email: your account is unchanged.",
  ];
  return {
    to,
    subject: "You already have a Chorus account",
    text: `${paragraphs.join("\n\n")}\n`,
    html: layout("You already have an account", paragraphs),
  };
}

/** Sent to someone invited to edit a playlist. */
export function playlistInviteMail(to: string, inviter: string, playlist: string): Mail {
  const paragraphs = [
    `${inviter} invited you to collaborate on the playlist "${playlist}".`,
    "You can now add songs to it, remove them and change their order. Find it under Playlists in Chorus.",
  ];
  return {
    to,
    subject: `${inviter} shared the playlist "${playlist}" with you`,
    text: `${paragraphs.join("\n\n")}\n`,
    html: layout("You were invited to a playlist", paragraphs),
  };
}
