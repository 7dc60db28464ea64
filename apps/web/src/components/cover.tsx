import { useEffect, useState } from "react";
import { NoteIcon } from "./icons";

/**
 * Album art (or an artist's picture), or, when there is none or it fails to load, a placeholder of
 * its own: a gradient picked from the id and the title's initial, so each album still looks different.
 */
export function Cover({
  src,
  title,
  seed,
  size,
  round = false,
  className = "",
  eager = false,
}: {
  src: string | null | undefined;
  title: string;
  /** Keeps the placeholder's colours the same wherever this album shows. */
  seed: string;
  /** In pixels; without it the cover fills its box (square). */
  size?: number;
  round?: boolean;
  className?: string;
  eager?: boolean;
}) {
  const [failed, setFailed] = useState<string | null>(null);
  const style = size ? { width: size, height: size } : undefined;
  const classes = `cover${round ? " round" : ""}${className ? ` ${className}` : ""}`;
  if (src && failed !== src) {
    return (
      <img
        className={classes}
        src={src}
        alt=""
        style={style}
        loading={eager ? "eager" : "lazy"}
        decoding="async"
        onError={() => setFailed(src)}
      />
    );
  }
  const h = hue(seed);
  const initial = title.trim().charAt(0).toUpperCase();
  return (
    <span
      className={`${classes} generated`}
      aria-hidden="true"
      style={{
        ...style,
        background: `linear-gradient(135deg, hsl(${h} 55% 42%), hsl(${(h + 48) % 360} 60% 22%))`,
        fontSize: size ? Math.max(12, size * 0.42) : undefined,
      }}
    >
      {initial && /\p{L}|\p{N}/u.test(initial) ? initial : <NoteIcon size={size ? size * 0.45 : 32} />}
    </span>
  );
}

export function hue(seed: string): number {
  let h = 0;
  for (const ch of seed) h = (h * 31 + ch.charCodeAt(0)) % 360;
  return h;
}

const colorCache = new Map<string, string | null>();

/**
 * The colour of a picture, for the wash behind an album's header: an average that leans to the
 * picture's vivid pixels (a plain average of most covers is grey-brown). Null until known, or when
 * the picture cannot be read (another origin without CORS).
 */
export function useImageColor(src: string | null | undefined): string | null {
  const [state, setState] = useState<{ src: string | null | undefined; color: string | null }>(() => ({
    src,
    color: src ? (colorCache.get(src) ?? null) : null,
  }));
  let color = state.color;
  if (state.src !== src) {
    color = src ? (colorCache.get(src) ?? null) : null;
    setState({ src, color });
  }
  useEffect(() => {
    if (!src || colorCache.has(src)) return;
    let cancelled = false;
    const img = new Image();
    img.decoding = "async";
    img.onload = () => {
      const c = averageColor(img);
      colorCache.set(src, c);
      if (!cancelled) setState({ src, color: c });
    };
    img.onerror = () => colorCache.set(src, null);
    img.src = src;
    return () => {
      cancelled = true;
    };
  }, [src]);
  return color;
}

function averageColor(img: HTMLImageElement): string | null {
  try {
    const size = 24;
    const canvas = document.createElement("canvas");
    canvas.width = size;
    canvas.height = size;
    const ctx = canvas.getContext("2d", { willReadFrequently: true });
    if (!ctx) return null;
    ctx.drawImage(img, 0, 0, size, size);
    const { data } = ctx.getImageData(0, 0, size, size);
    let r = 0;
    let g = 0;
    let b = 0;
    let total = 0;
    for (let i = 0; i < data.length; i += 4) {
      const pr = data[i]!;
      const pg = data[i + 1]!;
      const pb = data[i + 2]!;
      const max = Math.max(pr, pg, pb);
      const min = Math.min(pr, pg, pb);
      // Vivid, mid-bright pixels count most; near-black and near-white ones hardly.
      const weight = 0.05 + (max - min) / 255 + (max > 30 && min < 225 ? 0.2 : 0);
      r += pr * weight;
      g += pg * weight;
      b += pb * weight;
      total += weight;
    }
    if (!total) return null;
    return `rgb(${Math.round(r / total)} ${Math.round(g / total)} ${Math.round(b / total)})`;
  } catch {
    return null;
  }
}
