/** OAuth state changes of an organization: clients and secrets, grants, codes, refresh-token rotation. */
import { and, eq, isNull } from "drizzle-orm";
import type { DrizzleD1Database } from "drizzle-orm/d1";
import type { Permission } from "../account/membership";
import { toBase64url } from "../shared/base64";
import { newSecret, sha256Hex } from "../shared/secrets";
import { oauthClients, oauthClientSecrets, oauthCodes, oauthGrants, orgAdmins, refreshTokens, type OAuthGrantRow } from "../db/schema";
import { audit } from "../db/audit";

type RefreshTokenRow = typeof refreshTokens.$inferSelect;

const DAY = 24 * 3600 * 1000;
export const CODE_MINUTES = 10;
export const DEFAULT_SECRET_DAYS = 365;
export const MAX_SECRET_DAYS = 3 * 365;
// Unused for this long, a refresh token expires; each rotation starts a new period.
export const REFRESH_IDLE_DAYS = 90;

/** A token-endpoint failure, as RFC 6749 section 5.2 names it. */
export type OAuthFailure = { ok: false; error: "invalid_grant" | "invalid_request"; description: string };
const invalidGrant = (description: string): OAuthFailure => ({ ok: false, error: "invalid_grant", description });

export type Issued = { ok: true; grant: OAuthGrantRow; refreshToken: string } | OAuthFailure;

/** A new secret for a client, expiring after `days`; the secret is returned once. */
async function secretRow(clientId: string, days: number, now: Date) {
  const secret = newSecret("cs");
  const row = {
    id: crypto.randomUUID(),
    clientId,
    secretHash: await sha256Hex(secret),
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + days * DAY).toISOString(),
  };
  return { secret, row };
}

/** Creates an organization SCIM client (client credentials) with its first secret and its grant. */
export async function createOrgClient(db: DrizzleD1Database, orgId: string, name: string, actor: string, now: Date) {
  const clientId = newSecret("client")
    .replace(/^client_/, "scim-client-")
    .slice(0, 40);
  const { secret, row } = await secretRow(clientId, DEFAULT_SECRET_DAYS, now);
  const at = now.toISOString();
  await db.batch([
    db.insert(oauthClients).values({ id: clientId, kind: "organization", orgId, name, redirectUris: [], createdBy: actor, createdAt: at }),
    db.insert(oauthClientSecrets).values(row),
    db.insert(oauthGrants).values({ id: crypto.randomUUID(), clientId, orgId, accountId: null, scope: "scim", createdAt: at }),
    audit(db, orgId, actor, "scim-client.create", { clientId, name, secretId: row.id }, at),
  ]);
  return { clientId, clientSecret: secret, secretId: row.id, secretExpiresAt: row.expiresAt! };
}

const orgClient = (db: DrizzleD1Database, orgId: string, clientId: string) =>
  db
    .select({ id: oauthClients.id })
    .from(oauthClients)
    .where(and(eq(oauthClients.id, clientId), eq(oauthClients.orgId, orgId), eq(oauthClients.kind, "organization")))
    .get();

/** Adds a secret for rotation; undefined when the organization has no such client. */
export async function addClientSecret(db: DrizzleD1Database, orgId: string, clientId: string, days: number, actor: string, now: Date) {
  if (!(await orgClient(db, orgId, clientId))) return undefined;
  const { secret, row } = await secretRow(clientId, days, now);
  await db.batch([
    db.insert(oauthClientSecrets).values(row),
    audit(db, orgId, actor, "scim-client.secret.add", { clientId, secretId: row.id }, now.toISOString()),
  ]);
  return { secretId: row.id, clientSecret: secret, secretExpiresAt: row.expiresAt! };
}

/** Removes a secret: tokens obtained with it stop working. */
export async function removeClientSecret(db: DrizzleD1Database, orgId: string, clientId: string, secretId: string, actor: string, now: Date): Promise<boolean> {
  if (!(await orgClient(db, orgId, clientId))) return false;
  const active = and(eq(oauthClientSecrets.id, secretId), eq(oauthClientSecrets.clientId, clientId), isNull(oauthClientSecrets.revokedAt));
  if (!(await db.select({ id: oauthClientSecrets.id }).from(oauthClientSecrets).where(active).get())) return false;
  const at = now.toISOString();
  await db.batch([
    db.update(oauthClientSecrets).set({ revokedAt: at }).where(active),
    audit(db, orgId, actor, "scim-client.secret.remove", { clientId, secretId }, at),
  ]);
  return true;
}

/** After consent: a grant for the admin and a single-use code (returned once, stored hashed). */
export async function authorizeCode(
  db: DrizzleD1Database,
  orgId: string,
  request: { clientId: string; accountId: string; redirectUri: string | null; codeChallenge: string | null },
  now: Date,
): Promise<string> {
  const code = newSecret("ac");
  const grantId = crypto.randomUUID();
  const at = now.toISOString();
  await db.batch([
    db.insert(oauthGrants).values({ id: grantId, clientId: request.clientId, orgId, accountId: request.accountId, scope: "scim", createdAt: at }),
    db.insert(oauthCodes).values({
      codeHash: await sha256Hex(code),
      grantId,
      clientId: request.clientId,
      redirectUri: request.redirectUri,
      codeChallenge: request.codeChallenge,
      expiresAt: new Date(now.getTime() + CODE_MINUTES * 60_000).toISOString(),
    }),
    audit(db, orgId, `account:${request.accountId}`, "oauth.grant", { clientId: request.clientId, grantId }, at),
  ]);
  return code;
}

/** A grant of the organization by id: a code, token or claim never reaches another organization's grant. */
export const grantOf = (db: DrizzleD1Database, orgId: string, grantId: string) =>
  db
    .select()
    .from(oauthGrants)
    .where(and(eq(oauthGrants.id, grantId), eq(oauthGrants.orgId, orgId)))
    .get();

/** Revokes a grant: its refresh tokens and access tokens stop working. */
export async function revokeGrant(db: DrizzleD1Database, orgId: string, grantId: string, actor: string, now: Date): Promise<boolean> {
  const active = and(eq(oauthGrants.id, grantId), eq(oauthGrants.orgId, orgId), isNull(oauthGrants.revokedAt));
  if (!(await db.select({ id: oauthGrants.id }).from(oauthGrants).where(active).get())) return false;
  const at = now.toISOString();
  await db.batch([db.update(oauthGrants).set({ revokedAt: at }).where(active), audit(db, orgId, actor, "oauth.revoke", { grantId }, at)]);
  return true;
}

/** Issues a refresh token for a grant (idle expiry from now) and marks the grant used. */
async function refreshFor(db: DrizzleD1Database, grant: OAuthGrantRow, now: Date) {
  const refreshToken = newSecret("rt");
  const tokenHash = await sha256Hex(refreshToken);
  const at = now.toISOString();
  return {
    refreshToken,
    tokenHash,
    statements: [
      db
        .insert(refreshTokens)
        .values({ tokenHash, grantId: grant.id, createdAt: at, expiresAt: new Date(now.getTime() + REFRESH_IDLE_DAYS * DAY).toISOString() }),
      db.update(oauthGrants).set({ lastUsedAt: at }).where(eq(oauthGrants.id, grant.id)),
    ],
  };
}

/**
 * What the grant's admin may still do in its organization: undefined once the account is no longer
 * an admin of it. A grant of no account (client credentials) rests on no admin and may write.
 */
export async function grantAdminPermission(db: DrizzleD1Database, grant: Pick<OAuthGrantRow, "orgId" | "accountId">): Promise<Permission | undefined> {
  if (!grant.accountId) return "read-write";
  const row = await db
    .select({ permission: orgAdmins.permission })
    .from(orgAdmins)
    .where(and(eq(orgAdmins.orgId, grant.orgId), eq(orgAdmins.accountId, grant.accountId)))
    .get();
  return row?.permission;
}

/** invalid_grant when the grant's admin is no longer one: nothing is issued on a departed admin's consent. */
async function adminGone(db: DrizzleD1Database, grant: OAuthGrantRow): Promise<OAuthFailure | undefined> {
  if (await grantAdminPermission(db, grant)) return undefined;
  return invalidGrant("The account that authorized is no longer an admin of the organization.");
}

/**
 * Redeems a code once. A code presented twice revokes its grant (RFC 6749 section 4.1.2); PKCE is
 * checked when the authorization request had a challenge, and a verifier without one is a downgrade.
 */
export async function redeemCode(
  db: DrizzleD1Database,
  orgId: string,
  codeHash: string,
  presented: { clientId: string; redirectUri: string | null; verifier: string | null },
  now: Date,
): Promise<Issued> {
  const code = await db.select().from(oauthCodes).where(eq(oauthCodes.codeHash, codeHash)).get();
  if (!code) return invalidGrant("The authorization code is not valid.");
  const grant = await grantOf(db, orgId, code.grantId);
  if (!grant) return invalidGrant("The authorization code is not valid.");
  if (code.usedAt) {
    await revokeGrant(db, orgId, grant.id, "system", now);
    return invalidGrant("The authorization code was already used; every token issued from it is revoked.");
  }
  if (grant.revokedAt) return invalidGrant("The grant was revoked.");
  if (now.getTime() >= Date.parse(code.expiresAt)) return invalidGrant("The authorization code has expired.");
  if (code.clientId !== presented.clientId) return invalidGrant("The authorization code was issued to another client.");
  if (code.redirectUri !== null && code.redirectUri !== presented.redirectUri) {
    return invalidGrant("redirect_uri does not match the one of the authorization request.");
  }
  if (code.codeChallenge) {
    if (!presented.verifier) return invalidGrant("code_verifier is required: the authorization request had a code_challenge.");
    const digest = toBase64url(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(presented.verifier)));
    if (digest !== code.codeChallenge) return invalidGrant("code_verifier does not match the code_challenge.");
  } else if (presented.verifier) {
    return invalidGrant("code_verifier was sent, but the authorization request had no code_challenge.");
  }
  const departed = await adminGone(db, grant);
  if (departed) return departed;
  const { refreshToken, statements } = await refreshFor(db, grant, now);
  await db.batch([db.update(oauthCodes).set({ usedAt: now.toISOString() }).where(eq(oauthCodes.codeHash, codeHash)), ...statements]);
  return { ok: true, grant, refreshToken };
}

/**
 * Rotates a refresh token. A rotated one presented again revokes the grant (reuse detection),
 * except a retry within `graceSeconds` of the rotation whose successor is still unused: the
 * response carrying that successor was probably lost, so the successor is replaced by a new one.
 */
export async function rotateRefresh(
  db: DrizzleD1Database,
  orgId: string,
  tokenHash: string,
  clientId: string,
  now: Date,
  graceSeconds: number,
): Promise<Issued> {
  const token = await db.select().from(refreshTokens).where(eq(refreshTokens.tokenHash, tokenHash)).get();
  if (!token) return invalidGrant("The refresh token is not valid.");
  const grant = await grantOf(db, orgId, token.grantId);
  if (!grant || grant.revokedAt) return invalidGrant("The grant of this refresh token was revoked.");
  if (grant.clientId !== clientId) return invalidGrant("The refresh token was issued to another client.");
  // A retry of a rotated token replaces its unused successor; a live token is rotated.
  let successor: string | undefined;
  if (token.rotatedAt) {
    successor = await retriableSuccessor(db, token, now, graceSeconds);
    if (!successor) {
      await revokeGrant(db, orgId, grant.id, "system", now);
      return invalidGrant("The refresh token was already used; the grant is revoked.");
    }
  } else {
    // Tokens issued before refresh tokens had an idle expiry expire a period after their issue.
    const expiresAt = token.expiresAt ?? new Date(Date.parse(token.createdAt) + REFRESH_IDLE_DAYS * DAY).toISOString();
    if (now.getTime() >= Date.parse(expiresAt)) return invalidGrant("The refresh token has expired; authorize again.");
  }
  const departed = await adminGone(db, grant);
  if (departed) return departed;
  const next = await refreshFor(db, grant, now);
  await db.batch([
    // A retry leaves rotatedAt as it is: retries never extend the grace period.
    db
      .update(refreshTokens)
      .set(successor ? { replacedBy: next.tokenHash } : { rotatedAt: now.toISOString(), replacedBy: next.tokenHash })
      .where(eq(refreshTokens.tokenHash, tokenHash)),
    ...(successor ? [db.delete(refreshTokens).where(and(eq(refreshTokens.tokenHash, successor), isNull(refreshTokens.rotatedAt)))] : []),
    ...next.statements,
  ]);
  return { ok: true, grant, refreshToken: next.refreshToken };
}

/** The hash of a rotated token's successor when a retry may replace it: within the grace period and still unused. */
async function retriableSuccessor(db: DrizzleD1Database, token: RefreshTokenRow, now: Date, graceSeconds: number): Promise<string | undefined> {
  if (graceSeconds <= 0 || !token.rotatedAt || !token.replacedBy) return undefined;
  if (now.getTime() - Date.parse(token.rotatedAt) > graceSeconds * 1000) return undefined;
  const successor = await db
    .select({ tokenHash: refreshTokens.tokenHash })
    .from(refreshTokens)
    .where(and(eq(refreshTokens.tokenHash, token.replacedBy), isNull(refreshTokens.rotatedAt)))
    .get();
  return successor?.tokenHash;
}

/** Marks a client-credentials grant used (once per token). */
export async function touchGrant(db: DrizzleD1Database, grantId: string, now: Date): Promise<void> {
  await db.update(oauthGrants).set({ lastUsedAt: now.toISOString() }).where(eq(oauthGrants.id, grantId));
}
