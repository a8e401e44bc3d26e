/** The organization an account administers, and with which permission. */
import { eq } from "drizzle-orm";
import type { DrizzleD1Database } from "drizzle-orm/d1";
import { orgAdmins, organizations } from "../db/schema";

/** What an admin may do: read only, or read and change. */
export type Permission = "read" | "read-write";

export interface Membership {
  orgId: string;
  orgName: string;
  permission: "read" | "read-write";
}

export async function membershipOf(db: DrizzleD1Database, accountId: string): Promise<Membership | null> {
  const row = await db
    .select({ orgId: orgAdmins.orgId, orgName: organizations.name, permission: orgAdmins.permission })
    .from(orgAdmins)
    .innerJoin(organizations, eq(organizations.id, orgAdmins.orgId))
    .where(eq(orgAdmins.accountId, accountId))
    .get();
  return row ?? null;
}
