/** The per-organization Durable Object: the one path through which an organization's data changes. */
import { DurableObject } from "cloudflare:workers";
import type { BatchItem } from "drizzle-orm/batch";
import { drizzle } from "drizzle-orm/d1";
import { isUniqueViolation } from "../db/errors";
import { provisioningEvents, type DomainRow, type OrgSettings } from "../db/schema";
import { rotateSigningKeys } from "../oauth/keys";
import type { CheckResult } from "../verify/check";
import { removeAdmin, setAdminPermission, updateOrganization, type AdminResult, type Permission } from "../org/admins";
import { acceptInvitation, declineInvitation, inviteAdmin, revokeInvitation, type Acceptance, type InviteResult } from "../account/invitations";
import { addClientSecret, authorizeCode, createOrgClient, redeemCode, removeClientSecret, revokeGrant, rotateRefresh, touchGrant } from "../oauth/grants";
import { claimDomain, settleDomain, withdrawClaim, type Claimant, type ClaimResult, type WithdrawResult } from "../org/claims";
import type { ScimError } from "../scim/errors";
import type { FailedRequest, ParsedWrite, RequestInfo, ScimWrite, ScimWriteResult } from "../scim/writes/commands";
import { loadPolicy, refused, type EventFields, type OrgPolicy, type Outcome, type WriteContext } from "../scim/writes/context";
import { createGroup, deleteGroup, patchGroup, replaceGroup } from "../scim/writes/groups";
import { createOrganization, createScimToken, revokeScimToken, type NewOrganization, type OrgResult } from "../org/organization";
import { createUser, deleteUser, patchUser, replaceUser } from "../scim/writes/users";

const handlers: { [K in ScimWrite["kind"]]: (ctx: WriteContext, cmd: ParsedWrite<Extract<ScimWrite, { kind: K }>>) => Promise<Outcome> } = {
  createUser,
  replaceUser,
  patchUser,
  deleteUser,
  createGroup,
  replaceGroup,
  patchGroup,
  deleteGroup,
};


/** Which uniqueness a refused write ran into, in words the admin can act on. */
function conflictDetail(outcome: Outcome): string {
  const { result } = outcome;
  if (result.ok && result.user) return `userName "${result.user.userName}" is already taken in this organization.`;
  if (result.ok && result.group) return `A group named "${result.group.displayName}" already exists in this organization.`;
  return "The write conflicts with an existing resource.";
}

export class OrgWriter extends DurableObject<Env> {
  private readonly db = drizzle(this.env.DB);
  // D1 calls release the input gate, so writes are queued here explicitly, one at a time.
  private tail: Promise<unknown> = Promise.resolve();

  private serialize<T>(work: () => Promise<T>): Promise<T> {
    const run = this.tail.then(work, work);
    this.tail = run.catch(() => undefined);
    return run;
  }

  // Organizations' userName policies, read once and dropped whenever anything could change them.
  private policies = new Map<string, Promise<OrgPolicy>>();

  private context(orgId: string): WriteContext {
    const policy = () => {
      let cached = this.policies.get(orgId);
      if (!cached) {
        cached = loadPolicy(this.db, orgId);
        cached.catch(() => this.policies.delete(orgId));
        this.policies.set(orgId, cached);
      }
      return cached;
    };
    return { db: this.db, orgId, now: new Date().toISOString(), policy };
  }

  /** Runs an organization-level change, then forgets cached policies. */
  private changeOrganization<T>(work: () => Promise<T>): Promise<T> {
    return this.serialize(async () => {
      try {
        return await work();
      } finally {
        this.policies.clear();
      }
    });
  }

  /** Carries out one SCIM write for `orgId` and logs it, atomically. */
  scim(orgId: string, request: RequestInfo, write: ScimWrite): Promise<ScimWriteResult> {
    return this.serialize(async () => {
      const ctx = this.context(orgId);
      const outcome = await this.decide(ctx, write);
      const status = outcome.result.ok ? outcome.result.status : outcome.result.error.status;
      const detail = outcome.result.ok ? null : outcome.result.error.detail;
      const log = this.logEntry(ctx, request, outcome.event, status, detail);
      try {
        await this.db.batch([log, ...outcome.statements] as unknown as [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]]);
        return outcome.result;
      } catch (e) {
        if (!isUniqueViolation(e)) console.error(`write ${write.kind} for ${orgId} failed`, e);
        const error: ScimError = isUniqueViolation(e)
          ? { status: 409, scimType: "uniqueness", detail: conflictDetail(outcome) }
          : { status: 503, detail: "The write could not be stored; nothing was changed. Retry later." };
        // A create that did not happen has no resource to point at.
        const event = write.kind.startsWith("create") ? { ...outcome.event, resourceId: null } : outcome.event;
        await this.db.batch([this.logEntry(ctx, request, event, error.status, error.detail)]).catch(() => undefined);
        return { ok: false, error, ...(error.status === 503 ? { retryAfterSeconds: 5 } : {}) };
      }
    });
  }

  /** Parses the body and lets the write's handler decide; unparseable JSON is a 400 like any other refusal. */
  private async decide(ctx: WriteContext, write: ScimWrite): Promise<Outcome> {
    const handler = handlers[write.kind] as (ctx: WriteContext, cmd: ParsedWrite) => Promise<Outcome>;
    if (!("body" in write)) return handler(ctx, write);
    let body: unknown;
    try {
      body = JSON.parse(write.body);
    } catch {
      const resourceType = write.kind.endsWith("User") ? "User" : "Group";
      const operation = write.kind.startsWith("create") ? "create" : "update";
      const id = "id" in write ? write.id : null;
      return refused(
        { status: 400, scimType: "invalidSyntax", detail: "The request body is not valid JSON." },
        { operation, resourceType, resourceId: id, externalId: null },
      );
    }
    return handler(ctx, { ...write, body });
  }

  /** Logs a SCIM request the Worker refused on its own. */
  recordFailure(orgId: string, request: RequestInfo, failure: FailedRequest): Promise<void> {
    return this.serialize(async () => {
      const ctx = this.context(orgId);
      const { operation, resourceType, resourceId } = failure;
      const entry = this.logEntry(ctx, request, { operation, resourceType, resourceId, externalId: null }, failure.status, failure.detail);
      await this.db.batch([entry]);
    });
  }

  /** Creates the organization this object writes for. */
  createOrganization(orgId: string, input: NewOrganization, actor: string): Promise<OrgResult> {
    return this.changeOrganization(() => createOrganization(this.context(orgId), input, actor));
  }

  /** Issues a long-lived SCIM token; the caller shows it once. */
  createScimToken(orgId: string, input: { description: string | null; expiresAt: string | null }, actor: string) {
    return this.serialize(() => createScimToken(this.context(orgId), input, actor));
  }

  /** Revokes a SCIM token; it stops working at once. */
  revokeScimToken(orgId: string, tokenId: string, actor: string) {
    return this.serialize(() => revokeScimToken(this.context(orgId), tokenId, actor));
  }

  /** Claims a domain for an account or its organization. */
  claimDomain(claimant: Claimant, domain: string, now: number): Promise<ClaimResult> {
    return this.changeOrganization(() => claimDomain(this.db, claimant, domain, new Date(now)));
  }

  /** Applies a verification check (or only the expiry rule) to a pending claim. */
  settleDomain(domainId: string, check: CheckResult | null, now: number): Promise<DomainRow | undefined> {
    return this.changeOrganization(() => settleDomain(this.db, domainId, check, new Date(now)));
  }

  /** Renames the organization or changes its settings. */
  updateOrganization(orgId: string, change: { name?: string; settings?: OrgSettings }, actor: string): Promise<void> {
    return this.changeOrganization(() => updateOrganization(this.db, orgId, change, actor, new Date()));
  }

  /** Withdraws a pending or expired claim of this claimant. */
  withdrawClaim(claimant: Claimant, domain: string, now: number): Promise<WithdrawResult> {
    return this.serialize(() => withdrawClaim(this.db, claimant, domain, new Date(now)));
  }

  /** Invites an e-mail to administer the organization (or renews its open invitation). */
  inviteAdmin(orgId: string, email: string, permission: Permission, actor: string, now: number): Promise<InviteResult> {
    return this.serialize(() => inviteAdmin(this.db, orgId, email, permission, actor, new Date(now)));
  }

  /** Withdraws an open invitation. */
  revokeInvitation(orgId: string, invitationId: string, actor: string, now: number): Promise<boolean> {
    return this.serialize(() => revokeInvitation(this.db, orgId, invitationId, actor, new Date(now)));
  }

  /** Accepts an invitation for this account (the account's writer, serialized with its own claims). */
  acceptInvitation(account: { id: string; emailKey: string }, invitationId: string, now: number): Promise<Acceptance> {
    return this.serialize(() => acceptInvitation(this.env.DB, account, invitationId, new Date(now)));
  }

  /** Declines an invitation addressed to this account. */
  declineInvitation(account: { id: string; emailKey: string }, invitationId: string, now: number): Promise<boolean> {
    return this.serialize(() => declineInvitation(this.db, account, invitationId, new Date(now)));
  }

  /** Changes an existing admin's permission (never the last one with read & write permission). */
  setAdminPermission(orgId: string, accountId: string, permission: Permission, actor: string): Promise<AdminResult> {
    return this.serialize(() => setAdminPermission(this.db, orgId, accountId, permission, actor, new Date()));
  }

  /** Removes an admin, or lets one leave (never the last one with read & write permission). */
  removeAdmin(orgId: string, accountId: string, actor: string): Promise<AdminResult> {
    return this.serialize(() => removeAdmin(this.db, orgId, accountId, actor, new Date()));
  }

  /** Creates an organization SCIM client (client credentials). */
  createOrgClient(orgId: string, name: string, actor: string) {
    return this.serialize(() => createOrgClient(this.db, orgId, name, actor, new Date()));
  }

  /** Adds a secret to an organization client, for rotation. */
  addClientSecret(orgId: string, clientId: string, days: number, actor: string) {
    return this.serialize(() => addClientSecret(this.db, orgId, clientId, days, actor, new Date()));
  }

  /** Removes a client secret. */
  removeClientSecret(orgId: string, clientId: string, secretId: string, actor: string) {
    return this.serialize(() => removeClientSecret(this.db, orgId, clientId, secretId, actor, new Date()));
  }

  /** Records consent: a grant and its authorization code. */
  authorizeCode(orgId: string, request: { clientId: string; accountId: string; redirectUri: string | null; codeChallenge: string | null }) {
    return this.serialize(() => authorizeCode(this.db, orgId, request, new Date()));
  }

  /** Redeems an authorization code (once), at the caller's `now`. */
  redeemCode(orgId: string, codeHash: string, presented: { clientId: string; redirectUri: string | null; verifier: string | null }, now: number) {
    return this.serialize(() => redeemCode(this.db, orgId, codeHash, presented, new Date(now)));
  }

  /** Rotates a refresh token at the caller's `now`; serialized here, so concurrent refreshes are decided one at a time. */
  rotateRefresh(orgId: string, tokenHash: string, clientId: string, now: number, graceSeconds: number) {
    return this.serialize(() => rotateRefresh(this.db, orgId, tokenHash, clientId, new Date(now), graceSeconds));
  }

  /** Revokes a grant. */
  revokeGrant(orgId: string, grantId: string, actor: string) {
    return this.serialize(() => revokeGrant(this.db, orgId, grantId, actor, new Date()));
  }

  /** Marks a grant used. */
  touchGrant(grantId: string) {
    return this.serialize(() => touchGrant(this.db, grantId, new Date()));
  }

  /** Rotates the access-token signing keys (this object is the key writer). */
  rotateSigningKeys(now: number): Promise<void> {
    return this.serialize(() => rotateSigningKeys(this.env.DB, this.env.KEY_ENCRYPTION_SECRET, new Date(now)));
  }

  private logEntry(ctx: WriteContext, request: RequestInfo, fields: EventFields, status: number, detail: string | null) {
    return this.db.insert(provisioningEvents).values({
      orgId: ctx.orgId,
      at: ctx.now,
      method: request.method,
      path: request.path,
      operation: fields.operation,
      resourceType: fields.resourceType,
      resourceId: fields.resourceId,
      externalId: fields.externalId,
      status,
      latencyMs: Math.max(0, Date.now() - request.startedAt),
      errorDetail: detail,
    });
  }
}
