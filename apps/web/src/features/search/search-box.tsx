import { SEARCH_QUERY_MAX, type Suggestion } from "@chorus/contracts";
import { keepPreviousData } from "@tanstack/react-query";
import { type KeyboardEvent, type ReactNode, useEffect, useId, useRef, useState } from "react";
import { useLocation, useNavigate } from "react-router";
import { Cover } from "../../components/cover";
import { AlbumIcon, ArtistIcon, ClockIcon, CloseIcon, NoteIcon, SearchIcon } from "../../components/icons";
import { toast } from "../../components/toast";
import { useSession } from "../../lib/auth";
import { trpc } from "../../lib/trpc";
import { player } from "../player/player";
import { moveActive } from "./combobox";
import { highlight } from "./highlight";
import { readSearch, searchHref, tidy } from "./search-url";
import { useDebouncedValue } from "./use-debounced-value";

/** Long enough to skip the keystrokes of a word typed at speed, short enough to feel immediate. */
const DEBOUNCE_MS = 120;

type Option =
  | { kind: "suggestion"; suggestion: Suggestion }
  | { kind: "recent"; query: string }
  | { kind: "search"; query: string };

const KIND_LABEL: Record<Suggestion["type"], string> = { artist: "Artist", album: "Album", song: "Song" };

/**
 * The search box: suggestions as you type (an ARIA combobox: ↑/↓ move through them, Enter opens
 * the highlighted one or searches for the text, Escape closes), and, when empty, the listener's
 * recent searches. An artist or album suggestion goes there; a song plays, with its album after it.
 */
export function SearchBox({
  variant,
  autoFocus = false,
}: {
  variant: "sidebar" | "page";
  autoFocus?: boolean;
}) {
  const navigate = useNavigate();
  const location = useLocation();
  const utils = trpc.useUtils();
  const signedIn = useSession().status === "signedIn";
  const inputRef = useRef<HTMLInputElement>(null);
  const id = useId();
  const listId = `${id}-list`;
  const optionId = (i: number) => `${id}-option-${i}`;

  // The address is the state: on the results page the box shows its query; elsewhere it is empty.
  const urlQuery = location.pathname === "/search" ? readSearch(new URLSearchParams(location.search)).q : "";
  const [text, setText] = useState(urlQuery);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const [seenKey, setSeenKey] = useState(location.key);
  if (seenKey !== location.key) {
    // Derived from the navigation, during render: the new screen's first frame shows the right text.
    // Whether the list is open is left alone: the navigation renders as a transition, possibly after
    // the listener has already clicked into the box on the new screen (choosing closes it anyway).
    setSeenKey(location.key);
    setText(urlQuery);
    setActive(-1);
  }

  const q = text.trim();
  const settled = useDebouncedValue(q, DEBOUNCE_MS);
  // Cleared text shows the recent searches at once; typed text waits for a pause in the typing.
  const asked = q === "" ? "" : settled;
  // One cache entry per query: an answer that comes late fills its own entry, never the list on
  // screen, and one no longer wanted is cancelled (abortOnUnmount). Until the new answer comes, the
  // last one stays, so the list does not flicker on each keystroke.
  const suggest = trpc.search.autocomplete.useQuery(
    { q: asked },
    {
      enabled: open && asked !== "",
      placeholderData: keepPreviousData,
      staleTime: 5 * 60_000,
      trpc: { abortOnUnmount: true },
    },
  );
  // Asked again each time the box opens: the server records searches in the background.
  const recent = trpc.search.recent.useQuery(undefined, {
    enabled: open && signedIn && q === "",
    staleTime: 0,
  });

  const removeRecent = trpc.search.removeRecent.useMutation({
    onMutate: async ({ query }) => {
      await utils.search.recent.cancel();
      utils.search.recent.setData(
        undefined,
        (old) => old && { items: old.items.filter((r) => r.query !== query) },
      );
    },
    onError: () => toast("Could not remove that search. Check your connection and try again."),
    onSettled: () => void utils.search.recent.invalidate(),
  });
  const clearRecent = trpc.search.clearRecent.useMutation({
    onMutate: async () => {
      await utils.search.recent.cancel();
      utils.search.recent.setData(undefined, { items: [] });
    },
    onError: () => toast("Could not clear your recent searches. Check your connection and try again."),
    onSettled: () => void utils.search.recent.invalidate(),
  });

  const showingRecent = q === "";
  const options: Option[] = showingRecent
    ? signedIn
      ? (recent.data?.items ?? []).map((r) => ({ kind: "recent", query: r.query }))
      : []
    : [
        ...(asked ? (suggest.data?.suggestions ?? []) : []).map(
          (suggestion): Option => ({ kind: "suggestion", suggestion }),
        ),
        { kind: "search", query: q },
      ];
  const expanded = open && options.length > 0;
  const activeIndex = expanded && active < options.length ? active : -1;

  // The highlighted option stays in view when the list scrolls (a short window, a long list).
  useEffect(() => {
    if (activeIndex < 0) return;
    document.getElementById(`${id}-option-${activeIndex}`)?.scrollIntoView({ block: "nearest" });
  }, [activeIndex, id]);

  function close() {
    setOpen(false);
    setActive(-1);
  }

  function choose(option: Option) {
    close();
    switch (option.kind) {
      case "search":
      case "recent":
        // Asked again rather than answered from the cache: the server keeps a search it answers,
        // so running one again moves it to the top of the recent list.
        void utils.search.query.invalidate({ q: tidy(option.query) });
        navigate(searchHref(option.query));
        return;
      case "suggestion": {
        const { type, id: target } = option.suggestion;
        // Off to what was picked: the keys are the player's again (space plays, arrows seek).
        inputRef.current?.blur();
        if (type === "artist") navigate(`/artists/${target}`);
        else if (type === "album") navigate(`/albums/${target}`);
        else {
          setText("");
          void playSong(target);
        }
      }
    }
  }

  /** Plays a song from its album, as a click on its row there would: the album plays on after it. */
  async function playSong(songId: string) {
    try {
      const song = await utils.catalog.song.fetch({ id: songId });
      const album = song.album ? await utils.catalog.album.fetch({ id: song.album.id }) : null;
      const start = album ? album.tracks.findIndex((t) => t.id === song.id) : -1;
      if (album && start >= 0) player.playSongs(album.tracks, start, { source: `album:${album.id}` });
      else player.playSongs([song], 0, { source: `search:${q}` });
    } catch {
      toast("Could not play that song. Check your connection and try again.");
    }
  }

  function remove(query: string) {
    removeRecent.mutate({ query });
    setActive(-1);
    inputRef.current?.focus();
  }

  function onKeyDown(e: KeyboardEvent<HTMLInputElement>) {
    if (e.nativeEvent.isComposing) return;
    switch (e.key) {
      case "ArrowDown":
      case "ArrowUp": {
        e.preventDefault();
        if (!open) {
          setOpen(true);
          setActive(e.key === "ArrowDown" ? 0 : -1);
        } else {
          setActive(moveActive(activeIndex, e.key, options.length));
        }
        return;
      }
      case "Enter": {
        e.preventDefault();
        const option = options[activeIndex];
        if (option) choose(option);
        else if (q) choose({ kind: "search", query: q });
        return;
      }
      case "Escape":
        // Also keeps Chrome from emptying a search field on Escape by itself.
        e.preventDefault();
        if (expanded) close();
        else if (text) setText("");
        else inputRef.current?.blur();
        return;
      case "Delete": {
        // Delete on a highlighted recent search removes it (the × for the keyboard).
        const option = options[activeIndex];
        if (option?.kind === "recent") {
          e.preventDefault();
          remove(option.query);
        }
        return;
      }
    }
  }

  const count = options.filter((o) => o.kind !== "search").length;
  const announcement = !expanded
    ? ""
    : showingRecent
      ? `${count} recent ${count === 1 ? "search" : "searches"}`
      : count > 0
        ? `${count} ${count === 1 ? "suggestion" : "suggestions"}`
        : "";

  return (
    <search className={`search-box in-${variant}${expanded ? " expanded" : ""}`}>
      <div className="search-field">
        <SearchIcon size={18} />
        <input
          ref={inputRef}
          type="search"
          role="combobox"
          aria-label="Search"
          aria-expanded={expanded}
          aria-controls={listId}
          aria-autocomplete="list"
          aria-activedescendant={activeIndex >= 0 ? optionId(activeIndex) : undefined}
          placeholder={variant === "sidebar" ? "Search" : "Songs, artists, albums, playlists"}
          autoComplete="off"
          autoCorrect="off"
          autoCapitalize="off"
          spellCheck={false}
          enterKeyHint="search"
          // Only this much of a query is searched anyway.
          maxLength={SEARCH_QUERY_MAX}
          // biome-ignore lint/a11y/noAutofocus: the search page on a phone is there to type into
          autoFocus={autoFocus}
          data-search-box=""
          value={text}
          onChange={(e) => {
            setText(e.target.value);
            setOpen(true);
            setActive(-1);
          }}
          onFocus={() => setOpen(true)}
          onClick={() => setOpen(true)}
          onBlur={close}
          onKeyDown={onKeyDown}
        />
        {text ? (
          <button
            type="button"
            className="icon-button search-clear"
            aria-label="Clear the search box"
            onMouseDown={(e) => e.preventDefault()}
            onClick={() => {
              setText("");
              setOpen(true);
              setActive(-1);
              inputRef.current?.focus();
            }}
          >
            <CloseIcon size={16} />
          </button>
        ) : variant === "sidebar" ? (
          <kbd className="search-key" title="Press / to search from anywhere">
            /
          </kbd>
        ) : null}
      </div>
      {/* Clicks inside keep the focus in the box: the list stays open and typing goes on. */}
      {/* biome-ignore lint/a11y/noStaticElementInteractions: only keeps the focus where it is */}
      <div className="search-popup" hidden={!expanded} onMouseDown={(e) => e.preventDefault()}>
        {showingRecent ? (
          <div className="search-popup-head">
            <span>Recent searches</span>
            <button
              type="button"
              className="link-button small"
              onClick={() => {
                clearRecent.mutate();
                inputRef.current?.focus();
              }}
            >
              Clear all
            </button>
          </div>
        ) : null}
        <div
          id={listId}
          role="listbox"
          className="search-options"
          aria-label={showingRecent ? "Recent searches" : "Suggestions"}
        >
          {options.map((option, i) => (
            <OptionRow
              key={optionKey(option)}
              id={optionId(i)}
              option={option}
              query={q}
              active={i === activeIndex}
              onHover={() => setActive(i)}
              onChoose={() => choose(option)}
              onRemove={option.kind === "recent" ? () => remove(option.query) : undefined}
            />
          ))}
        </div>
      </div>
      <span className="visually-hidden" aria-live="polite">
        {announcement}
      </span>
    </search>
  );
}

function optionKey(option: Option): string {
  return option.kind === "suggestion"
    ? `${option.suggestion.type}:${option.suggestion.id}`
    : `${option.kind}:${option.query}`;
}

function OptionRow({
  id,
  option,
  query,
  active,
  onHover,
  onChoose,
  onRemove,
}: {
  id: string;
  option: Option;
  query: string;
  active: boolean;
  onHover: () => void;
  onChoose: () => void;
  onRemove: (() => void) | undefined;
}) {
  let icon: ReactNode;
  let label: string;
  let body: ReactNode;
  if (option.kind === "suggestion") {
    const { type, id: target, text, detail, imageUrl } = option.suggestion;
    // The picture when there is one (round for an artist, as everywhere); the kind's icon otherwise.
    icon = imageUrl ? (
      <Cover
        src={imageUrl}
        title={text}
        seed={target}
        size={36}
        round={type === "artist"}
        className="option-cover"
      />
    ) : type === "artist" ? (
      <ArtistIcon />
    ) : type === "album" ? (
      <AlbumIcon />
    ) : (
      <NoteIcon />
    );
    label = `${text}, ${KIND_LABEL[type].toLowerCase()}${detail ? ` by ${detail}` : ""}`;
    body = (
      <>
        <span className="option-title">
          <Marked text={text} query={query} />
        </span>
        <span className="option-detail">
          {KIND_LABEL[type]}
          {detail ? ` · ${detail}` : ""}
        </span>
      </>
    );
  } else if (option.kind === "recent") {
    icon = <ClockIcon />;
    label = option.query;
    body = <span className="option-title">{option.query}</span>;
  } else {
    icon = <SearchIcon />;
    label = `Search for “${option.query}”`;
    body = (
      <span className="option-title">
        Search for <strong>“{option.query}”</strong>
      </span>
    );
  }
  return (
    // The input keeps the focus and the keys (aria-activedescendant): options are picked with the
    // arrows and Enter there, so a click is all an option itself needs.
    // biome-ignore lint/a11y/useKeyWithClickEvents: the combobox's input handles the keys
    <div
      id={id}
      role="option"
      tabIndex={-1}
      aria-selected={active}
      aria-label={label}
      className={`search-option ${option.kind}${active ? " active" : ""}`}
      onMouseMove={active ? undefined : onHover}
      onClick={onChoose}
    >
      <span className="option-icon">{icon}</span>
      <span className="option-text">{body}</span>
      {onRemove ? (
        // Out of the tab order: the input holds the focus, and Delete removes the highlighted one.
        <button
          type="button"
          className="icon-button option-remove"
          tabIndex={-1}
          aria-label={`Remove “${label}” from recent searches`}
          onClick={(e) => {
            e.stopPropagation();
            onRemove();
          }}
        >
          <CloseIcon size={16} />
        </button>
      ) : null}
    </div>
  );
}

/** The text with the part the query matched in bold. */
function Marked({ text, query }: { text: string; query: string }) {
  return (
    <>
      {highlight(text, query).map((s, i) =>
        s.match ? (
          // biome-ignore lint/suspicious/noArrayIndexKey: segments of one string, in order
          <mark key={i}>{s.text}</mark>
        ) : (
          // biome-ignore lint/suspicious/noArrayIndexKey: segments of one string, in order
          <span key={i}>{s.text}</span>
        ),
      )}
    </>
  );
}
