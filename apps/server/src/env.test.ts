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
