import path from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "./env.js";

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env, "/srv/chorus");
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("loadConfig", () => {
  it("starts with the embedded defaults when nothing is set", () => {
    const config = loadConfig({}, "/srv/chorus");
    expect(config).toMatchObject({
      nodeEnv: "development",
      host: "0.0.0.0",
      port: 3000,
      dataDir: "/srv/chorus/data",
      databaseUrl: undefined,
      redisUrl: undefined,
      serveWeb: false,
    });
  });

  it("reads real services and production mode", () => {
    const config = loadConfig(
      {
        NODE_ENV: "production",
        PORT: "8080",
        DATA_DIR: "/var/lib/chorus",
        DATABASE_URL: "postgresql://chorus:secret@db:5432/chorus",
        REDIS_URL: "redis://cache:6379",
        PUBLIC_URL: "https://music.example.com/",
      },
      "/srv",
    );
    expect(config).toMatchObject({
      port: 8080,
      dataDir: path.resolve("/var/lib/chorus"),
      databaseUrl: "postgresql://chorus:secret@db:5432/chorus",
      redisUrl: "redis://cache:6379",
      publicUrl: "https://music.example.com",
      serveWeb: true,
    });
  });

  it("treats an empty variable as unset", () => {
    expect(loadConfig({ DATABASE_URL: "", PORT: "" }).databaseUrl).toBeUndefined();
  });

  it("names DATABASE_URL when it is malformed, without echoing its password", () => {
    const [message, ...rest] = problems({ DATABASE_URL: "postgress://chorus:hunter2@db/chorus" });
    expect(rest).toEqual([]);
    expect(message).toBe(
      'DATABASE_URL is not a valid postgres:// URL (got "postgress://chorus:***@db/chorus"); expected e.g. postgres://user:pass@localhost:5432/chorus',
    );
    expect(problems({ DATABASE_URL: "not a url" })[0]).toMatch(
      /^DATABASE_URL is not a valid postgres:\/\/ URL/,
    );
  });

  it("names PORT when it is not a port number", () => {
    expect(problems({ PORT: "eighty" })).toEqual([
      'PORT must be a whole number from 0 to 65535 (got "eighty")',
    ]);
    expect(problems({ PORT: "70000" })).toEqual([
      'PORT must be a whole number from 0 to 65535 (got "70000")',
    ]);
  });

  it("grows the heap by 20% between full collections unless told otherwise", () => {
    expect(loadConfig({}).heapGrowingPercent).toBe(20);
    expect(loadConfig({ HEAP_GROWING_PERCENT: "0" }).heapGrowingPercent).toBe(0);
    expect(problems({ HEAP_GROWING_PERCENT: "lots" })).toEqual([
      `HEAP_GROWING_PERCENT must be a whole number from 0 (V8's own choice) to 300 (got "lots")`,
    ]);
  });

  it("keeps the search index in memory unless SEARCH_INDEX=false", () => {
    expect(loadConfig({}).searchIndex).toBe(true);
    expect(loadConfig({ SEARCH_INDEX: "false" }).searchIndex).toBe(false);
    expect(loadConfig({ SEARCH_INDEX: "0" }).searchIndex).toBe(false);
    expect(problems({ SEARCH_INDEX: "maybe" })).toEqual(["SEARCH_INDEX must be true or false"]);
  });

  it("uses PostgreSQL search unless MEILI_URL is set", () => {
    expect(loadConfig({}, "/srv/chorus")).toMatchObject({
      meiliUrl: undefined,
      meiliKey: undefined,
      meiliIndexPrefix: "chorus_",
    });
    expect(
      loadConfig({
        MEILI_URL: "http://search:7700/",
        MEILI_MASTER_KEY: "a-master-key-of-32-characters-ok",
        MEILI_INDEX_PREFIX: "staging_",
      }),
    ).toMatchObject({
      meiliUrl: "http://search:7700",
      meiliKey: "a-master-key-of-32-characters-ok",
      meiliIndexPrefix: "staging_",
    });
    expect(loadConfig({ MEILI_URL: "https://search.example.com" }).meiliUrl).toBe(
      "https://search.example.com",
    );
    expect(loadConfig({ MEILI_URL: "" }).meiliUrl).toBeUndefined();
  });

  it("names MEILI_URL when it is not an http(s) URL, and the key when it is too short", () => {
    expect(problems({ MEILI_URL: "localhost:7700" })).toEqual([
      'MEILI_URL is not a valid http:// URL (got "localhost:7700"); expected e.g. http://localhost:7700',
    ]);
    expect(problems({ MEILI_URL: "meili://search:7700" })[0]).toMatch(
      /^MEILI_URL is not a valid http:\/\/ URL/,
    );
    expect(problems({ MEILI_URL: "http://user:hunter2@search:7700", MEILI_MASTER_KEY: "short" })).toEqual([
      "MEILI_MASTER_KEY must be at least 16 characters (Meilisearch refuses shorter master keys)",
    ]);
    expect(problems({ MEILI_URL: "htp://user:hunter2@search:7700" })[0]).toContain(
      '(got "htp://user:***@search:7700")',
    );
    expect(problems({ MEILI_INDEX_PREFIX: "chorus songs" })).toEqual([
      "MEILI_INDEX_PREFIX may hold letters, digits, _ and - (at most 50)",
    ]);
  });

  it("lists every bad variable at once", () => {
    const found = problems({ PORT: "-1", REDIS_URL: "http://cache", LOG_LEVEL: "loud", NODE_ENV: "staging" });
    expect(found).toHaveLength(4);
    expect(found.join("\n")).toMatch(/PORT/);
    expect(found.join("\n")).toMatch(/REDIS_URL is not a valid redis:\/\/ URL/);
    expect(found.join("\n")).toMatch(/LOG_LEVEL must be one of/);
    expect(found.join("\n")).toMatch(/NODE_ENV must be development, production or test \(got "staging"\)/);
    expect(() => loadConfig({ PORT: "x" })).toThrow(
      /Chorus cannot start: the configuration is invalid\.\n {2}- PORT/,
    );
  });
});
