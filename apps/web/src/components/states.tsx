import { TRPCClientError } from "@trpc/client";
import { type ReactNode, useEffect, useRef } from "react";
import { readError } from "../lib/errors";

/** Something did not load: what happened, in words a person can act on, and a way to try again. */
export function ErrorState({
  title,
  error,
  onRetry,
}: {
  title: string;
  error: unknown;
  onRetry: () => void;
}) {
  return (
    <div className="card error state-card" role="alert">
      <strong>{title}</strong>
      <p>{readError(error).form ?? "Something went wrong."}</p>
      <button type="button" className="retry" onClick={onRetry}>
        Try again
      </button>
    </div>
  );
}

export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="card empty state-card">
      <h2>{title}</h2>
      {children}
    </div>
  );
}

/** An id that names nothing: not found, or not even a valid id (a mistyped link). */
export function isNotFound(err: unknown): boolean {
  if (!(err instanceof TRPCClientError)) return false;
  const code = (err.data as { code?: string } | undefined)?.code;
  return code === "NOT_FOUND" || code === "BAD_REQUEST";
}

/**
 * Calls `onReach` when the returned element scrolls into view: the next page of a long list.
 * `pages` re-arms it after each page, for when the end is still in view once the page is in.
 */
export function useInfiniteScroll(onReach: () => void, enabled: boolean, pages: number) {
  const ref = useRef<HTMLDivElement>(null);
  const latest = useRef(onReach);
  latest.current = onReach;
  // biome-ignore lint/correctness/useExhaustiveDependencies: `pages` re-arms the observer on purpose
  useEffect(() => {
    const el = ref.current;
    if (!el || !enabled) return;
    // A screen ahead, so the next page is there before the listener gets to the end.
    const io = new IntersectionObserver(
      (entries) => entries.some((e) => e.isIntersecting) && latest.current(),
      {
        rootMargin: "600px 0px",
      },
    );
    io.observe(el);
    return () => io.disconnect();
  }, [enabled, pages]);
  return ref;
}
