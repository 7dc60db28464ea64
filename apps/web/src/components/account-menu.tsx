import { type KeyboardEvent as ReactKeyboardEvent, useEffect, useId, useRef, useState } from "react";
import { Link, NavLink, useLocation } from "react-router";
import { withNext } from "../features/auth/gates";
import { useLogout } from "../features/auth/use-logout";
import { useSession } from "../lib/auth";
import { Avatar, displayName } from "./avatar";

/** The sidebar's account corner: who is signed in and their menu, or the way in. */
export function AccountCorner() {
  const session = useSession();
  const location = useLocation();
  if (session.status === "loading") return <div className="account-corner placeholder" aria-hidden="true" />;
  if (session.status === "signedOut") {
    const here = location.pathname === "/login" || location.pathname === "/signup" ? "/" : location.pathname;
    return (
      <div className="account-corner signed-out">
        <NavLink to={withNext("/signup", here)} className="button primary small">
          Sign up
        </NavLink>
        <NavLink to={withNext("/login", here)} className="button small">
          Log in
        </NavLink>
      </div>
    );
  }
  return <AccountMenu />;
}

function AccountMenu() {
  const session = useSession();
  const logout = useLogout();
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLDivElement>(null);
  const menuId = useId();
  const { pathname } = useLocation();

  // A new screen closes the menu.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs on navigation on purpose
  useEffect(() => setOpen(false), [pathname]);

  useEffect(() => {
    if (!open) return;
    const onPointer = (e: PointerEvent) => {
      if (!ref.current?.contains(e.target as Node)) setOpen(false);
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape") {
        setOpen(false);
        ref.current?.querySelector<HTMLElement>(".account-button")?.focus();
      }
    };
    document.addEventListener("pointerdown", onPointer);
    document.addEventListener("keydown", onKey);
    ref.current?.querySelector<HTMLElement>('[role="menuitem"]')?.focus();
    return () => {
      document.removeEventListener("pointerdown", onPointer);
      document.removeEventListener("keydown", onKey);
    };
  }, [open]);

  if (session.status !== "signedIn") return null;
  const { user } = session;
  const name = displayName(user);

  function onMenuKey(e: ReactKeyboardEvent) {
    if (e.key !== "ArrowDown" && e.key !== "ArrowUp") return;
    e.preventDefault();
    const items = [...(ref.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? [])];
    const i = items.indexOf(document.activeElement as HTMLElement);
    const nextIndex = (i + (e.key === "ArrowDown" ? 1 : -1) + items.length) % items.length;
    items[nextIndex]?.focus();
  }

  return (
    <div className="account-corner" ref={ref}>
      <button
        type="button"
        className="account-button"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={menuId}
        aria-label={`Account: ${name}`}
        onClick={() => setOpen((v) => !v)}
      >
        <Avatar user={user} size={32} />
        <span className="account-name" data-testid="account-name">
          {name}
        </span>
        <svg
          className="chevron"
          width={14}
          height={14}
          viewBox="0 0 24 24"
          aria-hidden="true"
          fill="currentColor"
        >
          <path d="M7 10l5 5 5-5z" />
        </svg>
      </button>
      {open ? (
        <div className="account-menu" role="menu" id={menuId} aria-label="Account" onKeyDown={onMenuKey}>
          <div className="account-menu-head" role="none">
            <div className="account-menu-name" title={name}>
              {name}
            </div>
            <div className="muted small account-menu-email" title={user.email}>
              {user.email}
            </div>
          </div>
          {/* Also here: a phone's tab bar has no room for it. */}
          <Link role="menuitem" to="/session" className="menu-item">
            Listen together
          </Link>
          <Link role="menuitem" to="/profile" className="menu-item">
            Profile
          </Link>
          <Link role="menuitem" to="/settings" className="menu-item">
            Settings
          </Link>
          <button
            type="button"
            role="menuitem"
            className="menu-item"
            onClick={() => {
              setOpen(false);
              void logout();
            }}
          >
            Log out
          </button>
        </div>
      ) : null}
    </div>
  );
}
