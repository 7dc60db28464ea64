import { initTRPC } from "@trpc/server";
import superjson from "superjson";
import { ZodError, z } from "zod";
import type { Context } from "./context.js";

/** The only initTRPC in Chorus. Everything else imports from here. */
const t = initTRPC.context<Context>().create({
  transformer: superjson,
  errorFormatter({ shape, error }) {
    const issues = error.cause instanceof ZodError ? error.cause.issues : null;
    return {
      ...shape,
      // A person can act on "limit must be at most 100"; the raw zod dump stays in data.zodError.
      message: issues ? issues.map(formatIssue).join("; ") : shape.message,
      data: {
        ...shape.data,
        zodError: issues ? z.flattenError(error.cause as ZodError) : null,
      },
    };
  },
});

function formatIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path.join(".");
  return path && !issue.message.startsWith(path) ? `${path}: ${issue.message}` : issue.message;
}

export const router = t.router;
export const publicProcedure = t.procedure;
export const createCallerFactory = t.createCallerFactory;
export const mergeRouters = t.mergeRouters;
