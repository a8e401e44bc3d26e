/** Which writer object serializes a change, by role and key: the Worker reaches each through its binding. */

/** The writer of an organization (role: organization, key: its id). */
export const orgWriter = (env: Env, orgId: string) => env.ORG_WRITER.get(env.ORG_WRITER.idFromName(orgId));

/** The writer of an account's own claims and its answers to invitations (role: account, key: its id). */
export const accountWriter = (env: Env, accountId: string) => env.ACCOUNT_WRITER.get(env.ACCOUNT_WRITER.idFromName(accountId));

/** The writer responsible for a domain claim: its organization's, or (before there is one) its account's. */
export const claimWriter = (env: Env, claim: { orgId: string | null; accountId: string | null }) =>
  claim.orgId ? orgWriter(env, claim.orgId) : accountWriter(env, claim.accountId ?? "");

/** The one writer of the access-token signing keys. */
export const signingKeyWriter = (env: Env) => env.SIGNING_KEY_WRITER.get(env.SIGNING_KEY_WRITER.idFromName("signing-keys"));
