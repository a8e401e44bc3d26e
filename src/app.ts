/** Builds the application: every area's router, one not-found and one error handler. */
import { Hono } from "hono";
import type { AppEnv } from "./app-env";
import { jsonError } from "./http";
import { accountRoutes } from "./account/routes";
import { authorizeRoutes } from "./oauth/authorize-routes";
import { oauthTokenRoutes } from "./oauth/token-routes";
import { operator } from "./operator/routes";
import { domainRoutes, organizationRoutes } from "./org/routes";
import { errorResponse } from "./scim/errors";
import { scim } from "./scim/routes";
import { guardPages } from "./ui/guard";
import { pages } from "./ui/routes";

export const app = new Hono<AppEnv>();

app.use(async (c, next) => {
  c.set("startedAt", Date.now());
  await next();
});

app.get("/healthz", (c) => c.json({ status: "ok" }));
guardPages(app);
app.route("/api/operator", operator);
app.route("/api", accountRoutes);
app.route("/api/domains", domainRoutes);
app.route("/api/organization", organizationRoutes);
app.route("/scim/v2", scim);
app.route("/", oauthTokenRoutes);
app.route("/", authorizeRoutes);
app.route("/", pages);

app.notFound((c) => jsonError(404, "not_found", `No route ${c.req.method} ${new URL(c.req.url).pathname}.`));

app.onError((err, c) => {
  // The detail stays in the log; clients get a retryable answer in their protocol's format, never a stack.
  console.error(err);
  const path = new URL(c.req.url).pathname;
  if (path.toLowerCase().startsWith("/scim/")) {
    return errorResponse({ status: 503, detail: "The service could not complete the request; retry later." }, { "retry-after": "5" });
  }
  return jsonError(503, "unavailable", "The service could not complete the request; retry later.", { "retry-after": "5" });
});
