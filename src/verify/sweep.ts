/** The cron's work: recheck due pending claims, oldest first, in a bounded batch; expire old ones. */
import { and, asc, eq, lte } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { domains } from "../db/schema";
import { claimWriter } from "../writer/address";
import { checkDomain, type CheckDeps } from "./check";

// Each check makes one request per resolver plus up to four for the HTTP file: stay well under
// the subrequest limit of one invocation.
export const SWEEP_BATCH = 25;

export interface SweepReport {
  checked: number;
  verified: number;
  expired: number;
  failed: number;
}

/** Rechecks pending domains whose nextCheckAt has passed; one domain's failure never stops the rest. */
export async function sweepDomains(env: Env, deps: CheckDeps, now: Date, batch = SWEEP_BATCH): Promise<SweepReport> {
  const due = await drizzle(env.DB)
    .select()
    .from(domains)
    .where(and(eq(domains.status, "pending"), lte(domains.nextCheckAt, now.toISOString())))
    .orderBy(asc(domains.nextCheckAt))
    .limit(batch);
  const report: SweepReport = { checked: 0, verified: 0, expired: 0, failed: 0 };
  await Promise.all(
    due.map(async (row) => {
      try {
        const expired = row.expiresAt !== null && now.getTime() >= Date.parse(row.expiresAt);
        const check = expired ? null : await checkDomain(row.domain, row.verificationCode ?? "", deps);
        const settled = await claimWriter(env, row).settleDomain(row.id, check, now.getTime());
        if (check) report.checked++;
        if (settled?.status === "verified") report.verified++;
        if (settled?.status === "expired") report.expired++;
      } catch (e) {
        report.failed++;
        console.error(`checking ${row.domain} failed`, e);
      }
    }),
  );
  return report;
}
