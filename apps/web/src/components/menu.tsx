import {
  type KeyboardEvent as ReactKeyboardEvent,
  type MouseEvent as ReactMouseEvent,
  type RefObject,
  useCallback,
  useEffect,
  useId,
  useLayoutEffect,
  useRef,
  useState,
} from "react";
import { createPortal } from "react-dom";
import { useNavigate } from "react-router";
import { MoreIcon } from "./icons";

export type MenuItem =
  | { label: string; onSelect: () => void; disabled?: boolean }
  | { label: string; to: string }
  | { separator: true };

interface Position {
  x: number;
  y: number;
  /** The menu opens from a button: it lines up with the button's right edge. */
  alignRight: boolean;
}

/**
 * A menu of actions, in a layer over the page (lists scroll inside boxes that would clip it).
 * `useMenu` gives a ⋯ button and a right-click handler that open the same menu.
 */
export function useMenu(items: () => MenuItem[]) {
  const [pos, setPos] = useState<Position | null>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const openFromButton = useCallback(() => {
    const r = buttonRef.current?.getBoundingClientRect();
    if (r) setPos({ x: r.right, y: r.bottom + 4, alignRight: true });
  }, []);
  const onContextMenu = useCallback((e: ReactMouseEvent) => {
    e.preventDefault();
    setPos({ x: e.clientX, y: e.clientY, alignRight: false });
  }, []);
  const close = useCallback(() => setPos(null), []);
  return {
    open: pos !== null,
    buttonRef,
    onContextMenu,
    toggle: () => (pos ? close() : openFromButton()),
    menu: pos ? <MenuLayer items={items()} pos={pos} onClose={close} returnFocus={buttonRef} /> : null,
  };
}

/** The ⋯ button. */
export function MoreButton({
  label,
  menu,
  className = "",
}: {
  label: string;
  menu: ReturnType<typeof useMenu>;
  className?: string;
}) {
  return (
    <>
      <button
        type="button"
        ref={menu.buttonRef}
        className={`icon-button more-button ${className}`}
        aria-label={label}
        aria-haspopup="menu"
        aria-expanded={menu.open}
        onClick={(e) => {
          e.stopPropagation();
          menu.toggle();
        }}
      >
        <MoreIcon />
      </button>
      {menu.menu}
    </>
  );
}

function MenuLayer({
  items,
  pos,
  onClose,
  returnFocus,
}: {
  items: MenuItem[];
  pos: Position;
  onClose: () => void;
  returnFocus: RefObject<HTMLButtonElement | null>;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const id = useId();
  const navigate = useNavigate();
  const [place, setPlace] = useState<{ left: number; top: number } | null>(null);

  // Fits the menu in the window: flipped up near the bottom, pulled in near the right edge.
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const { width, height } = el.getBoundingClientRect();
    const margin = 8;
    let left = pos.alignRight ? pos.x - width : pos.x;
    let top = pos.y;
    if (top + height > window.innerHeight - margin)
      top = Math.max(margin, pos.y - height - (pos.alignRight ? 40 : 0));
    left = Math.min(Math.max(margin, left), window.innerWidth - width - margin);
    setPlace({ left, top });
  }, [pos]);

  useEffect(() => {
    ref.current?.querySelector<HTMLElement>('[role="menuitem"]:not([disabled])')?.focus();
    const onPointer = (e: PointerEvent) => {
      if (!ref.current?.contains(e.target as Node)) onClose();
    };
    const onScroll = (e: Event) => {
      if (!ref.current?.contains(e.target as Node)) onClose();
    };
    document.addEventListener("pointerdown", onPointer, true);
    window.addEventListener("scroll", onScroll, true);
    window.addEventListener("resize", onClose);
    return () => {
      document.removeEventListener("pointerdown", onPointer, true);
      window.removeEventListener("scroll", onScroll, true);
      window.removeEventListener("resize", onClose);
    };
  }, [onClose]);

  function closeAndReturn() {
    onClose();
    returnFocus.current?.focus();
  }

  function onKeyDown(e: ReactKeyboardEvent) {
    if (e.key === "Escape") {
      e.preventDefault();
      e.stopPropagation();
      closeAndReturn();
      return;
    }
    if (e.key === "Tab") {
      onClose();
      return;
    }
    if (e.key !== "ArrowDown" && e.key !== "ArrowUp" && e.key !== "Home" && e.key !== "End") return;
    e.preventDefault();
    const els = [...(ref.current?.querySelectorAll<HTMLElement>('[role="menuitem"]:not([disabled])') ?? [])];
    const i = els.indexOf(document.activeElement as HTMLElement);
    const next =
      e.key === "Home"
        ? 0
        : e.key === "End"
          ? els.length - 1
          : (i + (e.key === "ArrowDown" ? 1 : -1) + els.length) % els.length;
    els[next]?.focus();
  }

  return createPortal(
    <div
      ref={ref}
      id={id}
      role="menu"
      className="menu-layer"
      style={place ? { left: place.left, top: place.top } : { left: -9999, top: 0 }}
      onKeyDown={onKeyDown}
    >
      {items.map((item, i) =>
        "separator" in item ? (
          // biome-ignore lint/suspicious/noArrayIndexKey: separators have nothing else to go by
          <hr key={`sep-${i}`} className="menu-separator" />
        ) : (
          <button
            key={item.label}
            type="button"
            role="menuitem"
            className="menu-item"
            disabled={"disabled" in item ? item.disabled : false}
            onClick={(e) => {
              e.stopPropagation();
              closeAndReturn();
              if ("to" in item) navigate(item.to);
              else item.onSelect();
            }}
          >
            {item.label}
          </button>
        ),
      )}
    </div>,
    document.body,
  );
}
