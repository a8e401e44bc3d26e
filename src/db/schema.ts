/** The single description of edge-scim's D1 tables; migrations are generated from it. */
import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

/** Settings an organization can change; defaults live in src/org/settings.ts. */
export interface OrgSettings {
  requireVerifiedDomain?: boolean;
}

/** A multi-valued complex attribute entry (emails, phoneNumbers, addresses, roles...). */
export type MultiValue = Record<string, string | boolean>;

// Timestamps are ISO-8601 UTC strings with milliseconds, so text order is time order.
export const organizations = sqliteTable("organizations", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  settings: text("settings", { mode: "json" }).$type<OrgSettings>().notNull(),
  // The code every domain of the organization publishes (`goto-verification-code=<uuid>`).
  verificationCode: text("verification_code"),
  createdAt: text("created_at").notNull(),
  updatedAt: text("updated_at").notNull(),
});

export const domains = sqliteTable(
  "domains",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").references(() => organizations.id, { onDelete: "cascade" }),
    // The account that claimed the domain before it had an organization.
    accountId: text("account_id").references(() => accounts.id, { onDelete: "cascade" }),
    domain: text("domain").notNull(),
    status: text("status", { enum: ["pending", "verified", "expired"] }).notNull(),
    verificationCode: text("verification_code"),
    method: text("method", { enum: ["dns", "http", "operator"] }),
    dnssec: integer("dnssec", { mode: "boolean" }),
    createdAt: text("created_at").notNull(),
    expiresAt: text("expires_at"),
    verifiedAt: text("verified_at"),
    lastCheckedAt: text("last_checked_at"),
    nextCheckAt: text("next_check_at"),
    lastError: text("last_error"),
  },
  (t) => [
    // A domain is verified by at most one organization.
    uniqueIndex("domains_verified_unique").on(t.domain).where(sql`status = 'verified'`),
    index("domains_org").on(t.orgId, t.domain),
    index("domains_account").on(t.accountId, t.domain),
    // The cron's work list: pending claims, oldest nextCheckAt first.
    index("domains_due").on(t.status, t.nextCheckAt),
  ],
);

export const accounts = sqliteTable(
  "accounts",
  {
    id: text("id").primaryKey(),
    email: text("email").notNull(),
    // Lower-cased email: the key of the case-insensitive unique index.
    emailKey: text("email_key").notNull(),
    name: text("name"),
    // `pbkdf2-sha256$<iterations>$<salt>$<hash>`: the parameters travel with the hash so they can be raised.
    passwordHash: text("password_hash").notNull(),
    createdAt: text("created_at").notNull(),
  },
  (t) => [uniqueIndex("accounts_email").on(t.emailKey)],
);

export const sessions = sqliteTable(
  "sessions",
  {
    id: text("id").primaryKey(),
    accountId: text("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    tokenHash: text("token_hash").notNull(),
    // The browser or client that signed in (truncated), so an admin can tell sessions apart.
    userAgent: text("user_agent"),
    createdAt: text("created_at").notNull(),
    expiresAt: text("expires_at").notNull(),
  },
  (t) => [
    uniqueIndex("sessions_token").on(t.tokenHash),
    index("sessions_account").on(t.accountId),
    // The cron prunes expired sessions.
    index("sessions_expires").on(t.expiresAt),
  ],
);

/** Admins of an organization; an account administers at most one organization. */
export const orgAdmins = sqliteTable(
  "org_admins",
  {
    orgId: text("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    accountId: text("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    permission: text("permission", { enum: ["read", "read-write"] }).notNull(),
    createdAt: text("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.accountId] }), uniqueIndex("org_admins_account").on(t.accountId)],
);

/**
 * An invitation to administer an organization: nobody becomes an admin without accepting one.
 * Addressed to an e-mail, so it also reaches someone who signs up later.
 */
export const invitations = sqliteTable(
  "invitations",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    email: text("email").notNull(),
    // Lower-cased email: how the invited account finds its invitations.
    emailKey: text("email_key").notNull(),
    permission: text("permission", { enum: ["read", "read-write"] }).notNull(),
    invitedBy: text("invited_by").notNull(),
    status: text("status", { enum: ["pending", "accepted", "declined", "revoked"] }).notNull(),
    createdAt: text("created_at").notNull(),
    expiresAt: text("expires_at").notNull(),
    respondedAt: text("responded_at"),
  },
  (t) => [
    // One open invitation per organization and e-mail; inviting again renews it.
    uniqueIndex("invitations_pending").on(t.orgId, t.emailKey).where(sql`status = 'pending'`),
    index("invitations_email").on(t.emailKey, t.status),
    index("invitations_org").on(t.orgId, t.status),
  ],
);

/**
 * Failed sign-ins per key (an e-mail with a client address, or a client address alone), for
 * throttling. `lockedUntil` is the earliest time the key may try again.
 */
export const loginFailures = sqliteTable(
  "login_failures",
  {
    key: text("key").primaryKey(),
    failures: integer("failures").notNull(),
    windowStart: text("window_start").notNull(),
    lockedUntil: text("locked_until"),
  },
  // The cron prunes rows whose window has passed.
  (t) => [index("login_failures_window").on(t.windowStart)],
);

export const users = sqliteTable(
  "users",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    userName: text("user_name").notNull(),
    // Lower-cased userName: the key of the case-insensitive unique index.
    userNameKey: text("user_name_key").notNull(),
    externalId: text("external_id"),
    active: integer("active", { mode: "boolean" }).notNull(),
    displayName: text("display_name"),
    nickName: text("nick_name"),
    profileUrl: text("profile_url"),
    title: text("title"),
    userType: text("user_type"),
    preferredLanguage: text("preferred_language"),
    locale: text("locale"),
    timezone: text("timezone"),
    nameFormatted: text("name_formatted"),
    nameFamilyName: text("name_family_name"),
    nameGivenName: text("name_given_name"),
    nameMiddleName: text("name_middle_name"),
    nameHonorificPrefix: text("name_honorific_prefix"),
    nameHonorificSuffix: text("name_honorific_suffix"),
    emails: text("emails", { mode: "json" }).$type<MultiValue[]>(),
    phoneNumbers: text("phone_numbers", { mode: "json" }).$type<MultiValue[]>(),
    ims: text("ims", { mode: "json" }).$type<MultiValue[]>(),
    photos: text("photos", { mode: "json" }).$type<MultiValue[]>(),
    addresses: text("addresses", { mode: "json" }).$type<MultiValue[]>(),
    entitlements: text("entitlements", { mode: "json" }).$type<MultiValue[]>(),
    roles: text("roles", { mode: "json" }).$type<MultiValue[]>(),
    x509Certificates: text("x509_certificates", { mode: "json" }).$type<MultiValue[]>(),
    employeeNumber: text("employee_number"),
    costCenter: text("cost_center"),
    organization: text("organization"),
    division: text("division"),
    department: text("department"),
    managerId: text("manager_id"),
    // Lower-cased work (or primary) e-mail: single sign-on finds a user by it when the NameID is not the userName.
    workEmailKey: text("work_email_key"),
    version: integer("version").notNull(),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("users_org_user_name").on(t.orgId, t.userNameKey),
    // Entra matches by externalId; the name key lets a page of matches come out in list order without a sort.
    index("users_org_external_id").on(t.orgId, t.externalId, t.userNameKey),
    // The admins' user list searches display names by prefix.
    index("users_org_display_name").on(t.orgId, t.displayName),
    index("users_org_work_email").on(t.orgId, t.workEmailKey),
  ],
);

export const groups = sqliteTable(
  "groups",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    displayName: text("display_name").notNull(),
    // Lower-cased displayName: the key of the case-insensitive unique index.
    displayNameKey: text("display_name_key").notNull(),
    externalId: text("external_id"),
    version: integer("version").notNull(),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [uniqueIndex("groups_org_display_name").on(t.orgId, t.displayNameKey), index("groups_org_external_id").on(t.orgId, t.externalId, t.displayNameKey)],
);

export const groupMembers = sqliteTable(
  "group_members",
  {
    groupId: text("group_id")
      .notNull()
      .references(() => groups.id, { onDelete: "cascade" }),
    memberId: text("member_id").notNull(),
    memberType: text("member_type", { enum: ["User", "Group"] }).notNull(),
    orgId: text("org_id").notNull(),
    addedAt: text("added_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.groupId, t.memberId] }), index("group_members_member").on(t.memberId, t.groupId)],
);

export const scimTokens = sqliteTable(
  "scim_tokens",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    // SHA-256 of the token, hex; the token itself is never stored.
    tokenHash: text("token_hash").notNull(),
    description: text("description"),
    createdBy: text("created_by").notNull(),
    createdAt: text("created_at").notNull(),
    expiresAt: text("expires_at"),
    revokedAt: text("revoked_at"),
  },
  (t) => [uniqueIndex("scim_tokens_hash").on(t.tokenHash), index("scim_tokens_org").on(t.orgId)],
);

export const provisioningEvents = sqliteTable(
  "provisioning_events",
  {
    // Monotonic per database: the cursor of the event log.
    seq: integer("seq").primaryKey({ autoIncrement: true }),
    orgId: text("org_id").notNull(),
    at: text("at").notNull(),
    method: text("method").notNull(),
    path: text("path").notNull(),
    operation: text("operation").notNull(),
    resourceType: text("resource_type"),
    resourceId: text("resource_id"),
    externalId: text("external_id"),
    status: integer("status").notNull(),
    latencyMs: integer("latency_ms").notNull(),
    errorDetail: text("error_detail"),
  },
  (t) => [
    index("provisioning_events_org").on(t.orgId, t.seq),
    // The log's filters, each newest first; failures are status 400 and above.
    index("provisioning_events_org_failed").on(t.orgId, sql`(${t.status} >= 400)`, t.seq),
    index("provisioning_events_org_operation").on(t.orgId, t.operation, t.seq),
    index("provisioning_events_org_resource").on(t.orgId, t.resourceType, t.seq),
    // The summary reads a time window of (operation, status) pairs from the index alone.
    index("provisioning_events_org_at").on(t.orgId, t.at, t.operation, t.status),
  ],
);

export const auditEvents = sqliteTable(
  "audit_events",
  {
    seq: integer("seq").primaryKey({ autoIncrement: true }),
    orgId: text("org_id").notNull(),
    at: text("at").notNull(),
    actor: text("actor").notNull(),
    action: text("action").notNull(),
    detail: text("detail", { mode: "json" }).$type<Record<string, unknown>>(),
  },
  (t) => [index("audit_events_org").on(t.orgId, t.seq)],
);

export type UserRow = typeof users.$inferSelect;
export type GroupRow = typeof groups.$inferSelect;
export type DomainRow = typeof domains.$inferSelect;
export type OrganizationRow = typeof organizations.$inferSelect;
export type AccountRow = typeof accounts.$inferSelect;
export type InvitationRow = typeof invitations.$inferSelect;

/** OAuth clients: platform clients (code grant, e.g. Entra's gallery app) and organization SCIM clients (client credentials). */
export const oauthClients = sqliteTable(
  "oauth_clients",
  {
    id: text("id").primaryKey(),
    // "federated": the client of a federated credential, which has no secret (tokens come from client assertions).
    kind: text("kind", { enum: ["platform", "organization", "federated"] }).notNull(),
    // Set for organization clients only.
    orgId: text("org_id").references(() => organizations.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    redirectUris: text("redirect_uris", { mode: "json" }).$type<string[]>().notNull(),
    createdBy: text("created_by").notNull(),
    createdAt: text("created_at").notNull(),
  },
  (t) => [index("oauth_clients_org").on(t.orgId)],
);

/** Client secrets, several per client for rotation, each expiring; SHA-256 hashes only. */
export const oauthClientSecrets = sqliteTable(
  "oauth_client_secrets",
  {
    id: text("id").primaryKey(),
    clientId: text("client_id")
      .notNull()
      .references(() => oauthClients.id, { onDelete: "cascade" }),
    secretHash: text("secret_hash").notNull(),
    createdAt: text("created_at").notNull(),
    expiresAt: text("expires_at"),
    revokedAt: text("revoked_at"),
  },
  (t) => [index("oauth_client_secrets_client").on(t.clientId), uniqueIndex("oauth_client_secrets_hash").on(t.secretHash)],
);

/** A grant: what a client may do in an organization, on whose authority; revoking it ends every token of it. */
export const oauthGrants = sqliteTable(
  "oauth_grants",
  {
    id: text("id").primaryKey(),
    clientId: text("client_id")
      .notNull()
      .references(() => oauthClients.id, { onDelete: "cascade" }),
    orgId: text("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    // The admin who authorized (code grant); null for client credentials.
    accountId: text("account_id").references(() => accounts.id, { onDelete: "cascade" }),
    scope: text("scope").notNull(),
    createdAt: text("created_at").notNull(),
    lastUsedAt: text("last_used_at"),
    revokedAt: text("revoked_at"),
  },
  (t) => [index("oauth_grants_org").on(t.orgId), index("oauth_grants_client").on(t.clientId)],
);

/** Authorization codes: single use, short-lived, stored hashed. */
export const oauthCodes = sqliteTable(
  "oauth_codes",
  {
    codeHash: text("code_hash").primaryKey(),
    grantId: text("grant_id")
      .notNull()
      .references(() => oauthGrants.id, { onDelete: "cascade" }),
    clientId: text("client_id").notNull(),
    redirectUri: text("redirect_uri"),
    codeChallenge: text("code_challenge"),
    expiresAt: text("expires_at").notNull(),
    usedAt: text("used_at"),
  },
  // The cron prunes expired codes.
  (t) => [index("oauth_codes_expires").on(t.expiresAt)],
);

/** Refresh tokens, rotated on every use; a rotated one presented again revokes its grant. */
export const refreshTokens = sqliteTable(
  "refresh_tokens",
  {
    tokenHash: text("token_hash").primaryKey(),
    grantId: text("grant_id")
      .notNull()
      .references(() => oauthGrants.id, { onDelete: "cascade" }),
    createdAt: text("created_at").notNull(),
    // Unused for this long, a refresh token expires; each rotation starts a new period.
    expiresAt: text("expires_at"),
    rotatedAt: text("rotated_at"),
    // The hash of the token this one was rotated into: a retry within the grace period replaces it.
    replacedBy: text("replaced_by"),
  },
  (t) => [
    index("refresh_tokens_grant").on(t.grantId),
    // The cron prunes rotated and expired tokens.
    index("refresh_tokens_rotated").on(t.rotatedAt),
    index("refresh_tokens_expires").on(t.expiresAt),
  ],
);

/** Access-token signing keys (ES256); the private key is stored encrypted with a Worker secret. */
export const signingKeys = sqliteTable("signing_keys", {
  kid: text("kid").primaryKey(),
  publicJwk: text("public_jwk", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
  privateJwkSealed: text("private_jwk_sealed").notNull(),
  createdAt: text("created_at").notNull(),
  // After this the key no longer signs; its public key stays published until dropAfter.
  retiresAt: text("retires_at").notNull(),
  dropAfter: text("drop_after").notNull(),
});

export type OAuthClientRow = typeof oauthClients.$inferSelect;
export type OAuthGrantRow = typeof oauthGrants.$inferSelect;

/** A stored signing certificate of an identity provider (from its metadata). */
export interface IdpCertificateRow {
  pem: string;
  subject: string;
  notAfter: string;
  sha256: string;
}

/** An organization's SAML identity provider (Entra): what its metadata said, and the organization's settings. */
export const identityProviders = sqliteTable(
  "identity_providers",
  {
    orgId: text("org_id")
      .primaryKey()
      .references(() => organizations.id, { onDelete: "cascade" }),
    entityId: text("entity_id").notNull(),
    ssoUrl: text("sso_url").notNull(),
    ssoBinding: text("sso_binding").notNull(),
    // Null when the admin pasted the XML instead of a URL (then the cron has nothing to refresh).
    metadataUrl: text("metadata_url"),
    // The last metadata that parsed; a failed refresh keeps it.
    metadataXml: text("metadata_xml").notNull(),
    certificates: text("certificates", { mode: "json" }).$type<IdpCertificateRow[]>().notNull(),
    enabled: integer("enabled", { mode: "boolean" }).notNull().default(false),
    allowIdpInitiated: integer("allow_idp_initiated", { mode: "boolean" }).notNull().default(true),
    jit: integer("jit", { mode: "boolean" }).notNull().default(false),
    allowSha1: integer("allow_sha1", { mode: "boolean" }).notNull().default(false),
    refreshedAt: text("refreshed_at").notNull(),
    lastError: text("last_error"),
    nextRefreshAt: text("next_refresh_at"),
    refreshFailures: integer("refresh_failures").notNull().default(0),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  // The cron's work list: metadata URLs due for a refresh, oldest first.
  (t) => [index("identity_providers_due").on(t.nextRefreshAt).where(sql`metadata_url IS NOT NULL`)],
);

/** SP-initiated requests waiting for their response: bound to one browser (the hash of its cookie), used once. */
export const samlRequests = sqliteTable(
  "saml_requests",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    browserHash: text("browser_hash").notNull(),
    relayState: text("relay_state"),
    createdAt: text("created_at").notNull(),
    expiresAt: text("expires_at").notNull(),
    usedAt: text("used_at"),
  },
  (t) => [index("saml_requests_expires").on(t.expiresAt)],
);

/** Assertion IDs already used, per organization, kept until the assertion expires: the primary key refuses a replay. */
export const samlAssertions = sqliteTable(
  "saml_assertions",
  {
    orgId: text("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    assertionId: text("assertion_id").notNull(),
    expiresAt: text("expires_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.assertionId] }), index("saml_assertions_expires").on(t.expiresAt)],
);

/** Every single sign-on attempt of an organization, accepted or refused, for its admins. */
export const signIns = sqliteTable(
  "sign_ins",
  {
    seq: integer("seq").primaryKey({ autoIncrement: true }),
    orgId: text("org_id").notNull(),
    at: text("at").notNull(),
    // The NameID as received (truncated); the user it matched, if any (no FK: the log outlives deletions).
    userName: text("user_name"),
    userId: text("user_id"),
    outcome: text("outcome", { enum: ["accepted", "refused"] }).notNull(),
    reason: text("reason"),
    detail: text("detail"),
    method: text("method", { enum: ["sp", "idp"] }).notNull(),
    assertionId: text("assertion_id"),
  },
  (t) => [index("sign_ins_org").on(t.orgId, t.seq), index("sign_ins_org_outcome").on(t.orgId, t.outcome, t.seq), index("sign_ins_at").on(t.at)],
);

/** Sessions made by single sign-on: a SCIM user's, and the account's too when the same e-mail administers the organization. */
export const userSessions = sqliteTable(
  "user_sessions",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    accountId: text("account_id").references(() => accounts.id, { onDelete: "cascade" }),
    tokenHash: text("token_hash").notNull(),
    method: text("method", { enum: ["sp", "idp"] }).notNull(),
    userAgent: text("user_agent"),
    createdAt: text("created_at").notNull(),
    expiresAt: text("expires_at").notNull(),
  },
  (t) => [uniqueIndex("user_sessions_token").on(t.tokenHash), index("user_sessions_user").on(t.userId), index("user_sessions_expires").on(t.expiresAt)],
);

export type IdentityProviderRow = typeof identityProviders.$inferSelect;
export type UserSessionRow = typeof userSessions.$inferSelect;
export type SignInRow = typeof signIns.$inferSelect;

/**
 * Workload identity federation: an organization trusts tokens an outside issuer (Entra's tenant) signs
 * for one subject and audience. Its grant carries the tokens it yields; deleting the credential revokes it.
 */
export const federatedCredentials = sqliteTable(
  "federated_credentials",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    issuer: text("issuer").notNull(),
    subject: text("subject").notNull(),
    audience: text("audience").notNull(),
    grantId: text("grant_id")
      .notNull()
      .references(() => oauthGrants.id, { onDelete: "cascade" }),
    createdBy: text("created_by").notNull(),
    createdAt: text("created_at").notNull(),
  },
  // One organization per issuer + subject + audience, so an assertion names exactly one credential.
  (t) => [uniqueIndex("federated_credentials_match").on(t.issuer, t.subject, t.audience), index("federated_credentials_org").on(t.orgId)],
);

/** An issuer's signing keys (its JWKS) as last fetched through its OpenID discovery document; kept when a refresh fails. */
export const issuerKeys = sqliteTable(
  "issuer_keys",
  {
    issuer: text("issuer").primaryKey(),
    jwksUri: text("jwks_uri"),
    keys: text("keys", { mode: "json" }).$type<Record<string, unknown>[]>(),
    fetchedAt: text("fetched_at"),
    // The last fetch of any kind, successful or not: an unknown kid forces one at most once a minute.
    triedAt: text("tried_at").notNull(),
    lastError: text("last_error"),
    nextRefreshAt: text("next_refresh_at").notNull(),
  },
  (t) => [index("issuer_keys_due").on(t.nextRefreshAt)],
);

/** Client assertions already used (their jti, or Entra's uti), per issuer, until they expire: the primary key refuses a replay. */
export const clientAssertions = sqliteTable(
  "client_assertions",
  {
    issuer: text("issuer").notNull(),
    jti: text("jti").notNull(),
    expiresAt: text("expires_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.issuer, t.jti] }), index("client_assertions_expires").on(t.expiresAt)],
);

export type FederatedCredentialRow = typeof federatedCredentials.$inferSelect;
