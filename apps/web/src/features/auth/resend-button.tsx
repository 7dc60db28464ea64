import { formatWait } from "../../components/form";
import { useCooldown } from "../../lib/use-countdown";

/** "Send a new code", disabled while the server would refuse (resendAfterSeconds). */
export function ResendButton({
  initialSeconds,
  pending,
  onResend,
}: {
  initialSeconds: number;
  pending: boolean;
  onResend: (startCooldown: (seconds: number) => void) => void;
}) {
  const [remaining, start] = useCooldown(initialSeconds);
  return (
    <p className="resend muted small">
      Didn't get it?{" "}
      <button
        type="button"
        className="link-button"
        disabled={remaining > 0 || pending}
        onClick={() => onResend(start)}
      >
        {pending
          ? "Sending…"
          : remaining > 0
            ? `Send a new code in ${formatWait(remaining)}`
            : "Send a new code"}
      </button>
    </p>
  );
}
