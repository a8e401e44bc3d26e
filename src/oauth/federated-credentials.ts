/** Federated credentials of an organization (workload identity federation): created and removed in the organization's writer. */
import { and, eq } from "drizzle-orm";
import type { DrizzleD1Database } from "drizzle-orm/d1";
import { audit } from "../db/audit";
import { isUniqueViolation } from "../db/errors";
import { federatedCredentials, oauthClients, oauthGrants, type FederatedCredentialRow } from "../db/schema";
import { SCOPE } from "./access-tokens";

/** The audience an organization's credentials default to: it names the organization, so an assertion for it can name no other. */
export const defaultAudience = (url: string, orgId: string) => `api://${new URL(url).host}/${orgId}`;

/**
 * Why an audience cannot be this organization's, or null. It must end in the organization's id: an audience
 * naming another organization would let its Entra's tokens provision into this one.
 */
export function audienceProblemOf(audience: string, orgId: string): string | null {
  if (audience.endsWith(`/${orgId}`)) return null;
  return `The audience must name this organization: end it with /${orgId}, as the default api://<host>/${orgId} does.`;
}

export interface NewFederatedCredential {
  name: string;
  issuer: string;
  subject: string;
  audience: string;
}

export type CredentialResult = { ok: true; credential: FederatedCredentialRow } | { ok: false; status: 400 | 409; detail: string };

/** Creates the credential with its client and grant (the grant carries its tokens); 409 when the issuer + subject + audience is taken. */
export async function createFederatedCredential(
  db: DrizzleD1Database,
  orgId: string,
  input: NewFederatedCredential,
  actor: string,
  now: Date,
): Promise<CredentialResult> {
  const audienceProblem = audienceProblemOf(input.audience, orgId);
  if (audienceProblem) return { ok: false, status: 400, detail: audienceProblem };
  const id = crypto.randomUUID();
  const grantId = crypto.randomUUID();
  const at = now.toISOString();
  const credential = { id, orgId, ...input, grantId, createdBy: actor, createdAt: at };
  try {
    await db.batch([
      db.insert(oauthClients).values({ id, kind: "federated", orgId, name: input.name, redirectUris: [], createdBy: actor, createdAt: at }),
      db.insert(oauthGrants).values({ id: grantId, clientId: id, orgId, accountId: null, scope: SCOPE, createdAt: at }),
      db.insert(federatedCredentials).values(credential),
      audit(db, orgId, actor, "federated-credential.create", { id, ...input }, at),
    ]);
  } catch (e) {
    if (!isUniqueViolation(e, "federated_credentials")) throw e;
    return {
      ok: false,
      status: 409,
      detail: "A federated credential with this issuer, subject and audience exists already (in this or another organization).",
    };
  }
  return { ok: true, credential };
}

/** Removes a credential with its client and grant: its access tokens stop within REVOCATION_CHECK_SECONDS. */
export async function removeFederatedCredential(db: DrizzleD1Database, orgId: string, id: string, actor: string, now: Date): Promise<boolean> {
  const row = await db
    .select()
    .from(federatedCredentials)
    .where(and(eq(federatedCredentials.id, id), eq(federatedCredentials.orgId, orgId)))
    .get();
  if (!row) return false;
  // The client goes, and with it (by cascade) its grant and the credential: every token of it stops.
  await db.batch([
    db.delete(oauthClients).where(eq(oauthClients.id, row.id)),
    audit(db, orgId, actor, "federated-credential.remove", { id, name: row.name }, now.toISOString()),
  ]);
  return true;
}

/** The organization's credentials, oldest first. */
export const listFederatedCredentials = (db: DrizzleD1Database, orgId: string) =>
  db.select().from(federatedCredentials).where(eq(federatedCredentials.orgId, orgId)).orderBy(federatedCredentials.createdAt);

/** A credential as the API shows it. */
export const credentialView = (c: FederatedCredentialRow) => ({
  id: c.id,
  name: c.name,
  issuer: c.issuer,
  subject: c.subject,
  audience: c.audience,
  createdAt: c.createdAt,
});
