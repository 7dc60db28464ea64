import type { AnyTRPCProcedure, AnyTRPCRouter } from "@trpc/server";
import { type FastifyTRPCPluginOptions, fastifyRequestHandler } from "@trpc/server/adapters/fastify";
import {
  getErrorShape,
  getHTTPStatusCode,
  getProcedureAtPath,
  getTRPCErrorFromUnknown,
  isAsyncIterable,
  isObject,
  isPromise,
  TRPCError,
  type TRPCRequestInfo,
  type TRPCResponse,
  transformTRPCResponse,
} from "@trpc/server/unstable-core-do-not-import";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";

/**
 * tRPC over HTTP, as tRPC's Fastify plugin serves it, with one lean path: a GET of queries (one, or a
 * batch as `httpBatchLink` sends it) is answered here, straight from Fastify's request, without the
 * Fetch `Request`, `Response`, web stream and abort signals tRPC's adapter builds for every call.
 * Those cost about as much as a cached answer itself (decision 013). Everything else (mutations,
 * streamed batches, subscriptions over HTTP, a request tRPC would refuse) goes to tRPC's own handler,
 * so the protocol's edge cases stay tRPC's. The answers are the same bytes, status and headers; a test
 * holds the two side by side.
 */

type Options<TRouter extends AnyTRPCRouter> = FastifyTRPCPluginOptions<TRouter>["trpcOptions"];

export interface TrpcHttpOptions<TRouter extends AnyTRPCRouter> {
  trpcOptions: Options<TRouter>;
  /**
   * Answers that never change (the same object handed to every caller from a cache): their JSON is
   * written once and kept with them, for as long as they live.
   */
  isStable?(data: object): boolean;
}

/** tRPC's Fastify plugin, with the lean path: register with `{ prefix: "/trpc", trpcOptions }`. */
export async function trpcHttp<TRouter extends AnyTRPCRouter>(
  app: FastifyInstance,
  { trpcOptions, isStable }: TrpcHttpOptions<TRouter>,
): Promise<void> {
  // As tRPC's plugin: it reads bodies itself, so Fastify hands them over unparsed.
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser("application/json", { parseAs: "string" }, (_req, body, done) => done(null, body));
  app.removeContentTypeParser("multipart/form-data");
  app.addContentTypeParser("multipart/form-data", {}, (_req, body, done) => done(null, body));

  const lean = leanQueries(trpcOptions, isStable);
  app.all("/:path", async (req, res) => {
    const path = (req.params as { path: string }).path;
    if (await lean(req, res, path)) return;
    await fastifyRequestHandler({ ...trpcOptions, req, res, path });
  });
}

interface Call {
  path: string;
  procedure: AnyTRPCProcedure;
  input: unknown;
}

/**
 * The queries a request asks for, or null when the request is not a plain GET of queries tRPC would
 * accept as they are: then tRPC's handler answers it, with its own errors.
 */
async function plan(
  router: AnyTRPCRouter,
  req: FastifyRequest,
  path: string,
): Promise<{ calls: Call[]; isBatch: boolean } | null> {
  if (req.method !== "GET") return null;
  const { headers } = req;
  // Streamed batches (httpBatchStreamLink) and bodies of other kinds.
  if (headers["trpc-accept"] !== undefined || headers.accept?.includes("application/jsonl")) return null;
  const contentType = headers["content-type"];
  if (contentType !== undefined && !contentType.startsWith("application/json")) return null;
  // tRPC decodes the path once more than Fastify has: only plain paths are the same either way.
  if (path.includes("%")) return null;
  // Read as tRPC reads it (URLSearchParams: the first of repeated keys, lenient with stray "%").
  const url = req.raw.url ?? "";
  const start = url.indexOf("?");
  const params = new URLSearchParams(start < 0 ? "" : url.slice(start + 1));
  const input = params.get("input");
  const isBatch = params.get("batch") === "1";
  let inputs: unknown;
  try {
    inputs = input ? JSON.parse(input) : undefined;
  } catch {
    return null;
  }
  if (isBatch && inputs !== undefined && !isObject(inputs)) return null;
  const paths = isBatch ? path.split(",") : [path];
  const { transformer } = router._def._config;
  const calls: Call[] = [];
  for (const [index, callPath] of paths.entries()) {
    const procedure = await getProcedureAtPath(router, callPath);
    if (procedure?._def.type !== "query") return null;
    const raw =
      inputs === undefined ? undefined : isBatch ? (inputs as Record<number, unknown>)[index] : inputs;
    try {
      calls.push({
        path: callPath,
        procedure,
        input: raw === undefined ? undefined : transformer.input.deserialize(raw),
      });
    } catch {
      return null;
    }
  }
  return { calls, isBatch };
}

/** A stream-like value, which only a streamed batch can carry (as tRPC checks). */
function isDataStream(value: unknown): boolean {
  if (!isObject(value)) return false;
  if (isAsyncIterable(value)) return true;
  const values = Object.values(value);
  return values.some(isPromise) || values.some(isAsyncIterable);
}

function leanQueries<TRouter extends AnyTRPCRouter>(
  opts: Options<TRouter>,
  isStable: TrpcHttpOptions<TRouter>["isStable"],
) {
  const { router, createContext, onError } = opts;
  // Options the lean path does not implement: with any of them, tRPC answers every request.
  if (
    opts.responseMeta ||
    opts.allowBatching === false ||
    opts.batching?.enabled === false ||
    opts.maxBatchSize !== undefined
  )
    return async () => false;
  const config = router._def._config;
  const written = new WeakMap<object, string>();
  /** One call's answer as JSON: a stable answer's is written once. */
  const json = (answer: TRPCResponse): string => {
    const data = "result" in answer ? answer.result.data : undefined;
    if (typeof data !== "object" || data === null || !isStable?.(data))
      return JSON.stringify(transformTRPCResponse(config, answer));
    let text = written.get(data);
    if (text === undefined) {
      text = JSON.stringify(transformTRPCResponse(config, answer));
      written.set(data, text);
    }
    return text;
  };
  return async (req: FastifyRequest, res: FastifyReply, path: string): Promise<boolean> => {
    const planned = await plan(router, req, path);
    if (!planned) return false;
    const { calls, isBatch } = planned;

    // A query rarely looks at it; it is aborted only if the client goes away before its answer.
    const abort = new AbortController();
    const onClose = () => {
      if (!res.raw.writableFinished) abort.abort();
    };
    res.raw.once("close", onClose);

    // What tRPC's handler tells createContext about the request, for a context that looks.
    const info: TRPCRequestInfo = {
      accept: null,
      type: "query",
      isBatchCall: isBatch,
      calls: calls.map((call, batchIndex) => ({
        path: call.path,
        procedure: call.procedure,
        getRawInput: async () => call.input,
        result: () => call.input,
        batchIndex,
      })),
      connectionParams: null,
      signal: abort.signal,
      url: null,
    };
    let ctx: unknown;
    let ctxError: TRPCError | undefined;
    try {
      ctx = await createContext?.({ req, res, info });
    } catch (cause) {
      ctxError = getTRPCErrorFromUnknown(cause);
    }
    const context = ctxError ? undefined : ctx;
    const shape = (error: TRPCError, call: Call | undefined) =>
      getErrorShape({ config, error, type: "query", path: call?.path, input: call?.input, ctx: context });
    const results: TRPCResponse[] = await Promise.all(
      calls.map(async (call, batchIndex) => {
        try {
          if (ctxError) throw ctxError;
          const data = await call.procedure({
            path: call.path,
            getRawInput: async () => call.input,
            ctx,
            type: "query",
            signal: abort.signal,
            batchIndex,
          });
          return { result: { data } };
        } catch (cause) {
          const error = getTRPCErrorFromUnknown(cause);
          onError?.({ error, path: call.path, input: call.input, ctx: context as never, type: "query", req });
          return { error: shape(error, call) };
        }
      }),
    );
    const streamLike = () =>
      new TRPCError({
        code: "UNSUPPORTED_MEDIA_TYPE",
        message: "Cannot use stream-like response in non-streaming request - use httpBatchStreamLink",
      });
    let status: number;
    let body: string;
    try {
      if (isBatch) {
        // As tRPC: a stream-like answer is that call's error (not reported to onError).
        for (const [i, answer] of results.entries())
          if ("result" in answer && isDataStream(answer.result.data))
            results[i] = { error: shape(streamLike(), calls[i]) };
        // A batch is the array of its calls' answers, as JSON.stringify would write it.
        body = `[${results.map(json).join(",")}]`;
      } else {
        const [answer] = results;
        if (answer && "result" in answer && isDataStream(answer.result.data)) throw streamLike();
        body = json(answer!);
      }
      status = getHTTPStatusCode(results);
    } catch (cause) {
      // What tRPC answers when writing the answer fails (its `caughtErrorToData`): one error, no path.
      const error = getTRPCErrorFromUnknown(cause);
      onError?.({ error, path: undefined, input: undefined, ctx: context as never, type: "query", req });
      const failed = { error: shape(error, undefined) };
      status = getHTTPStatusCode(failed);
      body = JSON.stringify(transformTRPCResponse(config, failed));
    }
    res.raw.removeListener("close", onClose);
    await res
      .code(status)
      .header("vary", "trpc-accept, accept")
      .header("content-type", "application/json")
      // Bytes, so that Fastify sends the type as tRPC does (to a string it adds a charset).
      .send(Buffer.from(body));
    return true;
  };
}
