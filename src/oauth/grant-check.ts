/** Whether a verified access token's grant still stands: grant not revoked, secret not removed, admin still admin. */
import { eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { configOf } from "../shared/config";
import { RecentAnswers, type Answer } from "../shared/recent-answers";
import { oauthClientSecrets } from "../db/schema";
import type { AccessClaims } from "./access-tokens";
import { grantAdminPermission, grantOf } from "./grants";

export type Standing = { ok: true; canWrite: boolean } | { ok: false; reason: string };

// Per isolate: a check is trusted for REVOCATION_CHECK_SECONDS, so revocation takes effect within that
// time; a standing that rests on an expiring secret is trusted no later than the secret's expiry.
const recent = new RecentAnswers<Standing>();

/** A standing, and until when it holds without a new check (the expiry it rests on). */
async function lookUp(db: D1Database, claims: AccessClaims, now: Date): Promise<Answer<Standing>> {
  const d = drizzle(db);
  const refused = (reason: string): Answer<Standing> => ({ value: { ok: false, reason }, until: Infinity });
  const grant = await grantOf(d, claims.org, claims.gid);
  if (!grant || grant.revokedAt) return refused("The grant of this access token was revoked.");
  if (claims.sid) {
    const secret = await d.select().from(oauthClientSecrets).where(eq(oauthClientSecrets.id, claims.sid)).get();
    const expiresAt = secret?.expiresAt ? Date.parse(secret.expiresAt) : Infinity;
    if (!secret || secret.revokedAt || expiresAt <= now.getTime()) {
      return refused("The client secret this access token was obtained with was removed or has expired.");
    }
    return { value: { ok: true, canWrite: true }, until: expiresAt };
  }
  const permission = await grantAdminPermission(d, grant);
  if (!permission) return refused("The account that authorized this token is no longer an admin of the organization.");
  return { value: { ok: true, canWrite: permission === "read-write" }, until: Infinity };
}

/** The standing of a token's grant, read at most once per REVOCATION_CHECK_SECONDS per isolate. */
export async function grantStanding(env: Env, claims: AccessClaims): Promise<Standing> {
  const now = Date.now();
  const key = `${claims.gid}|${claims.sid ?? ""}`;
  return recent.answer(key, now, configOf(env).revocationCheckSeconds * 1000, () => lookUp(env.DB, claims, new Date(now)));
}
