import { NavLink, Outlet } from "react-router";
import { useAccountTheme } from "../features/account/use-account-theme";
import { useSession } from "../lib/auth";
import { AccountCorner } from "./account-menu";
import { ConnectionBadge } from "./connection-badge";
import { NextIcon, PlayIcon, PreviousIcon } from "./icons";

const nav = [
  { to: "/", label: "Home", end: true },
  { to: "/status", label: "Server", end: false },
];

export function Layout() {
  useAccountTheme(useSession().status === "signedIn");
  return (
    <div className="shell">
      <aside className="sidebar" aria-label="Main navigation">
        <a className="brand" href="/">
          <img src="/favicon.svg" alt="" width={28} height={28} />
          <span>Chorus</span>
        </a>
        <nav>
          {nav.map((item) => (
            <NavLink key={item.to} to={item.to} end={item.end} className="nav-link">
              {item.label}
            </NavLink>
          ))}
        </nav>
        <div className="sidebar-foot">
          <ConnectionBadge />
          <AccountCorner />
        </div>
      </aside>
      <main className="content">
        <Outlet />
      </main>
      <section className="player-bar" aria-label="Player">
        <div className="now-playing">
          <div className="cover placeholder" aria-hidden="true" />
          <div>
            <div className="title">Nothing playing</div>
            <div className="muted small">Pick a song to start listening</div>
          </div>
        </div>
        <div className="transport" aria-hidden="true">
          <button type="button" disabled aria-label="Previous">
            <PreviousIcon />
          </button>
          <button type="button" className="play" disabled aria-label="Play">
            <PlayIcon size={20} />
          </button>
          <button type="button" disabled aria-label="Next">
            <NextIcon />
          </button>
        </div>
        <div className="spacer" />
      </section>
    </div>
  );
}
