import type { Participant, SessionRole } from "@chorus/contracts";
import { useState } from "react";
import { Avatar } from "../../components/avatar";
import { ConfirmDialog } from "../../components/dialog";
import { type MenuItem, MoreButton, useMenu } from "../../components/menu";
import { toast } from "../../components/toast";
import { useSession } from "../../lib/auth";
import { readError } from "../../lib/errors";
import { trpc } from "../../lib/trpc";
import { type Room, sortParticipants } from "./room";

const roleLabel: Record<SessionRole, string> = { host: "Host", dj: "DJ", listener: "Listener" };

/** Who is in the room, their roles and whether they are here now; the host's tools for each. */
export function Participants({ room }: { room: Room }) {
  const session = useSession();
  const myId = session.status === "signedIn" ? session.user.id : null;
  const people = sortParticipants(room.participants);
  const members = people.filter((p) => p.status === "member");
  const waiting = people.filter((p) => p.status === "pending");
  const online = members.filter((p) => p.online).length;
  const isHost = room.me.role === "host" && !room.ended;

  return (
    <section className="card room-people" aria-labelledby="session-people-title" data-testid="session-people">
      <div className="room-card-head">
        <h2 id="session-people-title">People</h2>
        <span className="muted small">
          {online} of {members.length} here
        </span>
      </div>
      {isHost && waiting.length > 0 ? (
        <ul className="people-list waiting" aria-label="Waiting to join">
          {waiting.map((p) => (
            <WaitingRow key={p.userId} code={room.session.code} person={p} />
          ))}
        </ul>
      ) : null}
      <ul className="people-list">
        {members.map((p) => (
          <li key={p.userId} data-testid="session-person" data-role={p.role}>
            <span className="person-avatar">
              <Avatar user={{ id: p.userId, name: p.name, avatarUrl: p.avatarUrl }} size={32} />
              <span
                className={`presence-dot${p.online ? " online" : ""}`}
                title={p.online ? "Here now" : "Away"}
              />
            </span>
            <span className="people-name">
              {p.name}
              {p.userId === myId ? <span className="muted"> (you)</span> : null}
              <span className="visually-hidden">{p.online ? ", here now" : ", away"}</span>
            </span>
            <span className={`role-badge ${p.role}`}>{roleLabel[p.role]}</span>
            {isHost && p.userId !== myId ? <PersonMenu code={room.session.code} person={p} /> : null}
          </li>
        ))}
      </ul>
    </section>
  );
}

function WaitingRow({ code, person }: { code: string; person: Participant }) {
  const approve = trpc.session.approve.useMutation();
  const deny = trpc.session.deny.useMutation();
  const busy = approve.isPending || deny.isPending;
  const onError = (err: unknown) => toast(readError(err).form ?? "That did not work. Try again.");
  return (
    <li data-testid="session-waiting">
      <Avatar user={{ id: person.userId, name: person.name, avatarUrl: person.avatarUrl }} size={32} />
      <span className="people-name">
        {person.name}
        <span className="muted small"> wants to join</span>
      </span>
      <span className="waiting-actions">
        <button
          type="button"
          className="small primary"
          disabled={busy}
          onClick={() => approve.mutate({ code, userId: person.userId }, { onError })}
        >
          Let in
        </button>
        <button
          type="button"
          className="small ghost"
          disabled={busy}
          onClick={() => deny.mutate({ code, userId: person.userId }, { onError })}
        >
          Turn away
        </button>
      </span>
    </li>
  );
}

function PersonMenu({ code, person }: { code: string; person: Participant }) {
  const setRole = trpc.session.setRole.useMutation();
  const kick = trpc.session.kick.useMutation();
  const [confirm, setConfirm] = useState<"host" | "kick" | null>(null);
  const [error, setError] = useState<string | null>(null);
  const change = (role: SessionRole) =>
    setRole.mutate(
      { code, userId: person.userId, role },
      {
        onSuccess: () => {
          setConfirm(null);
          toast(
            role === "host" ? `${person.name} is the host now` : `${person.name} is a ${roleLabel[role]} now`,
          );
        },
        onError: (err) => {
          const message = readError(err).form ?? "That did not work. Try again.";
          if (confirm) setError(message);
          else toast(message);
        },
      },
    );
  const menu = useMenu(() => {
    const items: MenuItem[] = [];
    if (person.role === "listener") items.push({ label: "Make DJ", onSelect: () => change("dj") });
    if (person.role === "dj") items.push({ label: "Make listener", onSelect: () => change("listener") });
    items.push({ label: "Make host…", onSelect: () => setConfirm("host") });
    items.push({ separator: true });
    items.push({ label: "Remove from session…", onSelect: () => setConfirm("kick") });
    return items;
  });
  return (
    <>
      <MoreButton label={`Options for ${person.name}`} menu={menu} />
      {confirm === "host" ? (
        <ConfirmDialog
          title={`Make ${person.name} the host?`}
          confirmLabel="Hand over"
          pendingLabel="Handing over…"
          pending={setRole.isPending}
          error={error}
          onClose={() => setConfirm(null)}
          onConfirm={() => change("host")}
        >
          <p>They run the session from now on; you stay on as a DJ.</p>
        </ConfirmDialog>
      ) : confirm === "kick" ? (
        <ConfirmDialog
          title={`Remove ${person.name}?`}
          confirmLabel="Remove"
          pendingLabel="Removing…"
          danger
          pending={kick.isPending}
          error={error}
          onClose={() => setConfirm(null)}
          onConfirm={() =>
            kick.mutate(
              { code, userId: person.userId },
              {
                onSuccess: () => setConfirm(null),
                onError: (err) => setError(readError(err).form ?? "That did not work. Try again."),
              },
            )
          }
        >
          <p>They leave the session at once and cannot join it again.</p>
        </ConfirmDialog>
      ) : null}
    </>
  );
}
