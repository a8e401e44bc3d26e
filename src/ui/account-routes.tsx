/** The signed-in account's pages: its domains (the dashboard) and its Account page. */
import { emailDomain } from "../shared/email";
import { drizzle } from "drizzle-orm/d1";
import { Hono, type Context } from "hono";
import type { AccountEnv } from "../account/middleware";
import { changePassword, clientOf } from "../account/sign-in";
import { clearSessionCookie, endOtherSessions, endSession, listSessions } from "../account/sessions";
import { invitationsFor } from "../account/invitations";
import { AccountPage } from "./account-pages";
import { claim, listDomains, verifyNow, withdraw } from "../org/domains";
import { accountWriter } from "../writer/address";
import { csrfToken } from "./csrf";
import { formFields as fields } from "./forms";
import { DashboardPage } from "./pages";
import { canWrite, signedIn, viewerOf } from "./page-guards";

type AccountCtx = Context<AccountEnv>;

async function dashboard(c: AccountCtx, error?: string, status: 200 | 400 | 403 | 404 | 409 = 200) {
  const email = c.var.account.email;
  return c.html(
    <DashboardPage
      viewer={viewerOf(c)}
      csrf={csrfToken(c)}
      domains={await listDomains(c.env, c.var.account, c.var.membership)}
      canWrite={canWrite(c)}
      emailDomain={emailDomain(email) ?? ""}
      invitations={(await invitationsFor(drizzle(c.env.DB), c.var.account.emailKey, new Date())).length}
      {...(error ? { error } : {})}
    />,
    status,
  );
}

export const dashboardPages = new Hono<AccountEnv>().use(signedIn);
export const accountPages = new Hono<AccountEnv>().use(signedIn);

dashboardPages.get("/", (c) => dashboard(c));
dashboardPages.post("/domains", async (c) => {
  const form = await fields(c);
  const result = await claim(c.env, c.var.account, c.var.membership, form.domain || undefined);
  return result.ok ? c.redirect(`/dashboard#domain-${result.value.domain.domain}`, 303) : dashboard(c, result.message, result.status);
});
dashboardPages.post("/domains/:domain/verify", async (c) => {
  const result = await verifyNow(c.env, c.var.account, c.var.membership, c.req.param("domain"));
  return result.ok ? c.redirect(`/dashboard#domain-${result.value.domain}`, 303) : dashboard(c, result.message, result.status);
});
dashboardPages.post("/domains/:domain/withdraw", async (c) => {
  const result = await withdraw(c.env, c.var.account, c.var.membership, c.req.param("domain"));
  return result.ok ? c.redirect("/dashboard", 303) : dashboard(c, result.message, result.status);
});

async function accountPage(c: AccountCtx, extra: { error?: string; notice?: string } = {}, status: 200 | 400 | 401 | 404 | 409 | 429 = 200) {
  const db = drizzle(c.env.DB);
  const now = new Date();
  const [invitations, sessions] = await Promise.all([
    invitationsFor(db, c.var.account.emailKey, now),
    listSessions(db, c.var.account.id, c.var.sessionId, now),
  ]);
  return c.html(<AccountPage viewer={viewerOf(c)} csrf={csrfToken(c)} invitations={invitations} sessions={sessions} {...extra} />, status);
}

accountPages.get("/", (c) => accountPage(c));
accountPages.post("/invitations/:id/accept", async (c) => {
  const { account } = c.var;
  const result = await accountWriter(c.env, account.id).acceptInvitation({ id: account.id, emailKey: account.emailKey }, c.req.param("id"), Date.now());
  return result.ok ? c.redirect("/organization", 303) : accountPage(c, { error: result.detail }, result.status);
});
accountPages.post("/invitations/:id/decline", async (c) => {
  const { account } = c.var;
  await accountWriter(c.env, account.id).declineInvitation({ id: account.id, emailKey: account.emailKey }, c.req.param("id"), Date.now());
  return c.redirect("/account", 303);
});
accountPages.post("/sessions/:id/end", async (c) => {
  await endSession(drizzle(c.env.DB), c.var.account.id, c.req.param("id"));
  if (c.req.param("id") !== c.var.sessionId) return c.redirect("/account", 303);
  clearSessionCookie(c);
  return c.redirect("/login", 303);
});
accountPages.post("/sessions/end-all", async (c) => {
  await endOtherSessions(drizzle(c.env.DB), c.var.account.id, null);
  clearSessionCookie(c);
  return c.redirect("/login", 303);
});
accountPages.post("/password", async (c) => {
  const form = await fields(c);
  const result = await changePassword(c.env, c.var.account, c.var.sessionId, form.currentPassword, form.newPassword, clientOf(c));
  if (!result.ok) {
    if (result.retryAfter) c.header("retry-after", String(result.retryAfter));
    return accountPage(c, { error: result.message }, result.status);
  }
  return accountPage(c, { notice: `Password changed; ${result.endedSessions} other session(s) signed out.` });
});
