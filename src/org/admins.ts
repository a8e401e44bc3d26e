/** Organization changes by its admins: name, settings, admins. Each is audited. */
import { and, eq } from "drizzle-orm";
import type { DrizzleD1Database } from "drizzle-orm/d1";
import { audit } from "../db/audit";
import type { Permission } from "../account/membership";
import { orgAdmins, organizations, type OrgSettings } from "../db/schema";

export type AdminResult = { ok: true } | { ok: false; status: 404 | 409; detail: string };

/** Renames the organization and/or changes its settings. */
export async function updateOrganization(
  db: DrizzleD1Database,
  orgId: string,
  change: { name?: string; settings?: OrgSettings },
  actor: string,
  now: Date,
): Promise<void> {
  const at = now.toISOString();
  const current = await db.select({ settings: organizations.settings }).from(organizations).where(eq(organizations.id, orgId)).get();
  const settings = change.settings ? { ...current?.settings, ...change.settings } : undefined;
  await db.batch([
    db
      .update(organizations)
      .set({ ...(change.name ? { name: change.name } : {}), ...(settings ? { settings } : {}), updatedAt: at })
      .where(eq(organizations.id, orgId)),
    audit(db, orgId, actor, "organization.update", change, at),
  ]);
}

/** The number of read & write admins the organization would keep without `accountId`'s write access. */
async function otherWriters(db: DrizzleD1Database, orgId: string, accountId: string): Promise<number> {
  const writers = await db
    .select({ accountId: orgAdmins.accountId })
    .from(orgAdmins)
    .where(and(eq(orgAdmins.orgId, orgId), eq(orgAdmins.permission, "read-write")));
  return writers.filter((w) => w.accountId !== accountId).length;
}

const adminRow = (db: DrizzleD1Database, orgId: string, accountId: string) =>
  db
    .select()
    .from(orgAdmins)
    .where(and(eq(orgAdmins.orgId, orgId), eq(orgAdmins.accountId, accountId)))
    .get();

/** Changes an existing admin's permission; the last read & write admin keeps it. */
export async function setAdminPermission(
  db: DrizzleD1Database,
  orgId: string,
  accountId: string,
  permission: Permission,
  actor: string,
  now: Date,
): Promise<AdminResult> {
  const membership = await adminRow(db, orgId, accountId);
  if (!membership) return { ok: false, status: 404, detail: `Account ${accountId} is not an admin of this organization.` };
  if (membership.permission === "read-write" && permission === "read" && (await otherWriters(db, orgId, accountId)) === 0) {
    return { ok: false, status: 409, detail: "The organization needs at least one admin with read & write permission." };
  }
  const at = now.toISOString();
  await db.batch([
    db
      .update(orgAdmins)
      .set({ permission })
      .where(and(eq(orgAdmins.orgId, orgId), eq(orgAdmins.accountId, accountId))),
    audit(db, orgId, actor, "admin.set", { accountId, permission }, at),
  ]);
  return { ok: true };
}

/** Removes an admin, or lets one leave (`actor` is then the admin itself); the last read & write admin stays. */
export async function removeAdmin(db: DrizzleD1Database, orgId: string, accountId: string, actor: string, now: Date): Promise<AdminResult> {
  const membership = await adminRow(db, orgId, accountId);
  if (!membership) return { ok: false, status: 404, detail: `Account ${accountId} is not an admin of this organization.` };
  if (membership.permission === "read-write" && (await otherWriters(db, orgId, accountId)) === 0) {
    return { ok: false, status: 409, detail: "The last admin with read & write permission cannot be removed." };
  }
  const at = now.toISOString();
  await db.batch([
    db.delete(orgAdmins).where(and(eq(orgAdmins.orgId, orgId), eq(orgAdmins.accountId, accountId))),
    audit(db, orgId, actor, "admin.remove", { accountId }, at),
  ]);
  return { ok: true };
}
