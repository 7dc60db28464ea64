// The mapping of each old collection to the Chorus schema (decision 010). A handler maps a document
// without the database (`map`), then writes a batch of mapped records (`write`): references are
// resolved through the legacy_id columns, a record that cannot land is rejected with its reason, and
// what did land is described canonically for the checksum. `readBack` gives the same description of
// what the database holds, so the two sums can be compared at the end.

import { randomUUID } from "node:crypto";
import type { Database } from "@chorus/db";
import { parseLrc } from "@chorus/library";
import { normalizeQuery, tidyQuery } from "@chorus/search";
import { type Kysely, type SelectQueryBuilder, sql } from "kysely";
import type { CollectionName } from "./sources.js";
import {
  bool,
  type Doc,
  date,
  idOf,
  legacyIdOf,
  ms,
  num,
  objectIdTime,
  parseDuration,
  preview,
  Reject,
  refs,
  text,
} from "./values.js";

export type Tx = Kysely<Database>;

/**
 * A page of a table's imported rows in old-id order, after `after`: what each `readBack` compares
 * with the source. Applied with `.$call(importedPage(after, limit))` on the table's select.
 */
function importedPage(after: string | null, limit: number) {
  return <QB extends SelectQueryBuilder<Database, keyof Database, object>>(qb: QB): QB =>
    qb
      .where(sql.ref("legacy_id"), "is not", null)
      .$if(after !== null, (q) => q.where(sql.ref("legacy_id"), ">", after))
      .orderBy(sql.ref("legacy_id"))
      .limit(limit) as QB;
}

export interface Mapped<T> {
  legacyId: string;
  doc: Doc;
  value: T;
  warnings: string[];
}

export interface Outcome {
  status: "written" | "rejected";
  reason?: string;
  /** Added while writing (a dangling reference, a collision...). */
  warnings: string[];
  /** The canonical text of what landed; null when it landed as nothing (an empty library). */
  canonical: string | null;
}

export interface ExtraIssue {
  legacyId: string | null;
  severity: "rejected" | "warning";
  reason: string;
}

export interface BatchResult {
  outcomes: Outcome[];
  /** Issues about records of earlier batches (an account whose email a later one took back). */
  extra: ExtraIssue[];
  /** Earlier records this batch superseded: they move from written to rejected. */
  superseded: { canonical: string }[];
}

export interface Handler<T> {
  name: CollectionName;
  /** The tables it writes, for the report's row counts. */
  tables: string[];
  map(doc: Doc, warnings: string[]): T;
  write(tx: Tx, items: Mapped<T>[]): Promise<BatchResult>;
  /** Canonical texts of the rows that came from this collection, `limit` at a time after `after`. */
  readBack(tx: Tx, after: string | null, limit: number): Promise<{ key: string; canonical: string }[]>;
  /** Batches may be written side by side: no record depends on another of the same collection. */
  independent?: boolean;
  /** Schema work a batch needs first (a plays partition), run alone between batches; null if none. */
  setup?(items: Mapped<T>[]): ((db: Tx) => Promise<void>) | null;
}

const canon = (parts: unknown[]): string => JSON.stringify(parts);
// biome-ignore lint/suspicious/noExplicitAny: rows are built above each insert with the table's own columns
type AnyRows = any[];
const written = (canonical: string | null, warnings: string[] = []): Outcome => ({
  status: "written",
  warnings,
  canonical,
});
const rejected = (reason: string, warnings: string[] = []): Outcome => ({
  status: "rejected",
  reason,
  warnings,
  canonical: null,
});
const done = (outcomes: Outcome[]): BatchResult => ({ outcomes, extra: [], superseded: [] });

function createdAt(doc: Doc, legacyId: string, warnings: string[], field = "createdAt"): Date {
  const d = date(doc, field, warnings) ?? objectIdTime(legacyId);
  if (d) return d;
  warnings.push(`${field}: missing and not in the id, set to the Unix epoch`);
  return new Date(0);
}

function limitText(value: string | null, max: number, field: string, warnings: string[]): string | null {
  if (value === null) return null;
  if ([...value].length <= max) return value;
  warnings.push(`${field}: ${[...value].length} characters, cut to ${max} (the full text is in this record)`);
  return [...value].slice(0, max).join("");
}

/** Inserts a batch's new rows; none, no statement. */
async function insertRows(tx: Tx, table: keyof Database, rows: unknown[]): Promise<void> {
  if (rows.length)
    await tx
      .insertInto(table)
      .values(rows as AnyRows)
      .execute();
}

/** Which of a batch's documents an earlier run already wrote (by their legacy id). */
async function importedAlready(
  tx: Tx,
  table: "chat_messages" | "recommendations",
  items: readonly { legacyId: string }[],
): Promise<Set<string | null>> {
  const rows = await tx
    .selectFrom(table)
    .select("legacy_id")
    .where(
      "legacy_id",
      "in",
      items.map((i) => i.legacyId),
    )
    .execute();
  return new Set(rows.map((r) => r.legacy_id));
}

/** Rows whose legacy_id is one of `ids`, as legacy_id → id. */
async function byLegacy(
  tx: Tx,
  table: "users" | "songs" | "albums" | "playlists" | "live_sessions",
  ids: Iterable<string>,
): Promise<Map<string, string>> {
  const list = [...new Set(ids)];
  const map = new Map<string, string>();
  if (list.length === 0) return map;
  const { rows } = await sql<{ legacy_id: string; id: string }>`
    select legacy_id, id from ${sql.table(table)} where legacy_id = any(${list}::text[])`.execute(tx);
  for (const r of rows) map.set(r.legacy_id, r.id);
  if (table === "albums") {
    const aliases = await tx
      .selectFrom("legacy_ids")
      .select(["legacy_id", "target_id"])
      .where("collection", "=", "albums")
      .where("legacy_id", "in", list)
      .execute();
    for (const a of aliases) if (!map.has(a.legacy_id)) map.set(a.legacy_id, a.target_id);
  }
  return map;
}

const dangling = (field: string, id: string, what: string) =>
  `${field} ${id}: no such ${what} (dangling reference)`;

// ---------- users ----------

interface UserValue {
  email: string | null;
  passwordHash: string | null;
  name: string | null;
  bio: string | null;
  avatarUrl: string | null;
  verifiedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

const EMAIL = /^[^\s@]+@[^\s@]+$/;
const placeholderEmail = (legacyId: string) =>
  `legacy-${
    legacyId
      .toLowerCase()
      .replace(/[^a-z0-9]/g, "")
      .slice(0, 40) || "x"
  }-${hash8(legacyId)}@import.invalid`;
function hash8(s: string): string {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return (h >>> 0).toString(16).padStart(8, "0");
}

// The hash itself is left out: the first sign-in replaces the old bcrypt hash (and updated_at), and
// an account that has signed in since the import is no difference from the source.
const userCanon = (legacyId: string, v: UserValue) =>
  canon([
    legacyId,
    v.email?.toLowerCase() ?? null,
    v.passwordHash !== null,
    v.name,
    v.bio,
    v.avatarUrl,
    ms(v.verifiedAt),
    ms(v.createdAt),
  ]);

const users: Handler<UserValue> = {
  name: "users",
  tables: ["users"],
  map(doc, warnings) {
    const legacyId = legacyIdOf(doc);
    const raw = text(doc, "email", warnings);
    const email = raw?.trim() || null;
    const passwordHash = text(doc, "password", warnings);
    if (!passwordHash) warnings.push("password: missing; the account can sign in with an emailed code only");
    else if (!/^\$2[aby]\$\d{2}\$/.test(passwordHash) && !passwordHash.startsWith("$argon2"))
      warnings.push("password: not a bcrypt hash; the account can sign in with an emailed code only");
    const created = createdAt(doc, legacyId, warnings);
    const updated = date(doc, "updatedAt", warnings) ?? created;
    const verified = bool(doc, "isEmailVerified", warnings);
    return {
      email,
      passwordHash,
      name: text(doc, "name", warnings),
      bio: text(doc, "bio", warnings),
      avatarUrl: text(doc, "avatar", warnings),
      verifiedAt: verified ? updated : null,
      createdAt: created,
      updatedAt: updated,
    };
  },
  async write(tx, items) {
    const existing = await byLegacy(
      tx,
      "users",
      items.map((i) => i.legacyId),
    );
    const outcomes: Outcome[] = items.map((i) =>
      existing.has(i.legacyId) ? written(userCanon(i.legacyId, i.value)) : written(null),
    );
    const extra: ExtraIssue[] = [];
    const fresh = items.map((item, index) => ({ item, index })).filter((x) => !existing.has(x.item.legacyId));
    // Who keeps an address when two accounts share it (whatever its case): a Chorus account, else the
    // earliest created. The others keep their data under a placeholder address and are flagged.
    const lowers = [
      ...new Set(
        fresh.map((f) => f.item.value.email?.toLowerCase()).filter((e): e is string => !!e && EMAIL.test(e)),
      ),
    ];
    const holders = new Map<
      string,
      { id: string | null; legacyId: string | null; email: string; createdAt: Date; native: boolean }
    >();
    if (lowers.length) {
      const { rows } = await sql<{ id: string; email: string; legacy_id: string | null; created_at: Date }>`
        select id, email, legacy_id, created_at from users
        where lower(email) = any(${lowers}::text[]) and not email_needs_attention`.execute(tx);
      for (const r of rows)
        holders.set(r.email.toLowerCase(), {
          id: r.id,
          legacyId: r.legacy_id,
          email: r.email,
          createdAt: r.created_at,
          native: r.legacy_id === null,
        });
    }
    const rows: {
      legacy_id: string;
      email: string;
      legacy_email: string | null;
      email_needs_attention: boolean;
    }[] = [];
    const demote: { id: string; legacyId: string; email: string }[] = [];
    const values = fresh.map(({ item, index }) => {
      const v = item.value;
      const warnings = outcomes[index]!.warnings;
      let email = v.email;
      let needsAttention = false;
      let legacyEmail: string | null = null;
      if (!email || email.length > 320 || !EMAIL.test(email)) {
        warnings.push(
          `email: ${email ? `${preview(email)} is not an address` : "missing"}; kept under a placeholder address and flagged for attention`,
        );
        legacyEmail = email;
        email = placeholderEmail(item.legacyId);
        needsAttention = true;
      } else {
        const key = email.toLowerCase();
        const holder = holders.get(key);
        const earlier =
          holder &&
          (holder.native ||
            holder.createdAt.getTime() < v.createdAt.getTime() ||
            (holder.createdAt.getTime() === v.createdAt.getTime() &&
              (holder.legacyId ?? "") < item.legacyId));
        if (holder && earlier) {
          warnings.push(
            `email collision: "${email}" is also the address of ${holder.native ? "a Chorus account" : `old account ${holder.legacyId}`}, created earlier; kept under a placeholder address and flagged for attention`,
          );
          legacyEmail = email;
          email = placeholderEmail(item.legacyId);
          needsAttention = true;
        } else {
          if (holder?.legacyId) {
            // The one already imported was created later: it gives the address up.
            if (holder.id) demote.push({ id: holder.id, legacyId: holder.legacyId, email: holder.email });
            else {
              // Its row is in this same batch, not written yet.
              const row = rows.find((r) => r.legacy_id === holder.legacyId);
              if (row) {
                row.legacy_email = row.email;
                row.email = placeholderEmail(holder.legacyId);
                row.email_needs_attention = true;
              }
            }
            extra.push({
              legacyId: holder.legacyId,
              severity: "warning",
              reason: `email collision: "${holder.email}" is also the address of old account ${item.legacyId}, created earlier; kept under a placeholder address and flagged for attention`,
            });
          }
          holders.set(key, {
            id: null,
            legacyId: item.legacyId,
            email,
            createdAt: v.createdAt,
            native: false,
          });
        }
      }
      const row = {
        id: randomUUID(),
        email,
        password_hash: v.passwordHash,
        name: v.name,
        bio: v.bio,
        avatar_url: v.avatarUrl,
        email_verified_at: v.verifiedAt,
        legacy_id: item.legacyId,
        email_needs_attention: needsAttention,
        legacy_email: legacyEmail,
        created_at: v.createdAt,
        updated_at: v.updatedAt,
      };
      rows.push(row);
      outcomes[index]!.canonical = userCanon(item.legacyId, v);
      return row;
    });
    for (const d of demote) {
      await tx
        .updateTable("users")
        .set({ email: placeholderEmail(d.legacyId), legacy_email: d.email, email_needs_attention: true })
        .where("id", "=", d.id)
        .execute();
    }
    if (values.length) {
      await tx
        .insertInto("users")
        .values(values)
        .onConflict((oc) => oc.column("legacy_id").doNothing())
        .execute();
    }
    return { outcomes, extra, superseded: [] };
  },
  async readBack(tx, after, limit) {
    const rows = await tx
      .selectFrom("users")
      .select([
        "legacy_id",
        "email",
        "legacy_email",
        "email_needs_attention",
        "password_hash",
        "name",
        "bio",
        "avatar_url",
        "email_verified_at",
        "created_at",
        "updated_at",
      ])
      .$call(importedPage(after, limit))
      .execute();
    return rows.map((r) => ({
      key: r.legacy_id!,
      canonical: userCanon(r.legacy_id!, {
        email: r.email_needs_attention ? r.legacy_email : r.email,
        passwordHash: r.password_hash,
        name: r.name,
        bio: r.bio,
        avatarUrl: r.avatar_url,
        verifiedAt: r.email_verified_at,
        createdAt: r.created_at,
        updatedAt: r.updated_at,
      }),
    }));
  },
};

// ---------- usersettings ----------

interface SettingsValue {
  userRef: string;
  theme: "dark" | "light" | "system";
  audioQuality: "low" | "normal" | "high" | "lossless";
  equalizer: { enabled: boolean; preset: string; bands: number[] };
  crossfade: number;
  autoplay: boolean;
  privateSession: boolean;
  language: string;
  notifications: { email: boolean; push: boolean };
  createdAt: Date;
  updatedAt: Date;
}

const round3 = (n: number) => Math.round(n * 1000) / 1000;

function oneOf<T extends string>(
  doc: Doc,
  field: string,
  allowed: readonly T[],
  fallback: T,
  warnings: string[],
): T {
  const v = text(doc, field, warnings);
  if (v === null) return fallback;
  const lower = v.trim().toLowerCase() as T;
  if (allowed.includes(lower)) return lower;
  warnings.push(`${field}: ${preview(v)} is not one of ${allowed.join(", ")}; set to ${fallback}`);
  return fallback;
}

const settingsCanon = (legacyId: string, userId: string, v: Omit<SettingsValue, "userRef">) =>
  canon([
    legacyId,
    userId,
    v.theme,
    v.audioQuality,
    v.equalizer.enabled,
    v.equalizer.preset,
    v.equalizer.bands.map(round3),
    round3(v.crossfade),
    v.autoplay,
    v.privateSession,
    v.language,
    v.notifications.email,
    v.notifications.push,
    ms(v.createdAt),
    ms(v.updatedAt),
  ]);

const settings: Handler<SettingsValue> = {
  name: "usersettings",
  tables: ["user_settings"],
  map(doc, warnings) {
    const legacyId = legacyIdOf(doc);
    const userRef = idOf(doc.userId);
    if (!userRef) throw new Reject("userId: missing");
    const eq = (doc.equalizer ?? {}) as Doc;
    const eqWarnings: string[] = [];
    const bandsRaw = Array.isArray(eq.bands) ? eq.bands : null;
    let bands = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    if (bandsRaw && bandsRaw.length === 10 && bandsRaw.every((b) => Number.isFinite(Number(b)))) {
      bands = bandsRaw.map((b) => round3(Math.max(-12, Math.min(12, Number(b)))));
      if (bandsRaw.some((b) => Math.abs(Number(b)) > 12))
        warnings.push("equalizer.bands: values beyond ±12 dB clamped");
    } else if (eq.bands !== undefined && eq.bands !== null) {
      warnings.push(`equalizer.bands: not ten numbers (${preview(eq.bands)}); set flat`);
    }
    let crossfade = num(doc, "crossfade", warnings) ?? 0;
    if (crossfade < 0 || crossfade > 12) {
      warnings.push(`crossfade: ${crossfade} s is outside 0–12; clamped`);
      crossfade = Math.max(0, Math.min(12, crossfade));
    }
    const notifications = (doc.notifications ?? {}) as Doc;
    const created = createdAt(doc, legacyId, warnings);
    warnings.push(...eqWarnings);
    return {
      userRef,
      theme: oneOf(doc, "theme", ["dark", "light", "system"] as const, "system", warnings),
      audioQuality: oneOf(
        doc,
        "audioQuality",
        ["low", "normal", "high", "lossless"] as const,
        "high",
        warnings,
      ),
      equalizer: {
        enabled: bool(eq, "enabled", warnings) ?? false,
        preset: text(eq, "preset", warnings) ?? "flat",
        bands,
      },
      crossfade: round3(crossfade),
      autoplay: bool(doc, "autoplay", warnings) ?? true,
      privateSession: bool(doc, "privateSession", warnings) ?? false,
      language: text(doc, "language", warnings)?.trim() || "en",
      notifications: {
        email: bool(notifications, "email", warnings) ?? true,
        push: bool(notifications, "push", warnings) ?? false,
      },
      createdAt: created,
      updatedAt: date(doc, "updatedAt", warnings) ?? created,
    };
  },
  async write(tx, items) {
    const userIds = await byLegacy(
      tx,
      "users",
      items.map((i) => i.value.userRef),
    );
    const resolved = [...new Set([...userIds.values()])];
    const taken = new Map<string, string | null>();
    if (resolved.length) {
      const rows = await tx
        .selectFrom("user_settings")
        .select(["user_id", "legacy_id"])
        .where("user_id", "in", resolved)
        .execute();
      for (const r of rows) taken.set(r.user_id, r.legacy_id);
    }
    const values: Parameters<ReturnType<Tx["insertInto"]>["values"]>[0][] = [];
    const outcomes = items.map((item) => {
      const v = item.value;
      const userId = userIds.get(v.userRef);
      if (!userId) return rejected(dangling("userId", v.userRef, "user"));
      const c = settingsCanon(item.legacyId, userId, v);
      if (taken.has(userId)) {
        const other = taken.get(userId);
        return other === item.legacyId
          ? written(c)
          : rejected(`the user already has settings (${other ? `old record ${other}` : "set in Chorus"})`);
      }
      taken.set(userId, item.legacyId);
      values.push({
        user_id: userId,
        theme: v.theme,
        audio_quality: v.audioQuality,
        equalizer: JSON.stringify(v.equalizer),
        crossfade_seconds: v.crossfade,
        autoplay: v.autoplay,
        private_session: v.privateSession,
        language: v.language,
        notifications: JSON.stringify(v.notifications),
        legacy_id: item.legacyId,
        created_at: v.createdAt,
        updated_at: v.updatedAt,
      });
      return written(c);
    });
    await insertRows(tx, "user_settings", values);
    return done(outcomes);
  },
  async readBack(tx, after, limit) {
    const rows = await tx.selectFrom("user_settings").selectAll().$call(importedPage(after, limit)).execute();
    return rows.map((r) => ({
      key: r.legacy_id!,
      canonical: settingsCanon(r.legacy_id!, r.user_id, {
        theme: r.theme,
        audioQuality: r.audio_quality,
        equalizer: r.equalizer,
        crossfade: r.crossfade_seconds,
        autoplay: r.autoplay,
        privateSession: r.private_session,
        language: r.language,
        notifications: r.notifications,
        createdAt: r.created_at,
        updatedAt: r.updated_at,
      }),
    }));
  },
};

// ---------- albums ----------

interface AlbumValue {
  title: string;
  description: string | null;
  color: string | null;
  coverUrl: string | null;
  createdAt: Date;
  updatedAt: Date;
}

const albumCanon = (legacyId: string, v: AlbumValue) =>
  canon([legacyId, v.title, v.description, v.color, v.coverUrl, ms(v.createdAt), ms(v.updatedAt)]);
const mergedCanon = (legacyId: string, target: string) => canon([legacyId, "merged into", target]);

const albums: Handler<AlbumValue> = {
  name: "albums",
  tables: ["albums"],
  map(doc, warnings) {
    const legacyId = legacyIdOf(doc);
    const title = limitText(text(doc, "name", warnings)?.trim() || null, 500, "name", warnings);
    if (!title) throw new Reject("name: missing (songs find their album by name)");
    let color = text(doc, "bgColour", warnings)?.trim() || null;
    if (color && !/^#[0-9a-fA-F]{6}$/.test(color)) {
      if (/^#[0-9a-fA-F]{3}$/.test(color)) color = `#${[...color.slice(1)].map((c) => c + c).join("")}`;
      else {
        warnings.push(`bgColour: ${preview(color)} is not #rrggbb; left out`);
        color = null;
      }
    }
    const created = createdAt(doc, legacyId, warnings);
    return {
      title,
      description: text(doc, "desc", warnings) || null,
      color,
      coverUrl: text(doc, "image", warnings) || null,
      createdAt: created,
      updatedAt: date(doc, "updatedAt", warnings) ?? created,
    };
  },
  async write(tx, items) {
    const known = await byLegacy(
      tx,
      "albums",
      items.map((i) => i.legacyId),
    );
    const lowers = [...new Set(items.map((i) => i.value.title.toLowerCase()))];
    const byTitle = new Map<string, { id: string; legacyId: string | null }>();
    if (lowers.length) {
      const { rows } = await sql<{ id: string; legacy_id: string | null; t: string }>`
        select id, legacy_id, lower(title) as t from albums
        where lower(title) = any(${lowers}::text[]) and artist_id is null`.execute(tx);
      for (const r of rows) byTitle.set(r.t, { id: r.id, legacyId: r.legacy_id });
    }
    const values: unknown[] = [];
    const aliases: { collection: string; legacy_id: string; target_id: string; note: string }[] = [];
    const outcomes = items.map((item) => {
      const v = item.value;
      const id = known.get(item.legacyId);
      if (id) {
        const own = byTitle.get(v.title.toLowerCase());
        return written(
          own?.legacyId === item.legacyId ? albumCanon(item.legacyId, v) : mergedCanon(item.legacyId, id),
        );
      }
      const same = byTitle.get(v.title.toLowerCase());
      if (same) {
        aliases.push({
          collection: "albums",
          legacy_id: item.legacyId,
          target_id: same.id,
          note: `same name as ${same.legacyId ? `old album ${same.legacyId}` : "a Chorus album"}`,
        });
        return written(mergedCanon(item.legacyId, same.id), [
          `name: another album is called "${v.title}" (${same.legacyId ? `old album ${same.legacyId}` : "in Chorus"}); merged into it, since songs name their album by name (its description, colour and image are in this record)`,
        ]);
      }
      const newId = randomUUID();
      byTitle.set(v.title.toLowerCase(), { id: newId, legacyId: item.legacyId });
      values.push({
        id: newId,
        title: v.title,
        description: v.description,
        color: v.color,
        cover_url: v.coverUrl,
        legacy_id: item.legacyId,
        created_at: v.createdAt,
        updated_at: v.updatedAt,
      });
      return written(albumCanon(item.legacyId, v));
    });
    await insertRows(tx, "albums", values);
    if (aliases.length)
      await tx
        .insertInto("legacy_ids")
        .values(aliases)
        .onConflict((oc) => oc.doNothing())
        .execute();
    return done(outcomes);
  },
  async readBack(tx, after, limit) {
    // Own rows and merged ones, one keyset over both.
    const { rows } = await sql<{
      key: string;
      title: string | null;
      description: string | null;
      color: string | null;
      cover_url: string | null;
      created_at: Date | null;
      updated_at: Date | null;
      target: string | null;
    }>`
      select * from (
        select legacy_id as key, title, description, color, cover_url, created_at, updated_at, null::uuid as target
        from albums where legacy_id is not null
        union all
        select legacy_id, null, null, null, null, null, null, target_id from legacy_ids where collection = 'albums'
      ) x where ${after === null ? sql`true` : sql`key > ${after}`} order by key limit ${limit}`.execute(tx);
    return rows.map((r) => ({
      key: r.key,
      canonical: r.target
        ? mergedCanon(r.key, r.target)
        : albumCanon(r.key, {
            title: r.title!,
            description: r.description,
            color: r.color,
            coverUrl: r.cover_url,
            createdAt: r.created_at!,
            updatedAt: r.updated_at!,
          }),
    }));
  },
};

// ---------- songs ----------

interface SongValue {
  title: string;
  album: string | null;
  durationMs: number;
  description: string | null;
  coverUrl: string | null;
  audioUrl: string | null;
  createdAt: Date;
  updatedAt: Date;
}

const songCanon = (legacyId: string, albumId: string | null, v: Omit<SongValue, "album">) =>
  canon([
    legacyId,
    v.title,
    albumId,
    v.durationMs,
    v.description,
    v.coverUrl,
    v.audioUrl,
    ms(v.createdAt),
    ms(v.updatedAt),
  ]);

const songs: Handler<SongValue> = {
  name: "songs",
  tables: ["songs", "albums"],
  map(doc, warnings) {
    const legacyId = legacyIdOf(doc);
    const title = limitText(text(doc, "name", warnings)?.trim() || null, 500, "name", warnings);
    if (!title) throw new Reject("name: missing");
    let durationMs = parseDuration(doc.duration);
    if (durationMs === null) {
      warnings.push(
        doc.duration === undefined || doc.duration === null
          ? "duration: missing; set to 0"
          : `duration: ${preview(doc.duration)} is not m:ss or h:mm:ss; set to 0`,
      );
      durationMs = 0;
    }
    const created = createdAt(doc, legacyId, warnings);
    return {
      title,
      album: limitText(text(doc, "album", warnings)?.trim() || null, 500, "album", warnings),
      durationMs,
      description: text(doc, "desc", warnings) || null,
      coverUrl: text(doc, "image", warnings) || null,
      audioUrl: text(doc, "file", warnings) || null,
      createdAt: created,
      updatedAt: date(doc, "updatedAt", warnings) ?? created,
    };
  },
  async write(tx, items) {
    const known = await byLegacy(
      tx,
      "songs",
      items.map((i) => i.legacyId),
    );
    const names = [...new Set(items.flatMap((i) => (i.value.album ? [i.value.album] : [])))];
    const lower = (s: string) => s.toLowerCase();
    const albumIds = new Map<string, string>();
    const created = new Set<string>();
    if (names.length) {
      const find = async () => {
        const { rows } = await sql<{ id: string; t: string }>`
          select id, lower(title) as t from albums
          where lower(title) = any(${names.map(lower)}::text[]) and artist_id is null`.execute(tx);
        for (const r of rows) albumIds.set(r.t, r.id);
      };
      await find();
      const missing = names.filter((n) => !albumIds.has(lower(n)));
      const firstSpelling = [...new Map(missing.map((n) => [lower(n), n])).values()];
      if (firstSpelling.length) {
        const { rows } = await sql<{ id: string; t: string }>`
          insert into albums (title) select unnest(${firstSpelling}::text[])
          on conflict do nothing returning id, lower(title) as t`.execute(tx);
        for (const r of rows) created.add(r.t);
        await find();
      }
    }
    const values: unknown[] = [];
    const outcomes = items.map((item) => {
      const v = item.value;
      const albumId = v.album ? (albumIds.get(lower(v.album)) ?? null) : null;
      const warnings: string[] = [];
      if (v.album && created.has(lower(v.album))) {
        warnings.push(`album: no album is called "${v.album}"; created it`);
        created.delete(lower(v.album));
      }
      const c = songCanon(item.legacyId, albumId, v);
      if (known.has(item.legacyId)) return written(c);
      values.push({
        title: v.title,
        album_id: albumId,
        duration_ms: v.durationMs,
        description: v.description,
        cover_url: v.coverUrl,
        audio_url: v.audioUrl,
        legacy_id: item.legacyId,
        created_at: v.createdAt,
        updated_at: v.updatedAt,
      });
      return written(c, warnings);
    });
    if (values.length) {
      await tx
        .insertInto("songs")
        .values(values as AnyRows)
        .onConflict((oc) => oc.column("legacy_id").doNothing())
        .execute();
    }
    return done(outcomes);
  },
  async readBack(tx, after, limit) {
    const rows = await tx
      .selectFrom("songs")
      .select([
        "legacy_id",
        "title",
        "album_id",
        "duration_ms",
        "description",
        "cover_url",
        "audio_url",
        "created_at",
        "updated_at",
      ])
      .$call(importedPage(after, limit))
      .execute();
    return rows.map((r) => ({
      key: r.legacy_id!,
      canonical: songCanon(r.legacy_id!, r.album_id, {
        title: r.title,
        durationMs: r.duration_ms,
        description: r.description,
        coverUrl: r.cover_url,
        audioUrl: r.audio_url,
        createdAt: r.created_at,
        updatedAt: r.updated_at,
      }),
    }));
  },
};

// ---------- lyrics ----------

interface LyricsValue {
  songRef: string;
  plain: string | null;
  synced: { ms: number; text: string }[] | null;
  language: string | null;
  source: string | null;
  createdAt: Date;
  updatedAt: Date;
}

const lyricsCanon = (legacyId: string, songId: string, v: Omit<LyricsValue, "songRef">) =>
  canon([
    legacyId,
    songId,
    v.plain,
    v.synced?.map((l) => [l.ms, l.text]) ?? null,
    v.language,
    v.source,
    ms(v.createdAt),
    ms(v.updatedAt),
  ]);

function readSynced(
  value: unknown,
  warnings: string[],
): { lines: { ms: number; text: string }[] | null; plain: string | null } {
  if (value === null || value === undefined || value === "") return { lines: null, plain: null };
  if (typeof value === "string") {
    const parsed = parseLrc(value);
    if (!parsed.synced) {
      warnings.push("synced: an LRC text without any [mm:ss] time; kept as plain text");
      return { lines: null, plain: parsed.plain };
    }
    return { lines: parsed.synced, plain: parsed.plain };
  }
  if (!Array.isArray(value)) {
    warnings.push(`synced: neither a list of {time, text} nor an LRC text (${preview(value)}); left out`);
    return { lines: null, plain: null };
  }
  const lines: { ms: number; text: string }[] = [];
  value.forEach((line, i) => {
    const l = (line ?? {}) as Doc;
    const t = typeof l.time === "number" ? l.time : Number(l.time);
    const words =
      typeof l.text === "string" ? l.text : l.text === undefined || l.text === null ? "" : String(l.text);
    if (!Number.isFinite(t) || t < 0) {
      warnings.push(`synced[${i}]: time ${preview(l.time)} is not a number of seconds; line left out`);
      return;
    }
    lines.push({ ms: Math.round(t * 1000), text: words });
  });
  // Stable: lines with the same time keep their order.
  lines.sort((a, b) => a.ms - b.ms);
  return { lines: lines.length ? lines : null, plain: null };
}

const lyrics: Handler<LyricsValue> = {
  name: "lyrics",
  tables: ["lyrics"],
  map(doc, warnings) {
    const legacyId = legacyIdOf(doc);
    const songRef = idOf(doc.songId);
    if (!songRef) throw new Reject("songId: missing");
    const synced = readSynced(doc.synced, warnings);
    const plain = text(doc, "plain", warnings)?.replace(/\r\n?/g, "\n") || synced.plain || null;
    if (!plain && !synced.lines) throw new Reject("neither plain nor synced lyrics");
    const created = createdAt(doc, legacyId, warnings);
    return {
      songRef,
      plain,
      synced: synced.lines,
      language: text(doc, "language", warnings) || null,
      source: text(doc, "source", warnings) || null,
      createdAt: created,
      updatedAt: date(doc, "updatedAt", warnings) ?? created,
    };
  },
  async write(tx, items) {
    const songIds = await byLegacy(
      tx,
      "songs",
      items.map((i) => i.value.songRef),
    );
    const taken = new Map<string, string | null>();
    const resolved = [...new Set(songIds.values())];
    if (resolved.length) {
      const rows = await tx
        .selectFrom("lyrics")
        .select(["song_id", "legacy_id"])
        .where("song_id", "in", resolved)
        .execute();
      for (const r of rows) taken.set(r.song_id, r.legacy_id);
    }
    const values: unknown[] = [];
    const outcomes = items.map((item) => {
      const v = item.value;
      const songId = songIds.get(v.songRef);
      if (!songId) return rejected(dangling("songId", v.songRef, "song"));
      const c = lyricsCanon(item.legacyId, songId, v);
      if (taken.has(songId)) {
        const other = taken.get(songId);
        return other === item.legacyId
          ? written(c)
          : rejected(`the song already has lyrics (${other ? `old record ${other}` : "set in Chorus"})`);
      }
      taken.set(songId, item.legacyId);
      values.push({
        song_id: songId,
        plain: v.plain,
        synced: v.synced ? JSON.stringify(v.synced) : null,
        language: v.language,
        source: v.source,
        legacy_id: item.legacyId,
        created_at: v.createdAt,
        updated_at: v.updatedAt,
      });
      return written(c);
    });
    await insertRows(tx, "lyrics", values);
    return done(outcomes);
  },
  async readBack(tx, after, limit) {
    const rows = await tx.selectFrom("lyrics").selectAll().$call(importedPage(after, limit)).execute();
    return rows.map((r) => ({
      key: r.legacy_id!,
      canonical: lyricsCanon(r.legacy_id!, r.song_id, {
        plain: r.plain,
        synced: r.synced,
        language: r.language,
        source: r.source,
        createdAt: r.created_at,
        updatedAt: r.updated_at,
      }),
    }));
  },
};

// ---------- playlists ----------

interface PlaylistValue {
  ownerRef: string;
  name: string;
  description: string | null;
  coverUrl: string | null;
  isPublic: boolean;
  collaborative: boolean;
  songRefs: string[];
  collaboratorRefs: string[];
  createdAt: Date;
  updatedAt: Date;
}

const playlistCanon = (
  legacyId: string,
  ownerId: string,
  v: Omit<PlaylistValue, "ownerRef" | "songRefs" | "collaboratorRefs">,
  songIds: string[],
  collaboratorIds: string[],
) =>
  canon([
    legacyId,
    ownerId,
    v.name,
    v.description,
    v.coverUrl,
    v.isPublic,
    v.collaborative,
    ms(v.createdAt),
    ms(v.updatedAt),
    songIds,
    [...collaboratorIds].sort(),
  ]);

const playlists: Handler<PlaylistValue> = {
  name: "playlists",
  tables: ["playlists", "playlist_items", "playlist_collaborators"],
  map(doc, warnings) {
    const legacyId = legacyIdOf(doc);
    const ownerRef = idOf(doc.userId);
    if (!ownerRef) throw new Reject("userId: missing (a playlist needs an owner)");
    let name = text(doc, "name", warnings)?.trim() || "";
    if (!name) {
      warnings.push('name: missing; named "Untitled playlist"');
      name = "Untitled playlist";
    }
    name = limitText(name, 100, "name", warnings)!.trim();
    const created = createdAt(doc, legacyId, warnings);
    return {
      ownerRef,
      name,
      description: limitText(text(doc, "desc", warnings) || null, 2000, "desc", warnings),
      coverUrl: text(doc, "banner", warnings) || null,
      isPublic: bool(doc, "isPublic", warnings) ?? false,
      collaborative: bool(doc, "collaborative", warnings) ?? false,
      songRefs: refs(doc, "songIds", warnings),
      collaboratorRefs: refs(doc, "collaborators", warnings),
      createdAt: created,
      updatedAt: date(doc, "updatedAt", warnings) ?? created,
    };
  },
  async write(tx, items) {
    const [known, userIds, songIds] = await Promise.all([
      byLegacy(
        tx,
        "playlists",
        items.map((i) => i.legacyId),
      ),
      byLegacy(
        tx,
        "users",
        items.flatMap((i) => [i.value.ownerRef, ...i.value.collaboratorRefs]),
      ),
      byLegacy(
        tx,
        "songs",
        items.flatMap((i) => i.value.songRefs),
      ),
    ]);
    const lists: unknown[] = [];
    const itemCols = {
      playlist: [] as string[],
      song: [] as string[],
      position: [] as number[],
      by: [] as string[],
      at: [] as Date[],
    };
    const collabs: { playlist_id: string; user_id: string; added_at: Date }[] = [];
    const outcomes = items.map((item) => {
      const v = item.value;
      const ownerId = userIds.get(v.ownerRef);
      if (!ownerId) return rejected(dangling("userId", v.ownerRef, "user"));
      const warnings: string[] = [];
      const kept: string[] = [];
      v.songRefs.forEach((ref, i) => {
        const id = songIds.get(ref);
        if (id) kept.push(id);
        else warnings.push(`${dangling(`songIds[${i}]`, ref, "song")}; left out of the playlist`);
      });
      const collaboratorIds: string[] = [];
      for (const ref of v.collaboratorRefs) {
        const id = userIds.get(ref);
        if (!id) warnings.push(`${dangling("collaborators", ref, "user")}; left out`);
        else if (id === ownerId || collaboratorIds.includes(id))
          warnings.push(`collaborators: ${ref} listed twice (or is the owner); kept once`);
        else collaboratorIds.push(id);
      }
      const c = playlistCanon(item.legacyId, ownerId, v, kept, collaboratorIds);
      if (known.has(item.legacyId)) return written(c);
      const id = randomUUID();
      lists.push({
        id,
        owner_id: ownerId,
        name: v.name,
        description: v.description,
        cover_url: v.coverUrl,
        is_public: v.isPublic,
        collaborative: v.collaborative,
        legacy_id: item.legacyId,
        created_at: v.createdAt,
        updated_at: v.updatedAt,
      });
      kept.forEach((songId, position) => {
        itemCols.playlist.push(id);
        itemCols.song.push(songId);
        itemCols.position.push(position);
        itemCols.by.push(ownerId);
        itemCols.at.push(v.createdAt);
      });
      for (const userId of collaboratorIds)
        collabs.push({ playlist_id: id, user_id: userId, added_at: v.createdAt });
      return written(c, warnings);
    });
    await insertRows(tx, "playlists", lists);
    if (itemCols.playlist.length) {
      await sql`insert into playlist_items (playlist_id, song_id, position, added_by, added_at)
        select * from unnest(${itemCols.playlist}::uuid[], ${itemCols.song}::uuid[], ${itemCols.position}::int[],
          ${itemCols.by}::uuid[], ${itemCols.at}::timestamptz[])`.execute(tx);
    }
    await insertRows(tx, "playlist_collaborators", collabs);
    return done(outcomes);
  },
  async readBack(tx, after, limit) {
    const { rows } = await sql<{
      legacy_id: string;
      owner_id: string;
      name: string;
      description: string | null;
      cover_url: string | null;
      is_public: boolean;
      collaborative: boolean;
      created_at: Date;
      updated_at: Date;
      songs: string[] | null;
      collaborators: string[] | null;
    }>`
      select p.legacy_id, p.owner_id, p.name, p.description, p.cover_url, p.is_public, p.collaborative,
        p.created_at, p.updated_at,
        (select array_agg(song_id::text order by position) from playlist_items where playlist_id = p.id) as songs,
        (select array_agg(user_id::text) from playlist_collaborators where playlist_id = p.id) as collaborators
      from playlists p where p.legacy_id is not null ${after === null ? sql`` : sql`and p.legacy_id > ${after}`}
      order by p.legacy_id limit ${limit}`.execute(tx);
    return rows.map((r) => ({
      key: r.legacy_id,
      canonical: playlistCanon(
        r.legacy_id,
        r.owner_id,
        {
          name: r.name,
          description: r.description,
          coverUrl: r.cover_url,
          isPublic: r.is_public,
          collaborative: r.collaborative,
          createdAt: r.created_at,
          updatedAt: r.updated_at,
        },
        r.songs ?? [],
        r.collaborators ?? [],
      ),
    }));
  },
};

// ---------- libraries (likes) ----------

interface LibraryValue {
  userRef: string;
  songRefs: string[];
  albumRefs: string[];
  at: Date;
}

const libraryCanon = (legacyId: string, userId: string, songIds: string[], albumIds: string[]) =>
  canon([legacyId, userId, [...songIds].sort(), [...albumIds].sort()]);

const libraries: Handler<LibraryValue> = {
  name: "libraries",
  tables: ["song_likes", "album_likes"],
  map(doc, warnings) {
    const legacyId = legacyIdOf(doc);
    const userRef = idOf(doc.userId);
    if (!userRef) throw new Reject("userId: missing");
    const created = createdAt(doc, legacyId, warnings);
    return {
      userRef,
      songRefs: refs(doc, "likedSongIds", warnings),
      albumRefs: refs(doc, "likedAlbumIds", warnings),
      at: date(doc, "updatedAt", warnings) ?? created,
    };
  },
  async write(tx, items) {
    const [userIds, songIds, albumIds] = await Promise.all([
      byLegacy(
        tx,
        "users",
        items.map((i) => i.value.userRef),
      ),
      byLegacy(
        tx,
        "songs",
        items.flatMap((i) => i.value.songRefs),
      ),
      byLegacy(
        tx,
        "albums",
        items.flatMap((i) => i.value.albumRefs),
      ),
    ]);
    type Picked = { userId: string; songs: string[]; albums: string[]; warnings: string[] } | null;
    const picked: Picked[] = items.map((item) => {
      const v = item.value;
      const userId = userIds.get(v.userRef);
      if (!userId) return null;
      const warnings: string[] = [];
      const pick = (list: string[], ids: Map<string, string>, field: string, what: string) => {
        const out: string[] = [];
        for (const ref of list) {
          const id = ids.get(ref);
          if (!id) warnings.push(`${dangling(field, ref, what)}; like left out`);
          else if (out.includes(id)) warnings.push(`${field}: ${ref} liked twice; kept once`);
          else out.push(id);
        }
        return out;
      };
      return {
        userId,
        songs: pick(v.songRefs, songIds, "likedSongIds", "song"),
        albums: pick(v.albumRefs, albumIds, "likedAlbumIds", "album"),
        warnings,
      };
    });
    // All the batch's likes in one statement per kind; a like another library record (of the same
    // user) brought first stays with that one, so each like row names the record it came from.
    const owners = async (kind: "song" | "album") => {
      const users: string[] = [];
      const targets: string[] = [];
      const ats: Date[] = [];
      const legacy: string[] = [];
      const first = new Set<string>();
      items.forEach((item, i) => {
        const p = picked[i];
        if (!p) return;
        for (const target of kind === "song" ? p.songs : p.albums) {
          const key = `${p.userId}:${target}`;
          if (first.has(key)) continue;
          first.add(key);
          users.push(p.userId);
          targets.push(target);
          ats.push(item.value.at);
          legacy.push(item.legacyId);
        }
      });
      const owner = new Map<string, string | null>();
      if (users.length === 0) return owner;
      const table = sql.raw(`${kind}_likes`);
      const column = sql.raw(`${kind}_id`);
      await sql`insert into ${table} (user_id, ${column}, created_at, legacy_id)
        select * from unnest(${users}::uuid[], ${targets}::uuid[], ${ats}::timestamptz[], ${legacy}::text[])
        on conflict do nothing`.execute(tx);
      const { rows } = await sql<{ u: string; t: string; legacy_id: string | null }>`
        select l.user_id::text as u, l.${column}::text as t, l.legacy_id from ${table} l
        join unnest(${users}::uuid[], ${targets}::uuid[]) k(u, t) on l.user_id = k.u and l.${column} = k.t`.execute(
        tx,
      );
      for (const r of rows) owner.set(`${r.u}:${r.t}`, r.legacy_id);
      return owner;
    };
    const songOwners = await owners("song");
    const albumOwners = await owners("album");
    const outcomes = items.map((item, i) => {
      const p = picked[i];
      if (!p) return rejected(dangling("userId", item.value.userRef, "user"));
      const keep = (kind: "song" | "album", ids: string[], byKey: Map<string, string | null>) =>
        ids.filter((id) => {
          const by = byKey.get(`${p.userId}:${id}`);
          if (by === item.legacyId) return true;
          p.warnings.push(`${kind} ${id}: already liked (${by ? `library ${by}` : "in Chorus"}); kept once`);
          return false;
        });
      const s = keep("song", p.songs, songOwners);
      const a = keep("album", p.albums, albumOwners);
      return written(s.length || a.length ? libraryCanon(item.legacyId, p.userId, s, a) : null, p.warnings);
    });
    return done(outcomes);
  },
  async readBack(tx, after, limit) {
    const { rows } = await sql<{ legacy_id: string; user_id: string; songs: string[]; albums: string[] }>`
      with keys as (
        select legacy_id, user_id from song_likes where legacy_id is not null ${after === null ? sql`` : sql`and legacy_id > ${after}`}
        union
        select legacy_id, user_id from album_likes where legacy_id is not null ${after === null ? sql`` : sql`and legacy_id > ${after}`}
      ), page as (select distinct legacy_id from keys order by legacy_id limit ${limit})
      select k.legacy_id, k.user_id,
        coalesce((select array_agg(song_id::text) from song_likes s where s.legacy_id = k.legacy_id and s.user_id = k.user_id), '{}') as songs,
        coalesce((select array_agg(album_id::text) from album_likes a where a.legacy_id = k.legacy_id and a.user_id = k.user_id), '{}') as albums
      from keys k join page using (legacy_id) order by k.legacy_id, k.user_id`.execute(tx);
    return rows.map((r) => ({
      key: r.legacy_id,
      canonical: libraryCanon(r.legacy_id, r.user_id, r.songs, r.albums),
    }));
  },
};

// ---------- sessions ----------

interface SessionValue {
  code: string | null;
  name: string;
  hostRef: string | null;
  isActive: boolean;
  songRef: string | null;
  positionMs: number;
  playing: boolean;
  queueRefs: string[];
  expiresAt: Date;
  createdAt: Date;
  updatedAt: Date;
}

const sessionCanon = (
  legacyId: string,
  code: string,
  hostId: string | null,
  songId: string | null,
  queue: string[],
  v: SessionValue,
  endedAt: Date | null,
) =>
  canon([
    legacyId,
    code,
    v.name,
    hostId,
    v.isActive,
    songId,
    v.positionMs,
    v.playing,
    queue,
    ms(v.expiresAt),
    ms(endedAt),
    ms(v.createdAt),
    ms(v.updatedAt),
  ]);

const CODE = /^[A-Z0-9]{6,10}$/;

const sessions: Handler<SessionValue> = {
  name: "sessions",
  tables: ["live_sessions"],
  map(doc, warnings) {
    const legacyId = legacyIdOf(doc);
    const created = createdAt(doc, legacyId, warnings);
    const updated = date(doc, "updatedAt", warnings) ?? created;
    let expires = date(doc, "expiresAt", warnings);
    if (!expires) {
      warnings.push("expiresAt: missing; set to a day after the last update");
      expires = new Date(updated.getTime() + 86_400_000);
    }
    const seconds = num(doc, "currentTime", warnings) ?? 0;
    let name = text(doc, "name", warnings)?.trim() || "Listening session";
    name = limitText(name, 80, "name", warnings)!;
    return {
      code: text(doc, "sessionCode", warnings)?.trim() || null,
      name,
      hostRef: idOf(doc.hostId),
      isActive: bool(doc, "isActive", warnings) ?? false,
      songRef: idOf(doc.currentSongId),
      positionMs: Math.max(0, Math.round(seconds * 1000)),
      playing: bool(doc, "isPlaying", warnings) ?? false,
      queueRefs: refs(doc, "queueIds", warnings),
      expiresAt: expires,
      createdAt: created,
      updatedAt: updated,
    };
  },
  async write(tx, items) {
    const [known, userIds, songIds] = await Promise.all([
      byLegacy(
        tx,
        "live_sessions",
        items.map((i) => i.legacyId),
      ),
      byLegacy(
        tx,
        "users",
        items.flatMap((i) => (i.value.hostRef ? [i.value.hostRef] : [])),
      ),
      byLegacy(
        tx,
        "songs",
        items.flatMap((i) => [...(i.value.songRef ? [i.value.songRef] : []), ...i.value.queueRefs]),
      ),
    ]);
    const values: unknown[] = [];
    const outcomes: Outcome[] = [];
    for (const item of items) {
      const v = item.value;
      const warnings: string[] = [];
      const hostId = v.hostRef ? (userIds.get(v.hostRef) ?? null) : null;
      if (v.hostRef && !hostId)
        warnings.push(`${dangling("hostId", v.hostRef, "user")}; the session has no host`);
      const songId = v.songRef ? (songIds.get(v.songRef) ?? null) : null;
      if (v.songRef && !songId)
        warnings.push(`${dangling("currentSongId", v.songRef, "song")}; nothing is current`);
      const queue: string[] = [];
      v.queueRefs.forEach((ref, i) => {
        const id = songIds.get(ref);
        if (id) queue.push(id);
        else warnings.push(`${dangling(`queueIds[${i}]`, ref, "song")}; left out of the queue`);
      });
      const endedAt = v.isActive ? null : new Date(Math.min(v.updatedAt.getTime(), v.expiresAt.getTime()));
      if (known.has(item.legacyId)) {
        const row = await tx
          .selectFrom("live_sessions")
          .select("code")
          .where("legacy_id", "=", item.legacyId)
          .executeTakeFirstOrThrow();
        outcomes.push(written(sessionCanon(item.legacyId, row.code, hostId, songId, queue, v, endedAt)));
        continue;
      }
      // Codes are 6–10 of A–Z and 0–9 here: a shorter or odd one is completed from the old id.
      const fill = item.legacyId.toUpperCase().replace(/[^A-Z0-9]/g, "");
      let code = (v.code ?? "").toUpperCase().replace(/[^A-Z0-9]/g, "");
      if (code.length < 6)
        code = (code + fill.slice(-(6 - code.length + 2))).slice(0, Math.max(6, code.length));
      code = code.slice(0, 10);
      const taken = async (c: string) =>
        (await tx.selectFrom("live_sessions").select("id").where("code", "=", c).executeTakeFirst()) !==
          undefined || values.some((r) => (r as { code: string }).code === c);
      if (!CODE.test(code) || (await taken(code)))
        code = `L${hash8(item.legacyId).toUpperCase()}`.slice(0, 9);
      for (let n = 0; (await taken(code)) || !CODE.test(code); n++)
        code = `L${hash8(`${item.legacyId}:${n}`).toUpperCase()}`;
      if (code !== v.code)
        warnings.push(
          `sessionCode: "${v.code ?? ""}" became "${code}" (codes here are 6–10 letters and digits, unique)`,
        );
      values.push({
        code,
        name: v.name,
        host_id: hostId,
        is_active: v.isActive,
        song_id: songId,
        position_ms: v.positionMs,
        position_at: v.updatedAt,
        playing: v.playing,
        queue: JSON.stringify(queue.map((songId) => ({ id: randomUUID(), songId, addedBy: null }))),
        expires_at: v.expiresAt,
        ended_at: endedAt,
        legacy_id: item.legacyId,
        created_at: v.createdAt,
        updated_at: v.updatedAt,
      });
      outcomes.push(written(sessionCanon(item.legacyId, code, hostId, songId, queue, v, endedAt), warnings));
    }
    await insertRows(tx, "live_sessions", values);
    return done(outcomes);
  },
  async readBack(tx, after, limit) {
    const rows = await tx.selectFrom("live_sessions").selectAll().$call(importedPage(after, limit)).execute();
    return rows.map((r) => ({
      key: r.legacy_id!,
      canonical: sessionCanon(
        r.legacy_id!,
        r.code,
        r.host_id,
        r.song_id,
        r.queue.map((q) => q.songId),
        {
          code: r.code,
          name: r.name,
          hostRef: null,
          isActive: r.is_active,
          songRef: null,
          positionMs: Number(r.position_ms),
          playing: r.playing,
          queueRefs: [],
          expiresAt: r.expires_at,
          createdAt: r.created_at,
          updatedAt: r.updated_at,
        },
        r.ended_at,
      ),
    }));
  },
};

// ---------- sessionparticipants ----------

interface ParticipantValue {
  sessionRef: string;
  userRef: string;
  role: "host" | "dj" | "listener";
  joinedAt: Date;
  leftAt: Date | null;
}

const participantCanon = (legacyId: string, sessionId: string, userId: string, v: ParticipantValue) =>
  canon([legacyId, sessionId, userId, v.role, ms(v.joinedAt), ms(v.leftAt)]);

const participants: Handler<ParticipantValue> = {
  name: "sessionparticipants",
  tables: ["session_participants"],
  map(doc, warnings) {
    const legacyId = legacyIdOf(doc);
    const sessionRef = idOf(doc.sessionId);
    const userRef = idOf(doc.userId);
    if (!sessionRef) throw new Reject("sessionId: missing");
    if (!userRef) throw new Reject("userId: missing");
    return {
      sessionRef,
      userRef,
      role: oneOf(doc, "role", ["host", "dj", "listener"] as const, "listener", warnings),
      joinedAt: createdAt(doc, legacyId, warnings, "joinedAt"),
      leftAt: date(doc, "leftAt", warnings),
    };
  },
  async write(tx, items) {
    const [sessionIds, userIds] = await Promise.all([
      byLegacy(
        tx,
        "live_sessions",
        items.map((i) => i.value.sessionRef),
      ),
      byLegacy(
        tx,
        "users",
        items.map((i) => i.value.userRef),
      ),
    ]);
    const pairs = new Map<string, { legacyId: string | null; role: string }>();
    const ids = [...new Set(sessionIds.values())];
    if (ids.length) {
      const rows = await tx
        .selectFrom("session_participants")
        .select(["session_id", "user_id", "legacy_id", "role"])
        .where("session_id", "in", ids)
        .execute();
      for (const r of rows)
        pairs.set(`${r.session_id}:${r.user_id}`, { legacyId: r.legacy_id, role: r.role });
    }
    const values: unknown[] = [];
    const outcomes = items.map((item) => {
      const v = item.value;
      const sessionId = sessionIds.get(v.sessionRef);
      if (!sessionId) return rejected(dangling("sessionId", v.sessionRef, "session"));
      const userId = userIds.get(v.userRef);
      if (!userId) return rejected(dangling("userId", v.userRef, "user"));
      const c = participantCanon(item.legacyId, sessionId, userId, v);
      const key = `${sessionId}:${userId}`;
      const other = pairs.get(key);
      if (other) {
        return other.legacyId === item.legacyId
          ? written(c)
          : rejected(
              `user ${v.userRef} is already in this session as ${other.role} (${other.legacyId ? `old record ${other.legacyId}` : "in Chorus"}); one membership per user`,
            );
      }
      pairs.set(key, { legacyId: item.legacyId, role: v.role });
      values.push({
        session_id: sessionId,
        user_id: userId,
        role: v.role,
        joined_at: v.joinedAt,
        left_at: v.leftAt,
        legacy_id: item.legacyId,
      });
      return written(c);
    });
    await insertRows(tx, "session_participants", values);
    return done(outcomes);
  },
  async readBack(tx, after, limit) {
    const rows = await tx
      .selectFrom("session_participants")
      .selectAll()
      .$call(importedPage(after, limit))
      .execute();
    return rows.map((r) => ({
      key: r.legacy_id!,
      canonical: participantCanon(r.legacy_id!, r.session_id, r.user_id, {
        sessionRef: "",
        userRef: "",
        role: r.role,
        joinedAt: r.joined_at,
        leftAt: r.left_at,
      }),
    }));
  },
};

// ---------- chatmessages ----------

interface ChatValue {
  sessionRef: string;
  userRef: string | null;
  kind: "text" | "system" | "reaction";
  body: string;
  createdAt: Date;
}

const chatCanon = (legacyId: string, sessionId: string, userId: string | null, v: ChatValue) =>
  canon([legacyId, sessionId, userId, v.kind, v.body, ms(v.createdAt)]);

const chat: Handler<ChatValue> = {
  name: "chatmessages",
  tables: ["chat_messages"],
  independent: true,
  map(doc, warnings) {
    const legacyId = legacyIdOf(doc);
    const sessionRef = idOf(doc.sessionId);
    if (!sessionRef) throw new Reject("sessionId: missing");
    const body = text(doc, "message", warnings);
    if (body === null) throw new Reject("message: missing");
    return {
      sessionRef,
      userRef: idOf(doc.userId),
      kind: oneOf(doc, "type", ["text", "system", "reaction"] as const, "text", warnings),
      body: limitText(body, 2000, "message", warnings)!,
      createdAt: createdAt(doc, legacyId, warnings),
    };
  },
  async write(tx, items) {
    const [known, sessionIds, userIds] = await Promise.all([
      importedAlready(tx, "chat_messages", items),
      byLegacy(
        tx,
        "live_sessions",
        items.map((i) => i.value.sessionRef),
      ),
      byLegacy(
        tx,
        "users",
        items.flatMap((i) => (i.value.userRef ? [i.value.userRef] : [])),
      ),
    ]);
    const values: unknown[] = [];
    const outcomes = items.map((item) => {
      const v = item.value;
      const sessionId = sessionIds.get(v.sessionRef);
      if (!sessionId) return rejected(dangling("sessionId", v.sessionRef, "session"));
      const warnings: string[] = [];
      const userId = v.userRef ? (userIds.get(v.userRef) ?? null) : null;
      if (v.userRef && !userId)
        warnings.push(`${dangling("userId", v.userRef, "user")}; kept without an author`);
      const c = chatCanon(item.legacyId, sessionId, userId, v);
      if (known.has(item.legacyId)) return written(c);
      values.push({
        session_id: sessionId,
        user_id: userId,
        kind: v.kind,
        body: v.body,
        legacy_id: item.legacyId,
        created_at: v.createdAt,
      });
      return written(c, warnings);
    });
    await insertRows(tx, "chat_messages", values);
    return done(outcomes);
  },
  async readBack(tx, after, limit) {
    const rows = await tx.selectFrom("chat_messages").selectAll().$call(importedPage(after, limit)).execute();
    return rows.map((r) => ({
      key: r.legacy_id!,
      canonical: chatCanon(r.legacy_id!, r.session_id, r.user_id, {
        sessionRef: "",
        userRef: null,
        kind: r.kind,
        body: r.body,
        createdAt: r.created_at,
      }),
    }));
  },
};

// ---------- recentlyplayeds (history) ----------

interface PlayValue {
  userRef: string;
  songRef: string;
  playedMs: number;
  skipped: boolean;
  contextType: string | null;
  contextId: string | null;
  playedAt: Date;
}

const playCanon = (
  legacyId: string,
  userId: string,
  songId: string,
  v: Omit<PlayValue, "userRef" | "songRef">,
) => canon([legacyId, userId, songId, v.playedMs, v.skipped, v.contextType, v.contextId, ms(v.playedAt)]);

/** Months (UTC, as YYYY-MM-01) whose plays partition exists or was made by this process. */
const partitions = new Set<string>();

const plays: Handler<PlayValue> = {
  name: "recentlyplayeds",
  tables: ["plays"],
  independent: true,
  setup(items) {
    const months = [...new Set(items.map((i) => i.value.playedAt.toISOString().slice(0, 7)))].filter(
      (m) => !partitions.has(m),
    );
    if (months.length === 0) return null;
    return async (db) => {
      for (const month of months.sort()) {
        await sql`select ensure_plays_partition(${`${month}-01`}::date)`.execute(db);
        partitions.add(month);
      }
    };
  },
  map(doc, warnings) {
    const legacyId = legacyIdOf(doc);
    const userRef = idOf(doc.userId);
    const songRef = idOf(doc.songId);
    if (!userRef) throw new Reject("userId: missing");
    if (!songRef) throw new Reject("songId: missing");
    const playedAt =
      date(doc, "playedAt", warnings) ?? date(doc, "createdAt", warnings) ?? objectIdTime(legacyId);
    if (!playedAt) throw new Reject("playedAt: missing, and no createdAt or id time to take it from");
    const seconds = num(doc, "playDuration", warnings);
    if (seconds !== null && seconds < 0) warnings.push(`playDuration: ${seconds} is negative; set to 0`);
    return {
      userRef,
      songRef,
      playedMs: Math.max(0, Math.round((seconds ?? 0) * 1000)),
      skipped: bool(doc, "skipped", warnings) ?? false,
      contextType: text(doc, "contextType", warnings)?.trim() || null,
      contextId: idOf(doc.contextId),
      playedAt,
    };
  },
  async write(tx, items) {
    const [userIds, songIds, playlistIds, albumIds] = await Promise.all([
      byLegacy(
        tx,
        "users",
        items.map((i) => i.value.userRef),
      ),
      byLegacy(
        tx,
        "songs",
        items.map((i) => i.value.songRef),
      ),
      byLegacy(
        tx,
        "playlists",
        items.flatMap((i) =>
          i.value.contextType === "playlist" && i.value.contextId ? [i.value.contextId] : [],
        ),
      ),
      byLegacy(
        tx,
        "albums",
        items.flatMap((i) =>
          i.value.contextType === "album" && i.value.contextId ? [i.value.contextId] : [],
        ),
      ),
    ]);
    const cols = {
      legacy: [] as string[],
      user: [] as string[],
      song: [] as string[],
      played: [] as number[],
      skipped: [] as boolean[],
      ctype: [] as (string | null)[],
      cid: [] as (string | null)[],
      at: [] as Date[],
    };
    const months = new Set<string>();
    const outcomes = items.map((item) => {
      const v = item.value;
      const userId = userIds.get(v.userRef);
      if (!userId) return rejected(dangling("userId", v.userRef, "user"));
      const songId = songIds.get(v.songRef);
      if (!songId) return rejected(dangling("songId", v.songRef, "song"));
      // A context that names an imported playlist or album names it by its new id.
      const contextId =
        (v.contextId &&
          (v.contextType === "playlist"
            ? playlistIds.get(v.contextId)
            : v.contextType === "album"
              ? albumIds.get(v.contextId)
              : undefined)) ||
        v.contextId;
      cols.legacy.push(item.legacyId);
      cols.user.push(userId);
      cols.song.push(songId);
      cols.played.push(v.playedMs);
      cols.skipped.push(v.skipped);
      cols.ctype.push(v.contextType);
      cols.cid.push(contextId);
      cols.at.push(v.playedAt);
      months.add(v.playedAt.toISOString().slice(0, 7));
      return written(playCanon(item.legacyId, userId, songId, { ...v, contextId }));
    });
    for (const month of months) {
      if (partitions.has(month)) continue;
      await sql`select ensure_plays_partition(${`${month}-01`}::date)`.execute(tx);
      partitions.add(month);
    }
    if (cols.legacy.length) {
      await sql`insert into plays (legacy_id, user_id, song_id, played_ms, skipped, context_type, context_id, played_at)
        select * from unnest(${cols.legacy}::text[], ${cols.user}::uuid[], ${cols.song}::uuid[], ${cols.played}::int[],
          ${cols.skipped}::boolean[], ${cols.ctype}::text[], ${cols.cid}::text[], ${cols.at}::timestamptz[])
        on conflict (legacy_id, played_at) do nothing`.execute(tx);
    }
    return done(outcomes);
  },
  async readBack(tx, after, limit) {
    const rows = await tx
      .selectFrom("plays")
      .select([
        "legacy_id",
        "user_id",
        "song_id",
        "played_ms",
        "skipped",
        "context_type",
        "context_id",
        "played_at",
      ])
      .$call(importedPage(after, limit))
      .execute();
    return rows.map((r) => ({
      key: r.legacy_id!,
      canonical: playCanon(r.legacy_id!, r.user_id, r.song_id, {
        playedMs: r.played_ms,
        skipped: r.skipped,
        contextType: r.context_type,
        contextId: r.context_id,
        playedAt: r.played_at,
      }),
    }));
  },
};

/** Forget which plays partitions exist (a test drops its database and makes a new one). */
export function forgetPartitions(): void {
  partitions.clear();
}

// ---------- recentsearches ----------

interface SearchValue {
  userRef: string;
  query: string;
  normalized: string;
  searchedAt: Date;
}

const searchCanon = (legacyId: string, userId: string, query: string, normalized: string, at: Date) =>
  canon([legacyId, userId, query, normalized, ms(at)]);

const searches: Handler<SearchValue> = {
  name: "recentsearches",
  tables: ["recent_searches"],
  map(doc, warnings) {
    const legacyId = legacyIdOf(doc);
    const userRef = idOf(doc.userId);
    if (!userRef) throw new Reject("userId: missing");
    const raw = text(doc, "query", warnings) ?? "";
    const query = tidyQuery(raw);
    const normalized = normalizeQuery(raw);
    if (!query || !normalized) throw new Reject("query: empty");
    if (query !== raw.trim()) warnings.push("query: spaces tidied or cut to 200 characters");
    return { userRef, query, normalized, searchedAt: createdAt(doc, legacyId, warnings) };
  },
  async write(tx, items) {
    const userIds = await byLegacy(
      tx,
      "users",
      items.map((i) => i.value.userRef),
    );
    const current = new Map<string, { legacyId: string | null; query: string; at: Date }>();
    const keys = items.flatMap((i) => {
      const u = userIds.get(i.value.userRef);
      return u ? [{ u, n: i.value.normalized }] : [];
    });
    if (keys.length) {
      const { rows } = await sql<{
        user_id: string;
        normalized: string;
        legacy_id: string | null;
        query: string;
        searched_at: Date;
      }>`
        select r.user_id, r.normalized, r.legacy_id, r.query, r.searched_at from recent_searches r
        join unnest(${keys.map((k) => k.u)}::uuid[], ${keys.map((k) => k.n)}::text[]) k(u, n)
          on r.user_id = k.u and r.normalized = k.n`.execute(tx);
      for (const r of rows)
        current.set(`${r.user_id}\n${r.normalized}`, {
          legacyId: r.legacy_id,
          query: r.query,
          at: r.searched_at,
        });
    }
    const result: BatchResult = { outcomes: [], extra: [], superseded: [] };
    const upserts = new Map<
      string,
      { user_id: string; query: string; normalized: string; searched_at: Date; legacy_id: string }
    >();
    for (const item of items) {
      const v = item.value;
      const userId = userIds.get(v.userRef);
      if (!userId) {
        result.outcomes.push(rejected(dangling("userId", v.userRef, "user")));
        continue;
      }
      const key = `${userId}\n${v.normalized}`;
      const c = searchCanon(item.legacyId, userId, v.query, v.normalized, v.searchedAt);
      const held = current.get(key);
      if (held?.legacyId === item.legacyId) {
        result.outcomes.push(written(c));
        continue;
      }
      // One row per user and query: the newest search of it is kept, as Chorus itself does.
      const newer =
        held &&
        (held.at.getTime() > v.searchedAt.getTime() ||
          (held.at.getTime() === v.searchedAt.getTime() && (held.legacyId ?? "") > item.legacyId));
      if (held && newer) {
        result.outcomes.push(
          rejected(
            `the same search (“${v.normalized}”) again; the newer one (${held.legacyId ?? "in Chorus"}) is kept`,
          ),
        );
        continue;
      }
      if (held?.legacyId) {
        result.superseded.push({
          canonical: searchCanon(held.legacyId, userId, held.query, v.normalized, held.at),
        });
        result.extra.push({
          legacyId: held.legacyId,
          severity: "rejected",
          reason: `the same search (“${v.normalized}”) again; the newer one (${item.legacyId}) is kept`,
        });
        const earlier = result.outcomes.findIndex(
          (o) => o.canonical === searchCanon(held.legacyId!, userId, held.query, v.normalized, held.at),
        );
        // Superseded within this very batch: it is simply rejected, not counted twice.
        if (earlier !== -1) {
          result.outcomes[earlier] = rejected(result.extra.pop()!.reason);
          result.superseded.pop();
        }
      }
      current.set(key, { legacyId: item.legacyId, query: v.query, at: v.searchedAt });
      upserts.set(key, {
        user_id: userId,
        query: v.query,
        normalized: v.normalized,
        searched_at: v.searchedAt,
        legacy_id: item.legacyId,
      });
      result.outcomes.push(written(c));
    }
    if (upserts.size) {
      await tx
        .insertInto("recent_searches")
        .values([...upserts.values()])
        .onConflict((oc) =>
          oc.columns(["user_id", "normalized"]).doUpdateSet((eb) => ({
            query: eb.ref("excluded.query"),
            searched_at: eb.ref("excluded.searched_at"),
            legacy_id: eb.ref("excluded.legacy_id"),
          })),
        )
        .execute();
    }
    return result;
  },
  async readBack(tx, after, limit) {
    const rows = await tx
      .selectFrom("recent_searches")
      .selectAll()
      .$call(importedPage(after, limit))
      .execute();
    return rows.map((r) => ({
      key: r.legacy_id!,
      canonical: searchCanon(r.legacy_id!, r.user_id, r.query, r.normalized, r.searched_at),
    }));
  },
};

// ---------- recommendations ----------

interface RecommendationValue {
  userRef: string;
  songRefs: string[];
  reason: string | null;
  score: number | null;
  generatedAt: Date;
  expiresAt: Date | null;
}

const recommendationCanon = (legacyId: string, userId: string, songIds: string[], v: RecommendationValue) =>
  canon([legacyId, userId, v.reason, v.score, ms(v.generatedAt), ms(v.expiresAt), songIds]);

const recommendations: Handler<RecommendationValue> = {
  name: "recommendations",
  tables: ["recommendations", "recommendation_songs"],
  map(doc, warnings) {
    const legacyId = legacyIdOf(doc);
    const userRef = idOf(doc.userId);
    if (!userRef) throw new Reject("userId: missing");
    return {
      userRef,
      songRefs: refs(doc, "songIds", warnings),
      reason: text(doc, "reason", warnings) || null,
      score: num(doc, "score", warnings),
      generatedAt:
        date(doc, "generatedAt", warnings) ??
        date(doc, "createdAt", warnings) ??
        createdAt({}, legacyId, warnings),
      expiresAt: date(doc, "expiresAt", warnings),
    };
  },
  async write(tx, items) {
    const [known, userIds, songIds] = await Promise.all([
      importedAlready(tx, "recommendations", items),
      byLegacy(
        tx,
        "users",
        items.map((i) => i.value.userRef),
      ),
      byLegacy(
        tx,
        "songs",
        items.flatMap((i) => i.value.songRefs),
      ),
    ]);
    const lists: unknown[] = [];
    const cols = { rec: [] as string[], position: [] as number[], song: [] as string[] };
    const outcomes = items.map((item) => {
      const v = item.value;
      const userId = userIds.get(v.userRef);
      if (!userId) return rejected(dangling("userId", v.userRef, "user"));
      const warnings: string[] = [];
      const kept: string[] = [];
      v.songRefs.forEach((ref, i) => {
        const id = songIds.get(ref);
        if (id) kept.push(id);
        else warnings.push(`${dangling(`songIds[${i}]`, ref, "song")}; left out`);
      });
      const c = recommendationCanon(item.legacyId, userId, kept, v);
      if (known.has(item.legacyId)) return written(c);
      const id = randomUUID();
      lists.push({
        id,
        user_id: userId,
        reason: v.reason,
        score: v.score,
        generated_at: v.generatedAt,
        expires_at: v.expiresAt,
        legacy_id: item.legacyId,
        created_at: v.generatedAt,
      });
      kept.forEach((songId, position) => {
        cols.rec.push(id);
        cols.position.push(position);
        cols.song.push(songId);
      });
      return written(c, warnings);
    });
    await insertRows(tx, "recommendations", lists);
    if (cols.rec.length) {
      await sql`insert into recommendation_songs (recommendation_id, position, song_id)
        select * from unnest(${cols.rec}::uuid[], ${cols.position}::int[], ${cols.song}::uuid[])`.execute(tx);
    }
    return done(outcomes);
  },
  async readBack(tx, after, limit) {
    const { rows } = await sql<{
      legacy_id: string;
      user_id: string;
      reason: string | null;
      score: number | null;
      generated_at: Date;
      expires_at: Date | null;
      songs: string[] | null;
    }>`
      select r.legacy_id, r.user_id, r.reason, r.score, r.generated_at, r.expires_at,
        (select array_agg(song_id::text order by position) from recommendation_songs where recommendation_id = r.id) as songs
      from recommendations r where r.legacy_id is not null ${after === null ? sql`` : sql`and r.legacy_id > ${after}`}
      order by r.legacy_id limit ${limit}`.execute(tx);
    return rows.map((r) => ({
      key: r.legacy_id,
      canonical: recommendationCanon(r.legacy_id, r.user_id, r.songs ?? [], {
        userRef: "",
        songRefs: [],
        reason: r.reason,
        score: r.score,
        generatedAt: r.generated_at,
        expiresAt: r.expires_at,
      }),
    }));
  },
};

// biome-ignore lint/suspicious/noExplicitAny: each handler has its own record type
export const HANDLERS: Record<CollectionName, Handler<any>> = {
  users,
  usersettings: settings,
  albums,
  songs,
  lyrics,
  playlists,
  libraries,
  sessions,
  sessionparticipants: participants,
  chatmessages: chat,
  recentlyplayeds: plays,
  recentsearches: searches,
  recommendations,
};
