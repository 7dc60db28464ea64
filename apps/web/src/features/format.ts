export function formatUptime(ms: number): string {
  const s = Math.floor(ms / 1000);
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const parts = d
    ? [`${d}d`, `${h}h`]
    : h
      ? [`${h}h`, `${m}m`]
      : m
        ? [`${m}m`, `${s % 60}s`]
        : [`${s % 60}s`];
  return parts.join(" ");
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString()} ${n === 1 ? one : many}`;
}

/** A song's length or position: 3:07, or 1:02:03 past an hour. */
export function formatTime(seconds: number): string {
  const s = Number.isFinite(seconds) && seconds > 0 ? Math.floor(seconds) : 0;
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, "0");
  return h ? `${h}:${String(m).padStart(2, "0")}:${ss}` : `${m}:${ss}`;
}

/** An album's length, the way people say it: "42 min 5 sec", "1 hr 5 min", "45 sec". */
export function formatTotal(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} sec`;
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (!h) return s % 60 ? `${m} min ${s % 60} sec` : `${m} min`;
  return m ? `${h} hr ${m} min` : `${h} hr`;
}

const DAY = 86_400_000;

/**
 * When something was added or liked, the way lists say it: "just now", "5 min ago", "3 hr ago",
 * "yesterday", "4 days ago", then the date ("12 Mar 2025"; this year's without the year).
 */
export function formatAgo(date: Date, now: Date = new Date()): string {
  const ms = now.getTime() - date.getTime();
  if (ms < 60_000) return "just now";
  if (ms < 3_600_000) return `${Math.floor(ms / 60_000)} min ago`;
  if (ms < DAY) return `${Math.floor(ms / 3_600_000)} hr ago`;
  const days = Math.round((startOfDay(now) - startOfDay(date)) / DAY);
  if (days <= 1) return "yesterday";
  if (days < 7) return `${days} days ago`;
  return date.toLocaleDateString("en-GB", {
    day: "numeric",
    month: "short",
    ...(date.getFullYear() === now.getFullYear() ? {} : { year: "numeric" }),
  });
}

function startOfDay(d: Date): number {
  return new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
}
