/** SCIM authentication: the Bearer token decides the organization. */
import { and, eq, gt, isNull, or } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { createMiddleware } from "hono/factory";
import type { With } from "../shared/app-env";
import { sha256Hex } from "../shared/secrets";
import { scimTokens } from "../db/schema";
import { looksLikeJwt, verifyAccessToken } from "../oauth/access-tokens";
import { grantStanding } from "../oauth/grant-check";
import { errorResponse } from "./errors";
import { bearerToken } from "../shared/bearer-token";
import { configOf } from "../shared/config";
import { RecentAnswers } from "../shared/recent-answers";

// Per isolate: a token's answer is trusted for REVOCATION_CHECK_SECONDS (as for OAuth grants),
// which spares every SCIM request a D1 round trip; revocation takes effect within that time.
// Expiry is not revocation: a cached answer is trusted no later than the token's expiresAt.
const recentTokens = new RecentAnswers<string | undefined>();

/** The organization whose active SCIM token this is, looked up by hash. */
export async function organizationOfScimToken(env: Env, token: string): Promise<string | undefined> {
  const hash = await sha256Hex(token);
  const now = Date.now();
  return recentTokens.answer(hash, now, configOf(env).revocationCheckSeconds * 1000, async () => {
    const row = await drizzle(env.DB)
      .select({ orgId: scimTokens.orgId, expiresAt: scimTokens.expiresAt })
      .from(scimTokens)
      .where(
        and(
          eq(scimTokens.tokenHash, hash),
          isNull(scimTokens.revokedAt),
          or(isNull(scimTokens.expiresAt), gt(scimTokens.expiresAt, new Date(now).toISOString())),
        ),
      )
      .get();
    return { value: row?.orgId, until: row?.expiresAt ? Date.parse(row.expiresAt) : Infinity };
  });
}

const unauthorized = (detail: string) => errorResponse({ status: 401, detail }, { "www-authenticate": 'Bearer realm="scim"' });

const WRITES = new Set(["POST", "PUT", "PATCH", "DELETE"]);
// The period of the SCIM_RATE_LIMIT binding in wrangler.toml.
const RATE_PERIOD_SECONDS = 10;

/** What SCIM authentication sets: the organization the token acts for, and whether it may write. */
export type ScimEnv = With<{ orgId: string; canWrite: boolean }>;

/**
 * Requires a SCIM token or an OAuth access token and records its organization. Access tokens are
 * verified locally; a token authorized by a read-only admin may read only.
 */
export const authenticateScim = createMiddleware<ScimEnv>(async (c, next) => {
  const token = bearerToken(c.req.header("authorization"));
  if (!token) return unauthorized("A Bearer token is required.");
  if (looksLikeJwt(token)) {
    const verified = await verifyAccessToken(c.env, c.req.url, token);
    if (!verified.ok) return unauthorized(verified.reason);
    const standing = await grantStanding(c.env, verified.claims);
    if (!standing.ok) return unauthorized(standing.reason);
    c.set("orgId", verified.claims.org);
    c.set("canWrite", standing.canWrite);
  } else {
    const orgId = await organizationOfScimToken(c.env, token);
    if (!orgId) return unauthorized("The Bearer token is not valid, expired or revoked.");
    c.set("orgId", orgId);
    c.set("canWrite", true);
  }
  await next();
});

/** Refuses writes with a token that may only read. */
export const requireWriteAccess = createMiddleware<ScimEnv>(async (c, next) => {
  if (!c.var.canWrite && WRITES.has(c.req.method)) {
    return errorResponse({
      status: 403,
      detail: "This access token was authorized by an admin with read permission only; writes need an admin with read & write permission.",
    });
  }
  await next();
});

/** Spends one unit of the organization's budget, so a noisy organization never slows another. */
export const spendBudget = createMiddleware<ScimEnv>(async (c, next) => {
  const { success } = await c.env.SCIM_RATE_LIMIT.limit({ key: c.var.orgId });
  if (!success) {
    return errorResponse(
      { status: 429, detail: "This organization sent more SCIM requests than its budget allows; retry after the time given." },
      { "retry-after": String(RATE_PERIOD_SECONDS) },
    );
  }
  await next();
});
