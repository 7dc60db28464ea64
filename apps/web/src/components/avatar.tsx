import type { Me } from "@chorus/contracts";
import { useState } from "react";

/** Who an avatar is of: the signed-in user, or someone else (a playlist's owner: no email). */
type Person = Pick<Me, "id" | "name" | "avatarUrl"> & { email?: string };

/** The person's picture, or their initials on a colour of their own when there is none. */
export function Avatar({ user, size = 32 }: { user: Person; size?: number }) {
  const label = displayName(user);
  // A picture that does not load (an old app's address that is gone) shows the initials instead.
  const [failed, setFailed] = useState<string | null>(null);
  if (user.avatarUrl && failed !== user.avatarUrl) {
    const src = user.avatarUrl;
    return (
      <img
        className="avatar"
        src={src}
        alt=""
        width={size}
        height={size}
        style={{ width: size, height: size }}
        onError={() => setFailed(src)}
      />
    );
  }
  return (
    <span
      className="avatar initials"
      aria-hidden="true"
      style={{ width: size, height: size, fontSize: size * 0.4, background: `hsl(${hue(user.id)} 45% 38%)` }}
    >
      {initials(label)}
    </span>
  );
}

/** The name, or the part of the email before the @ for people who have not set one. */
export function displayName(user: Pick<Person, "name" | "email">): string {
  if (user.name?.trim()) return user.name.trim();
  if (!user.email) return "Someone";
  return user.email.split("@")[0] || user.email;
}

function initials(name: string): string {
  const parts = name.split(/[\s._-]+/).filter(Boolean);
  const letters = parts.length > 1 ? [parts[0]![0], parts[parts.length - 1]![0]] : [name[0]];
  return letters.join("").toUpperCase();
}

function hue(id: string): number {
  let h = 0;
  for (const ch of id) h = (h * 31 + ch.charCodeAt(0)) % 360;
  return h;
}
