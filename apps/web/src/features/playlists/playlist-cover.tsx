import { Cover } from "../../components/cover";
import { PlaylistIcon } from "../../components/icons";

/**
 * A playlist's picture: four covers of its first albums in a 2×2 mosaic, the one cover when it has
 * fewer, or a placeholder while it is empty.
 */
export function PlaylistCover({
  covers,
  name,
  seed,
  size,
  className = "",
  eager = false,
}: {
  covers: readonly string[];
  name: string;
  seed: string;
  /** In pixels; without it the picture fills its box. */
  size?: number;
  className?: string;
  eager?: boolean;
}) {
  const style = size ? { width: size, height: size } : undefined;
  if (covers.length >= 4) {
    return (
      <span className={`cover playlist-mosaic ${className}`} style={style} aria-hidden="true">
        {covers.slice(0, 4).map((src) => (
          <img key={src} src={src} alt="" loading={eager ? "eager" : "lazy"} decoding="async" />
        ))}
      </span>
    );
  }
  if (covers[0]) {
    return <Cover src={covers[0]} title={name} seed={seed} size={size} className={className} eager={eager} />;
  }
  return (
    <span className={`cover playlist-placeholder ${className}`} style={style} aria-hidden="true">
      <PlaylistIcon size={size ? Math.max(16, size * 0.42) : 48} />
    </span>
  );
}
