/** SP-initiated single sign-on: finding the organization of an e-mail, and sending the browser to its identity provider. */
import { and, eq } from "drizzle-orm";
import type { DrizzleD1Database } from "drizzle-orm/d1";
import type { Context } from "hono";
import { domains, identityProviders } from "../db/schema";
import { emailDomain } from "../shared/email";
import { sha256Hex } from "../shared/secrets";
import { authnRedirect } from "./authn-request";
import { browserNonce, rememberRequest } from "./requests";
import { serviceProviderFor } from "./service-provider";

/** The organization that verified the e-mail's domain, when it has single sign-on turned on. */
export async function singleSignOnFor(db: DrizzleD1Database, email: string): Promise<{ orgId: string; ssoUrl: string } | undefined> {
  const domain = emailDomain(email.trim().toLowerCase());
  if (!domain) return undefined;
  const row = await db
    .select({ orgId: identityProviders.orgId, ssoUrl: identityProviders.ssoUrl })
    .from(domains)
    .innerJoin(identityProviders, eq(identityProviders.orgId, domains.orgId))
    .where(and(eq(domains.domain, domain), eq(domains.status, "verified"), eq(identityProviders.enabled, true)))
    .get();
  return row ?? undefined;
}

/** The identity provider URL (AuthnRequest, HTTP-Redirect) for this browser, its request remembered and bound to the browser's nonce. */
export async function startSignIn(c: Context, db: DrizzleD1Database, target: { orgId: string; ssoUrl: string }, relayPath: string): Promise<string> {
  const sp = serviceProviderFor(c.env, c.req.url, target.orgId);
  const { url, requestId } = await authnRedirect(sp, target.ssoUrl, relayPath);
  const browserHash = await sha256Hex(browserNonce(c));
  await rememberRequest(db, { id: requestId, orgId: target.orgId, browserHash, relayState: relayPath }, new Date());
  return url;
}
