/** Whether a verified access token's grant still stands: grant not revoked, secret not removed, admin still admin. */
import { and, eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { oauthClientSecrets, oauthGrants, orgAdmins } from "../db/schema";
import type { AccessClaims } from "./access-tokens";

export type Standing = { ok: true; canWrite: boolean } | { ok: false; reason: string };

// Per isolate: a check is trusted for REVOCATION_CHECK_SECONDS, so revocation takes effect within that
// time; a standing that rests on an expiring secret is trusted no later than the secret's expiry.
const recent = new Map<string, { until: number; standing: Standing }>();

/** A standing, and until when it holds without a new check (the expiry it rests on). */
type Checked = { standing: Standing; expiresAt: number };

async function lookUp(db: D1Database, claims: AccessClaims, now: Date): Promise<Checked> {
  const d = drizzle(db);
  const refused = (reason: string): Checked => ({ standing: { ok: false, reason }, expiresAt: Infinity });
  const grant = await d.select().from(oauthGrants).where(and(eq(oauthGrants.id, claims.gid), eq(oauthGrants.orgId, claims.org))).get();
  if (!grant || grant.revokedAt) return refused("The grant of this access token was revoked.");
  if (claims.sid) {
    const secret = await d.select().from(oauthClientSecrets).where(eq(oauthClientSecrets.id, claims.sid)).get();
    const expiresAt = secret?.expiresAt ? Date.parse(secret.expiresAt) : Infinity;
    if (!secret || secret.revokedAt || expiresAt <= now.getTime()) {
      return refused("The client secret this access token was obtained with was removed or has expired.");
    }
    return { standing: { ok: true, canWrite: true }, expiresAt };
  }
  if (!grant.accountId) return { standing: { ok: true, canWrite: true }, expiresAt: Infinity };
  const admin = await d
    .select({ permission: orgAdmins.permission })
    .from(orgAdmins)
    .where(and(eq(orgAdmins.orgId, grant.orgId), eq(orgAdmins.accountId, grant.accountId)))
    .get();
  if (!admin) return refused("The account that authorized this token is no longer an admin of the organization.");
  return { standing: { ok: true, canWrite: admin.permission === "read-write" }, expiresAt: Infinity };
}

/** The standing of a token's grant, read at most once per REVOCATION_CHECK_SECONDS per isolate. */
export async function grantStanding(env: Env, claims: AccessClaims): Promise<Standing> {
  const ttl = Math.max(0, Number.parseInt(env.REVOCATION_CHECK_SECONDS ?? "60", 10) || 0) * 1000;
  const key = `${claims.gid}|${claims.sid ?? ""}`;
  const now = Date.now();
  const cached = recent.get(key);
  if (cached && now < cached.until) return cached.standing;
  const { standing, expiresAt } = await lookUp(env.DB, claims, new Date(now));
  if (ttl > 0) {
    if (recent.size > 10_000) recent.clear();
    recent.set(key, { until: Math.min(now + ttl, expiresAt), standing });
  }
  return standing;
}
