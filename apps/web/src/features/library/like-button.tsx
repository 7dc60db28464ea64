import { HeartIcon } from "../../components/icons";

/** A heart that shows and flips whether the listener likes a song or an album. */
export function LikeButton({
  liked,
  title,
  onToggle,
  size = 18,
  className = "",
}: {
  liked: boolean;
  /** What it is about, for its label: "Like Blue in Green". */
  title: string;
  onToggle: () => void;
  size?: number;
  className?: string;
}) {
  return (
    <button
      type="button"
      className={`icon-button like-button${liked ? " liked" : ""} ${className}`}
      aria-label={`Like ${title}`}
      aria-pressed={liked}
      title={liked ? "Remove from your likes" : "Like"}
      data-testid="like-button"
      onClick={(e) => {
        e.stopPropagation();
        onToggle();
      }}
    >
      <HeartIcon filled={liked} size={size} />
    </button>
  );
}
