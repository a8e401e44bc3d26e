/** What admins see of OAuth: connected apps (grants) and the organization's SCIM clients with their secrets. */
import { and, desc, eq, isNull, ne } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { accounts, oauthClients, oauthClientSecrets, oauthGrants } from "../db/schema";
import { DEFAULT_SECRET_DAYS, MAX_SECRET_DAYS } from "../oauth/grants";

/** Active grants of an organization: which client, authorized by whom, when, last used. */
export async function connectedApps(db: D1Database, orgId: string) {
  return (
    drizzle(db)
      .select({
        grantId: oauthGrants.id,
        clientId: oauthClients.id,
        client: oauthClients.name,
        kind: oauthClients.kind,
        authorizedBy: accounts.email,
        createdAt: oauthGrants.createdAt,
        lastUsedAt: oauthGrants.lastUsedAt,
      })
      .from(oauthGrants)
      .innerJoin(oauthClients, eq(oauthClients.id, oauthGrants.clientId))
      .leftJoin(accounts, eq(accounts.id, oauthGrants.accountId))
      // Federated credentials' grants are managed with the credentials, on the SCIM connection page.
      .where(and(eq(oauthGrants.orgId, orgId), isNull(oauthGrants.revokedAt), ne(oauthClients.kind, "federated")))
      .orderBy(desc(oauthGrants.createdAt))
  );
}

/** The organization's SCIM clients with their secrets (never the secrets themselves). */
export async function scimClients(db: D1Database, orgId: string) {
  const d = drizzle(db);
  const clients = await d
    .select()
    .from(oauthClients)
    .where(and(eq(oauthClients.orgId, orgId), eq(oauthClients.kind, "organization")))
    .orderBy(oauthClients.createdAt);
  const secrets = clients.length
    ? await d
        .select({
          id: oauthClientSecrets.id,
          clientId: oauthClientSecrets.clientId,
          createdAt: oauthClientSecrets.createdAt,
          expiresAt: oauthClientSecrets.expiresAt,
        })
        .from(oauthClientSecrets)
        .innerJoin(oauthClients, eq(oauthClients.id, oauthClientSecrets.clientId))
        .where(and(eq(oauthClients.orgId, orgId), isNull(oauthClientSecrets.revokedAt)))
        .orderBy(oauthClientSecrets.createdAt)
    : [];
  return clients.map((c) => ({
    clientId: c.id,
    name: c.name,
    createdAt: c.createdAt,
    secrets: secrets.filter((s) => s.clientId === c.id).map(({ clientId: _, ...s }) => s),
  }));
}

/** Reads a secret lifetime in days: 1 year by default, at most 3. */
export function readSecretDays(raw: unknown): number | undefined {
  if (raw === undefined || raw === null || raw === "") return DEFAULT_SECRET_DAYS;
  const days = typeof raw === "string" ? Number(raw) : raw;
  return typeof days === "number" && Number.isInteger(days) && days >= 1 && days <= MAX_SECRET_DAYS ? days : undefined;
}
