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
