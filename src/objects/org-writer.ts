/** An organization's writer (one per organization): the one path through which its data changes. */
import type { OrgSettings } from "../db/schema";
import type { Permission } from "../account/membership";
import { removeAdmin, setAdminPermission, updateOrganization, type AdminResult } from "../org/admins";
import { inviteAdmin, revokeInvitation, type InviteResult } from "../org/invitations";
import { addClientSecret, authorizeCode, createOrgClient, redeemCode, removeClientSecret, revokeGrant, rotateRefresh, touchGrant } from "../oauth/grants";
import type { FailedRequest, RequestInfo, ScimWrite, ScimWriteResult } from "../scim/writes/commands";
import { carryOut, PolicyCache, recordFailure, writeContext } from "../scim/writes/commit";
import { createOrganization, createScimToken, revokeScimToken, type NewOrganization, type OrgResult } from "../org/organization";
import {
  changeIdentityProviderSettings,
  configureIdentityProvider,
  type IdentityProviderSettings,
  removeIdentityProvider,
  storeMetadataRefresh,
} from "../sso/identity-provider";
import type { LoadedMetadata } from "../sso/load-metadata";
import type { IdpMetadata } from "../sso/metadata";
import { completeSignIn, type SignInAttempt, signInEntry, type SignInMethod, type SignInPolicy, type SignInReason } from "../sso/sign-in";
import { createFederatedCredential, type NewFederatedCredential, removeFederatedCredential } from "../oauth/federated-credentials";
import { ClaimsWriter } from "./claims-writer";

export class OrgWriter extends ClaimsWriter {
  // The userName policy SCIM writes check, cached between the changes that could alter it.
  private readonly policies = new PolicyCache();

  private context(orgId: string) {
    return writeContext(this.db, orgId, this.policies);
  }

  /** Domains (claims and their verification) shape the userName policy. */
  protected override claimsChanged(): void {
    this.policies.clear();
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
    return this.serialize(() => carryOut(this.context(orgId), request, write));
  }

  /** Logs a SCIM request the Worker refused on its own. */
  recordFailure(orgId: string, request: RequestInfo, failure: FailedRequest): Promise<void> {
    return this.serialize(() => recordFailure(this.context(orgId), request, failure));
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

  /** Renames the organization or changes its settings. */
  updateOrganization(orgId: string, change: { name?: string; settings?: OrgSettings }, actor: string): Promise<void> {
    return this.changeOrganization(() => updateOrganization(this.db, orgId, change, actor, new Date()));
  }

  /** Invites an e-mail to administer the organization (or renews its open invitation). */
  inviteAdmin(orgId: string, email: string, permission: Permission, actor: string, now: number): Promise<InviteResult> {
    return this.serialize(() => inviteAdmin(this.db, orgId, email, permission, actor, new Date(now)));
  }

  /** Withdraws an open invitation. */
  revokeInvitation(orgId: string, invitationId: string, actor: string, now: number): Promise<boolean> {
    return this.serialize(() => revokeInvitation(this.db, orgId, invitationId, actor, new Date(now)));
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

  /** Stores the identity provider's metadata, keeping its settings. */
  configureIdentityProvider(orgId: string, source: { metadata: IdpMetadata; xml: string; url: string | null }, actor: string, now: number) {
    return this.serialize(() => configureIdentityProvider(this.db, orgId, source, actor, new Date(now)));
  }

  /** Turns single sign-on on or off, and its options. */
  changeIdentityProviderSettings(orgId: string, change: IdentityProviderSettings, actor: string, now: number) {
    return this.serialize(() => changeIdentityProviderSettings(this.db, orgId, change, actor, new Date(now)));
  }

  /** Removes the identity provider. */
  removeIdentityProvider(orgId: string, actor: string, now: number) {
    return this.serialize(() => removeIdentityProvider(this.db, orgId, actor, new Date(now)));
  }

  /** Stores a metadata fetch's outcome, if `url` is still the one configured (the fetch ran outside the writer). */
  storeMetadataRefresh(orgId: string, url: string, loaded: LoadedMetadata, actor: string, now: number) {
    return this.serialize(() => storeMetadataRefresh(this.db, orgId, url, loaded, actor, new Date(now)));
  }

  /** Decides a single sign-on with a validated assertion: request binding, replay, user, session and log in one step. */
  completeSignIn(orgId: string, policy: SignInPolicy, attempt: SignInAttempt, now: number) {
    return this.serialize(() => completeSignIn(this.context(orgId), policy, attempt, new Date(now)));
  }

  /** Logs a sign-in the Worker refused before the writer (a response that did not validate). */
  recordRefusedSignIn(orgId: string, entry: { userName: string | null; reason: SignInReason; detail: string; method: SignInMethod }, now: number) {
    return this.serialize(async () => {
      await signInEntry(this.db, orgId, { ...entry, outcome: "refused" }, new Date(now));
    });
  }

  /** Trusts an outside issuer's tokens for one subject and audience (workload identity federation). */
  createFederatedCredential(orgId: string, input: NewFederatedCredential, actor: string, now: number) {
    return this.serialize(() => createFederatedCredential(this.db, orgId, input, actor, new Date(now)));
  }

  /** Removes a federated credential; its tokens stop working. */
  removeFederatedCredential(orgId: string, id: string, actor: string, now: number) {
    return this.serialize(() => removeFederatedCredential(this.db, orgId, id, actor, new Date(now)));
  }
}
