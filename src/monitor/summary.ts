/** What Entra did to an organization, at a glance: counts per day and hour, the last sync, top failures. */
import { and, desc, eq, gte, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { provisioningEvents } from "../db/schema";

// Requests closer together than this belong to one provisioning cycle (Entra runs one about every 40 minutes).
export const CYCLE_GAP_MINUTES = 10;
const CYCLE_SCAN = 5000;

export interface Counts {
  creates: number;
  updates: number;
  deactivations: number;
  deletions: number;
  membershipChanges: number;
  failures: number;
}

const CATEGORY: Record<string, keyof Counts | undefined> = {
  create: "creates",
  update: "updates",
  reactivate: "updates",
  deactivate: "deactivations",
  delete: "deletions",
  "add-members": "membershipChanges",
  "remove-members": "membershipChanges",
  "update-members": "membershipChanges",
};

const zero = (): Counts => ({ creates: 0, updates: 0, deactivations: 0, deletions: 0, membershipChanges: 0, failures: 0 });

/** Buckets (day or hour) with counts, oldest first, every bucket of the window present. */
async function buckets(db: D1Database, orgId: string, since: Date, width: 10 | 13, step: number, count: number) {
  const e = provisioningEvents;
  const bucket = sql<string>`substr(${e.at}, 1, ${width})`;
  const rows = await drizzle(db)
    .select({ bucket, operation: e.operation, failed: sql<number>`${e.status} >= 400`, n: sql<number>`count(*)` })
    .from(e)
    .where(and(eq(e.orgId, orgId), gte(e.at, since.toISOString())))
    .groupBy(bucket, e.operation, sql`${e.status} >= 400`);
  const out = new Map<string, Counts>();
  for (let i = 0; i < count; i++) out.set(new Date(since.getTime() + i * step).toISOString().slice(0, width), zero());
  for (const r of rows) {
    const counts = out.get(r.bucket);
    if (!counts) continue;
    if (r.failed) counts.failures += r.n;
    else {
      const category = CATEGORY[r.operation];
      if (category) counts[category] += r.n;
    }
  }
  return [...out].map(([key, counts]) => ({ key, ...counts }));
}

/** Failure details with ids and quoted values folded, so the same reason counts once. */
export const reasonOf = (detail: string | null) =>
  (detail ?? "(no detail)").replace(/"[^"]*"/g, '"…"').replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, "<id>");

export interface LastSync {
  start: string;
  end: string;
  requests: number;
  failures: number;
  errorRate: number;
}

/** The newest burst of requests separated from the one before by a quiet gap. */
async function lastSync(db: D1Database, orgId: string): Promise<LastSync | null> {
  const e = provisioningEvents;
  const recent = await drizzle(db).select({ at: e.at, status: e.status }).from(e).where(eq(e.orgId, orgId)).orderBy(desc(e.seq)).limit(CYCLE_SCAN);
  if (recent.length === 0) return null;
  let requests = 0;
  let failures = 0;
  let start = recent[0]!.at;
  for (const [i, row] of recent.entries()) {
    if (i > 0 && Date.parse(start) - Date.parse(row.at) > CYCLE_GAP_MINUTES * 60_000) break;
    start = row.at;
    requests++;
    if (row.status >= 400) failures++;
  }
  return { start, end: recent[0]!.at, requests, failures, errorRate: requests ? failures / requests : 0 };
}

/** The summary of the last `days` days (and the last 48 hours by hour). */
export async function provisioningSummary(db: D1Database, orgId: string, now: Date, days = 7) {
  const dayStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) - (days - 1) * 86400_000);
  const hourStart = new Date(Math.floor(now.getTime() / 3600_000) * 3600_000 - 47 * 3600_000);
  const e = provisioningEvents;
  const [daily, hourly, sync, failureRows] = await Promise.all([
    buckets(db, orgId, dayStart, 10, 86400_000, days),
    buckets(db, orgId, hourStart, 13, 3600_000, 48),
    lastSync(db, orgId),
    drizzle(db)
      .select({ detail: e.errorDetail, status: e.status, operation: e.operation })
      .from(e)
      .where(and(eq(e.orgId, orgId), sql`(${e.status} >= 400) = 1`, gte(e.at, dayStart.toISOString())))
      .orderBy(desc(e.seq))
      .limit(2000),
  ]);
  const reasons = new Map<string, { reason: string; status: number; count: number }>();
  for (const f of failureRows) {
    const reason = reasonOf(f.detail);
    const entry = reasons.get(reason) ?? { reason, status: f.status, count: 0 };
    entry.count++;
    reasons.set(reason, entry);
  }
  const topFailures = [...reasons.values()].sort((a, b) => b.count - a.count).slice(0, 5);
  return {
    daily: daily.map(({ key, ...c }) => ({ day: key, ...c })),
    hourly: hourly.map(({ key, ...c }) => ({ hour: `${key}:00:00Z`, ...c })),
    lastSync: sync,
    topFailures,
  };
}
