/** Authentication of Organization Center requests by session (Bearer token or cookie). */
import { drizzle } from "drizzle-orm/d1";
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { AccountRow } from "../db/schema";
import type { With } from "../shared/app-env";
import { jsonError } from "../shared/json-answers";
import { membershipOf, type Membership } from "./membership";
import { accounts } from "../db/schema";
import { eq } from "drizzle-orm";
import { accountOfSession, presentedSession } from "./sessions";
import { type SignedInUser, USER_SESSION_PREFIX, userOfSession } from "./user-sessions";

/** What session authentication sets: the account, its session, and the organization it administers if any. */
export interface AccountVariables {
  account: AccountRow;
  sessionId: string;
  membership: Membership | null;
  /** Set by a single sign-on session: the provisioned user it signed in. */
  user?: SignedInUser;
}
export type AccountEnv = With<AccountVariables>;

/** What `requireAdmin` adds: the caller's admin role, which it has for certain. */
export type AdminEnv = With<AccountVariables & { admin: Membership }>;

/**
 * Looks up a session token; when it is live, sets the account, its session and its membership. A single
 * sign-on session sets `user`, and the account only while that account still administers the user's organization.
 */
export async function authenticate(c: Context<AccountEnv>, token: string): Promise<boolean> {
  const db = drizzle(c.env.DB);
  if (token.startsWith(`${USER_SESSION_PREFIX}_`)) return authenticateUser(c, token);
  const found = await accountOfSession(db, token, new Date());
  if (!found) return false;
  c.set("account", found.account);
  c.set("sessionId", found.sessionId);
  c.set("membership", await membershipOf(db, found.account.id));
  return true;
}

async function authenticateUser(c: Context<AccountEnv>, token: string): Promise<boolean> {
  const db = drizzle(c.env.DB);
  const user = await userOfSession(db, token, new Date());
  if (!user) return false;
  c.set("user", user);
  if (!user.accountId) return false;
  const [account, membership] = await Promise.all([db.select().from(accounts).where(eq(accounts.id, user.accountId)).get(), membershipOf(db, user.accountId)]);
  if (!account || membership?.orgId !== user.orgId) return false;
  c.set("account", account);
  c.set("sessionId", user.sessionId);
  c.set("membership", membership);
  return true;
}

/** Requires a live session (Bearer or cookie) on an API route; cross-site changes were refused before (http-guards). */
export const requireAccount = createMiddleware<AccountEnv>(async (c, next) => {
  const presented = presentedSession(c);
  if (!presented) return jsonError(401, "unauthorized", "Sign in first: a session token is required.", { "www-authenticate": "Bearer" });
  if (!(await authenticate(c, presented.token))) {
    return jsonError(401, "unauthorized", "The session has expired or was ended; sign in again.", { "www-authenticate": "Bearer" });
  }
  await next();
});

/** Requires a live session of either kind: an account's, or a provisioned user's made by single sign-on (then `account` may be unset). */
export const requireSignedIn = createMiddleware<AccountEnv>(async (c, next) => {
  const presented = presentedSession(c);
  if (!presented) return jsonError(401, "unauthorized", "Sign in first: a session token is required.", { "www-authenticate": "Bearer" });
  if (!(await authenticate(c, presented.token)) && !c.var.user) {
    return jsonError(401, "unauthorized", "The session has expired or was ended; sign in again.", { "www-authenticate": "Bearer" });
  }
  await next();
});

/** Requires the caller to administer an organization; with "read-write", to be allowed to change it. */
export const requireAdmin = (permission: "read" | "read-write") =>
  createMiddleware<AdminEnv>(async (c, next) => {
    const membership = c.var.membership;
    if (!membership) return jsonError(404, "no_organization", "Your account does not administer an organization yet: verify your domain first.");
    if (permission === "read-write" && membership.permission !== "read-write") {
      return jsonError(403, "read_only", "Your admin role has read permission only; this change needs read & write.");
    }
    c.set("admin", membership);
    await next();
  });
