/** Bodies and answers of the Organization Center API, declared once: the validator and the OpenAPI document read them. */
import { EmailAddress } from "../account/schemas";
import { OPERATIONS } from "../monitor/events";
import { MAX_SECRET_DAYS } from "../oauth/grants";
import { jsonObject, Name, Permission, text, Timestamp, z } from "../shared/api-schemas";
import { normalizeDomain } from "../verify/domain-name";
import { readSecretDays } from "./oauth-views";
import { Settings, SettingsChange } from "./settings";

/** A domain name in a request, normalized (lower case, IDN as punycode); IP addresses, special-use names and public suffixes are refused. */
export const DomainName = z
  .string({ error: "A domain name is required." })
  .transform((value, ctx) => {
    const normalized = normalizeDomain(value);
    if (normalized.ok) return normalized.domain;
    ctx.addIssue({ code: "custom", message: normalized.reason, input: value });
    return z.NEVER;
  })
  .openapi({ type: "string", example: "contoso.com" });

const VERIFICATION = "goto-verification-code=<uuid>";

/** The Domain object of the contract. */
export const Domain = z
  .object({
    domain: z.string(),
    status: z.enum(["pending", "verified", "expired"]),
    verificationCode: z.string().nullable().openapi({ description: "One code per organization (or per claim before it has one)." }),
    txtRecord: z.object({ name: z.string(), type: z.string().openapi({ example: "TXT" }), value: z.string().openapi({ example: VERIFICATION }) }).nullable(),
    httpFile: z.object({ url: z.string(), contents: z.string().openapi({ example: VERIFICATION }) }).nullable(),
    method: z.enum(["dns", "http", "operator"]).nullable(),
    dnssec: z.boolean().nullable().openapi({ description: "Whether the DNS answer that verified the domain was DNSSEC-validated." }),
    createdAt: Timestamp,
    expiresAt: Timestamp.nullable(),
    verifiedAt: Timestamp.nullable(),
    lastCheckedAt: Timestamp.nullable(),
    nextCheckAt: Timestamp.nullable(),
    lastError: z.string().nullable(),
  })
  .openapi("Domain");

export const DomainList = z.object({ domains: z.array(Domain) });

export const DomainClaim = jsonObject({
  domain: DomainName.nullish().openapi({ description: "The domain to claim; the account's e-mail domain when absent." }),
}).openapi("DomainClaim");

export const Admin = z.object({ accountId: z.string(), email: z.string(), name: z.string().nullable(), permission: Permission, since: Timestamp });

/** The organization as its admins and operators see it. */
export const Organization = z
  .object({ id: z.string(), name: z.string(), domains: z.array(Domain), admins: z.array(Admin), settings: Settings, createdAt: Timestamp })
  .openapi("Organization");

export const OrganizationChange = jsonObject({ name: Name.optional(), settings: SettingsChange.nullish() }).openapi("OrganizationChange");

export const AdminInvitation = jsonObject({ email: EmailAddress, permission: Permission }).openapi("AdminInvitation");

export const PermissionChange = jsonObject({ permission: Permission }).openapi("PermissionChange");

export const Invitation = z
  .object({ id: z.string(), email: z.string(), permission: Permission, invitedBy: z.string(), createdAt: Timestamp, expiresAt: Timestamp })
  .openapi("Invitation");

export const ScimClientRequest = jsonObject({
  name: text(200).optional().openapi({ description: 'Shown to admins; "Microsoft Entra ID" when absent or empty.' }),
}).openapi("ScimClientRequest");

const SECRET_DAYS = `must be a whole number from 1 to ${MAX_SECRET_DAYS}.`;

export const SecretRequest = jsonObject({
  expiresInDays: z
    .union([z.number(), z.string()], { error: SECRET_DAYS })
    .nullish()
    .refine((days) => readSecretDays(days) !== undefined, { error: SECRET_DAYS })
    .openapi({ description: `Days until the secret expires, 1 to ${MAX_SECRET_DAYS}; 365 when absent.` }),
}).openapi("SecretRequest");

export const NewScimClient = z
  .object({ clientId: z.string(), clientSecret: z.string(), secretId: z.string(), secretExpiresAt: Timestamp })
  .openapi("NewScimClient");

export const NewSecret = z.object({ secretId: z.string(), clientSecret: z.string(), secretExpiresAt: Timestamp });

export const ScimClients = z.object({
  clients: z.array(
    z.object({
      clientId: z.string(),
      name: z.string(),
      createdAt: Timestamp,
      secrets: z.array(z.object({ id: z.string(), createdAt: Timestamp, expiresAt: Timestamp.nullable() })),
    }),
  ),
});

export const ConnectedApps = z.object({
  apps: z.array(
    z.object({
      grantId: z.string(),
      clientId: z.string(),
      client: z.string(),
      kind: z.enum(["platform", "organization", "federated"]),
      authorizedBy: z.string().nullable(),
      createdAt: Timestamp,
      lastUsedAt: Timestamp.nullable(),
    }),
  ),
});

/** The log's filters; src/monitor/events.ts reads them (the pages share its rules), so they are documented here, not narrowed. */
export const EventFilterQuery = z.object({
  status: z.string().optional().openapi({ description: '"success", "failure" or an HTTP status code.' }),
  resourceType: z.string().optional().openapi({ description: '"User" or "Group".' }),
  operation: z
    .string()
    .optional()
    .openapi({ description: `One of ${OPERATIONS.join(", ")}.` }),
  since: z.string().optional().openapi({ description: "An ISO 8601 date: events at or after it." }),
});

export const EventPageQuery = EventFilterQuery.extend({
  limit: z.string().optional().openapi({ description: "1 to 200; 50 when absent." }),
  cursor: z.string().optional().openapi({ description: "The `nextCursor` of the previous page." }),
});

export const ProvisioningEvents = z.object({
  events: z.array(
    z.object({
      id: z.number().int(),
      at: Timestamp,
      method: z.string(),
      path: z.string(),
      operation: z.string(),
      resourceType: z.string().nullable(),
      resourceId: z.string().nullable(),
      externalId: z.string().nullable(),
      status: z.number().int(),
      latencyMs: z.number(),
      error: z.string().nullable(),
    }),
  ),
  nextCursor: z.string().nullable(),
});

const Counts = {
  creates: z.number().int(),
  updates: z.number().int(),
  deactivations: z.number().int(),
  deletions: z.number().int(),
  membershipChanges: z.number().int(),
  failures: z.number().int(),
};

export const ProvisioningSummary = z.object({
  daily: z.array(z.object({ day: z.string().openapi({ example: "2026-01-31" }), ...Counts })),
  hourly: z.array(z.object({ hour: Timestamp, ...Counts })),
  lastSync: z.object({ start: Timestamp, end: Timestamp, requests: z.number().int(), failures: z.number().int(), errorRate: z.number() }).nullable(),
  topFailures: z.array(z.object({ reason: z.string(), status: z.number().int(), count: z.number().int() })),
});
