/** The organization's single sign-on log for its admins: filtered, newest first, paged like the provisioning log. */
import { and, desc, eq, lt, type SQL } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { signIns } from "../db/schema";
import { cursorOf, MAX_PAGE, seqOfCursor } from "./events";

export interface SignInFilter {
  outcome?: "accepted" | "refused";
  method?: "sp" | "idp";
  reason?: string;
}

export type SignInQueryResult = { ok: true; filter: SignInFilter; limit: number; cursor?: number } | { ok: false; message: string };

/** Reads `outcome`, `method`, `reason`, `limit` and `cursor`. */
export function readSignInQuery(q: { outcome?: string; method?: string; reason?: string; limit?: string; cursor?: string }): SignInQueryResult {
  const filter: SignInFilter = {};
  if (q.outcome === "accepted" || q.outcome === "refused") filter.outcome = q.outcome;
  else if (q.outcome) return { ok: false, message: 'outcome must be "accepted" or "refused".' };
  if (q.method === "sp" || q.method === "idp") filter.method = q.method;
  else if (q.method) return { ok: false, message: 'method must be "sp" or "idp".' };
  if (q.reason) filter.reason = q.reason;
  const limit = q.limit === undefined || q.limit === "" ? 50 : Number(q.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) return { ok: false, message: `limit must be a whole number from 1 to ${MAX_PAGE}.` };
  if (!q.cursor) return { ok: true, filter, limit };
  const cursor = Number.parseInt(seqOfCursor(q.cursor) ?? "", 10);
  if (!Number.isInteger(cursor) || cursor < 1) return { ok: false, message: "cursor is not one this API gave out." };
  return { ok: true, filter, limit, cursor };
}

/** One page of sign-ins, newest first, with the cursor of the next page (null at the end). */
export async function listSignIns(db: D1Database, orgId: string, filter: SignInFilter, limit: number, before?: number) {
  const parts: (SQL | undefined)[] = [eq(signIns.orgId, orgId)];
  if (filter.outcome) parts.push(eq(signIns.outcome, filter.outcome));
  if (filter.method) parts.push(eq(signIns.method, filter.method));
  if (filter.reason) parts.push(eq(signIns.reason, filter.reason));
  if (before !== undefined) parts.push(lt(signIns.seq, before));
  const rows = await drizzle(db)
    .select()
    .from(signIns)
    .where(and(...parts))
    .orderBy(desc(signIns.seq))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  return {
    signIns: page.map((r) => ({ at: r.at, userName: r.userName, outcome: r.outcome, reason: r.reason, detail: r.detail, method: r.method })),
    nextCursor: rows.length > limit ? cursorOf(page[page.length - 1]!.seq) : null,
  };
}
