import { describe, expect, it } from "vitest";
import { ClockInput, Id, PageInput, ServerInfo } from "./index.js";

describe("contracts", () => {
  it("fill page defaults and explain a bad limit in words", () => {
    expect(PageInput.parse({})).toEqual({ limit: 20 });
    const bad = PageInput.safeParse({ limit: 1000 });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.message).toBe("limit must be at most 100");
  });

  it("accept only UUIDs as ids", () => {
    expect(Id.safeParse("6f1c2a9e-3b7d-4c1e-9a2b-0d5e6f7a8b9c").success).toBe(true);
    expect(Id.safeParse("65f0c1aa")?.error?.issues[0]?.message).toBe("must be a valid id (a UUID)");
  });

  it("bound the clock interval", () => {
    expect(ClockInput.parse(undefined)).toEqual({ intervalMs: 1000 });
    expect(ClockInput.safeParse({ intervalMs: 5 }).error?.issues[0]?.message).toBe(
      "intervalMs must be at least 100",
    );
  });

  it("describe the server info shape", () => {
    const info = {
      name: "Chorus",
      version: "1.0.0",
      startedAt: new Date(),
      backends: { database: "postgres", cache: "redis", eventBus: "redis", media: "local" },
      library: { songs: 1, albums: 1, artists: 1 },
    };
    expect(ServerInfo.parse(info)).toEqual(info);
    expect(
      ServerInfo.safeParse({ ...info, backends: { ...info.backends, cache: "memcached" } }).success,
    ).toBe(false);
  });
});
