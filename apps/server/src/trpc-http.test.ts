import fastifyCookie from "@fastify/cookie";
import { initTRPC, TRPCError } from "@trpc/server";
import { fastifyTRPCPlugin } from "@trpc/server/adapters/fastify";
import type { TRPCRequestInfo } from "@trpc/server/unstable-core-do-not-import";
import Fastify, { type FastifyReply, type FastifyRequest } from "fastify";
import superjson from "superjson";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { trpcHttp } from "./plugins/trpc-http.js";

// The lean path must answer exactly as tRPC's own Fastify adapter does: the same requests go to a
// server with each, and the answers (status, headers that matter, bytes) and what `onError` saw are
// compared. Each context notes which path made it: tRPC's handler gives it the request's URL, the
// lean path none, so the test also knows the lean path really answered.

interface Ctx {
  who: string | null;
  req: FastifyRequest;
  res: FastifyReply;
}
const t = initTRPC.context<Ctx>().create({
  transformer: superjson,
  // No stack traces in the errors: they name the code that ran, which differs by design.
  isDev: false,
  errorFormatter: ({ shape, error }) => ({
    ...shape,
    data: { ...shape.data, cause: error.cause?.message ?? null },
  }),
});
const router = t.router({
  greet: t.procedure.input(z.object({ name: z.string().min(2) })).query(({ input, ctx }) => ({
    hello: input.name,
    who: ctx.who,
  })),
  when: t.procedure.query(() => ({ at: new Date("2026-11-26T10:00:00Z"), big: 10n, tags: new Set(["a"]) })),
  missing: t.procedure.query(() => {
    throw new TRPCError({ code: "NOT_FOUND", message: "This song is not in the library" });
  }),
  broken: t.procedure.query(() => {
    throw new Error("database on fire");
  }),
  remember: t.procedure.query(({ ctx }) => {
    ctx.res.setCookie("seen", "1", { path: "/", httpOnly: true });
    return { ok: true };
  }),
  rename: t.procedure
    .input(z.object({ name: z.string() }))
    .mutation(({ input }) => ({ renamed: input.name })),
  nested: t.router({ deep: t.procedure.query(() => "deep") }),
  kept: t.procedure.query(() => KEPT),
  // superjson refuses to write this key: writing the answer fails after the procedure succeeded.
  polluted: t.procedure.query(() => JSON.parse('{"constructor":{"x":1}}') as Record<string, unknown>),
  // Only a streamed batch can carry promises.
  later: t.procedure.query(() => ({ later: Promise.resolve(1) })),
});
/** An answer the server hands out again and again, as the in-process cache does. */
const KEPT = { songs: ["Low Tide"] };

type Seen = { path: string | undefined; code: string; type: string };

async function serve(lean: boolean) {
  const made: Array<"lean" | "trpc"> = [];
  const errors: Seen[] = [];
  const app = Fastify();
  await app.register(fastifyCookie);
  const trpcOptions = {
    router,
    createContext: ({
      req,
      res,
      info,
    }: {
      req: FastifyRequest;
      res: FastifyReply;
      info: TRPCRequestInfo;
    }) => {
      made.push(info.url === null ? "lean" : "trpc");
      const who = req.headers["x-who"];
      if (who === "nobody") throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in first" });
      return { who: typeof who === "string" ? who : null, req, res };
    },
    onError: ({ path, error, type }: { path?: string; error: TRPCError; type: string }) =>
      void errors.push({ path, code: error.code, type }),
  };
  if (lean)
    await app.register(trpcHttp<typeof router>, {
      prefix: "/trpc",
      trpcOptions,
      isStable: (data) => data === KEPT,
    });
  else await app.register(fastifyTRPCPlugin, { prefix: "/trpc", trpcOptions });
  await app.listen({ host: "127.0.0.1", port: 0 });
  const address = app.server.address();
  const base = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  return { app, base, made, errors };
}

const get = (path: string, input?: unknown) =>
  `/trpc/${path}${input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify(input))}`}`;
const batch = (paths: string[], inputs: Record<number, unknown>) =>
  `/trpc/${paths.join(",")}?batch=1&input=${encodeURIComponent(JSON.stringify(inputs))}`;

describe("tRPC over HTTP: the lean path for queries", () => {
  let lean: Awaited<ReturnType<typeof serve>>;
  let trpc: Awaited<ReturnType<typeof serve>>;
  beforeAll(async () => {
    [lean, trpc] = await Promise.all([serve(true), serve(false)]);
  });
  afterAll(async () => {
    await Promise.all([lean?.app.close(), trpc?.app.close()]);
  });

  async function both(url: string, init?: RequestInit) {
    const answer = async (server: typeof lean) => {
      server.made.length = 0;
      server.errors.length = 0;
      const res = await fetch(server.base + url, init);
      return {
        status: res.status,
        contentType: res.headers.get("content-type"),
        vary: res.headers.get("vary"),
        cookie: res.headers.get("set-cookie"),
        body: await res.text(),
        errors: [...server.errors],
      };
    };
    const [ours, theirs] = [await answer(lean), await answer(trpc)];
    expect(ours).toEqual(theirs);
    return { ...ours, by: [...lean.made] };
  }

  it("answers a query, a batch and values superjson carries as tRPC does, by the lean path", async () => {
    const one = await both(get("greet", { json: { name: "Ana" } }), { headers: { "x-who": "ana" } });
    expect(one.status).toBe(200);
    expect(JSON.parse(one.body)).toEqual({ result: { data: { json: { hello: "Ana", who: "ana" } } } });
    expect(one.by).toEqual(["lean"]);

    const two = await both(batch(["greet", "when", "nested.deep"], { 0: { json: { name: "Bo" } } }));
    expect(two.status).toBe(200);
    const [, when] = JSON.parse(two.body);
    expect(when.result.data.meta.values).toMatchObject({ at: ["Date"], big: ["bigint"], tags: ["set"] });
    expect(two.by).toEqual(["lean"]);

    expect((await both(get("when"))).by).toEqual(["lean"]);
  });

  it("gives the same errors, statuses and onError calls", async () => {
    const invalid = await both(get("greet", { json: { name: "A" } }));
    expect(invalid.status).toBe(400);
    expect(invalid.errors).toEqual([{ path: "greet", code: "BAD_REQUEST", type: "query" }]);

    const missing = await both(get("missing"));
    expect(missing.status).toBe(404);
    expect(JSON.parse(missing.body).error.json.message).toBe("This song is not in the library");

    const broken = await both(get("broken"));
    expect(broken.status).toBe(500);
    expect(broken.errors).toEqual([{ path: "broken", code: "INTERNAL_SERVER_ERROR", type: "query" }]);

    // Some calls of a batch fail: 207, each with its own answer.
    const mixed = await both(batch(["greet", "missing", "when"], { 0: { json: { name: "Cy" } } }));
    expect(mixed.status).toBe(207);
    expect(mixed.by).toEqual(["lean"]);

    // A context that cannot be made fails every call of the batch.
    const refused = await both(batch(["greet", "when"], { 0: { json: { name: "Di" } } }), {
      headers: { "x-who": "nobody" },
    });
    expect(refused.status).toBe(401);
    expect(refused.errors.map((e) => e.code)).toEqual(["UNAUTHORIZED", "UNAUTHORIZED"]);
  });

  it("fails as tRPC fails when an answer cannot be written, or is a stream", async () => {
    const polluted = await both(get("polluted"));
    expect(polluted.status).toBe(500);
    expect(polluted.errors).toEqual([{ path: undefined, code: "INTERNAL_SERVER_ERROR", type: "query" }]);
    expect(polluted.by).toEqual(["lean"]);
    expect((await both(batch(["greet", "polluted"], { 0: { json: { name: "Gus" } } }))).status).toBe(500);

    const later = await both(get("later"));
    expect(later.status).toBe(415);
    expect(later.errors).toEqual([{ path: undefined, code: "UNSUPPORTED_MEDIA_TYPE", type: "query" }]);
    const batched = await both(batch(["later", "when"], {}));
    expect(batched.status).toBe(207);
    expect(batched.errors).toEqual([]);
  });

  it("reads the query string as tRPC does: stray % signs, repeated keys", async () => {
    // "100% off" typed into a URL by hand: a lone % that a strict decoder refuses.
    const stray = await both('/trpc/greet?input={"json":{"name":"100%25 off 50%"}}');
    expect(JSON.parse(stray.body).result.data.json.hello).toBe("100% off 50%");
    expect(stray.by).toEqual(["lean"]);
    const repeated = await both(
      `/trpc/greet?input=${encodeURIComponent('{"json":{"name":"Ivy"}}')}&input=${encodeURIComponent('{"json":{"name":"Jo"}}')}`,
    );
    expect(JSON.parse(repeated.body).result.data.json.hello).toBe("Ivy");
  });

  it("leaves to tRPC what is not a plain GET of queries, with the same answers", async () => {
    const cases: Array<[string, RequestInit | undefined, number]> = [
      [get("nope"), undefined, 404],
      [get("rename", { json: { name: "x" } }), undefined, 405],
      ["/trpc/greet?input=%7Bnot-json", undefined, 400],
      [batch(["greet", "nope"], { 0: { json: { name: "Ed" } } }), undefined, 207],
      ["/trpc/greet,when?batch=1&input=%5B1%5D", undefined, 207],
      [
        "/trpc/rename",
        {
          method: "POST",
          body: JSON.stringify({ json: { name: "Flo" } }),
          headers: { "content-type": "application/json" },
        },
        200,
      ],
    ];
    for (const [url, init, status] of cases) {
      const answer = await both(url, init);
      expect(answer.status, url).toBe(status);
      expect(answer.by.includes("lean"), url).toBe(false);
    }
    // A streamed batch (httpBatchStreamLink) is tRPC's too; its body is a stream, compared as text.
    const streamed = await both(batch(["when"], {}), { headers: { "trpc-accept": "application/jsonl" } });
    expect(streamed.status).toBe(200);
    expect(streamed.by).not.toContain("lean");
  });

  it("sends the cookies a query's context sets", async () => {
    const answer = await both(get("remember"));
    expect(answer.cookie).toBe("seen=1; Path=/; HttpOnly; SameSite=Lax");
    expect(answer.by).toEqual(["lean"]);
  });

  it("writes the JSON of an answer marked stable once", async () => {
    const first = await both(batch(["kept", "when"], {}));
    expect(JSON.parse(first.body)[0].result.data.json).toEqual({ songs: ["Low Tide"] });
    // Nobody changes a stable answer; if something did, the lean path would not see it: proof that
    // it kept the bytes, single or batched.
    expect((await both(get("kept"))).by).toEqual(["lean"]);
    KEPT.songs.push("Undertow");
    try {
      const single = await fetch(`${lean.base}${get("kept")}`);
      expect(JSON.parse(await single.text()).result.data.json).toEqual({ songs: ["Low Tide"] });
      const batched = await fetch(`${lean.base}${batch(["when", "kept"], {})}`);
      expect(JSON.parse(await batched.text())[1].result.data.json).toEqual({ songs: ["Low Tide"] });
    } finally {
      KEPT.songs.pop();
    }
  });
});
