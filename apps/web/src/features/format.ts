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
