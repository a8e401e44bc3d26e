/** An account's writer (one per account): its own domain claims before it has an organization, and its answers to invitations. */
import { acceptInvitation, declineInvitation, type Acceptance } from "../account/invitations";
import { ClaimsWriter } from "./claims-writer";

export class AccountWriter extends ClaimsWriter {
  /** Accepts an invitation; serialized with the account's own claims, so a pending claim and an acceptance never cross. */
  acceptInvitation(account: { id: string; emailKey: string }, invitationId: string, now: number): Promise<Acceptance> {
    return this.serialize(() => acceptInvitation(this.env.DB, account, invitationId, new Date(now)));
  }

  /** Declines an invitation addressed to this account. */
  declineInvitation(account: { id: string; emailKey: string }, invitationId: string, now: number): Promise<boolean> {
    return this.serialize(() => declineInvitation(this.db, account, invitationId, new Date(now)));
  }
}
