/** Which writer serializes a change: an organization's, or (before it has one) an account's. */

/** The writer of an organization. */
export const orgWriter = (env: Env, orgId: string) => env.ORG_WRITER.get(env.ORG_WRITER.idFromName(orgId));

/** The writer of an account's claims before the account has an organization. */
export const accountWriter = (env: Env, accountId: string) => env.ORG_WRITER.get(env.ORG_WRITER.idFromName(`account:${accountId}`));

/** The writer responsible for a domain claim. */
export const domainWriter = (env: Env, claim: { orgId: string | null; accountId: string | null }) =>
  claim.orgId ? orgWriter(env, claim.orgId) : accountWriter(env, claim.accountId ?? "");

/** The writer that serializes signing-key rotation. */
export const keyWriter = (env: Env) => env.ORG_WRITER.get(env.ORG_WRITER.idFromName("signing-keys"));
