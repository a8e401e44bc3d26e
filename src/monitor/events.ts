/** The provisioning log of an organization: filtered, newest first, paged by a cursor that survives inserts. */
import { and, desc, eq, gte, lt, sql, type SQL } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { provisioningEvents } from "../db/schema";
import { fromBase64url, toBase64url } from "../shared/base64";

export const OPERATIONS = [
  "create",
  "update",
  "deactivate",
  "reactivate",
  "delete",
  "add-members",
  "remove-members",
  "update-members",
  "read",
  "query",
  // A token request refused (a federated credential's client assertion): why Entra's Test Connection failed.
  "authenticate",
] as const;
export const MAX_PAGE = 200;

export interface EventFilter {
  status?: "success" | "failure" | number;
  resourceType?: "User" | "Group";
  operation?: string;
  since?: string;
}

export type FilterResult = { ok: true; filter: EventFilter; limit: number; cursor?: number } | { ok: false; message: string };

/** Reads `status`, `resourceType`, `operation`, `since`, `limit` and `cursor` query parameters. */
export function readEventQuery(q: Record<string, string | undefined>): FilterResult {
  const filter: EventFilter = {};
  if (q.status) {
    if (q.status === "success" || q.status === "failure") filter.status = q.status;
    else if (/^[1-5]\d\d$/.test(q.status)) filter.status = Number(q.status);
    else return { ok: false, message: 'status must be "success", "failure" or an HTTP status code.' };
  }
  if (q.resourceType) {
    if (q.resourceType !== "User" && q.resourceType !== "Group") return { ok: false, message: 'resourceType must be "User" or "Group".' };
    filter.resourceType = q.resourceType;
  }
  if (q.operation) {
    if (!(OPERATIONS as readonly string[]).includes(q.operation)) return { ok: false, message: `operation must be one of ${OPERATIONS.join(", ")}.` };
    filter.operation = q.operation;
  }
  if (q.since) {
    const time = Date.parse(q.since);
    if (Number.isNaN(time)) return { ok: false, message: "since must be an ISO 8601 date." };
    filter.since = new Date(time).toISOString();
  }
  const limit = q.limit === undefined ? 50 : Number(q.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) return { ok: false, message: `limit must be a whole number from 1 to ${MAX_PAGE}.` };
  let cursor: number | undefined;
  if (q.cursor) {
    cursor = Number.parseInt(seqOfCursor(q.cursor) ?? "", 10);
    if (!Number.isInteger(cursor) || cursor < 1) return { ok: false, message: "cursor is not one this API gave out." };
  }
  return { ok: true, filter, limit, ...(cursor !== undefined ? { cursor } : {}) };
}

// A cursor is the last event's seq in base64url: opaque to clients, so they never build one.
export const cursorOf = (seq: number) => toBase64url(new TextEncoder().encode(String(seq)));

export const seqOfCursor = (cursor: string) => {
  const bytes = fromBase64url(cursor);
  return bytes && new TextDecoder().decode(bytes);
};

/** The condition of a filter, always within one organization. */
export function eventCondition(orgId: string, filter: EventFilter, before?: number): SQL {
  const e = provisioningEvents;
  const parts: (SQL | undefined)[] = [eq(e.orgId, orgId)];
  if (filter.status === "failure") parts.push(sql`(${e.status} >= 400) = 1`);
  else if (filter.status === "success") parts.push(sql`(${e.status} >= 400) = 0`);
  else if (typeof filter.status === "number") parts.push(eq(e.status, filter.status));
  if (filter.resourceType) parts.push(eq(e.resourceType, filter.resourceType));
  if (filter.operation) parts.push(eq(e.operation, filter.operation));
  if (filter.since) parts.push(gte(e.at, filter.since));
  if (before !== undefined) parts.push(lt(e.seq, before));
  return and(...parts)!;
}

/** The query of one page (one row more than asked, to know whether there is a next page). */
export function eventPageQuery(db: D1Database, orgId: string, filter: EventFilter, limit: number, before?: number) {
  return drizzle(db)
    .select()
    .from(provisioningEvents)
    .where(eventCondition(orgId, filter, before))
    .orderBy(desc(provisioningEvents.seq))
    .limit(limit + 1);
}

export interface EventView {
  id: number;
  at: string;
  method: string;
  path: string;
  operation: string;
  resourceType: string | null;
  resourceId: string | null;
  externalId: string | null;
  status: number;
  latencyMs: number;
  error: string | null;
}

/** One page of events, newest first, with the cursor of the next page (null at the end). */
export async function listEvents(db: D1Database, orgId: string, filter: EventFilter, limit: number, before?: number) {
  const rows = await eventPageQuery(db, orgId, filter, limit, before);
  const page = rows.slice(0, limit);
  const events: EventView[] = page.map((r) => ({
    id: r.seq,
    at: r.at,
    method: r.method,
    path: r.path,
    operation: r.operation,
    resourceType: r.resourceType,
    resourceId: r.resourceId,
    externalId: r.externalId,
    status: r.status,
    latencyMs: r.latencyMs,
    error: r.errorDetail,
  }));
  return { events, nextCursor: rows.length > limit ? cursorOf(page[page.length - 1]!.seq) : null };
}

const csvCell = (v: unknown) => {
  const text = v === null || v === undefined ? "" : String(v);
  // Quote always; a leading formula character is defused for spreadsheets.
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return `"${safe.replace(/"/g, '""')}"`;
};

/** The filtered log as CSV, newest first, read page by page up to `max` rows. */
export async function eventsCsv(db: D1Database, orgId: string, filter: EventFilter, max = 10_000): Promise<string> {
  const header = ["id", "at", "method", "path", "operation", "resourceType", "resourceId", "externalId", "status", "latencyMs", "error"];
  const lines = [header.join(",")];
  let before: number | undefined;
  while (lines.length - 1 < max) {
    const { events, nextCursor } = await listEvents(db, orgId, filter, MAX_PAGE, before);
    for (const e of events) lines.push(header.map((k) => csvCell(e[k as keyof EventView])).join(","));
    if (!nextCursor) break;
    before = events[events.length - 1]!.id;
  }
  return `${lines.join("\r\n")}\r\n`;
}
