/** Domain claims and verification, as the Organization Center API and pages use them. */
import { configOf } from "../shared/config";
import { emailDomain } from "../shared/email";
import { and, eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import type { Membership } from "../account/membership";
import { domains, type AccountRow, type DomainRow } from "../db/schema";
import { checkDomain, type CheckDeps } from "../verify/check";
import { normalizeDomain } from "../verify/domain-name";
import { ownedBy, type Claimant } from "./claims";
import { accountWriter, claimWriter, orgWriter } from "../writer/address";

export type DomainAction<T> = { ok: true; value: T } | { ok: false; status: 400 | 403 | 404 | 409; error: string; message: string };

const failure = <T>(status: 400 | 403 | 404 | 409, error: string, message: string): DomainAction<T> => ({ ok: false, status, error, message });

/** The outside world a check reaches: the configured resolvers and the global fetch. */
export const liveCheckDeps = (env: Env): CheckDeps => ({ resolvers: configOf(env).dohResolvers, fetch: (...args) => fetch(...args), timeoutMs: 5000 });

const claimantOf = (account: Pick<AccountRow, "id">, membership: Membership | null): Claimant => ({
  accountId: account.id,
  orgId: membership?.orgId ?? null,
});

/** The domains the account sees: its organization's, or its own claims before it has one. */
export function listDomains(env: Env, account: AccountRow, membership: Membership | null): Promise<DomainRow[]> {
  const db = drizzle(env.DB);
  return db
    .select()
    .from(domains)
    .where(ownedBy(claimantOf(account, membership)))
    .orderBy(domains.domain);
}

/** One visible domain by name. */
export async function findDomain(env: Env, account: AccountRow, membership: Membership | null, name: string): Promise<DomainRow | undefined> {
  const normalized = normalizeDomain(name);
  if (!normalized.ok) return undefined;
  const db = drizzle(env.DB);
  return db
    .select()
    .from(domains)
    .where(and(eq(domains.domain, normalized.domain), ownedBy(claimantOf(account, membership))))
    .get();
}

/**
 * Claims a domain. Without an organization an account may claim only its own e-mail domain;
 * a read & write admin may add any domain; a read-only admin none.
 */
export async function claim(
  env: Env,
  account: Pick<AccountRow, "id" | "email">,
  membership: Membership | null,
  requested: unknown,
): Promise<DomainAction<{ created: boolean; domain: DomainRow }>> {
  const ownDomain = emailDomain(account.email) ?? "";
  const normalized = normalizeDomain(requested ?? ownDomain);
  if (!normalized.ok) return failure(400, "invalid_domain", normalized.reason);
  const domain = normalized.domain;
  if (membership?.permission === "read") return failure(403, "read_only", "Your admin role has read permission only; adding a domain needs read & write.");
  if (!membership) {
    const own = normalizeDomain(ownDomain);
    if (!own.ok || own.domain !== domain) {
      return failure(403, "not_your_domain", `Without an organization you can claim only your own e-mail domain (${ownDomain}).`);
    }
  }
  const claimant = claimantOf(account, membership);
  const writer = claimant.orgId ? orgWriter(env, claimant.orgId) : accountWriter(env, account.id);
  const result = await writer.claimDomain(claimant, domain, Date.now());
  if (!result.ok) return failure(409, "domain_taken", result.detail);
  return { ok: true, value: { created: result.created, domain: result.domain } };
}

/** Checks a visible pending domain now and returns its new state. */
export async function verifyNow(
  env: Env,
  account: AccountRow,
  membership: Membership | null,
  name: string,
  deps: CheckDeps = liveCheckDeps(env),
): Promise<DomainAction<DomainRow>> {
  const row = await findDomain(env, account, membership, name);
  if (!row) return failure(404, "not_found", `You have no claim for ${name}.`);
  if (membership?.permission === "read") return failure(403, "read_only", "Your admin role has read permission only; verifying needs read & write.");
  if (row.status !== "pending") return { ok: true, value: row };
  const check = Date.now() >= Date.parse(row.expiresAt ?? "") ? null : await checkDomain(row.domain, row.verificationCode ?? "", deps);
  const settled = await claimWriter(env, row).settleDomain(row.id, check, Date.now());
  return settled ? { ok: true, value: settled } : failure(404, "not_found", `You have no claim for ${name}.`);
}

/** Withdraws a pending or expired claim the caller can see (a read & write admin's, or the account's own). */
export async function withdraw(env: Env, account: AccountRow, membership: Membership | null, name: string): Promise<DomainAction<true>> {
  const row = await findDomain(env, account, membership, name);
  if (!row) return failure(404, "not_found", `You have no claim for ${name}.`);
  if (membership?.permission === "read") return failure(403, "read_only", "Your admin role has read permission only; withdrawing a claim needs read & write.");
  const result = await claimWriter(env, row).withdrawClaim(claimantOf(account, membership), row.domain, Date.now());
  return result.ok ? { ok: true, value: true } : failure(result.status, result.status === 404 ? "not_found" : "verified", result.detail);
}
