import { type ReactNode, useEffect, useId, useRef } from "react";
import { CloseIcon } from "./icons";

const FOCUSABLE =
  'input:not([disabled]):not([type="hidden"]), textarea:not([disabled]), select:not([disabled]), button:not([disabled]), a[href]';

/**
 * A modal dialog on the native <dialog>: showModal() puts it in the top layer and makes the page
 * behind inert (focus stays inside), Escape closes it, and focus goes back where it was after.
 * Mounted open; the parent unmounts it to close.
 */
export function Dialog({
  title,
  description,
  onClose,
  children,
  className = "",
  busy = false,
}: {
  title: string;
  description?: ReactNode;
  onClose: () => void;
  children: ReactNode;
  className?: string;
  /** While something is being saved, Escape and the backdrop do not close it. */
  busy?: boolean;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const descriptionId = useId();
  const latest = useRef({ onClose, busy });
  latest.current = { onClose, busy };

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const before = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (!dialog.open) dialog.showModal();
    // Into the dialog's first field (else its first control), past the close button in its head.
    const inside = [...dialog.querySelectorAll<HTMLElement>(FOCUSABLE)].filter(
      (el) => !el.closest(".dialog-head"),
    );
    (inside.find((el) => el.matches("input, textarea, select")) ?? inside[0])?.focus();
    const onCancel = (e: Event) => {
      e.preventDefault();
      if (!latest.current.busy) latest.current.onClose();
    };
    dialog.addEventListener("cancel", onCancel);
    return () => {
      dialog.removeEventListener("cancel", onCancel);
      if (dialog.open) dialog.close();
      // The element that opened it may be gone (a menu item): then its row's ⋯ button, if any.
      if (before?.isConnected) before.focus();
    };
  }, []);

  return (
    <dialog
      ref={ref}
      className={`dialog ${className}`}
      aria-labelledby={titleId}
      aria-describedby={description ? descriptionId : undefined}
      onClick={(e) => {
        e.stopPropagation();
        // A click on the backdrop lands on the <dialog> itself; the content sits in a box inside it.
        if (e.target === e.currentTarget && !busy) onClose();
      }}
      onContextMenu={(e) => e.stopPropagation()}
      onKeyDown={(e) => e.stopPropagation()}
    >
      <div className="dialog-box">
        <header className="dialog-head">
          <h2 id={titleId}>{title}</h2>
          <button type="button" className="icon-button" aria-label="Close" onClick={onClose} disabled={busy}>
            <CloseIcon />
          </button>
        </header>
        {description ? (
          <div id={descriptionId} className="dialog-description muted">
            {description}
          </div>
        ) : null}
        {children}
      </div>
    </dialog>
  );
}

/** "Delete this?": a question, a confirming button and a way out. */
export function ConfirmDialog({
  title,
  children,
  confirmLabel,
  pendingLabel,
  danger = false,
  pending,
  error,
  onConfirm,
  onClose,
}: {
  title: string;
  children?: ReactNode;
  confirmLabel: string;
  pendingLabel?: string;
  danger?: boolean;
  pending: boolean;
  error?: string | null;
  onConfirm: () => void;
  onClose: () => void;
}) {
  return (
    <Dialog title={title} onClose={onClose} busy={pending} className="confirm-dialog">
      {children ? <div className="dialog-body">{children}</div> : null}
      {error ? (
        <p className="form-alert" role="alert">
          {error}
        </p>
      ) : null}
      <div className="dialog-actions">
        <button type="button" className="ghost" onClick={onClose} disabled={pending}>
          Cancel
        </button>
        <button
          type="button"
          className={danger ? "danger solid" : "primary"}
          onClick={onConfirm}
          disabled={pending}
          aria-busy={pending || undefined}
        >
          {pending ? <span className="spinner" aria-hidden="true" /> : null}
          {pending && pendingLabel ? pendingLabel : confirmLabel}
        </button>
      </div>
    </Dialog>
  );
}
