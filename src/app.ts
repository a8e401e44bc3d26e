/** Builds the application: every area's router, one not-found and one error handler. */
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "./shared/app-env";
import { requireValidConfig } from "./shared/config-guard";
import { jsonError, unreadableBody } from "./shared/json-answers";
import { publishDocument } from "./shared/openapi";
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
import { samlRoutes } from "./ui/saml-routes";

export const app = new Hono<AppEnv>();

const oauthTooLarge = () =>
  new Response(JSON.stringify({ error: "invalid_request", error_description: "The request body is larger than 16 KB." }), {
    status: 413,
    headers: { "content-type": "application/json; charset=utf-8" },
  });

// First: a variable with a bad value answers every request 503, in the protocol's error format, naming it.
app.use(
  requireValidConfig((c, detail) =>
    new URL(c.req.url).pathname.toLowerCase().startsWith("/scim/") ? errorResponse({ status: 503, detail }) : jsonError(503, "misconfigured", detail),
  ),
);

app.use(async (c, next) => {
  c.set("startedAt", Date.now());
  await next();
});

app.use(safeAnswers, refuseCrossSite);
// Organization Center and operator bodies are small JSON documents; token requests are small forms.
app.use(
  "/api/*",
  limitBody(64 * 1024, () => jsonError(413, "payload_too_large", "The request body is larger than 64 KB.")),
  requireJsonBody,
);
app.use(
  "/oauth/*",
  limitBody(16 * 1024, () => oauthTooLarge()),
);
// A SAML response is a few KB; the validator reads at most 256 KB of it.
app.use(
  "/saml/*",
  limitBody(300 * 1024, (c) => c.html("<!doctype html><title>Too large</title><p>The sign-in response is larger than 256 KB.</p>", 413)),
);

app.get("/healthz", (c) => c.json({ status: "ok" }));
guardPages(app);
// One router holds every /api route, so one OpenAPI document describes them all.
export const api = new OpenAPIHono<AppEnv>()
  .route("/api/operator", operator)
  .route("/api", accountRoutes)
  .route("/api/domains", domainRoutes)
  .route("/api/organization", organizationRoutes);
publishDocument(api, "/api/openapi.json");
app.route("/", api);
app.route("/scim/v2", scim);
app.route("/", oauthTokenRoutes);
app.route("/", authorizeRoutes);
app.route("/", samlRoutes);
app.route("/", pages);

app.notFound((c) => jsonError(404, "not_found", `No route ${c.req.method} ${new URL(c.req.url).pathname}.`));

app.onError((err, c) => {
  const path = new URL(c.req.url).pathname;
  // The JSON API's validator throws before any route answers when it cannot read a body.
  if (err instanceof HTTPException && path.startsWith("/api/")) return unreadableBody(err);
  // The detail stays in the log; clients get a retryable answer in their protocol's format, never a stack.
  console.error(err);
  if (path.toLowerCase().startsWith("/scim/")) {
    return errorResponse({ status: 503, detail: "The service could not complete the request; retry later." }, { "retry-after": "5" });
  }
  return jsonError(503, "unavailable", "The service could not complete the request; retry later.", { "retry-after": "5" });
});
