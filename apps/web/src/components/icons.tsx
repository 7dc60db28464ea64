/** Inline SVG icons: they render the same everywhere, unlike media-control glyphs in system fonts. */
import type { ReactNode } from "react";

type IconProps = { size?: number; className?: string };

function Svg({ size = 18, className, children }: IconProps & { children: ReactNode }) {
  return (
    <svg
      width={size}
      height={size}
      viewBox="0 0 24 24"
      aria-hidden="true"
      fill="currentColor"
      className={className}
      focusable="false"
    >
      {children}
    </svg>
  );
}

export function PlayIcon(p: IconProps) {
  return (
    <Svg {...p}>
      <path d="M8 5.5v13a1 1 0 0 0 1.5.86l10.2-6.5a1 1 0 0 0 0-1.72L9.5 4.64A1 1 0 0 0 8 5.5z" />
    </Svg>
  );
}

export function PauseIcon(p: IconProps) {
  return (
    <Svg {...p}>
      <rect x="6" y="4.5" width="4" height="15" rx="1.2" />
      <rect x="14" y="4.5" width="4" height="15" rx="1.2" />
    </Svg>
  );
}

export function PreviousIcon(p: IconProps) {
  return (
    <Svg {...p}>
      <path d="M6 5h2v14H6zM20 6.2v11.6a1 1 0 0 1-1.55.83L10 13a1.2 1.2 0 0 1 0-2l8.45-5.63A1 1 0 0 1 20 6.2z" />
    </Svg>
  );
}

export function NextIcon(p: IconProps) {
  return (
    <Svg {...p}>
      <path d="M16 5h2v14h-2zM4 6.2v11.6a1 1 0 0 0 1.55.83L14 13a1.2 1.2 0 0 0 0-2L5.55 5.37A1 1 0 0 0 4 6.2z" />
    </Svg>
  );
}

export function ShuffleIcon(p: IconProps) {
  return (
    <Svg {...p}>
      <path d="M17 3l4 4-4 4V8h-2.1c-1 0-1.9.5-2.5 1.3l-1.2 1.6-1.25-1.67 1.05-1.4A5 5 0 0 1 14.9 6H17V3zM3 6h3.1a5 5 0 0 1 4 2l5.3 7c.6.8 1.5 1.1 2.5 1.1H19v-3l4 4-4 4v-3h-2.1a5 5 0 0 1-4-2l-5.3-7C7 8.3 6.1 8 5.1 8H3V6zm0 10h2.1c1 0 1.9-.4 2.5-1.2l1.2-1.6 1.25 1.67-1.05 1.4A5 5 0 0 1 5.1 18H3v-2z" />
    </Svg>
  );
}

export function RepeatIcon({ one, ...p }: IconProps & { one?: boolean }) {
  return (
    <Svg {...p}>
      <path d="M7 7h10v3l4-4-4-4v3H5v6h2V7zm10 10H7v-3l-4 4 4 4v-3h12v-6h-2v4z" />
      {one ? (
        <path d="M12.9 15V9.2h-1.1l-1.7.9.4.9 1.1-.5V15z" stroke="currentColor" strokeWidth="0.4" />
      ) : null}
    </Svg>
  );
}

export function VolumeIcon({ level, ...p }: IconProps & { level: "mute" | "low" | "high" }) {
  return (
    <Svg {...p}>
      <path d="M4 9v6h4l5 4.5V4.5L8 9H4z" />
      {level === "mute" ? (
        <path d="M16.3 9.1l1.4-1.4 2 2 2-2 1.4 1.4-2 2 2 2-1.4 1.4-2-2-2 2-1.4-1.4 2-2z" />
      ) : (
        <path d="M15.5 8.5a4.5 4.5 0 0 1 0 7l-1.1-1.6a2.5 2.5 0 0 0 0-3.8z" />
      )}
      {level === "high" ? <path d="M17.6 5.3a8 8 0 0 1 0 13.4l-1.1-1.6a6 6 0 0 0 0-10.2z" /> : null}
    </Svg>
  );
}

export function QueueIcon(p: IconProps) {
  return (
    <Svg {...p}>
      <path d="M3 5h13v2H3zm0 4h13v2H3zm0 4h8v2H3zm12 0l6 3.5-6 3.5z" />
    </Svg>
  );
}

export function LyricsIcon(p: IconProps) {
  return (
    <Svg {...p}>
      <path d="M4 4h16a1 1 0 0 1 1 1v11a1 1 0 0 1-1 1H9l-4.3 3.6A.4.4 0 0 1 4 20.3V5a1 1 0 0 1 0 0zm3 4v2h10V8H7zm0 4v2h7v-2H7z" />
    </Svg>
  );
}

export function EqualizerIcon(p: IconProps) {
  return (
    <Svg {...p}>
      <path d="M5 3h2v5h2v3H7v10H5V11H3V8h2zm6 0h2v11h2v3h-2v4h-2v-4H9v-3h2zm6 0h2v3h2v3h-2v12h-2V9h-2V6h2z" />
    </Svg>
  );
}

export function MoreIcon(p: IconProps) {
  return (
    <Svg {...p}>
      <circle cx="5" cy="12" r="2" />
      <circle cx="12" cy="12" r="2" />
      <circle cx="19" cy="12" r="2" />
    </Svg>
  );
}

export function CloseIcon(p: IconProps) {
  return (
    <Svg {...p}>
      <path d="M6.4 5L12 10.6 17.6 5 19 6.4 13.4 12l5.6 5.6-1.4 1.4-5.6-5.6L6.4 19 5 17.6l5.6-5.6L5 6.4z" />
    </Svg>
  );
}

export function DragIcon(p: IconProps) {
  return (
    <Svg {...p}>
      <circle cx="9" cy="6" r="1.6" />
      <circle cx="15" cy="6" r="1.6" />
      <circle cx="9" cy="12" r="1.6" />
      <circle cx="15" cy="12" r="1.6" />
      <circle cx="9" cy="18" r="1.6" />
      <circle cx="15" cy="18" r="1.6" />
    </Svg>
  );
}

export function ArrowUpIcon(p: IconProps) {
  return (
    <Svg {...p}>
      <path d="M12 5l6 6-1.4 1.4-3.6-3.6V19h-2V8.8l-3.6 3.6L6 11z" />
    </Svg>
  );
}

export function ArrowDownIcon(p: IconProps) {
  return (
    <Svg {...p}>
      <path d="M12 19l-6-6 1.4-1.4 3.6 3.6V5h2v10.2l3.6-3.6L18 13z" />
    </Svg>
  );
}

export function HomeIcon(p: IconProps) {
  return (
    <Svg {...p}>
      <path d="M12 3l9 7.5-1.3 1.5L19 11.4V20a1 1 0 0 1-1 1h-4v-6h-4v6H6a1 1 0 0 1-1-1v-8.6l-.7.6L3 10.5z" />
    </Svg>
  );
}

export function AlbumIcon(p: IconProps) {
  return (
    <Svg {...p}>
      <path d="M12 2a10 10 0 1 1 0 20 10 10 0 0 1 0-20zm0 6a4 4 0 1 0 0 8 4 4 0 0 0 0-8zm0 3a1 1 0 1 1 0 2 1 1 0 0 1 0-2z" />
    </Svg>
  );
}

export function ArtistIcon(p: IconProps) {
  return (
    <Svg {...p}>
      <path d="M12 3a4.5 4.5 0 1 1 0 9 4.5 4.5 0 0 1 0-9zm0 11c4.4 0 8 2.2 8 5v2H4v-2c0-2.8 3.6-5 8-5z" />
    </Svg>
  );
}

export function ServerIcon(p: IconProps) {
  return (
    <Svg {...p}>
      <path d="M4 4h16a1 1 0 0 1 1 1v5a1 1 0 0 1-1 1H4a1 1 0 0 1-1-1V5a1 1 0 0 1 1-1zm2 2.5v2h2v-2H6zM4 13h16a1 1 0 0 1 1 1v5a1 1 0 0 1-1 1H4a1 1 0 0 1-1-1v-5a1 1 0 0 1 1-1zm2 2.5v2h2v-2H6z" />
    </Svg>
  );
}

export function NoteIcon(p: IconProps) {
  return (
    <Svg {...p}>
      <path d="M19 3v12.5a3.5 3.5 0 1 1-2-3.16V7l-8 1.8v8.7A3.5 3.5 0 1 1 7 14.34V5.2z" />
    </Svg>
  );
}

export function ChevronDownIcon(p: IconProps) {
  return (
    <Svg {...p}>
      <path d="M7 10l5 5 5-5z" />
    </Svg>
  );
}

export function ClockIcon(p: IconProps) {
  return (
    <Svg {...p}>
      <path d="M12 2a10 10 0 1 1 0 20 10 10 0 0 1 0-20zm0 2a8 8 0 1 0 0 16 8 8 0 0 0 0-16zm1 3v5.4l3.7 2.2-1 1.7L11 13.5V7z" />
    </Svg>
  );
}

export function HeartIcon({ filled = false, ...p }: IconProps & { filled?: boolean }) {
  return (
    <Svg {...p}>
      {filled ? (
        <path d="M12 20.7l-1.2-1.1C6.2 15.4 3 12.5 3 8.9 3 6 5.3 3.7 8.2 3.7c1.5 0 3 .7 3.8 1.9.8-1.2 2.3-1.9 3.8-1.9C18.7 3.7 21 6 21 8.9c0 3.6-3.2 6.5-7.8 10.7z" />
      ) : (
        <path d="M16.5 3.7c-1.5 0-3 .7-3.9 1.8L12 6.2l-.6-.7c-.9-1.1-2.4-1.8-3.9-1.8C4.9 3.7 3 5.8 3 8.5c0 3.4 3.1 6.2 7.8 10.4l1.2 1.1 1.2-1.1C17.9 14.7 21 11.9 21 8.5c0-2.7-1.9-4.8-4.5-4.8zm-3.4 13.8l-1.1 1-1.1-1C6.5 13.5 5 11.6 5 8.5 5 6.9 6 5.7 7.5 5.7c1.1 0 2.1.6 2.6 1.5l1.9 2.2 1.9-2.2c.5-.9 1.5-1.5 2.6-1.5C18 5.7 19 6.9 19 8.5c0 3.1-1.5 5-5.9 9z" />
      )}
    </Svg>
  );
}

export function LibraryIcon(p: IconProps) {
  return (
    <Svg {...p}>
      <path d="M4 3h2v18H4zm5 0h2v18H9zm4.6 1.3l1.9-.6 5.3 16.5-1.9.6z" />
    </Svg>
  );
}

export function PlaylistIcon(p: IconProps) {
  return (
    <Svg {...p}>
      <path d="M3 5h13v2H3zm0 4h13v2H3zm0 4h9v2H3zm15-8h4v2h-2v9.5a2.5 2.5 0 1 1-2-2.45z" />
    </Svg>
  );
}

export function PlusIcon(p: IconProps) {
  return (
    <Svg {...p}>
      <path d="M11 4h2v7h7v2h-7v7h-2v-7H4v-2h7z" />
    </Svg>
  );
}

export function SearchIcon(p: IconProps) {
  return (
    <Svg {...p}>
      <path d="M10.5 3a7.5 7.5 0 0 1 5.96 12.05l4.25 4.24-1.42 1.42-4.24-4.25A7.5 7.5 0 1 1 10.5 3zm0 2a5.5 5.5 0 1 0 0 11 5.5 5.5 0 0 0 0-11z" />
    </Svg>
  );
}

export function LockIcon(p: IconProps) {
  return (
    <Svg {...p}>
      <path d="M12 2a5 5 0 0 1 5 5v3h1a1 1 0 0 1 1 1v9a1 1 0 0 1-1 1H6a1 1 0 0 1-1-1v-9a1 1 0 0 1 1-1h1V7a5 5 0 0 1 5-5zm0 2a3 3 0 0 0-3 3v3h6V7a3 3 0 0 0-3-3z" />
    </Svg>
  );
}

export function GlobeIcon(p: IconProps) {
  return (
    <Svg {...p}>
      <path d="M12 2a10 10 0 1 1 0 20 10 10 0 0 1 0-20zm-1.8 2.2A8 8 0 0 0 4.1 11H8c.1-2.5.9-4.9 2.2-6.8zm3.6 0C15.1 6.1 15.9 8.5 16 11h3.9a8 8 0 0 0-6.1-6.8zM12 4.5C10.9 6.2 10.1 8.5 10 11h4c-.1-2.5-.9-4.8-2-6.5zM4.1 13a8 8 0 0 0 6.1 6.8C8.9 17.9 8.1 15.5 8 13H4.1zm5.9 0c.1 2.5.9 4.8 2 6.5 1.1-1.7 1.9-4 2-6.5h-4zm6 0c-.1 2.5-.9 4.9-2.2 6.8a8 8 0 0 0 6.1-6.8H16z" />
    </Svg>
  );
}

export function UsersIcon(p: IconProps) {
  return (
    <Svg {...p}>
      <path d="M9 4a4 4 0 1 1 0 8 4 4 0 0 1 0-8zm0 10c4 0 7 1.8 7 4.5V20H2v-1.5C2 15.8 5 14 9 14zm7.5-9.8a4 4 0 0 1 0 7.6 5.9 5.9 0 0 0 0-7.6zM18 14.3c2.4.6 4 2.1 4 4.2V20h-4v-1.5c0-1.6-.7-3-2-4.1.7-.1 1.3-.1 2-.1z" />
    </Svg>
  );
}

export function CheckIcon(p: IconProps) {
  return (
    <Svg {...p}>
      <path d="M9.5 16.2L5.3 12l-1.4 1.4 5.6 5.6L20.1 8.4 18.7 7z" />
    </Svg>
  );
}

/** Three bars that bounce while a song plays (still when paused): the now-playing mark in lists. */
export function PlayingBars({ playing, size = 14 }: { playing: boolean; size?: number }) {
  return (
    <span
      className={`playing-bars${playing ? " on" : ""}`}
      style={{ width: size, height: size }}
      aria-hidden="true"
    >
      <span />
      <span />
      <span />
    </span>
  );
}
