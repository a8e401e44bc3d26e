/** The SCIM service at /scim/v2. */
import { Hono } from "hono";
import type { AppEnv } from "../shared/app-env";
import { authenticateScim, requireWriteAccess, spendBudget } from "./auth";
import { discovery } from "./discovery";
import { errorResponse } from "./errors";
import { groups, users } from "./resources";

const canonicalSegments: Record<string, string> = {
  users: "Users",
  groups: "Groups",
  schemas: "Schemas",
  resourcetypes: "ResourceTypes",
  serviceproviderconfig: "ServiceProviderConfig",
};

/**
 * Rewrites `/scim/v2/users/...` to `/scim/v2/Users/...`: clients differ in the letter case of
 * endpoint names (Microsoft's own test collection asks for `/users`). Returns undefined when unchanged.
 */
export function canonicalScimUrl(url: URL): URL | undefined {
  const match = url.pathname.match(/^\/scim\/v2\/([^/]+)(\/.*)?$/i);
  if (!match) return undefined;
  const canonical = canonicalSegments[match[1]!.toLowerCase()];
  const path = `/scim/v2/${canonical ?? match[1]}${(match[2] ?? "").replace(/\/$/, "")}`;
  if (path === url.pathname) return undefined;
  const next = new URL(url);
  next.pathname = path;
  return next;
}

export const scim = new Hono<AppEnv>()
  .route("/", discovery)
  .use("/Users/*", authenticateScim, requireWriteAccess, spendBudget)
  .use("/Groups/*", authenticateScim, requireWriteAccess, spendBudget)
  .route("/Users", users)
  .route("/Groups", groups)
  .all("*", (c) => errorResponse({ status: 404, detail: `No SCIM endpoint ${c.req.method} ${new URL(c.req.url).pathname}.` }));
