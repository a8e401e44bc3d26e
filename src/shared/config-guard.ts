/** The Worker's start check: a request is served only with a valid config, else it is refused naming the variable. */
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "./app-env";
import { configProblem } from "./config";

/**
 * Answers 503 through `refuse` (so each protocol keeps its error format) while a variable has a bad
 * value, and logs the problem. Workers have no start hook: the first request of an isolate is the start.
 */
export const requireValidConfig = (refuse: (c: Context<AppEnv>, detail: string) => Response) =>
  createMiddleware<AppEnv>(async (c, next) => {
    const problem = configProblem(c.env);
    if (!problem) return next();
    console.error(problem.message);
    return refuse(c, `The service is misconfigured: ${problem.message}`);
  });
