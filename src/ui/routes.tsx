/** Page routes: forms post here, each handler calls the same logic as the JSON API and redirects (303). */
import { drizzle } from "drizzle-orm/d1";
import { Hono, type Context } from "hono";
import { createMiddleware } from "hono/factory";
import { authenticate, type AccountEnv, type AccountVariables, type AdminEnv } from "../account/middleware";
import { changePassword, clientOf, isEmail, signIn, signUp, waitMessage } from "../account/sign-in";
import { clearSessionCookie, endOtherSessions, endSession, listSessions, sessionCookie, setSessionCookie, startSession } from "../account/sessions";
import { invitationsFor } from "../account/invitations";
import { organizationInvitations } from "../org/invitations";
import { AccountPage } from "./account-pages";
import type { AppEnv } from "../shared/app-env";
import { claim, listDomains, verifyNow, withdraw } from "../org/domains";
import { browseGroups, browseMembers, browseUsers } from "../monitor/directory";
import { listEvents, readEventQuery } from "../monitor/events";
import { provisioningSummary } from "../monitor/summary";
import { connectedApps, readSecretDays, scimClients } from "../org/oauth-views";
import { listScimTokens, readTokenRequest } from "../org/scim-tokens";
import { organizationView } from "../org/view";
import { accountWriter, orgWriter } from "../writer/address";
import { SCRIPT, STYLESHEET } from "./assets";
import { csrfToken } from "./csrf";
import { formFields as fields } from "./forms";
import type { Viewer } from "./layout";
import { GroupPage, GroupsPage, LogPage, SummaryPage, UsersPage } from "./monitor-pages";
import { ConnectedAppsPage, ScimConnectionPage } from "./oauth-admin-pages";
import { DashboardPage, OrganizationPage, SignInPage, SignUpPage, TokensPage } from "./pages";

type Ctx = Context<AppEnv>;
type AccountCtx = Context<AccountEnv>;
type AdminCtx = Context<AdminEnv>;

const publicPages = new Hono<AppEnv>();

publicPages.get("/assets/app.css", (c) => c.body(STYLESHEET, 200, { "content-type": "text/css; charset=utf-8", "cache-control": "public, max-age=300" }));
publicPages.get("/assets/app.js", (c) => c.body(SCRIPT, 200, { "content-type": "text/javascript; charset=utf-8", "cache-control": "public, max-age=300" }));


/** Requires a signed-in account (session cookie) for a page; otherwise to the sign-in page. */
const signedIn = createMiddleware<AccountEnv>(async (c, next) => {
  const token = sessionCookie(c);
  if (!token || !(await authenticate(c, token))) return c.redirect("/login", 303);
  await next();
});

const viewerOf = (c: { var: AccountVariables }): Viewer => ({ email: c.var.account.email, orgName: c.var.membership?.orgName ?? null });
const canWrite = (c: { var: AccountVariables }) => !c.var.membership || c.var.membership.permission === "read-write";
const actorOf = (c: { var: AccountVariables }) => `account:${c.var.account.id}`;
const readOnlyPage = (c: { html: Ctx["html"] }) => c.html("<!doctype html><title>Read only</title><p>Your admin role has read permission only.</p>", 403);

publicPages.get("/", (c) => c.redirect(sessionCookie(c) ? "/dashboard" : "/login", 303));

publicPages.get("/login", (c) => c.html(<SignInPage csrf={csrfToken(c)} />));
publicPages.post("/login", async (c) => {
  const form = await fields(c);
  const result = await signIn(c.env, form.email ?? "", form.password ?? "", clientOf(c));
  if (!result.ok) {
    const error = result.status === 429 ? waitMessage(result.retryAfter) : "The e-mail or password is not correct.";
    if (result.status === 429) c.header("retry-after", String(result.retryAfter));
    return c.html(<SignInPage csrf={csrfToken(c)} error={error} email={form.email} />, result.status);
  }
  setSessionCookie(c, result.token);
  return c.redirect("/dashboard", 303);
});

publicPages.get("/signup", (c) => c.html(<SignUpPage csrf={csrfToken(c)} />));
publicPages.post("/signup", async (c) => {
  const form = await fields(c);
  const created = await signUp(c.env, form.email, form.password, form.name || undefined);
  if (!created.ok) {
    return c.html(<SignUpPage csrf={csrfToken(c)} error={created.message} email={form.email} name={form.name} />, created.status);
  }
  const session = await startSession(drizzle(c.env.DB), created.id, new Date(), clientOf(c).userAgent);
  setSessionCookie(c, session.token);
  // GoTo's flow: the new account is asked to verify its e-mail domain straight away.
  await claim(c.env, { id: created.id, email: created.email }, null, undefined);
  return c.redirect("/dashboard", 303);
});

const logoutPage = new Hono<AccountEnv>().use(signedIn).post("/", async (c) => {
  await endSession(drizzle(c.env.DB), c.var.account.id, c.var.sessionId);
  clearSessionCookie(c);
  return c.redirect("/login", 303);
});

async function dashboard(c: AccountCtx, error?: string, status: 200 | 400 | 403 | 404 | 409 = 200) {
  const email = c.var.account.email;
  return c.html(
    <DashboardPage
      viewer={viewerOf(c)}
      csrf={csrfToken(c)}
      domains={await listDomains(c.env, c.var.account, c.var.membership)}
      canWrite={canWrite(c)}
      emailDomain={email.slice(email.lastIndexOf("@") + 1)}
      invitations={(await invitationsFor(drizzle(c.env.DB), c.var.account.emailKey, new Date())).length}
      {...(error ? { error } : {})}
    />,
    status,
  );
}

/** Pages of the caller's organization: admins only; changes need read & write. */
const adminOnly = createMiddleware<AdminEnv>(async (c, next) => {
  const membership = c.var.membership;
  if (!membership) return c.redirect("/dashboard", 303);
  // Leaving is the one change a read-only admin may make.
  const leaving = new URL(c.req.url).pathname === `/organization/admins/${c.var.account.id}/remove`;
  if (c.req.method === "POST" && membership.permission !== "read-write" && !leaving) return readOnlyPage(c);
  c.set("admin", membership);
  await next();
});

const dashboardPages = new Hono<AccountEnv>().use(signedIn);
const accountPages = new Hono<AccountEnv>().use(signedIn);
const organizationPages = new Hono<AdminEnv>().use(signedIn, adminOnly);

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


async function organizationPage(c: AdminCtx, extra: { error?: string; notice?: string } = {}, status: 200 | 202 | 400 | 404 | 409 = 200) {
  const orgId = c.var.admin.orgId;
  const org = await organizationView(c.env.DB, orgId);
  if (!org) return c.redirect("/dashboard", 303);
  const invitations = await organizationInvitations(drizzle(c.env.DB), orgId, new Date());
  return c.html(
    <OrganizationPage viewer={viewerOf(c)} csrf={csrfToken(c)} org={org} accountId={c.var.account.id} invitations={invitations} canWrite={canWrite(c)} {...extra} />,
    status,
  );
}

organizationPages.get("/", (c) => organizationPage(c));
organizationPages.post("/", async (c) => {
  const form = await fields(c);
  const name = (form.name ?? "").trim();
  if (name === "" || name.length > 200) return organizationPage(c, { error: "The name must have 1 to 200 characters." }, 400);
  const orgId = c.var.admin.orgId;
  await orgWriter(c.env, orgId).updateOrganization(orgId, { name, settings: { requireVerifiedDomain: form.requireVerifiedDomain === "true" } }, actorOf(c));
  return c.redirect("/organization", 303);
});
organizationPages.post("/admins", async (c) => {
  const form = await fields(c);
  const permission = form.permission === "read" ? "read" : "read-write";
  const email = (form.email ?? "").trim();
  if (!isEmail(email)) return organizationPage(c, { error: "Enter a valid e-mail address." }, 400);
  const orgId = c.var.admin.orgId;
  const result = await orgWriter(c.env, orgId).inviteAdmin(orgId, email, permission, actorOf(c), Date.now());
  if (!result.ok) return organizationPage(c, { error: result.detail }, result.status);
  return organizationPage(c, { notice: `Invitation sent to ${email}: they become an admin once they accept it on their Account page.` }, 202);
});
organizationPages.post("/admins/:accountId/permission", async (c) => {
  const form = await fields(c);
  const orgId = c.var.admin.orgId;
  const result = await orgWriter(c.env, orgId).setAdminPermission(orgId, c.req.param("accountId"), form.permission === "read" ? "read" : "read-write", actorOf(c));
  return result.ok ? c.redirect("/organization", 303) : organizationPage(c, { error: result.detail }, result.status);
});
organizationPages.post("/admins/:accountId/remove", async (c) => {
  const orgId = c.var.admin.orgId;
  const result = await orgWriter(c.env, orgId).removeAdmin(orgId, c.req.param("accountId"), actorOf(c));
  if (!result.ok) return organizationPage(c, { error: result.detail }, result.status);
  return c.redirect(c.req.param("accountId") === c.var.account.id ? "/dashboard" : "/organization", 303);
});
organizationPages.post("/invitations/:id/revoke", async (c) => {
  const orgId = c.var.admin.orgId;
  await orgWriter(c.env, orgId).revokeInvitation(orgId, c.req.param("id"), actorOf(c), Date.now());
  return c.redirect("/organization", 303);
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

async function tokensPage(c: AdminCtx, extra: { created?: string; error?: string } = {}, status: 200 | 201 | 400 = 200) {
  const orgId = c.var.admin.orgId;
  return c.html(
    <TokensPage
      viewer={viewerOf(c)}
      csrf={csrfToken(c)}
      tokens={await listScimTokens(c.env.DB, orgId)}
      canWrite={canWrite(c)}
      scimUrl={`${new URL(c.req.url).origin}/scim/v2`}
      {...extra}
    />,
    status,
  );
}

organizationPages.get("/tokens", (c) => tokensPage(c));
organizationPages.post("/tokens", async (c) => {
  const form = await fields(c);
  const request = readTokenRequest({ description: form.description });
  if (!request.ok) return tokensPage(c, { error: request.message }, 400);
  const orgId = c.var.admin.orgId;
  const { token } = await orgWriter(c.env, orgId).createScimToken(orgId, { description: request.description, expiresAt: null }, actorOf(c));
  // Shown in this answer only; nothing keeps it, so no redirect.
  c.header("cache-control", "no-store");
  return tokensPage(c, { created: token }, 201);
});
organizationPages.post("/tokens/:id/revoke", async (c) => {
  const orgId = c.var.admin.orgId;
  await orgWriter(c.env, orgId).revokeScimToken(orgId, c.req.param("id"), actorOf(c));
  return c.redirect("/organization/tokens", 303);
});

organizationPages.get("/apps", async (c) =>
  c.html(<ConnectedAppsPage viewer={viewerOf(c)} csrf={csrfToken(c)} apps={await connectedApps(c.env.DB, c.var.admin.orgId)} canWrite={canWrite(c)} />),
);
organizationPages.post("/apps/:grantId/revoke", async (c) => {
  const orgId = c.var.admin.orgId;
  await orgWriter(c.env, orgId).revokeGrant(orgId, c.req.param("grantId"), actorOf(c));
  return c.redirect("/organization/apps", 303);
});

async function scimConnectionPage(c: AdminCtx, extra: { shown?: { clientId: string; clientSecret: string; expiresAt: string }; error?: string } = {}, status: 200 | 201 | 400 = 200) {
  const orgId = c.var.admin.orgId;
  if (extra.shown) c.header("cache-control", "no-store");
  return c.html(
    <ScimConnectionPage
      viewer={viewerOf(c)}
      csrf={csrfToken(c)}
      origin={new URL(c.req.url).origin}
      clients={await scimClients(c.env.DB, orgId)}
      canWrite={canWrite(c)}
      {...extra}
    />,
    status,
  );
}

organizationPages.get("/scim", (c) => scimConnectionPage(c));
organizationPages.post("/scim", async (c) => {
  const form = await fields(c);
  const name = (form.name ?? "").trim().slice(0, 200) || "Microsoft Entra ID";
  const orgId = c.var.admin.orgId;
  const created = await orgWriter(c.env, orgId).createOrgClient(orgId, name, actorOf(c));
  return scimConnectionPage(c, { shown: { clientId: created.clientId, clientSecret: created.clientSecret, expiresAt: created.secretExpiresAt } }, 201);
});
organizationPages.post("/scim/:clientId/secrets", async (c) => {
  const form = await fields(c);
  const days = readSecretDays(form.expiresInDays);
  if (days === undefined) return scimConnectionPage(c, { error: "Choose 1, 2 or 3 years." }, 400);
  const orgId = c.var.admin.orgId;
  const clientId = c.req.param("clientId");
  const added = await orgWriter(c.env, orgId).addClientSecret(orgId, clientId, days, actorOf(c));
  if (!added) return scimConnectionPage(c, { error: "No such client." }, 400);
  return scimConnectionPage(c, { shown: { clientId, clientSecret: added.clientSecret, expiresAt: added.secretExpiresAt } }, 201);
});
organizationPages.post("/scim/:clientId/secrets/:secretId/remove", async (c) => {
  const orgId = c.var.admin.orgId;
  await orgWriter(c.env, orgId).removeClientSecret(orgId, c.req.param("clientId"), c.req.param("secretId"), actorOf(c));
  return c.redirect("/organization/scim", 303);
});

organizationPages.get("/log", async (c) => {
  const query = readEventQuery({ ...c.req.query(), limit: "100" });
  const filter = query.ok ? query.filter : {};
  const { events, nextCursor } = await listEvents(c.env.DB, c.var.admin.orgId, filter, 100, query.ok ? query.cursor : undefined);
  return c.html(<LogPage viewer={viewerOf(c)} csrf={csrfToken(c)} filter={filter} events={events} nextCursor={nextCursor} />, query.ok ? 200 : 400);
});
organizationPages.get("/summary", async (c) =>
  c.html(<SummaryPage viewer={viewerOf(c)} csrf={csrfToken(c)} summary={await provisioningSummary(c.env.DB, c.var.admin.orgId, new Date())} />),
);
organizationPages.get("/users", async (c) => {
  const { q = "", active = "", after } = c.req.query();
  const page = await browseUsers(c.env.DB, c.var.admin.orgId, {
    q,
    ...(active === "true" || active === "false" ? { active: active === "true" } : {}),
    ...(after ? { after } : {}),
  });
  return c.html(<UsersPage viewer={viewerOf(c)} csrf={csrfToken(c)} q={q} active={active} page={page} />);
});
organizationPages.get("/groups", async (c) =>
  c.html(<GroupsPage viewer={viewerOf(c)} csrf={csrfToken(c)} page={await browseGroups(c.env.DB, c.var.admin.orgId, c.req.query("after"))} />),
);
organizationPages.get("/groups/:id", async (c) => {
  const page = await browseMembers(c.env.DB, c.var.admin.orgId, c.req.param("id"), c.req.query("after"));
  if (!page) return c.html(<GroupsPage viewer={viewerOf(c)} csrf={csrfToken(c)} page={await browseGroups(c.env.DB, c.var.admin.orgId)} />, 404);
  return c.html(<GroupPage viewer={viewerOf(c)} csrf={csrfToken(c)} page={page} />);
});

/** Every page: public ones, then the signed-in rooms under their prefixes (each behind its own guard). */
export const pages = new Hono<AppEnv>()
  .route("/", publicPages)
  .route("/logout", logoutPage)
  .route("/dashboard", dashboardPages)
  .route("/account", accountPages)
  .route("/organization", organizationPages);
