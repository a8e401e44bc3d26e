/** CSRF protection for page forms: a double-submit token (cookie + hidden field), compared in constant time. */
import type { Context } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../shared/app-env";
import { newSecret, secretsEqual } from "../shared/secrets";

const CSRF_COOKIE = "edge_scim_csrf";
export const CSRF_FIELD = "_csrf";

/** The page's CSRF token: the cookie's, or a new one set now. */
export function csrfToken(c: Context): string {
  const existing = getCookie(c, CSRF_COOKIE);
  if (existing) return existing;
  const token = newSecret("csrf");
  const local = ["localhost", "127.0.0.1"].includes(new URL(c.req.url).hostname);
  setCookie(c, CSRF_COOKIE, token, { httpOnly: true, sameSite: "Strict", secure: !local, path: "/" });
  return token;
}

/** Refuses a form POST whose hidden token does not match the cookie. */
export const verifyCsrf = createMiddleware<AppEnv>(async (c, next) => {
  if (c.req.method !== "POST") return next();
  const cookie = getCookie(c, CSRF_COOKIE);
  const form = await c.req.parseBody();
  const field = form[CSRF_FIELD];
  if (!cookie || typeof field !== "string" || !(await secretsEqual(cookie, field))) {
    return c.html("<!doctype html><title>Expired form</title><p>This form has expired. Go back, reload the page and try again.</p>", 403);
  }
  await next();
});
