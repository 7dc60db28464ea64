import { getOrSet, keys, TTL, tags } from "@chorus/cache";
import type {
  PopularInput,
  PopularList,
  Recommendation,
  RecommendationList,
  RecommendationsInput,
} from "@chorus/contracts";
import { refreshPopularSongs } from "@chorus/db";
import { sql } from "kysely";
import type { Context } from "../../context.js";
import type { ProtectedContext } from "../../trpc.js";
import { catalogKey, loadSongs } from "../catalog/catalog.service.js";

export const POPULAR_WINDOW_DAYS = 30;
/** How far back recommendations look at listening history. */
const HISTORY_DAYS = 90;
/** Songs played this recently are not recommended again. */
const JUST_HEARD_DAYS = 7;

// ---------- popular ----------

/**
 * Most played over 30 days, from the `popular_songs` materialized view. Before anyone has played
 * anything (a new server), the catalog's lifetime play counts and newest songs stand in.
 */
export async function popular(ctx: Context, input: PopularInput): Promise<PopularList> {
  const limit = input.limit ?? 20;
  const ranked = await getOrSet(
    ctx.cache,
    await catalogKey(ctx, keys.popular(`${POPULAR_WINDOW_DAYS}d`, limit)),
    TTL.popular,
    async (): Promise<Omit<PopularList, "windowDays">> => {
      const [rows, refreshed] = await Promise.all([
        ctx.db
          .selectFrom("popular_songs")
          .select(["song_id", "plays", "listeners"])
          .orderBy("plays", "desc")
          .orderBy("listeners", "desc")
          .orderBy("song_id")
          .limit(limit)
          .execute(),
        ctx.db
          .selectFrom("view_refreshes")
          .select("refreshed_at")
          .where("name", "=", "popular_songs")
          .executeTakeFirst(),
      ]);
      let ranked = rows.map((r) => ({ id: r.song_id, plays: r.plays, listeners: r.listeners }));
      if (ranked.length < limit) {
        const fill = await ctx.db
          .selectFrom("songs")
          .select(["id", "play_count"])
          .where(
            "id",
            "not in",
            ranked.length ? ranked.map((r) => r.id) : ["00000000-0000-0000-0000-000000000000"],
          )
          .orderBy("play_count", "desc")
          .orderBy("created_at", "desc")
          .orderBy("id")
          .limit(limit - ranked.length)
          .execute();
        ranked = [...ranked, ...fill.map((f) => ({ id: f.id, plays: 0, listeners: 0 }))];
      }
      const songs = await loadSongs(
        ctx,
        ranked.map((r) => r.id),
      );
      return {
        items: ranked.flatMap((r) => {
          const song = songs.get(r.id);
          return song ? [{ song, plays: r.plays, listeners: r.listeners }] : [];
        }),
        refreshedAt: refreshed?.refreshed_at ?? new Date(0),
      };
    },
    { tags: [tags.popular()] },
  );
  return { ...ranked, windowDays: POPULAR_WINDOW_DAYS };
}

/** Recomputes the popular view (readers keep answering meanwhile) and retires cached answers. */
export async function refreshPopular(ctx: Pick<Context, "db" | "cache">, minAgeMs = 0) {
  const result = await refreshPopularSongs(ctx.db, minAgeMs);
  if (result.refreshed) await ctx.cache.invalidateTags(tags.popular());
  return result;
}

// ---------- recommendations ----------

interface Candidate {
  songId: string;
  score: number;
  kind: Recommendation["kind"];
  because: Recommendation["because"];
}

/**
 * Item-to-item co-occurrence: songs that listeners of the user's recent songs also played, scored
 * by cosine similarity (co-listeners / √(listeners of each)), weighted by how often the user played
 * the seed. The seed that contributes most becomes the reason.
 */
async function similarToHistory(ctx: ProtectedContext, limit: number): Promise<Candidate[]> {
  const { rows } = await sql<{ song_id: string; score: number; seed_id: string; seed_title: string }>`
    with window_plays as (
      select user_id, song_id from plays
      where not skipped and played_at > now() - make_interval(days => ${HISTORY_DAYS})
    ),
    seeds as (
      select song_id, count(*)::float8 as weight from plays
      where user_id = ${ctx.user.id} and not skipped and played_at > now() - make_interval(days => ${HISTORY_DAYS})
      group by song_id order by max(played_at) desc limit 30
    ),
    heard as (
      select distinct song_id from plays
      where user_id = ${ctx.user.id} and played_at > now() - make_interval(days => ${JUST_HEARD_DAYS})
    ),
    listeners as (
      select song_id, count(distinct user_id)::float8 as n from window_plays group by song_id
    ),
    co as (
      select s.song_id as seed_id, o.song_id, count(distinct o.user_id)::float8 as together
      from seeds s
      join window_plays l on l.song_id = s.song_id and l.user_id <> ${ctx.user.id}
      join window_plays o on o.user_id = l.user_id and o.song_id <> s.song_id
      where o.song_id not in (select song_id from seeds) and o.song_id not in (select song_id from heard)
      group by s.song_id, o.song_id
    ),
    scored as (
      select co.song_id, co.seed_id,
        s.weight * co.together / sqrt(ls.n * lo.n) as score
      from co
      join seeds s on s.song_id = co.seed_id
      join listeners ls on ls.song_id = co.seed_id
      join listeners lo on lo.song_id = co.song_id
    )
    select sc.song_id, sum(sc.score) as score,
      (array_agg(sc.seed_id order by sc.score desc))[1] as seed_id,
      (select title from songs where id = (array_agg(sc.seed_id order by sc.score desc))[1]) as seed_title
    from scored sc
    group by sc.song_id
    order by score desc, sc.song_id
    limit ${limit}`.execute(ctx.db);
  return rows.map((r) => ({
    songId: r.song_id,
    score: Number(r.score),
    kind: "similar-listeners",
    because: { type: "song", id: r.seed_id, name: r.seed_title },
  }));
}

/** Songs by the artists of what the user liked, not liked or just heard, most played first. */
async function fromLikedArtists(ctx: ProtectedContext, limit: number): Promise<Candidate[]> {
  const { rows } = await sql<{ song_id: string; artist_id: string; artist_name: string; score: number }>`
    with liked_artists as (
      select artist_id, sum(w)::float8 as weight from (
        select sa.artist_id, 1.0 as w from song_likes l join song_artists sa on sa.song_id = l.song_id
        where l.user_id = ${ctx.user.id}
        union all
        select a.artist_id, 2.0 as w from album_likes l join albums a on a.id = l.album_id
        where l.user_id = ${ctx.user.id} and a.artist_id is not null
      ) x group by artist_id
    ),
    excluded as (
      select song_id from song_likes where user_id = ${ctx.user.id}
      union
      select song_id from plays
      where user_id = ${ctx.user.id} and played_at > now() - make_interval(days => ${JUST_HEARD_DAYS})
    ),
    ranked as (
      select distinct on (s.id) s.id as song_id, la.artist_id, ar.name as artist_name,
        la.weight * (1 + ln(1 + s.play_count)) as score
      from liked_artists la
      join song_artists sa on sa.artist_id = la.artist_id
      join songs s on s.id = sa.song_id
      join artists ar on ar.id = la.artist_id
      where s.id not in (select song_id from excluded)
      order by s.id, la.weight desc
    )
    select * from ranked order by score desc, song_id limit ${limit}`.execute(ctx.db);
  return rows.map((r) => ({
    songId: r.song_id,
    score: Number(r.score),
    kind: "liked-artist",
    because: { type: "artist", id: r.artist_id, name: r.artist_name },
  }));
}

function reasonFor(c: Candidate): string {
  if (c.kind === "similar-listeners") return `Because you played ${c.because?.name ?? "similar songs"}`;
  if (c.kind === "liked-artist") return `Because you like ${c.because?.name ?? "this artist"}`;
  return "Popular on this server";
}

/**
 * Songs for this user, each with a reason: mostly from listeners with a similar history, mixed
 * with their liked artists (two of one, then one of the other), topped up with popular songs,
 * which is all a new user gets.
 */
export async function recommendations(
  ctx: ProtectedContext,
  input: RecommendationsInput,
): Promise<RecommendationList> {
  const limit = input.limit ?? 20;
  const items = await getOrSet(
    ctx.cache,
    await catalogKey(ctx, keys.recommendations(ctx.user.id, limit)),
    TTL.recommendations,
    async () => {
      const [similar, artists] = await Promise.all([
        similarToHistory(ctx, limit),
        fromLikedArtists(ctx, limit),
      ]);
      const chosen: Candidate[] = [];
      const seen = new Set<string>();
      const take = (c: Candidate | undefined) => {
        if (c && !seen.has(c.songId) && chosen.length < limit) {
          seen.add(c.songId);
          chosen.push(c);
        }
      };
      for (let i = 0; chosen.length < limit && (i < similar.length || i / 2 < artists.length); i += 2) {
        take(similar[i]);
        take(similar[i + 1]);
        take(artists[i / 2]);
      }
      if (chosen.length < limit) {
        const recent = await ctx.db
          .selectFrom("plays")
          .select("song_id")
          .where("user_id", "=", ctx.user.id)
          .where("played_at", ">", new Date(Date.now() - JUST_HEARD_DAYS * 86_400_000))
          .execute();
        for (const r of recent) seen.add(r.song_id);
        const top = await popular(ctx, { limit: 100 });
        for (const p of top.items) {
          take({ songId: p.song.id, score: p.plays, kind: "popular", because: null });
        }
      }
      const songs = await loadSongs(
        ctx,
        chosen.map((c) => c.songId),
      );
      return chosen.flatMap((c) => {
        const song = songs.get(c.songId);
        return song ? [{ song, reason: reasonFor(c), kind: c.kind, because: c.because, score: c.score }] : [];
      });
    },
    { tags: [tags.user(ctx.user.id)] },
  );
  return { items };
}
