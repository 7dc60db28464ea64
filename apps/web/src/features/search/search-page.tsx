import { SEARCH_LIMIT_MAX, type SearchResult, type SearchType, type Song } from "@chorus/contracts";
import { type ReactNode, useMemo } from "react";
import { Link, useSearchParams } from "react-router";
import { displayName } from "../../components/avatar";
import { Cover } from "../../components/cover";
import { PauseIcon, PlayIcon } from "../../components/icons";
import { EmptyState, ErrorState } from "../../components/states";
import { trpc } from "../../lib/trpc";
import { plural } from "../format";
import { AlbumCard, ArtistCard, TileGrid, TileSkeletons, usePlayFromCard } from "../library/cards";
import { ArtistLinks, SongList, SongListSkeleton } from "../library/song-list";
import { PlaylistCard } from "../playlists/playlist-card";
import { PlaylistCover } from "../playlists/playlist-cover";
import { playlistInput } from "../playlists/use-playlist";
import { SearchBox } from "./search-box";
import { RESULT_TYPES, readSearch, searchHref } from "./search-url";
import { pickTopResult, type TopResult } from "./top-result";

/** Per kind on the page of all results; "Show all" asks for SEARCH_LIMIT_MAX of one kind. */
const ALL_LIMIT = 10;
/** Songs beside the top result. */
const SONGS_FIRST = 4;

const TYPE_LABEL: Record<SearchType, string> = {
  songs: "Songs",
  artists: "Artists",
  albums: "Albums",
  playlists: "Playlists",
};

/** `/search?q=…[&type=songs]`: everything found for a query, or all of one kind. */
export function SearchPage() {
  const [params] = useSearchParams();
  const { q, type } = readSearch(params);
  return (
    <section className="page wide-page search-page">
      {/* On a phone the sidebar's box is folded away: the page has its own. */}
      <div className="search-page-box">
        <SearchBox variant="page" autoFocus={q === ""} />
      </div>
      {q ? <Results q={q} type={type} /> : <SearchStart />}
    </section>
  );
}

function SearchStart() {
  return (
    <>
      <header className="page-header">
        <h1>Search</h1>
        <p className="muted">Find songs, artists, albums and playlists on this server.</p>
      </header>
      <p className="muted search-tip">
        Type a few letters of a name: a typo or a missing accent is fine.
        <span className="keyboard-tip">
          {" "}
          Press <kbd>/</kbd> to search from any screen.
        </span>
      </p>
    </>
  );
}

function Results({ q, type }: { q: string; type: SearchType | null }) {
  // Back and forward answer from the cache; the box asks again when a search is run (search-box.tsx).
  const search = trpc.search.query.useQuery(
    type ? { q, types: [type], limit: SEARCH_LIMIT_MAX } : { q, limit: ALL_LIMIT },
    { staleTime: 60_000 },
  );

  return (
    <>
      <header className="page-header search-head">
        <h1>{type ? `${TYPE_LABEL[type]} for “${q}”` : `Results for “${q}”`}</h1>
      </header>
      <nav className="search-kinds" aria-label="Kinds of results">
        <KindLink q={q} type={null} current={type === null}>
          All
        </KindLink>
        {RESULT_TYPES.map((t) => (
          <KindLink key={t} q={q} type={t} current={type === t}>
            {TYPE_LABEL[t]}
          </KindLink>
        ))}
      </nav>
      {search.isPending ? (
        <ResultsSkeleton type={type} />
      ) : search.isError ? (
        <ErrorState
          title="The search did not work."
          error={search.error}
          onRetry={() => void search.refetch()}
        />
      ) : type ? (
        <KindResults q={q} type={type} data={search.data} />
      ) : (
        <AllResults q={q} data={search.data} />
      )}
    </>
  );
}

function KindLink({
  q,
  type,
  current,
  children,
}: {
  q: string;
  type: SearchType | null;
  current: boolean;
  children: ReactNode;
}) {
  return (
    <Link
      to={searchHref(q, type)}
      className="button small search-kind"
      aria-current={current ? "page" : undefined}
    >
      {children}
    </Link>
  );
}

function NoResults({ q, type }: { q: string; type: SearchType | null }) {
  return (
    <EmptyState title={type ? `No ${TYPE_LABEL[type].toLowerCase()} for “${q}”` : `No results for “${q}”`}>
      <p>Check the spelling or try fewer words.</p>
      {type ? (
        <p>
          <Link to={searchHref(q)}>See all results</Link>
        </p>
      ) : null}
    </EmptyState>
  );
}

function AllResults({ q, data }: { q: string; data: SearchResult }) {
  const top = useMemo(() => pickTopResult(q, data), [q, data]);
  if (!top) return <NoResults q={q} type={null} />;
  const { songs, artists, albums, playlists } = data;
  return (
    <div className="search-results">
      <div className="search-top">
        <section className="shelf top-shelf">
          <div className="shelf-head">
            <h2>Top result</h2>
          </div>
          <TopResultCard top={top} songs={songs} q={q} />
        </section>
        {songs.length ? (
          <section className="shelf search-songs">
            <ShelfHead title="Songs" q={q} type="songs" more={songs.length > SONGS_FIRST} />
            <SongList
              songs={songs.slice(0, SONGS_FIRST)}
              context={songs}
              variant="list"
              source={`search:${q}`}
              label={`Songs for “${q}”`}
            />
          </section>
        ) : null}
      </div>
      {artists.length ? (
        <TileShelf title="Artists" q={q} type="artists" count={artists.length}>
          {artists.map((a) => (
            <ArtistCard key={a.id} artist={a} />
          ))}
        </TileShelf>
      ) : null}
      {albums.length ? (
        <TileShelf title="Albums" q={q} type="albums" count={albums.length}>
          {albums.map((a) => (
            <AlbumCard key={a.id} album={a} />
          ))}
        </TileShelf>
      ) : null}
      {playlists.length ? (
        <TileShelf title="Playlists" q={q} type="playlists" count={playlists.length}>
          {playlists.map((p) => (
            <PlaylistCard key={p.id} playlist={p} />
          ))}
        </TileShelf>
      ) : null}
    </div>
  );
}

function ShelfHead({ title, q, type, more }: { title: string; q: string; type: SearchType; more: boolean }) {
  return (
    <div className="shelf-head">
      <h2>{title}</h2>
      {more ? (
        <Link to={searchHref(q, type)} className="small" aria-label={`Show all ${title.toLowerCase()}`}>
          Show all
        </Link>
      ) : null}
    </div>
  );
}

/** A row of tiles; "Show all" when the row is full (there may be more than it asked for). */
function TileShelf({
  title,
  q,
  type,
  count,
  children,
}: {
  title: string;
  q: string;
  type: SearchType;
  count: number;
  children: ReactNode;
}) {
  return (
    <section className="shelf" data-testid={`search-${type}`}>
      <ShelfHead title={title} q={q} type={type} more={count >= ALL_LIMIT} />
      <div className="shelf-row">{children}</div>
    </section>
  );
}

function KindResults({ q, type, data }: { q: string; type: SearchType; data: SearchResult }) {
  const count = data[type].length;
  if (count === 0) return <NoResults q={q} type={type} />;
  const label = `${TYPE_LABEL[type]} for “${q}”`;
  return (
    <div className="search-results">
      {type === "songs" ? (
        <SongList songs={data.songs} variant="list" source={`search:${q}`} label={label} />
      ) : (
        <TileGrid label={label}>
          {type === "artists"
            ? data.artists.map((a) => <ArtistCard key={a.id} artist={a} />)
            : type === "albums"
              ? data.albums.map((a) => <AlbumCard key={a.id} album={a} />)
              : data.playlists.map((p) => <PlaylistCard key={p.id} playlist={p} />)}
        </TileGrid>
      )}
      {count >= SEARCH_LIMIT_MAX ? (
        <p className="muted small search-more-note">
          The best {SEARCH_LIMIT_MAX}. Add a word to narrow the search.
        </p>
      ) : null}
    </div>
  );
}

/** The one result that answers the query best, large, with a play button. */
function TopResultCard({ top, songs, q }: { top: TopResult; songs: readonly Song[]; q: string }) {
  const utils = trpc.useUtils();
  const card = describe(top, songs, q);
  const play = usePlayFromCard(card.source, () => card.load(utils));
  return (
    <article className={`top-result${play.active ? " active" : ""}`} data-testid="top-result">
      <div className={`top-art${top.type === "artist" ? " round" : ""}`}>{card.art}</div>
      {card.to ? (
        <Link className="top-title" to={card.to} title={card.name}>
          {card.name}
        </Link>
      ) : (
        <span className="top-title" title={card.name}>
          {card.name}
        </span>
      )}
      <div className="top-sub">
        <span className="badge">{card.kind}</span>
        {card.sub ? <span className="top-sub-text">{card.sub}</span> : null}
      </div>
      <button
        type="button"
        className={`tile-play top-play${play.playing ? " playing" : ""}`}
        aria-label={`${play.playing ? "Pause" : "Play"} ${card.name}`}
        aria-busy={play.pending || undefined}
        onClick={() => void play.start()}
      >
        {play.pending ? (
          <span className="spinner" aria-hidden="true" />
        ) : play.playing ? (
          <PauseIcon size={22} />
        ) : (
          <PlayIcon size={22} />
        )}
      </button>
    </article>
  );
}

type Utils = ReturnType<typeof trpc.useUtils>;

interface CardInfo {
  name: string;
  kind: string;
  to: string | null;
  sub: ReactNode;
  art: ReactNode;
  /** What the play button plays, as the same kind of card elsewhere would. */
  source: string;
  load: (utils: Utils) => Promise<readonly Song[]>;
}

function describe(top: TopResult, songs: readonly Song[], q: string): CardInfo {
  switch (top.type) {
    case "artist": {
      const { artist } = top;
      return {
        name: artist.name,
        kind: "Artist",
        to: `/artists/${artist.id}`,
        sub: artist.albumCount ? plural(artist.albumCount, "album") : plural(artist.songCount, "song"),
        art: <Cover src={artist.imageUrl} title={artist.name} seed={artist.id} round className="top-cover" />,
        source: `artist:${artist.id}`,
        load: async (utils) => (await utils.catalog.artist.fetch({ id: artist.id })).topSongs,
      };
    }
    case "album": {
      const { album } = top;
      return {
        name: album.title,
        kind: "Album",
        to: `/albums/${album.id}`,
        sub: album.artist ? (
          <Link to={`/artists/${album.artist.id}`} className="top-sub-link">
            {album.artist.name}
          </Link>
        ) : (
          "Various artists"
        ),
        art: <Cover src={album.coverUrl} title={album.title} seed={album.id} className="top-cover" />,
        source: `album:${album.id}`,
        load: async (utils) => (await utils.catalog.album.fetch({ id: album.id })).tracks,
      };
    }
    case "song": {
      const { song } = top;
      // The songs found, from this one: the list beside it plays on after it.
      const at = Math.max(0, songs.indexOf(song));
      return {
        name: song.title,
        kind: "Song",
        to: song.album ? `/albums/${song.album.id}` : null,
        sub: <ArtistLinks artists={song.artists} />,
        art: (
          <Cover
            src={song.coverUrl ?? song.album?.coverUrl}
            title={song.title}
            seed={song.album?.id ?? song.id}
            className="top-cover"
          />
        ),
        source: `search:${q}`,
        load: async () => (songs.length ? songs.slice(at) : [song]),
      };
    }
    case "playlist": {
      const { playlist } = top;
      return {
        name: playlist.name,
        kind: "Playlist",
        to: `/playlists/${playlist.id}`,
        sub: `By ${displayName(playlist.owner)} · ${plural(playlist.songCount, "song")}`,
        art: (
          <PlaylistCover
            covers={playlist.covers}
            name={playlist.name}
            seed={playlist.id}
            className="top-cover"
          />
        ),
        source: `playlist:${playlist.id}`,
        load: async (utils) =>
          (await utils.client.playlist.get.query(playlistInput(playlist.id))).items.map((i) => i.song),
      };
    }
  }
}

function ResultsSkeleton({ type }: { type: SearchType | null }) {
  if (type === "songs") return <SongListSkeleton rows={8} variant="list" />;
  if (type) {
    return (
      <div className="tile-grid" aria-hidden="true">
        <TileSkeletons count={8} round={type === "artists"} />
      </div>
    );
  }
  return (
    <div className="search-results" aria-busy="true" data-testid="search-loading">
      <div className="search-top">
        <section className="shelf top-shelf" aria-hidden="true">
          <div className="shelf-head">
            <span className="shimmer" style={{ width: 110, height: 18 }} />
          </div>
          <div className="top-result skeleton-top">
            <span className="top-art shimmer" />
            <span className="shimmer" style={{ width: "60%", height: 26 }} />
            <span className="shimmer" style={{ width: "35%", height: 14 }} />
          </div>
        </section>
        <section className="shelf search-songs" aria-hidden="true">
          <div className="shelf-head">
            <span className="shimmer" style={{ width: 70, height: 18 }} />
          </div>
          <SongListSkeleton rows={SONGS_FIRST} variant="list" />
        </section>
      </div>
      <section className="shelf" aria-hidden="true">
        <div className="shelf-head">
          <span className="shimmer" style={{ width: 80, height: 18 }} />
        </div>
        <div className="shelf-row">
          <TileSkeletons count={6} round />
        </div>
      </section>
    </div>
  );
}
