/** Domain claims and their verification; the first verified domain of an account creates its organization. */
import { and, eq, isNull } from "drizzle-orm";
import type { DrizzleD1Database } from "drizzle-orm/d1";
import { isUniqueViolation } from "../db/errors";
import { audit } from "../db/audit";
import { domains, orgAdmins, organizations, type DomainRow } from "../db/schema";
import type { CheckResult } from "../verify/check";
import { expiryOf, nextCheckAt } from "../verify/schedule";

/** Who claims: an account, and the organization it administers (read & write) if any. */
export interface Claimant {
  accountId: string;
  orgId: string | null;
}

export type ClaimResult = { ok: true; created: boolean; domain: DomainRow } | { ok: false; status: 409; detail: string };

/** The account's admin role now (read inside the writer, after any change to it the writer serialized). */
const roleOf = (db: DrizzleD1Database, accountId: string) =>
  db.select({ orgId: orgAdmins.orgId, permission: orgAdmins.permission }).from(orgAdmins).where(eq(orgAdmins.accountId, accountId)).get();

/** The domains a claimant owns: its organization's, or its own claims before it has one. */
export const ownedBy = (claimant: Claimant) =>
  claimant.orgId ? eq(domains.orgId, claimant.orgId) : and(isNull(domains.orgId), eq(domains.accountId, claimant.accountId));

/** The claimant's row for `domain`, if it has one. */
const ownClaim = (db: DrizzleD1Database, claimant: Claimant, domain: string) =>
  db
    .select()
    .from(domains)
    .where(and(eq(domains.domain, domain), ownedBy(claimant)))
    .get();

/** The organization's verification code, made on first use (operator-created organizations have none). */
async function organizationCode(db: DrizzleD1Database, orgId: string): Promise<string> {
  const org = await db.select({ code: organizations.verificationCode }).from(organizations).where(eq(organizations.id, orgId)).get();
  if (org?.code) return org.code;
  const code = crypto.randomUUID();
  await db.update(organizations).set({ verificationCode: code }).where(eq(organizations.id, orgId));
  return code;
}

/** Claims a domain: returns the existing claim, renews an expired one, or starts a new one. */
export async function claimDomain(db: DrizzleD1Database, claimant: Claimant, domain: string, now: Date): Promise<ClaimResult> {
  const taken = await db
    .select({ orgId: domains.orgId })
    .from(domains)
    .where(and(eq(domains.domain, domain), eq(domains.status, "verified")))
    .get();
  if (taken && taken.orgId !== claimant.orgId) {
    return { ok: false, status: 409, detail: `${domain} is already verified by another organization.` };
  }
  // The role the request was checked against may have changed since: a claim needs it still.
  const role = await roleOf(db, claimant.accountId);
  if ((role?.orgId ?? null) !== claimant.orgId || (role && role.permission !== "read-write")) {
    return { ok: false, status: 409, detail: "Your admin role changed meanwhile; reload the page and try again." };
  }
  const existing = await ownClaim(db, claimant, domain);
  if (existing && existing.status !== "expired") return { ok: true, created: false, domain: existing };
  const code = claimant.orgId ? await organizationCode(db, claimant.orgId) : crypto.randomUUID();
  const at = now.toISOString();
  const fields = {
    status: "pending" as const,
    verificationCode: code,
    method: null,
    dnssec: null,
    createdAt: at,
    expiresAt: expiryOf(now).toISOString(),
    verifiedAt: null,
    lastCheckedAt: null,
    nextCheckAt: at,
    lastError: null,
  };
  const row: DomainRow = existing
    ? { ...existing, ...fields }
    : { id: crypto.randomUUID(), orgId: claimant.orgId, accountId: claimant.accountId, domain, ...fields };
  const write = existing ? db.update(domains).set(fields).where(eq(domains.id, existing.id)) : db.insert(domains).values(row);
  const actor = `account:${claimant.accountId}`;
  if (claimant.orgId) await db.batch([write, audit(db, claimant.orgId, actor, "domain.claim", { domain }, at)]);
  else await write;
  return { ok: true, created: true, domain: row };
}

/**
 * Applies a check (or, with `check` null, only the expiry rule) to a pending claim. A verified
 * claim without an organization creates one, named after the domain, with the claimant as its admin.
 */
export async function settleDomain(db: DrizzleD1Database, domainId: string, check: CheckResult | null, now: Date): Promise<DomainRow | undefined> {
  const row = await db.select().from(domains).where(eq(domains.id, domainId)).get();
  if (row?.status !== "pending") return row;
  const at = now.toISOString();
  if (row.expiresAt && now.getTime() >= Date.parse(row.expiresAt)) {
    const expired = {
      status: "expired" as const,
      nextCheckAt: null,
      lastError: "The 10 days to verify this domain have passed; claim it again to get a new period.",
    };
    await db
      .update(domains)
      .set(expired)
      .where(and(eq(domains.id, row.id), eq(domains.status, "pending")));
    return { ...row, ...expired };
  }
  if (!check) return row;
  if (!check.verified) {
    const next = nextCheckAt(new Date(row.createdAt), new Date(row.expiresAt ?? at), now).toISOString();
    const pending = { lastCheckedAt: at, nextCheckAt: next, lastError: check.error };
    await db.update(domains).set(pending).where(eq(domains.id, row.id));
    return { ...row, ...pending };
  }
  const verified = {
    status: "verified" as const,
    method: check.method,
    dnssec: check.dnssec,
    verifiedAt: at,
    lastCheckedAt: at,
    nextCheckAt: null,
    lastError: null,
  };
  // A claim settles only into the organization that made it; an account's own claim creates its own organization.
  const orgId = row.orgId ?? crypto.randomUUID();
  const actor = row.accountId ? `account:${row.accountId}` : "system";
  const statements = [];
  if (!row.orgId) {
    if (!row.accountId) return row;
    statements.push(
      db.insert(organizations).values({
        id: orgId,
        name: row.domain,
        settings: {},
        verificationCode: row.verificationCode,
        createdAt: at,
        updatedAt: at,
      }),
      db.insert(orgAdmins).values({ orgId, accountId: row.accountId, permission: "read-write", createdAt: at }),
      audit(db, orgId, actor, "organization.create", { name: row.domain, from: "domain-verification" }, at),
    );
  }
  statements.push(
    db
      .update(domains)
      .set({ ...verified, orgId })
      .where(and(eq(domains.id, row.id), eq(domains.status, "pending"))),
    audit(db, orgId, actor, "domain.verify", { domain: row.domain, method: check.method }, at),
  );
  try {
    await db.batch(statements as [(typeof statements)[number], ...typeof statements]);
  } catch (e) {
    if (!isUniqueViolation(e)) throw e;
    // Another organization verified it first, or (never expected: claims and acceptances share a writer) the account joined one.
    const lastError = isUniqueViolation(e, "domains")
      ? `${row.domain} was verified by another organization first.`
      : `${row.domain} could not become your organization: your account administers another organization. Leave it, then claim again.`;
    const lost = { lastCheckedAt: at, nextCheckAt: row.expiresAt, lastError };
    await db.update(domains).set(lost).where(eq(domains.id, row.id));
    return { ...row, ...lost };
  }
  return { ...row, ...verified, orgId };
}

export type WithdrawResult = { ok: true } | { ok: false; status: 404 | 409; detail: string };

/** Withdraws a pending or expired claim; a verified domain stays (its organization's users rely on it). */
export async function withdrawClaim(db: DrizzleD1Database, claimant: Claimant, domain: string, now: Date): Promise<WithdrawResult> {
  const row = await ownClaim(db, claimant, domain);
  if (!row) return { ok: false, status: 404, detail: `You have no claim for ${domain}.` };
  if (row.status === "verified") return { ok: false, status: 409, detail: `${domain} is verified; a verified domain cannot be withdrawn here.` };
  const at = now.toISOString();
  const remove = db.delete(domains).where(and(eq(domains.id, row.id), eq(domains.status, row.status)));
  if (claimant.orgId) await db.batch([remove, audit(db, claimant.orgId, `account:${claimant.accountId}`, "domain.withdraw", { domain }, at)]);
  else await remove;
  return { ok: true };
}
