/** The organization's side of admin invitations: invite an e-mail, list and withdraw open invitations. */
import { and, eq } from "drizzle-orm";
import type { DrizzleD1Database } from "drizzle-orm/d1";
import { open } from "../account/invitations";
import type { Permission } from "../account/membership";
import { audit } from "../db/audit";
import { accounts, invitations, orgAdmins, type InvitationRow } from "../db/schema";

export const INVITATION_DAYS = 7;

/** An invitation as its organization's admins see it. */
export const invitationView = (row: InvitationRow) => ({
  id: row.id,
  email: row.email,
  permission: row.permission,
  invitedBy: row.invitedBy,
  createdAt: row.createdAt,
  expiresAt: row.expiresAt,
});

export type InviteResult = { ok: true; invitation: InvitationRow } | { ok: false; status: 409; detail: string };

/**
 * Invites `email` to administer the organization, or renews its open invitation with the new
 * permission. The answer never says whether the e-mail has an account.
 */
export async function inviteAdmin(
  db: DrizzleD1Database,
  orgId: string,
  email: string,
  permission: Permission,
  actor: string,
  now: Date,
): Promise<InviteResult> {
  const emailKey = email.toLowerCase();
  const admin = await db
    .select({ id: orgAdmins.accountId })
    .from(orgAdmins)
    .innerJoin(accounts, eq(accounts.id, orgAdmins.accountId))
    .where(and(eq(orgAdmins.orgId, orgId), eq(accounts.emailKey, emailKey)))
    .get();
  // The organization's admin list already shows this, so saying it reveals nothing.
  if (admin) return { ok: false, status: 409, detail: `${email} is already an admin of this organization; change the permission instead.` };
  const at = now.toISOString();
  const expiresAt = new Date(now.getTime() + INVITATION_DAYS * 24 * 3600 * 1000).toISOString();
  const pending = await db
    .select()
    .from(invitations)
    .where(and(eq(invitations.orgId, orgId), eq(invitations.emailKey, emailKey), eq(invitations.status, "pending")))
    .get();
  const row: InvitationRow = pending
    ? { ...pending, email, permission, invitedBy: actor, createdAt: at, expiresAt }
    : { id: crypto.randomUUID(), orgId, email, emailKey, permission, invitedBy: actor, status: "pending", createdAt: at, expiresAt, respondedAt: null };
  await db.batch([
    pending
      ? db.update(invitations).set({ email, permission, invitedBy: actor, createdAt: at, expiresAt }).where(eq(invitations.id, pending.id))
      : db.insert(invitations).values(row),
    audit(db, orgId, actor, "admin.invite", { invitationId: row.id, email, permission, expiresAt }, at),
  ]);
  return { ok: true, invitation: row };
}

/** Withdraws an open invitation; false when the organization has none with this id. */
export async function revokeInvitation(db: DrizzleD1Database, orgId: string, id: string, actor: string, now: Date): Promise<boolean> {
  const at = now.toISOString();
  const [revoked] = await db.batch([
    db
      .update(invitations)
      .set({ status: "revoked", respondedAt: at })
      .where(and(eq(invitations.id, id), eq(invitations.orgId, orgId), open(now)))
      .returning({ id: invitations.id }),
  ]);
  if (revoked.length === 0) return false;
  await db.batch([audit(db, orgId, actor, "admin.invite.revoke", { invitationId: id }, at)]);
  return true;
}

/** The open invitations of an organization, newest first. */
export function organizationInvitations(db: DrizzleD1Database, orgId: string, now: Date) {
  return db
    .select()
    .from(invitations)
    .where(and(eq(invitations.orgId, orgId), open(now)))
    .orderBy(invitations.createdAt);
}
