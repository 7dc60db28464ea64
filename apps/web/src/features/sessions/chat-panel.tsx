import { CHAT_MESSAGE_MAX, type ChatMessage, ChatText, SESSION_REACTIONS } from "@chorus/contracts";
import { type FormEvent, useEffect, useLayoutEffect, useRef, useState } from "react";
import { useSession } from "../../lib/auth";
import { readError } from "../../lib/errors";
import { trpc } from "../../lib/trpc";
import { sessionRoomStore } from "./active-session";
import { mergeChat, type Room } from "./room";

const PAGE = 30;
/** The server takes one message a second from each person. */
const GAP_MS = 1000;

/** The room's chat: history (older pages on scrolling up), live messages, and the box to write in. */
export function ChatPanel({ room }: { room: Room }) {
  const { code } = room.session;
  const session = useSession();
  const myId = session.status === "signedIn" ? session.user.id : null;
  const history = trpc.session.chatHistory.useInfiniteQuery(
    { code, limit: PAGE },
    { getNextPageParam: (last) => last.nextCursor ?? undefined, staleTime: Number.POSITIVE_INFINITY },
  );
  const messages = mergeChat(history.data?.pages.flatMap((p) => p.items) ?? [], room.chat);
  const listRef = useRef<HTMLOListElement>(null);
  const topRef = useRef<HTMLLIElement>(null);
  const nearBottom = useRef(true);
  const keepFromBottom = useRef<number | null>(null);
  const pages = history.data?.pages.length ?? 0;

  function loadOlder() {
    if (!history.hasNextPage || history.isFetchingNextPage) return;
    const el = listRef.current;
    // Older messages go on top: the ones being read stay where they are on screen.
    if (el) keepFromBottom.current = el.scrollHeight - el.scrollTop;
    void history.fetchNextPage();
  }

  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when a page of older messages is in
  useLayoutEffect(() => {
    const el = listRef.current;
    if (!el || keepFromBottom.current === null) return;
    el.scrollTop = el.scrollHeight - keepFromBottom.current;
    keepFromBottom.current = null;
  }, [pages]);

  // A new message scrolls into view when one was reading the newest ones (or wrote it).
  const last = messages.at(-1);
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs on a new last message
  useLayoutEffect(() => {
    const el = listRef.current;
    if (!el || keepFromBottom.current !== null) return;
    if (nearBottom.current || last?.userId === myId) el.scrollTop = el.scrollHeight;
  }, [last?.id]);

  // Scrolling up to the oldest message shown asks for the page before it.
  const latestLoad = useRef(loadOlder);
  latestLoad.current = loadOlder;
  useEffect(() => {
    const el = topRef.current;
    const root = listRef.current;
    if (!el || !root || !history.hasNextPage) return;
    const io = new IntersectionObserver(
      (entries) => entries.some((e) => e.isIntersecting) && latestLoad.current(),
      {
        root,
        rootMargin: "80px 0px 0px 0px",
      },
    );
    io.observe(el);
    return () => io.disconnect();
  }, [history.hasNextPage]);

  return (
    <section className="card room-chat" aria-labelledby="session-chat-title" data-testid="session-chat">
      <div className="room-card-head">
        <h2 id="session-chat-title">Chat</h2>
      </div>
      <ol
        ref={listRef}
        className="chat-list"
        aria-live="polite"
        aria-relevant="additions"
        onScroll={(e) => {
          const el = e.currentTarget;
          nearBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 60;
        }}
      >
        {history.hasNextPage ? (
          <li ref={topRef} className="chat-older">
            <button
              type="button"
              className="link-button small"
              onClick={loadOlder}
              disabled={history.isFetchingNextPage}
            >
              {history.isFetchingNextPage ? "Loading older messages…" : "Load older messages"}
            </button>
          </li>
        ) : null}
        {history.isError ? (
          <li className="chat-note error-text" role="alert">
            Earlier messages did not load. {readError(history.error).form}{" "}
            <button type="button" className="link-button" onClick={() => void history.refetch()}>
              Try again
            </button>
          </li>
        ) : null}
        {messages.length === 0 && !history.isPending ? (
          <li className="chat-note muted">No messages yet. Say hello!</li>
        ) : null}
        {messages.map((m) => (
          <Message key={m.id} message={m} mine={m.userId === myId} />
        ))}
      </ol>
      {room.ended ? (
        <p className="chat-note muted">The session is over: the chat is closed.</p>
      ) : (
        <>
          <Reactions code={code} />
          <ChatBox code={code} />
        </>
      )}
    </section>
  );
}

function Message({ message: m, mine }: { message: ChatMessage; mine: boolean }) {
  const time = m.createdAt.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  if (m.kind === "reaction") {
    const who = mine ? "You" : (m.userName ?? "Someone");
    return (
      <li className={`chat-reaction${mine ? " mine" : ""}`} data-testid="chat-message" data-kind="reaction">
        <span className="chat-reaction-who">{who}</span>{" "}
        <span className="chat-reaction-emoji" role="img" aria-label={`reacted ${m.text}`}>
          {m.text}
        </span>{" "}
        <time dateTime={m.createdAt.toISOString()}>{time}</time>
      </li>
    );
  }
  if (m.kind === "system") {
    return (
      <li className="chat-system" data-testid="chat-message">
        {/* Text only, always: a message is never read as HTML. */}
        <span>{m.text}</span> <time dateTime={m.createdAt.toISOString()}>{time}</time>
      </li>
    );
  }
  return (
    <li className={`chat-message${mine ? " mine" : ""}`} data-testid="chat-message">
      <div className="chat-meta">
        <strong>{mine ? "You" : (m.userName ?? "Someone")}</strong>
        <time dateTime={m.createdAt.toISOString()}>{time}</time>
      </div>
      <p className="chat-text">{m.text}</p>
    </li>
  );
}

/** Shows a message (or reaction) of one's own at once; the event that follows is not shown twice. */
function showOwn(code: string, message: ChatMessage) {
  sessionRoomStore.update(code, (s) =>
    s.room && !s.room.chat.some((m) => m.id === message.id)
      ? { room: { ...s.room, chat: [...s.room.chat, message] } }
      : {},
  );
}

/** One tap to react to what is playing: one reaction a second, like messages (but apart from them). */
function Reactions({ code }: { code: string }) {
  const send = trpc.session.sendChat.useMutation();
  const [resting, setResting] = useState(false);
  useEffect(() => {
    if (!resting) return;
    const timer = setTimeout(() => setResting(false), GAP_MS);
    return () => clearTimeout(timer);
  }, [resting]);
  return (
    <fieldset className="chat-reactions">
      <legend className="visually-hidden">React to what is playing</legend>
      {SESSION_REACTIONS.map((emoji) => (
        <button
          key={emoji}
          type="button"
          className="chat-reaction-button"
          aria-label={`React with ${emoji}`}
          disabled={resting || send.isPending}
          data-testid="chat-react"
          onClick={() => {
            setResting(true);
            send.mutate(
              { code, text: emoji, kind: "reaction", clientId: crypto.randomUUID() },
              // Too fast is the only likely refusal, and the buttons rest meanwhile: nothing to say.
              { onSuccess: (message) => showOwn(code, message) },
            );
          }}
        >
          {emoji}
        </button>
      ))}
    </fieldset>
  );
}

function ChatBox({ code }: { code: string }) {
  const [text, setText] = useState("");
  const [note, setNote] = useState<string | null>(null);
  const [waitUntil, setWaitUntil] = useState(0);
  const send = trpc.session.sendChat.useMutation();
  const inputRef = useRef<HTMLInputElement>(null);

  // The "wait a moment" note goes once the second is up.
  useEffect(() => {
    if (!waitUntil) return;
    const timer = setTimeout(
      () => {
        setWaitUntil(0);
        setNote((n) => (n === WAIT ? null : n));
      },
      Math.max(0, waitUntil - Date.now()),
    );
    return () => clearTimeout(timer);
  }, [waitUntil]);

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    if (send.isPending) return;
    const parsed = ChatText.safeParse(text);
    if (!parsed.success) {
      setNote(text.trim() ? (parsed.error.issues[0]?.message ?? "Check the message") : null);
      return;
    }
    if (Date.now() < waitUntil) {
      setNote(WAIT);
      return;
    }
    setNote(null);
    send.mutate(
      { code, text: parsed.data, clientId: crypto.randomUUID() },
      {
        onSuccess: (message) => {
          setText("");
          setWaitUntil(Date.now() + GAP_MS);
          showOwn(code, message);
          inputRef.current?.focus();
        },
        onError: (err) => {
          const read = readError(err);
          if (read.code === "TOO_MANY_REQUESTS") {
            setWaitUntil(Date.now() + (read.retryAfterSeconds ?? 1) * 1000);
            setNote(WAIT);
          } else {
            setNote(read.fields.text ?? read.form ?? "The message was not sent. Try again.");
          }
        },
      },
    );
  }

  const left = CHAT_MESSAGE_MAX - text.length;
  return (
    <form className="chat-box" onSubmit={onSubmit} noValidate>
      <label className="visually-hidden" htmlFor="session-chat-input">
        Message
      </label>
      <input
        ref={inputRef}
        id="session-chat-input"
        className="chat-field"
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          if (note && note !== WAIT) setNote(null);
        }}
        maxLength={CHAT_MESSAGE_MAX}
        placeholder="Say something"
        autoComplete="off"
        aria-describedby={note ? "session-chat-note" : undefined}
        data-testid="chat-input"
      />
      <button type="submit" className="primary" disabled={send.isPending || !text.trim()}>
        Send
      </button>
      {note || left < 50 ? (
        <p
          id="session-chat-note"
          className={`chat-box-note${note && note !== WAIT ? " error-text" : " muted"}`}
          role="status"
        >
          {note ?? `${left} characters left`}
        </p>
      ) : null}
    </form>
  );
}

const WAIT = "One message a second: wait a moment, then send.";
