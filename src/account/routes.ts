/** Accounts, sessions and the invitations addressed to an account (contract section 2). */
import { drizzle } from "drizzle-orm/d1";
import { Hono } from "hono";
import type { AppEnv } from "../shared/app-env";
import { jsonError, readJsonObject } from "../shared/json-answers";
import { acceptInvitation, declineInvitation, invitationsFor } from "./invitations";
import { accountWriter } from "../writer/address";
import { requireAccount } from "./middleware";
import { changePassword, clientOf, signIn, signUp } from "./sign-in";
import { endOtherSessions, endSession, listSessions } from "./sessions";

export const accountRoutes = new Hono<AppEnv>()
  .post("/accounts", async (c) => {
    const read = await readJsonObject(c.req.raw);
    if (!read.ok) return read.response;
    const result = await signUp(c.env, read.body.email, read.body.password, read.body.name);
    return result.ok ? c.json({ id: result.id, email: result.email }, 201) : jsonError(result.status, result.error, result.message);
  })
  // The API answers a Bearer token and sets no cookie: only the pages sign a browser in.
  .post("/sessions", async (c) => {
    const read = await readJsonObject(c.req.raw);
    if (!read.ok) return read.response;
    const { email, password } = read.body;
    if (typeof email !== "string" || typeof password !== "string") {
      return jsonError(400, "invalid_request", "email and password are required.");
    }
    const result = await signIn(c.env, email, password, clientOf(c));
    if (!result.ok) {
      return result.status === 429
        ? jsonError(429, "too_many_attempts", "Too many failed sign-ins; try again after the time given.", { "retry-after": String(result.retryAfter) })
        : jsonError(401, "invalid_credentials", "The e-mail or password is not correct.");
    }
    return c.json({ token: result.token, expiresAt: result.expiresAt }, 201);
  })
  .get("/sessions", requireAccount, async (c) =>
    c.json({ sessions: await listSessions(drizzle(c.env.DB), c.var.account.id, c.var.sessionId, new Date()) }),
  )
  .delete("/sessions/current", requireAccount, async (c) => {
    await endSession(drizzle(c.env.DB), c.var.account.id, c.var.sessionId);
    return c.body(null, 204);
  })
  // Signs out everywhere: every session of the account, this one included.
  .delete("/sessions", requireAccount, async (c) => {
    await endOtherSessions(drizzle(c.env.DB), c.var.account.id, null);
    return c.body(null, 204);
  })
  .delete("/sessions/:id", requireAccount, async (c) => {
    const ended = await endSession(drizzle(c.env.DB), c.var.account.id, c.req.param("id"));
    return ended ? c.body(null, 204) : jsonError(404, "not_found", `No session ${c.req.param("id")} of your account.`);
  })
  .post("/me/password", requireAccount, async (c) => {
    const read = await readJsonObject(c.req.raw);
    if (!read.ok) return read.response;
    const result = await changePassword(c.env, c.var.account, c.var.sessionId, read.body.currentPassword, read.body.newPassword, clientOf(c));
    if (!result.ok) return jsonError(result.status, result.error, result.message, result.retryAfter ? { "retry-after": String(result.retryAfter) } : {});
    return c.json({ endedSessions: result.endedSessions });
  })
  .get("/me", requireAccount, async (c) => {
    const { account, membership } = c.var;
    const invitations = await invitationsFor(drizzle(c.env.DB), account.emailKey, new Date());
    return c.json({
      id: account.id,
      email: account.email,
      name: account.name,
      organization: membership
        ? { id: membership.orgId, name: membership.orgName, role: "admin", permission: membership.permission }
        : null,
      pendingInvitations: invitations.length,
    });
  })
  .get("/invitations", requireAccount, async (c) => {
    const rows = await invitationsFor(drizzle(c.env.DB), c.var.account.emailKey, new Date());
    return c.json({
      invitations: rows.map((r) => ({ id: r.id, organization: { id: r.orgId, name: r.orgName }, permission: r.permission, invitedBy: r.invitedBy, expiresAt: r.expiresAt })),
    });
  })
  .post("/invitations/:id/accept", requireAccount, async (c) => {
    const { account } = c.var;
    const result = await accountWriter(c.env, account.id).acceptInvitation({ id: account.id, emailKey: account.emailKey }, c.req.param("id"), Date.now());
    if (!result.ok) return jsonError(result.status, result.error, result.detail);
    return c.json({ organization: { id: result.orgId, name: result.orgName, role: "admin", permission: result.permission } });
  })
  .post("/invitations/:id/decline", requireAccount, async (c) => {
    const { account } = c.var;
    const declined = await accountWriter(c.env, account.id).declineInvitation({ id: account.id, emailKey: account.emailKey }, c.req.param("id"), Date.now());
    return declined ? c.body(null, 204) : jsonError(404, "not_found", "No open invitation with this id for your account.");
  });
