/**
 * SP-initiated requests waiting for their response, bound to the browser that started them. Entra's
 * response arrives as a cross-site POST, which carries no SameSite=Lax cookie, so the binding is a
 * short-lived SameSite=None nonce cookie used for nothing else; sessions stay Lax.
 */
import { and, eq, gt, isNull } from "drizzle-orm";
import type { DrizzleD1Database } from "drizzle-orm/d1";
import type { Context } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import { samlRequests } from "../db/schema";
import { newSecret, sha256Hex } from "../shared/secrets";

export const REQUEST_SECONDS = 15 * 60;

/** `__Host-` over https, so no subdomain can plant a nonce; SameSite=None needs Secure, which browsers honour on loopback http too. */
export const pendingCookieName = (url: string) => (new URL(url).protocol === "https:" ? "__Host-edge_scim_saml" : "edge_scim_saml");

/** This browser's nonce (kept when it has a live one, so several tabs can sign in at once), set for REQUEST_SECONDS. */
export function browserNonce(c: Context): string {
  const name = pendingCookieName(c.req.url);
  const existing = getCookie(c, name);
  const nonce = existing && /^saml_[\w-]{43}$/.test(existing) ? existing : newSecret("saml");
  setCookie(c, name, nonce, { httpOnly: true, secure: true, sameSite: "None", path: "/", maxAge: REQUEST_SECONDS });
  return nonce;
}

/** The hash of the nonce this request carries, if any: what a pending request is bound to. */
export async function browserHashOf(c: Context): Promise<string | null> {
  const nonce = getCookie(c, pendingCookieName(c.req.url));
  return nonce ? sha256Hex(nonce) : null;
}

/** Records a request this browser is about to send to the identity provider. */
export async function rememberRequest(
  db: DrizzleD1Database,
  request: { id: string; orgId: string; browserHash: string; relayState: string },
  now: Date,
): Promise<void> {
  await db.insert(samlRequests).values({
    ...request,
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + REQUEST_SECONDS * 1000).toISOString(),
  });
}

/** The statement that uses up the pending request an InResponseTo names: only this browser's, live and unused; it returns its RelayState. */
export function consumeRequest(db: DrizzleD1Database, orgId: string, id: string, browserHash: string | null, now: Date) {
  const at = now.toISOString();
  return db
    .update(samlRequests)
    .set({ usedAt: at })
    .where(
      and(
        eq(samlRequests.id, id),
        eq(samlRequests.orgId, orgId),
        // A browser without the nonce matches no row.
        eq(samlRequests.browserHash, browserHash ?? ""),
        isNull(samlRequests.usedAt),
        gt(samlRequests.expiresAt, at),
      ),
    )
    .returning({ relayState: samlRequests.relayState });
}
