/** Accounts, sessions and the invitations addressed to an account (contract section 2); routes declared in ./api. */
import { eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { type AccountRow, users } from "../db/schema";
import type { AccountEnv } from "./middleware";
import { answerRefusal, apiRouter, fail } from "../shared/openapi";
import { invitationsFor } from "./invitations";
import { accountWriter } from "../writer/address";
import { changePassword, clientOf, signIn, signUp } from "./sign-in";
import { endOtherSessions, endSession, listSessions } from "./sessions";
import * as route from "./api";

const retryAfter = (seconds: number | undefined): Record<string, string> => (seconds ? { "retry-after": String(seconds) } : {});

export const accountRoutes = apiRouter<AccountEnv>()
  .openapi(
    route.signUpRoute,
    async (c) => {
      const { email, password, name } = c.req.valid("json");
      const result = await signUp(c.env, email, password, name);
      return result.ok ? c.json({ id: result.id, email: result.email }, 201) : fail(c, result.status, result.error, result.message);
    },
    answerRefusal({ email: "invalid_email", password: "invalid_password" }),
  )
  // The API answers a Bearer token and sets no cookie: only the pages sign a browser in.
  .openapi(route.signInRoute, async (c) => {
    const { email, password } = c.req.valid("json");
    const result = await signIn(c.env, email, password, clientOf(c));
    if (!result.ok) {
      return result.status === 429
        ? fail(c, 429, "too_many_attempts", "Too many failed sign-ins; try again after the time given.", retryAfter(result.retryAfter))
        : fail(c, 401, "invalid_credentials", "The e-mail or password is not correct.");
    }
    return c.json({ token: result.token, expiresAt: result.expiresAt }, 201);
  })
  .openapi(route.listSessionsRoute, async (c) =>
    c.json({ sessions: await listSessions(drizzle(c.env.DB), c.var.account.id, c.var.sessionId, new Date()) }, 200),
  )
  .openapi(route.endCurrentSessionRoute, async (c) => {
    await endSession(drizzle(c.env.DB), c.var.account.id, c.var.sessionId);
    return c.body(null, 204);
  })
  .openapi(route.endAllSessionsRoute, async (c) => {
    await endOtherSessions(drizzle(c.env.DB), c.var.account.id, null);
    return c.body(null, 204);
  })
  .openapi(route.endSessionRoute, async (c) => {
    const { id } = c.req.valid("param");
    const ended = await endSession(drizzle(c.env.DB), c.var.account.id, id);
    return ended ? c.body(null, 204) : fail(c, 404, "not_found", `No session ${id} of your account.`);
  })
  .openapi(
    route.changePasswordRoute,
    async (c) => {
      const { currentPassword, newPassword } = c.req.valid("json");
      const result = await changePassword(c.env, c.var.account, c.var.sessionId, currentPassword, newPassword, clientOf(c));
      if (!result.ok) return fail(c, result.status, result.error, result.message, retryAfter(result.retryAfter));
      return c.json({ endedSessions: result.endedSessions }, 200);
    },
    answerRefusal({ newPassword: "invalid_password" }),
  )
  .openapi(route.meRoute, async (c) => {
    // requireSignedIn: a single sign-on session of a user who administers nothing sets `user` and no account.
    const account = c.var.account as AccountRow | undefined;
    const { membership, user } = c.var;
    const userBlock = user ? { user: { id: user.id, userName: user.userName, organization: { id: user.orgId, name: user.orgName } } } : {};
    if (!account) {
      const row = await drizzle(c.env.DB).select().from(users).where(eq(users.id, user!.id)).get();
      const name = row?.displayName ?? null;
      return c.json({ id: user!.id, email: row?.workEmailKey ?? user!.userName, name, organization: null, pendingInvitations: 0, ...userBlock }, 200);
    }
    const invitations = await invitationsFor(drizzle(c.env.DB), account.emailKey, new Date());
    return c.json(
      {
        id: account.id,
        email: account.email,
        name: account.name,
        organization: membership ? { id: membership.orgId, name: membership.orgName, role: "admin" as const, permission: membership.permission } : null,
        pendingInvitations: invitations.length,
        ...userBlock,
      },
      200,
    );
  })
  .openapi(route.receivedInvitationsRoute, async (c) => {
    const rows = await invitationsFor(drizzle(c.env.DB), c.var.account.emailKey, new Date());
    return c.json(
      {
        invitations: rows.map((r) => ({
          id: r.id,
          organization: { id: r.orgId, name: r.orgName },
          permission: r.permission,
          invitedBy: r.invitedBy,
          expiresAt: r.expiresAt,
        })),
      },
      200,
    );
  })
  .openapi(route.acceptInvitationRoute, async (c) => {
    const { account } = c.var;
    const result = await accountWriter(c.env, account.id).acceptInvitation({ id: account.id, emailKey: account.emailKey }, c.req.valid("param").id, Date.now());
    if (!result.ok) return fail(c, result.status, result.error, result.detail);
    return c.json({ organization: { id: result.orgId, name: result.orgName, role: "admin" as const, permission: result.permission } }, 200);
  })
  .openapi(route.declineInvitationRoute, async (c) => {
    const { account } = c.var;
    const declined = await accountWriter(c.env, account.id).declineInvitation(
      { id: account.id, emailKey: account.emailKey },
      c.req.valid("param").id,
      Date.now(),
    );
    return declined ? c.body(null, 204) : fail(c, 404, "not_found", "No open invitation with this id for your account.");
  });
