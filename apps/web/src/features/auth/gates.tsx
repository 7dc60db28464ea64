import { type ReactNode, useRef } from "react";
import { Navigate, useLocation, useSearchParams } from "react-router";
import { useSession } from "../../lib/auth";

/** Where to go after signing in: `?next=` when it is a path on this site, else home. */
export function useNextPath(): string {
  const [params] = useSearchParams();
  return safeNext(params.get("next"));
}

export function safeNext(next: string | null): string {
  // Only same-site paths: "//evil.example" and "https://..." would leave the site.
  return next?.startsWith("/") && !next.startsWith("//") && !next.startsWith("/\\") ? next : "/";
}

/** Appends `?next=` (or `&next=`) unless it is home. */
export function withNext(path: string, next: string): string {
  if (next === "/") return path;
  return `${path}${path.includes("?") ? "&" : "?"}next=${encodeURIComponent(next)}`;
}

/** A neutral placeholder while the session is being restored: neither signed in nor out yet. */
export function PageLoader({ label = "Loading…" }: { label?: string }) {
  return (
    <div className="page-loader" aria-busy="true">
      <span className="spinner" aria-hidden="true" />
      <span className="muted">{label}</span>
    </div>
  );
}

/** Screens for signed-in people: others go to the login page and come back here afterwards. */
export function RequireAuth({ children }: { children: ReactNode }) {
  const session = useSession();
  const location = useLocation();
  // Logging out from this very screen goes home; arriving signed out (or the session ending) goes
  // to the login page, which brings the person back here.
  const shownSignedIn = useRef(false);
  if (session.status === "loading") return <PageLoader />;
  if (session.status === "signedOut") {
    if (session.deliberate && shownSignedIn.current) return <Navigate to="/" replace />;
    return <Navigate to={withNext("/login", location.pathname + location.search)} replace />;
  }
  shownSignedIn.current = true;
  return children;
}

/** Login and sign-up: someone already signed in goes on to where they were headed. */
export function GuestOnly({ children }: { children: ReactNode }) {
  const session = useSession();
  const next = useNextPath();
  if (session.status === "loading") return <PageLoader />;
  if (session.status === "signedIn") return <Navigate to={next} replace />;
  return children;
}
