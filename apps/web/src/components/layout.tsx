import { useEffect, useRef } from "react";
import { NavLink, Outlet, useLocation } from "react-router";
import { useAccountTheme } from "../features/account/use-account-theme";
import { player, usePlayer } from "../features/player/player";
import { PlayerBar } from "../features/player/player-bar";
import { PlayerRoot, SidePanel } from "../features/player/player-root";
import { AddToPlaylistHost } from "../features/playlists/add-to-playlist";
import { SearchBox } from "../features/search/search-box";
import { useSearchShortcut } from "../features/search/search-shortcut";
import { SessionRoot } from "../features/sessions/session-root";
import { useSession } from "../lib/auth";
import { AccountCorner } from "./account-menu";
import { ConnectionBadge } from "./connection-badge";
import {
  AlbumIcon,
  ArtistIcon,
  HomeIcon,
  LibraryIcon,
  PlaylistIcon,
  SearchIcon,
  ServerIcon,
  UsersIcon,
} from "./icons";
import { Toasts } from "./toast";

const nav = [
  { to: "/", label: "Home", end: true, Icon: HomeIcon, tab: true },
  { to: "/albums", label: "Albums", end: false, Icon: AlbumIcon, tab: true },
  { to: "/artists", label: "Artists", end: false, Icon: ArtistIcon, tab: true },
  { to: "/playlists", label: "Playlists", end: false, Icon: PlaylistIcon, tab: true },
  { to: "/library", label: "Library", end: false, Icon: LibraryIcon, tab: true },
  { to: "/session", label: "Listen together", end: false, Icon: UsersIcon, tab: false },
  // Five tabs fill a phone's bar: the server's page is linked from the home page there.
  { to: "/status", label: "Server", end: false, Icon: ServerIcon, tab: false },
];

export function Layout() {
  useAccountTheme(useSession().status === "signedIn");
  const panelOpen = usePlayer((s) => s.panel !== null);
  const contentRef = useRef<HTMLElement>(null);
  const { pathname } = useLocation();
  useSearchShortcut();

  // The content scrolls inside the shell: a new screen starts at its top. Where the side panel
  // covers the page (narrow windows), going somewhere closes it so the new screen shows.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs on navigation on purpose
  useEffect(() => {
    contentRef.current?.scrollTo({ top: 0 });
    if (matchMedia("(max-width: 1000px)").matches) player.closePanel();
  }, [pathname]);

  return (
    <div className={`shell${panelOpen ? " with-panel" : ""}`}>
      <aside className="sidebar" aria-label="Main navigation">
        <a className="brand" href="/">
          <img src="/favicon.svg" alt="" width={28} height={28} />
          <span>Chorus</span>
        </a>
        <SearchBox variant="sidebar" />
        <nav className="side-nav">
          {nav.map(({ to, label, end, Icon }) => (
            <NavLink key={to} to={to} end={end} className="nav-link">
              <Icon size={20} />
              {label}
            </NavLink>
          ))}
        </nav>
        <div className="sidebar-foot">
          {/* Phones: the sidebar is a top bar with no room for the box; the search page has it. */}
          <NavLink to="/search" className="search-tab" aria-label="Search">
            <SearchIcon size={22} />
          </NavLink>
          <ConnectionBadge />
          <AccountCorner />
        </div>
      </aside>
      <main className="content" ref={contentRef}>
        <Outlet />
      </main>
      <SidePanel />
      <PlayerBar />
      <nav className="tab-bar" aria-label="Sections">
        {nav
          .filter((n) => n.tab)
          .map(({ to, label, end, Icon }) => (
            <NavLink key={to} to={to} end={end} className="tab-link">
              <Icon size={22} />
              <span>{label}</span>
            </NavLink>
          ))}
      </nav>
      <Toasts />
      <AddToPlaylistHost />
      <PlayerRoot />
      <SessionRoot />
    </div>
  );
}
