/** The organization's pages, for its admins; changes need read & write. */
import { scimBaseOf } from "../shared/scim-base";
import { drizzle } from "drizzle-orm/d1";
import { Hono, type Context } from "hono";
import type { AdminEnv } from "../account/middleware";
import { isEmail } from "../account/sign-in";
import { organizationInvitations } from "../org/invitations";
import { browseGroups, browseMembers, browseUsers } from "../monitor/directory";
import { listEvents, readEventQuery } from "../monitor/events";
import { credentialView, defaultAudience, listFederatedCredentials } from "../oauth/federated-credentials";
import { issuerUrlProblem } from "../oauth/issuer-keys";
import { listSignIns, readSignInQuery } from "../monitor/sign-ins";
import { provisioningSummary } from "../monitor/summary";
import { connectedApps, readSecretDays, scimClients } from "../org/oauth-views";
import { listScimTokens, readTokenRequest } from "../org/scim-tokens";
import { organizationView } from "../org/view";
import { readIdentityProvider } from "../sso/identity-provider";
import { loadMetadata, readMetadata } from "../sso/load-metadata";
import { refreshIdentityProvider } from "../sso/refresh";
import { serviceProviderFor } from "../sso/service-provider";
import { orgWriter } from "../writer/address";
import { csrfToken } from "./csrf";
import { formFields as fields } from "./forms";
import { GroupPage, GroupsPage, LogPage, SummaryPage, UsersPage } from "./monitor-pages";
import { ConnectedAppsPage, type CredentialDraft, ScimConnectionPage } from "./oauth-admin-pages";
import { OrganizationPage, TokensPage } from "./pages";
import { SignInsPage, SsoPage } from "./sso-pages";
import { actorOf, adminOnly, canWrite, signedIn, viewerOf } from "./page-guards";

type AdminCtx = Context<AdminEnv>;

export const organizationPages = new Hono<AdminEnv>().use(signedIn, adminOnly);

async function organizationPage(c: AdminCtx, extra: { error?: string; notice?: string } = {}, status: 200 | 202 | 400 | 404 | 409 = 200) {
  const orgId = c.var.admin.orgId;
  const org = await organizationView(c.env.DB, orgId);
  if (!org) return c.redirect("/dashboard", 303);
  const invitations = await organizationInvitations(drizzle(c.env.DB), orgId, new Date());
  return c.html(
    <OrganizationPage
      viewer={viewerOf(c)}
      csrf={csrfToken(c)}
      org={org}
      accountId={c.var.account.id}
      invitations={invitations}
      canWrite={canWrite(c)}
      {...extra}
    />,
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
  const result = await orgWriter(c.env, orgId).setAdminPermission(
    orgId,
    c.req.param("accountId"),
    form.permission === "read" ? "read" : "read-write",
    actorOf(c),
  );
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

async function tokensPage(c: AdminCtx, extra: { created?: string; error?: string } = {}, status: 200 | 201 | 400 = 200) {
  const orgId = c.var.admin.orgId;
  return c.html(
    <TokensPage
      viewer={viewerOf(c)}
      csrf={csrfToken(c)}
      tokens={await listScimTokens(c.env.DB, orgId)}
      canWrite={canWrite(c)}
      scimUrl={scimBaseOf(c.req.url)}
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

async function scimConnectionPage(
  c: AdminCtx,
  extra: { shown?: { clientId: string; clientSecret: string; expiresAt: string }; error?: string; draft?: CredentialDraft } = {},
  status: 200 | 201 | 400 | 404 | 409 = 200,
) {
  const orgId = c.var.admin.orgId;
  const { draft, ...rest } = extra;
  if (extra.shown) c.header("cache-control", "no-store");
  const credentials = (await listFederatedCredentials(drizzle(c.env.DB), orgId)).map(credentialView);
  return c.html(
    <ScimConnectionPage
      viewer={viewerOf(c)}
      csrf={csrfToken(c)}
      origin={new URL(c.req.url).origin}
      clients={await scimClients(c.env.DB, orgId)}
      federation={{ defaultAudience: defaultAudience(c.req.url, orgId), credentials, ...(draft ? { draft } : {}) }}
      canWrite={canWrite(c)}
      {...rest}
    />,
    status,
  );
}

/** Why a typed federated credential cannot be stored (the rules of POST /api/organization/federated-credentials), or null. */
function credentialProblem(d: CredentialDraft): string | null {
  if (d.name === "" || d.name.length > 200) return "The name must have 1 to 200 characters.";
  if (d.issuer === "" || d.issuer.length > 512) return "The issuer must have 1 to 512 characters.";
  const problem = issuerUrlProblem(d.issuer);
  if (problem) return `The issuer ${problem}.`;
  if (d.subject === "" || d.subject.length > 256) return "The subject must have 1 to 256 characters.";
  if (d.audience.length > 512) return "The audience is longer than 512 characters.";
  return null;
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
// Workload identity federation: the same checks and writer calls as /api/organization/federated-credentials.
organizationPages.post("/scim/federated-credentials", async (c) => {
  const form = await fields(c);
  const orgId = c.var.admin.orgId;
  const draft = {
    name: (form.name ?? "").trim(),
    issuer: (form.issuer ?? "").trim(),
    subject: (form.subject ?? "").trim(),
    audience: (form.audience ?? "").trim(),
  };
  const problem = credentialProblem(draft);
  if (problem) return scimConnectionPage(c, { error: problem, draft }, 400);
  const input = { ...draft, audience: draft.audience || defaultAudience(c.req.url, orgId) };
  const result = await orgWriter(c.env, orgId).createFederatedCredential(orgId, input, actorOf(c), Date.now());
  if (!result.ok) return scimConnectionPage(c, { error: result.detail, draft }, result.status);
  return c.redirect("/organization/scim#workload-identity-federation", 303);
});
organizationPages.post("/scim/federated-credentials/:id/remove", async (c) => {
  const orgId = c.var.admin.orgId;
  const removed = await orgWriter(c.env, orgId).removeFederatedCredential(orgId, c.req.param("id"), actorOf(c), Date.now());
  if (!removed) return scimConnectionPage(c, { error: "No such federated credential: it was removed already." }, 404);
  return c.redirect("/organization/scim#workload-identity-federation", 303);
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

const METADATA_URL_MAX = 2048;
const METADATA_XML_MAX = 256 * 1024;

async function ssoPage(c: AdminCtx, extra: { error?: string; notice?: string; metadataUrl?: string } = {}, status: 200 | 400 | 404 | 409 | 422 = 200) {
  const orgId = c.var.admin.orgId;
  return c.html(
    <SsoPage
      viewer={viewerOf(c)}
      csrf={csrfToken(c)}
      sp={serviceProviderFor(c.env, c.req.url, orgId)}
      idp={await readIdentityProvider(drizzle(c.env.DB), orgId)}
      canWrite={canWrite(c)}
      {...extra}
    />,
    status,
  );
}

organizationPages.get("/sso", (c) => ssoPage(c));
// The metadata URL (fetched now, then daily) or the pasted XML: the same as PUT /api/organization/identity-provider.
organizationPages.post("/sso", async (c) => {
  const form = await fields(c);
  const url = (form.metadataUrl ?? "").trim();
  const xml = (form.metadataXml ?? "").trim();
  if ((url === "") === (xml === "")) return ssoPage(c, { error: "Enter the App Federation Metadata Url, or paste the Federation Metadata XML." }, 400);
  if (url.length > METADATA_URL_MAX) return ssoPage(c, { error: `The metadata URL is longer than ${METADATA_URL_MAX} characters.` }, 400);
  if (xml.length > METADATA_XML_MAX) return ssoPage(c, { error: "The metadata XML is larger than 256 KB." }, 400);
  const loaded = url !== "" ? await loadMetadata(url, (...args) => fetch(...args)) : readMetadata(xml);
  if (!loaded.ok) return ssoPage(c, { error: `The identity provider could not be configured: ${loaded.reason}.`, metadataUrl: url }, 422);
  const orgId = c.var.admin.orgId;
  await orgWriter(c.env, orgId).configureIdentityProvider(orgId, { metadata: loaded.metadata, xml: loaded.xml, url: url || null }, actorOf(c), Date.now());
  return c.redirect("/organization/sso", 303);
});
organizationPages.post("/sso/settings", async (c) => {
  const form = await fields(c);
  // Every setting is a checkbox of the form: an unchecked one is absent, and off.
  const change = {
    enabled: form.enabled === "true",
    allowIdpInitiated: form.allowIdpInitiated === "true",
    jit: form.jit === "true",
    allowSha1: form.allowSha1 === "true",
  };
  const orgId = c.var.admin.orgId;
  const changed = await orgWriter(c.env, orgId).changeIdentityProviderSettings(orgId, change, actorOf(c), Date.now());
  return changed ? c.redirect("/organization/sso", 303) : ssoPage(c, { error: "No identity provider is connected." }, 404);
});
organizationPages.post("/sso/refresh", async (c) => {
  const orgId = c.var.admin.orgId;
  const idp = await readIdentityProvider(drizzle(c.env.DB), orgId);
  if (!idp) return ssoPage(c, { error: "No identity provider is connected." }, 404);
  if (!idp.metadataUrl) return ssoPage(c, { error: "The metadata was pasted as XML: there is no URL to fetch. Paste it again to change it." }, 409);
  const row = await refreshIdentityProvider(c.env, orgId, idp.metadataUrl, (...args) => fetch(...args), actorOf(c), new Date());
  if (!row) return ssoPage(c, { error: "The metadata URL changed while it was fetched; the new one is shown." }, 409);
  if (row.lastError) return ssoPage(c, { error: `The metadata could not be fetched: ${row.lastError}. The last good metadata stays in use.` });
  return ssoPage(c, { notice: "The metadata was fetched now." });
});
organizationPages.post("/sso/remove", async (c) => {
  const orgId = c.var.admin.orgId;
  await orgWriter(c.env, orgId).removeIdentityProvider(orgId, actorOf(c), Date.now());
  return c.redirect("/organization/sso", 303);
});

organizationPages.get("/sign-ins", async (c) => {
  const query = readSignInQuery({ ...c.req.query(), limit: "100" });
  const filter = query.ok ? query.filter : {};
  const page = await listSignIns(c.env.DB, c.var.admin.orgId, filter, 100, query.ok ? query.cursor : undefined);
  return c.html(
    <SignInsPage viewer={viewerOf(c)} csrf={csrfToken(c)} filter={filter} page={page} error={query.ok ? undefined : query.message} />,
    query.ok ? 200 : 400,
  );
});
