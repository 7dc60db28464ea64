import { CreateSessionInput, SESSION_NAME_MAX, SessionCode } from "@chorus/contracts";
import { type FormEvent, useRef, useState } from "react";
import { Link, useNavigate } from "react-router";
import { FormAlert, SubmitButton, TextField, useFocusFirstInvalid } from "../../components/form";
import { UsersIcon } from "../../components/icons";
import { check, type FormErrors, noErrors, readError } from "../../lib/errors";
import { trpc } from "../../lib/trpc";
import { plural } from "../format";
import { playerStore } from "../player/player";
import { Toggle } from "../playlists/playlist-form";
import { useActiveSession } from "./active-session";
import { formatCode } from "./room";
import "./sessions.css";

/** `/session`: start a session, or join one by its code. */
export function SessionsPage() {
  const active = useActiveSession();
  return (
    <section className="page sessions-page">
      <header className="page-header">
        <h1>Listen together</h1>
        <p className="muted">
          Start a session and share its code: everyone in it hears the same song at the same moment, and can
          chat along.
        </p>
      </header>
      {active && active.phase !== "error" ? (
        <div className="card session-current" data-testid="current-session">
          <span className="live-dot" aria-hidden="true" />
          <span>
            You are in session <strong className="code">{formatCode(active.code)}</strong>
            {active.room ? ` · ${active.room.session.name}` : ""}
          </span>
          <Link to={`/session/${active.code}`} className="button small primary">
            Back to the room
          </Link>
        </div>
      ) : null}
      <div className="session-start-grid">
        <CreateSessionCard />
        <JoinSessionCard />
      </div>
      <MySessions />
    </section>
  );
}

function CreateSessionCard() {
  const navigate = useNavigate();
  const formRef = useRef<HTMLFormElement>(null);
  const [name, setName] = useState("");
  const [isPrivate, setPrivate] = useState(false);
  // Songs the listener has queued: the session can start with them.
  const [queued] = useState(() => playerStore.get().queue.entries.map((e) => e.songId));
  const [withQueue, setWithQueue] = useState(false);
  const [errors, setErrors] = useState<FormErrors>(noErrors);
  const create = trpc.session.create.useMutation();
  useFocusFirstInvalid(formRef, errors);

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    const checked = check(CreateSessionInput, {
      name: name.trim() || undefined,
      isPrivate,
      songIds: withQueue && queued.length ? [...new Set(queued)].slice(0, 500) : undefined,
    });
    if (checked.errors) return setErrors(checked.errors);
    setErrors(noErrors);
    create.mutate(checked.data, {
      onSuccess: (created) => navigate(`/session/${created.session.code}`),
      onError: (err) => setErrors(readError(err)),
    });
  }

  return (
    <form ref={formRef} className="card form session-card" onSubmit={onSubmit} noValidate>
      <h2>Start a session</h2>
      <FormAlert errors={errors} />
      <TextField
        label="Name"
        value={name}
        onChange={setName}
        error={errors.fields.name}
        maxLength={SESSION_NAME_MAX + 20}
        placeholder="Friday night"
        autoComplete="off"
        hint="Optional: people see it when they join."
        data-testid="session-name"
      />
      <Toggle
        label="Private"
        description="People who join wait until you let them in."
        checked={isPrivate}
        onChange={setPrivate}
      />
      {queued.length > 0 ? (
        <Toggle
          label="Start with my queue"
          description={`The ${plural(queued.length, "song")} in your queue become the session's queue.`}
          checked={withQueue}
          onChange={setWithQueue}
        />
      ) : null}
      <SubmitButton pending={create.isPending} pendingLabel="Starting…">
        Start session
      </SubmitButton>
    </form>
  );
}

function JoinSessionCard() {
  const navigate = useNavigate();
  const formRef = useRef<HTMLFormElement>(null);
  const [code, setCode] = useState("");
  const [errors, setErrors] = useState<FormErrors>(noErrors);
  useFocusFirstInvalid(formRef, errors);

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    const parsed = SessionCode.safeParse(code);
    if (!parsed.success) {
      setErrors({ ...noErrors, fields: { code: parsed.error.issues[0]?.message ?? "Check the code" } });
      return;
    }
    setErrors(noErrors);
    navigate(`/session/${parsed.data}`);
  }

  return (
    <form ref={formRef} className="card form session-card" onSubmit={onSubmit} noValidate>
      <h2>Join with a code</h2>
      <TextField
        label="Session code"
        value={code}
        onChange={(v) => setCode(v.toUpperCase())}
        error={errors.fields.code}
        placeholder="K7M-Q2X"
        autoComplete="off"
        autoCapitalize="characters"
        spellCheck={false}
        maxLength={16}
        className="code-field"
        hint="Six letters and digits; dashes and spaces do not matter."
        data-testid="join-code"
      />
      <button type="submit" className="primary">
        Join
      </button>
    </form>
  );
}

/** Sessions one is in (or asked to join), to go back to. */
function MySessions() {
  const mine = trpc.session.mine.useQuery(undefined, { refetchOnMount: "always" });
  if (!mine.data?.length) return null;
  return (
    <section className="shelf">
      <div className="shelf-head">
        <h2>Your sessions</h2>
      </div>
      <ul className="my-sessions">
        {mine.data.map((s) => (
          <li key={s.id}>
            <Link to={`/session/${s.code}`} className="my-session">
              <UsersIcon size={18} />
              <span className="my-session-name">{s.name}</span>
              <span className="muted small">
                {formatCode(s.code)} · {s.status === "pending" ? "waiting to be let in" : s.role} ·{" "}
                {plural(s.memberCount, "person", "people")}
              </span>
            </Link>
          </li>
        ))}
      </ul>
    </section>
  );
}
