/** The operator API's authentication: the OPERATOR_TOKEN secret as a Bearer token. */
import { configOf } from "../shared/config";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../shared/app-env";
import { bearerToken } from "../shared/bearer-token";
import { jsonError } from "../shared/json-answers";
import { secretsEqual } from "../shared/secrets";

/** Refuses a request without the operator token (compared in constant time). */
export const operatorAuth = createMiddleware<AppEnv>(async (c, next) => {
  const expected = configOf(c.env).operatorToken;
  const given = bearerToken(c.req.header("authorization"));
  if (!expected || !given || !(await secretsEqual(given, expected))) {
    return jsonError(401, "unauthorized", "A valid operator token is required.", { "www-authenticate": "Bearer" });
  }
  await next();
});
