/** Domain claims, written by the object that owns them: an organization's writer, or an account's before it has one. */
import type { DomainRow } from "../db/schema";
import { claimDomain, settleDomain, withdrawClaim, type Claimant, type ClaimResult, type WithdrawResult } from "../org/claims";
import type { CheckResult } from "../verify/check";
import { WriterObject } from "../writer/writer-object";

export abstract class ClaimsWriter extends WriterObject {
  /** Called after every claim change; an organization's writer forgets what the change may have made stale. */
  protected claimsChanged(): void {}

  private claimWork<T>(work: () => Promise<T>): Promise<T> {
    return this.serialize(async () => {
      try {
        return await work();
      } finally {
        this.claimsChanged();
      }
    });
  }

  /** Claims a domain for the claimant. */
  claimDomain(claimant: Claimant, domain: string, now: number): Promise<ClaimResult> {
    return this.claimWork(() => claimDomain(this.db, claimant, domain, new Date(now)));
  }

  /** Applies a verification check (or only the expiry rule) to a pending claim. */
  settleDomain(domainId: string, check: CheckResult | null, now: number): Promise<DomainRow | undefined> {
    return this.claimWork(() => settleDomain(this.db, domainId, check, new Date(now)));
  }

  /** Withdraws a pending or expired claim of the claimant. */
  withdrawClaim(claimant: Claimant, domain: string, now: number): Promise<WithdrawResult> {
    return this.claimWork(() => withdrawClaim(this.db, claimant, domain, new Date(now)));
  }
}
