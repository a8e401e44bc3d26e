/** Builds the application: every area's router, one not-found and one error handler. */
import { Hono } from "hono";
import type { AppEnv } from "./shared/app-env";
import { jsonError } from "./shared/json-answers";
import { limitBody, refuseCrossSite, requireJsonBody, safeAnswers } from "./shared/http-guards";
import { accountRoutes } from "./account/routes";
import { authorizeRoutes } from "./ui/authorize-routes";
import { oauthTokenRoutes } from "./oauth/token-routes";
import { operator } from "./operator/routes";
import { domainRoutes, organizationRoutes } from "./org/routes";
import { errorResponse } from "./scim/errors";
import { scim } from "./scim/routes";
import { guardPages } from "./ui/guard";
import { pages } from "./ui/routes";

export const app = new Hono<AppEnv>();

const oauthTooLarge = () =>
  new Response(JSON.stringify({ error: "invalid_request", error_description: "The request body is larger than 16 KB." }), {
    status: 413,
    headers: { "content-type": "application/json; charset=utf-8" },
  });

app.use(async (c, next) => {
  c.set("startedAt", Date.now());
  await next();
});

app.use(safeAnswers, refuseCrossSite);
// Organization Center and operator bodies are small JSON documents; token requests are small forms.
app.use("/api/*", limitBody(64 * 1024, () => jsonError(413, "payload_too_large", "The request body is larger than 64 KB.")), requireJsonBody);
app.use("/oauth/*", limitBody(16 * 1024, () => oauthTooLarge()));

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
