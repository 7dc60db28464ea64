import { SessionCode } from "@chorus/contracts";
import { useEffect, useState } from "react";
import { Link, Navigate, useNavigate, useParams } from "react-router";
import { ConfirmDialog } from "../../components/dialog";
import { CheckIcon, LockIcon } from "../../components/icons";
import { toast } from "../../components/toast";
import { useSession } from "../../lib/auth";
import { readError } from "../../lib/errors";
import { trpc } from "../../lib/trpc";
import { PageLoader } from "../auth/gates";
import { type ActiveSession, sessionRoomStore, useActiveSession } from "./active-session";
import { ChatPanel } from "./chat-panel";
import { NowPlaying } from "./now-playing";
import { Participants } from "./participants";
import { formatCode, type Room } from "./room";
import { SessionQueue } from "./session-queue";
import "./sessions.css";

/** `/session/:code`: joins the session on open (a shared link lands here) and shows the room. */
export function SessionRoomPage() {
  const { code: raw = "" } = useParams();
  const parsed = SessionCode.safeParse(raw);
  const code = parsed.success ? parsed.data : null;
  const active = useActiveSession();
  const session = useSession();
  const userId = session.status === "signedIn" ? session.user.id : null;

  useEffect(() => {
    if (code && userId) sessionRoomStore.open(code, userId);
  }, [code, userId]);

  if (!code) {
    return (
      <RoomMessage title="That is not a session code">
        <p>{parsed.error?.issues[0]?.message ?? "Check the link."}</p>
      </RoomMessage>
    );
  }
  // "k7m-q2x" from a link typed by hand: the address shows the code as it is.
  if (raw !== code) return <Navigate to={`/session/${code}`} replace />;
  if (!active || active.code !== code || active.phase === "joining") {
    return <PageLoader label="Joining the session…" />;
  }
  if (active.phase === "error") {
    return (
      <RoomMessage title="Could not join this session">
        <p role="alert">{active.error}</p>
      </RoomMessage>
    );
  }
  if (active.phase === "pending" || !active.room) {
    return (
      <RoomMessage title="Waiting for the host" busy>
        <p>
          Session <strong className="code">{formatCode(code)}</strong> is private: you are in as soon as the
          host lets you in.
        </p>
        <CancelRequest code={code} />
      </RoomMessage>
    );
  }
  return <RoomView active={active} room={active.room} />;
}

function RoomMessage({
  title,
  busy,
  children,
}: {
  title: string;
  busy?: boolean;
  children: React.ReactNode;
}) {
  return (
    <section className="page sessions-page">
      <div className="card room-message" aria-busy={busy || undefined}>
        <h1>
          {busy ? <span className="spinner" aria-hidden="true" /> : null}
          {title}
        </h1>
        {children}
        {busy ? null : (
          <Link to="/session" className="button" onClick={() => sessionRoomStore.close()}>
            Back to Listen together
          </Link>
        )}
      </div>
    </section>
  );
}

/** Stops waiting for a private session's host: the request is withdrawn. */
function CancelRequest({ code }: { code: string }) {
  const navigate = useNavigate();
  const leave = trpc.session.leave.useMutation();
  return (
    <button
      type="button"
      disabled={leave.isPending}
      onClick={async () => {
        // Withdrawn if it can be; either way this tab stops asking.
        await leave.mutateAsync({ code }).catch(() => null);
        sessionRoomStore.close(code);
        navigate("/session");
      }}
    >
      Cancel
    </button>
  );
}

function RoomView({ active, room }: { active: ActiveSession; room: Room }) {
  const { session } = room;
  return (
    <section className="page wide-page room-page" data-testid="session-room">
      <header className="room-header">
        <div className="room-title">
          <h1>{session.name}</h1>
          <div className="room-meta">
            <CodeChip code={session.code} />
            {session.isPrivate ? (
              <span className="badge" title="People wait until the host lets them in">
                <LockIcon size={14} /> Private
              </span>
            ) : null}
            <LiveStatus live={active.live} ended={room.ended !== null} />
          </div>
        </div>
        <div className="room-actions">
          {room.me.role === "host" && !room.ended ? <EndButton code={session.code} /> : null}
          {room.ended ? null : <LeaveButton code={session.code} />}
        </div>
      </header>
      {room.ended ? <EndedCard room={room} /> : null}
      <div className="room-grid">
        {room.ended ? null : (
          <div className="room-main">
            <NowPlaying active={active} room={room} />
            <SessionQueue room={room} />
          </div>
        )}
        <div className="room-side">
          <Participants room={room} />
          <ChatPanel room={room} />
        </div>
      </div>
    </section>
  );
}

function CodeChip({ code }: { code: string }) {
  const [copied, setCopied] = useState(false);
  const link = `${location.origin}/session/${code}`;
  async function copy() {
    try {
      await navigator.clipboard.writeText(link);
      setCopied(true);
      setTimeout(() => setCopied(false), 2000);
    } catch {
      // No clipboard (an http:// address, or permission refused): show the link to copy by hand.
      toast(`Share this link: ${link}`, 8000);
    }
  }
  return (
    <span className="code-chip">
      <span className="visually-hidden">Code </span>
      <strong className="code" data-testid="session-code" data-code={code}>
        {formatCode(code)}
      </strong>
      <button type="button" className="small" onClick={() => void copy()} aria-live="polite">
        {copied ? (
          <>
            <CheckIcon size={14} /> Copied
          </>
        ) : (
          "Copy link"
        )}
      </button>
    </span>
  );
}

function LiveStatus({ live, ended }: { live: boolean; ended: boolean }) {
  if (ended) return null;
  return (
    <span className={`connection ${live ? "open" : "closed"}`} role="status" data-testid="session-live">
      <span className="dot" aria-hidden="true" />
      {live ? "Live" : "Reconnecting…"}
    </span>
  );
}

const endedText: Record<NonNullable<Room["ended"]>, string> = {
  host: "The host ended this session.",
  expired: "This session ended after a long quiet spell.",
  kicked: "The host removed you from this session.",
  left: "You left this session.",
};

function EndedCard({ room }: { room: Room }) {
  const navigate = useNavigate();
  return (
    <div className="card room-ended" role="status" data-testid="session-ended">
      <div>
        <strong>Session over</strong>
        <p className="muted">{endedText[room.ended ?? "host"]} The music here has stopped.</p>
      </div>
      <button
        type="button"
        className="primary"
        onClick={() => {
          sessionRoomStore.close(room.session.code);
          navigate("/session");
        }}
      >
        Back to Listen together
      </button>
    </div>
  );
}

function LeaveButton({ code }: { code: string }) {
  const navigate = useNavigate();
  const leave = trpc.session.leave.useMutation();
  return (
    <button
      type="button"
      disabled={leave.isPending}
      data-testid="leave-session"
      onClick={async () => {
        // Awaited rather than a callback: our own "left" event can close the room (and this button)
        // before the answer comes back.
        try {
          await leave.mutateAsync({ code });
          sessionRoomStore.close(code);
          navigate("/session");
        } catch (err) {
          toast(`Could not leave the session. ${readError(err).form ?? ""}`.trim());
        }
      }}
    >
      {leave.isPending ? "Leaving…" : "Leave"}
    </button>
  );
}

function EndButton({ code }: { code: string }) {
  const [asking, setAsking] = useState(false);
  const end = trpc.session.end.useMutation();
  const [error, setError] = useState<string | null>(null);
  return (
    <>
      <button type="button" className="ghost" onClick={() => setAsking(true)}>
        End session
      </button>
      {asking ? (
        <ConfirmDialog
          title="End the session for everyone?"
          confirmLabel="End session"
          pendingLabel="Ending…"
          danger
          pending={end.isPending}
          error={error}
          onClose={() => setAsking(false)}
          onConfirm={() =>
            end.mutate(
              { code },
              {
                onSuccess: () => {
                  setAsking(false);
                  sessionRoomStore.update(code, (s) =>
                    s.room ? { room: { ...s.room, ended: "host" } } : {},
                  );
                },
                onError: (err) => setError(readError(err).form ?? "Could not end the session."),
              },
            )
          }
        >
          <p>The music stops for everyone and nobody can join any more. The chat stays readable.</p>
        </ConfirmDialog>
      ) : null}
    </>
  );
}
