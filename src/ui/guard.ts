/** What every page gets: security headers (CSP with frame-ancestors 'none') and CSRF checks on forms. */
import type { Hono } from "hono";
import { secureHeaders } from "hono/secure-headers";
import type { AppEnv } from "../shared/app-env";
import { verifyCsrf } from "./csrf";

// Pages share the root with the APIs, so the page middleware names the pages' paths only.
const PAGE_PATHS = [
  "/",
  "/login",
  "/login/*",
  "/me",
  "/signup",
  "/logout",
  "/dashboard",
  "/dashboard/*",
  "/organization",
  "/organization/*",
  "/account",
  "/account/*",
  "/oauth/authorize",
  "/oauth/authorize/*",
  "/assets/*",
];

const pageHeaders = secureHeaders({
  contentSecurityPolicy: {
    defaultSrc: ["'none'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'"],
    imgSrc: ["'self'"],
    connectSrc: ["'self'"],
    // No form-action: the consent form's answer redirects to the OAuth client, which browsers check against it.
    frameAncestors: ["'none'"],
    baseUri: ["'none'"],
  },
  xFrameOptions: "DENY",
  referrerPolicy: "same-origin",
});

/** Puts the page middleware in front of every page route of the app, whichever router serves it. */
export function guardPages(app: Hono<AppEnv>) {
  for (const path of PAGE_PATHS) app.use(path, pageHeaders, verifyCsrf);
  // The ACS is posted by the identity provider's page, which holds no token of ours: the page headers only.
  app.use("/saml/*", pageHeaders);
}
