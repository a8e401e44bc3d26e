/** Guards every JSON API and page shares: same-origin changes, JSON bodies only, bounded bodies, safe headers. */
import type { Context, MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "./app-env";
import { jsonError } from "./json-answers";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

// Server-to-server endpoints: client authentication or a Bearer token protects them, and their callers send no Origin.
// The SAML ACS receives the identity provider's cross-site form post by design: the signature, the request binding and the replay cache protect it.
const CROSS_SITE_EXEMPT = [/^\/oauth\/token$/, /^\/oauth\/revoke$/, /^\/scim\//i, /^\/saml\/[^/]+\/acs$/];

const FORM_TYPES = /^(application\/x-www-form-urlencoded|multipart\/form-data|text\/plain)\b/i;

/** Whether a browser sent this request from another site (the same test hono/csrf makes, for every content type). */
function fromAnotherSite(c: Context): boolean {
  const site = c.req.header("sec-fetch-site");
  if (site !== undefined && site !== "same-origin") return true;
  const origin = c.req.header("origin");
  if (origin !== undefined) return origin !== new URL(c.req.url).origin;
  // A form with neither header comes from a browser too old to say where it was: refuse rather than guess.
  return FORM_TYPES.test(c.req.header("content-type") ?? "");
}

/**
 * Refuses a state-changing request that a browser sent from another site (Origin or Sec-Fetch-Site),
 * so no cross-site form can sign a browser in, create an account or change anything with its cookie.
 * A request carrying an Authorization header is exempt: a cross-site page cannot set one without CORS.
 */
export const refuseCrossSite = createMiddleware<AppEnv>(async (c, next) => {
  if (SAFE_METHODS.has(c.req.method) || c.req.header("authorization") !== undefined) return next();
  const path = new URL(c.req.url).pathname;
  if (CROSS_SITE_EXEMPT.some((re) => re.test(path)) || !fromAnotherSite(c)) return next();
  const answer = "This change must come from this site's own pages; the request came from another site.";
  return path.startsWith("/api/") ? jsonError(403, "cross_site_request", answer) : c.html(`<!doctype html><title>Refused</title><p>${answer}</p>`, 403);
});

/** Whether a request carries a body (a length above zero, or a streamed one). */
const hasBody = (request: Request) => {
  const length = request.headers.get("content-length");
  return length !== null ? Number(length) > 0 : request.body !== null;
};

/** A JSON API accepts only `application/json` bodies: a cross-site form can send none of those without CORS. */
export const requireJsonBody = createMiddleware<AppEnv>(async (c, next) => {
  if (SAFE_METHODS.has(c.req.method) || !hasBody(c.req.raw)) return next();
  const type = (c.req.header("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (type !== "application/json") {
    return jsonError(415, "unsupported_media_type", "Send the request body as JSON with Content-Type: application/json.");
  }
  return next();
});

/** Caps a request body; past `maxSize` bytes the request is refused before it is read whole. */
export const limitBody = (maxSize: number, refuse: (c: Context) => Response | Promise<Response>): MiddlewareHandler => bodyLimit({ maxSize, onError: refuse });

/**
 * Marks every answer `nosniff`, and API answers `no-store` unless they say otherwise: they are
 * per-account, and several carry a secret shown once.
 */
export const safeAnswers = createMiddleware<AppEnv>(async (c, next) => {
  await next();
  c.res.headers.set("x-content-type-options", "nosniff");
  const path = new URL(c.req.url).pathname;
  if ((path.startsWith("/api/") || path.startsWith("/oauth/")) && !c.res.headers.has("cache-control")) {
    c.res.headers.set("cache-control", "no-store");
  }
});
