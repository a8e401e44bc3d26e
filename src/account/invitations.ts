/**
 * The invited side of admin invitations: only the account with the invited e-mail can accept, so
 * nobody becomes an admin (and no one's domain claim is drawn into another organization) without consent.
 */
import { and, eq, gt, isNull } from "drizzle-orm";
import { drizzle, type DrizzleD1Database } from "drizzle-orm/d1";
import { domains, invitations, orgAdmins, organizations } from "../db/schema";
import { audit } from "../db/audit";
import type { Permission } from "./membership";

/** An invitation that can still be accepted. */
export const open = (now: Date) => and(eq(invitations.status, "pending"), gt(invitations.expiresAt, now.toISOString()));

/** The open invitations addressed to an account's e-mail, with the inviting organization's name. */
export function invitationsFor(db: DrizzleD1Database, emailKey: string, now: Date) {
  return db
    .select({
      id: invitations.id,
      orgId: invitations.orgId,
      orgName: organizations.name,
      permission: invitations.permission,
      invitedBy: invitations.invitedBy,
      expiresAt: invitations.expiresAt,
    })
    .from(invitations)
    .innerJoin(organizations, eq(organizations.id, invitations.orgId))
    .where(and(eq(invitations.emailKey, emailKey), open(now)))
    .orderBy(invitations.createdAt);
}

export type Acceptance = { ok: true; orgId: string; orgName: string; permission: Permission } | { ok: false; status: 404 | 409; error: string; detail: string };

const notFound: Acceptance = {
  ok: false,
  status: 404,
  error: "not_found",
  detail: "No open invitation with this id for your account; it may have expired or been withdrawn.",
};

/**
 * Accepts an invitation for the account it is addressed to. Runs in the account's writer, so it is
 * serialized with the account's own domain claims: an account with a pending claim of its own (which
 * would create its own organization) or an organization already cannot accept, and is told why.
 */
export async function acceptInvitation(d1: D1Database, account: { id: string; emailKey: string }, id: string, now: Date): Promise<Acceptance> {
  const db = drizzle(d1);
  const at = now.toISOString();
  const invitation = await db
    .select({ row: invitations, orgName: organizations.name })
    .from(invitations)
    .innerJoin(organizations, eq(organizations.id, invitations.orgId))
    .where(and(eq(invitations.id, id), eq(invitations.emailKey, account.emailKey), open(now)))
    .get();
  if (!invitation) return notFound;
  const { row, orgName } = invitation;
  const membership = await db
    .select({ orgId: orgAdmins.orgId, orgName: organizations.name })
    .from(orgAdmins)
    .innerJoin(organizations, eq(organizations.id, orgAdmins.orgId))
    .where(eq(orgAdmins.accountId, account.id))
    .get();
  if (membership && membership.orgId !== row.orgId) {
    return {
      ok: false,
      status: 409,
      error: "already_admin",
      detail: `You administer ${membership.orgName}, and an account administers one organization. Leave it first, then accept.`,
    };
  }
  const claim = await db
    .select({ domain: domains.domain })
    .from(domains)
    .where(and(eq(domains.accountId, account.id), isNull(domains.orgId), eq(domains.status, "pending"), gt(domains.expiresAt, at)))
    .get();
  if (claim) {
    return {
      ok: false,
      status: 409,
      error: "pending_claim",
      detail: `You have a pending claim for ${claim.domain}: once verified it becomes your own organization. Withdraw the claim first, then accept.`,
    };
  }
  // Every statement is conditional on the invitation still being open: a revocation racing this wins cleanly.
  const acceptedNow = "FROM invitations WHERE id = ?1 AND status = 'accepted' AND responded_at = ?2";
  const detail = JSON.stringify({ invitationId: id, accountId: account.id, email: row.email, permission: row.permission });
  const [accepted] = await d1.batch([
    d1.prepare("UPDATE invitations SET status = 'accepted', responded_at = ?2 WHERE id = ?1 AND status = 'pending' AND expires_at > ?2").bind(id, at),
    d1
      .prepare(
        `INSERT INTO org_admins (org_id, account_id, permission, created_at) SELECT org_id, ?3, permission, ?2 ${acceptedNow}
         ON CONFLICT (org_id, account_id) DO UPDATE SET permission = excluded.permission`,
      )
      .bind(id, at, account.id),
    d1
      .prepare(`INSERT INTO audit_events (org_id, at, actor, action, detail) SELECT org_id, ?2, ?3, 'admin.accept', ?4 ${acceptedNow}`)
      .bind(id, at, `account:${account.id}`, detail),
  ]);
  if (!accepted?.meta.changes) return notFound;
  return { ok: true, orgId: row.orgId, orgName, permission: row.permission };
}

/** Declines an invitation addressed to the account; false when there is no open one. */
export async function declineInvitation(db: DrizzleD1Database, account: { id: string; emailKey: string }, id: string, now: Date): Promise<boolean> {
  const at = now.toISOString();
  const [declined] = await db.batch([
    db
      .update(invitations)
      .set({ status: "declined", respondedAt: at })
      .where(and(eq(invitations.id, id), eq(invitations.emailKey, account.emailKey), open(now)))
      .returning({ id: invitations.id, orgId: invitations.orgId }),
  ]);
  const row = declined[0];
  if (!row) return false;
  await db.batch([audit(db, row.orgId, `account:${account.id}`, "admin.decline", { invitationId: id, accountId: account.id }, at)]);
  return true;
}
