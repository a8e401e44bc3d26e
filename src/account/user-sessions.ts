/**
 * Sessions made by single sign-on: a provisioned (SCIM) user's, plus the account's when the same e-mail
 * administers that organization. Checked against the user on every request, so deprovisioning ends them at once.
 */
import { and, eq, gt } from "drizzle-orm";
import type { DrizzleD1Database } from "drizzle-orm/d1";
import { organizations, sessions, users, userSessions } from "../db/schema";
import { newSecret, sha256Hex } from "../shared/secrets";

export const USER_SESSION_SECONDS = 8 * 60 * 60;
export const USER_SESSION_PREFIX = "sso";

/** Who a single sign-on session belongs to. */
export interface SignedInUser {
  id: string;
  userName: string;
  orgId: string;
  orgName: string;
  sessionId: string;
  accountId: string | null;
}

/** A new session's token (shown once, in the cookie) and the row that keeps only its hash. */
export async function newUserSession(
  session: { orgId: string; userId: string; accountId: string | null; method: "sp" | "idp"; userAgent: string | undefined },
  now: Date,
) {
  const token = newSecret(USER_SESSION_PREFIX);
  const row = {
    id: crypto.randomUUID(),
    orgId: session.orgId,
    userId: session.userId,
    accountId: session.accountId,
    tokenHash: await sha256Hex(token),
    method: session.method,
    userAgent: session.userAgent?.slice(0, 200) ?? null,
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + USER_SESSION_SECONDS * 1000).toISOString(),
  };
  return { token, row };
}

/** The user of a live single sign-on session, while provisioning keeps that user active in that organization. */
export async function userOfSession(db: DrizzleD1Database, token: string, now: Date): Promise<SignedInUser | undefined> {
  const row = await db
    .select({
      id: users.id,
      userName: users.userName,
      orgId: users.orgId,
      orgName: organizations.name,
      sessionId: userSessions.id,
      accountId: userSessions.accountId,
    })
    .from(userSessions)
    .innerJoin(users, and(eq(users.id, userSessions.userId), eq(users.orgId, userSessions.orgId)))
    .innerJoin(organizations, eq(organizations.id, userSessions.orgId))
    .where(and(eq(userSessions.tokenHash, await sha256Hex(token)), gt(userSessions.expiresAt, now.toISOString()), eq(users.active, true)))
    .get();
  return row ?? undefined;
}

/** Ends the session a token opened, whichever kind it is (signing out). */
export async function endSessionOfToken(db: DrizzleD1Database, token: string): Promise<void> {
  const hash = await sha256Hex(token);
  await db.batch([db.delete(sessions).where(eq(sessions.tokenHash, hash)), db.delete(userSessions).where(eq(userSessions.tokenHash, hash))]);
}
