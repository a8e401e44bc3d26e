/** The audit trail: every change to an organization, who made it and when. */
import type { DrizzleD1Database } from "drizzle-orm/d1";
import { auditEvents } from "./schema";

/** The statement that records one audited change; callers batch it with the change itself. */
export const audit = (db: DrizzleD1Database, orgId: string, actor: string, action: string, detail: Record<string, unknown>, at: string) =>
  db.insert(auditEvents).values({ orgId, at, actor, action, detail });
