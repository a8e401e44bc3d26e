/** Organization Center API: domains and the caller's organization (contract section 2); routes declared in ./domain-api and ./organization-api. */
import { drizzle } from "drizzle-orm/d1";
import type { Context } from "hono";
import type { AccountEnv, AccountVariables, AdminEnv } from "../account/middleware";
import type { Membership } from "../account/membership";
import { answerRefusal, apiRouter, fail } from "../shared/openapi";
import { orgWriter } from "../writer/address";
import { domainView } from "./domain-view";
import { claim, findDomain, listDomains, verifyNow, withdraw, type DomainAction } from "./domains";
import { issueScimToken, listScimTokens } from "./scim-tokens";
import { eventsCsv, listEvents, readEventQuery } from "../monitor/events";
import { provisioningSummary } from "../monitor/summary";
import { DEFAULT_SECRET_DAYS } from "../oauth/grants";
import { connectedApps, readSecretDays, scimClients } from "./oauth-views";
import { organizationView } from "./view";
import { invitationView, organizationInvitations } from "./invitations";
import { listSignIns, readSignInQuery } from "../monitor/sign-ins";
import { identityProviderView, readIdentityProvider } from "../sso/identity-provider";
import { loadMetadata, readMetadata } from "../sso/load-metadata";
import { refreshIdentityProvider } from "../sso/refresh";
import { serviceProviderFor } from "../sso/service-provider";
import type { IdentityProviderRow } from "../db/schema";
import { credentialView, defaultAudience, listFederatedCredentials } from "../oauth/federated-credentials";
import { issuerUrlProblem } from "../oauth/issuer-keys";
import * as domain from "./domain-api";
import * as federation from "./federation-api";
import * as sso from "./identity-provider-api";
import * as org from "./organization-api";

const actorOf = (c: { var: AccountVariables }) => `account:${c.var.account.id}`;
const orgIdOf = (c: { var: { admin: Membership } }) => c.var.admin.orgId;

/** A domain answer admins poll: never cached. */
const domainJson = <S extends 200 | 201>(c: Context, action: DomainAction<Parameters<typeof domainView>[0]>, status: S) => {
  if (!action.ok) return fail(c, action.status, action.error, action.message);
  c.header("cache-control", "no-store");
  return c.json(domainView(action.value), status);
};

export const domainRoutes = apiRouter<AccountEnv>()
  .openapi(
    domain.claimDomainRoute,
    async (c) => {
      const result = await claim(c.env, c.var.account, c.var.membership, c.req.valid("json").domain);
      if (!result.ok) return fail(c, result.status, result.error, result.message);
      return domainJson(c, { ok: true, value: result.value.domain }, result.value.created ? 201 : 200);
    },
    answerRefusal({ domain: "invalid_domain" }),
  )
  .openapi(domain.listDomainsRoute, async (c) => {
    c.header("cache-control", "no-store");
    return c.json({ domains: (await listDomains(c.env, c.var.account, c.var.membership)).map(domainView) }, 200);
  })
  .openapi(domain.getDomainRoute, async (c) => {
    const name = c.req.valid("param").domain;
    const row = await findDomain(c.env, c.var.account, c.var.membership, name);
    return row ? domainJson(c, { ok: true, value: row }, 200) : fail(c, 404, "not_found", `You have no claim for ${name}.`);
  })
  .openapi(domain.verifyDomainRoute, async (c) => domainJson(c, await verifyNow(c.env, c.var.account, c.var.membership, c.req.valid("param").domain), 200))
  .openapi(domain.withdrawDomainRoute, async (c) => {
    const result = await withdraw(c.env, c.var.account, c.var.membership, c.req.valid("param").domain);
    return result.ok ? c.body(null, 204) : fail(c, result.status, result.error, result.message);
  });

/** The organization's view; it exists while its admin is signed in, so a miss is a race with its removal. */
const organizationJson = async (c: Context<AdminEnv>) => {
  const view = await organizationView(c.env.DB, orgIdOf(c));
  return view ? c.json(view, 200) : fail(c, 404, "no_organization", "Your account does not administer an organization.");
};

const noIdentityProvider = (c: Context) => fail(c, 404, "not_found", "No identity provider is configured; PUT its metadata URL first.");

/** The identity provider as admins see it, with this service's side as seen from the request's origin. */
const identityProviderJson = (c: Context<AdminEnv>, row: IdentityProviderRow | undefined) =>
  row ? c.json(identityProviderView(row, serviceProviderFor(c.env, c.req.url, orgIdOf(c))), 200) : noIdentityProvider(c);

export const organizationRoutes = apiRouter<AdminEnv>()
  .openapi(org.getOrganizationRoute, (c) => organizationJson(c))
  .openapi(org.changeOrganizationRoute, async (c) => {
    const { name, settings } = c.req.valid("json");
    const change = { ...(name !== undefined ? { name } : {}), ...(settings !== undefined ? { settings: settings ?? {} } : {}) };
    await orgWriter(c.env, orgIdOf(c)).updateOrganization(orgIdOf(c), change, actorOf(c));
    return organizationJson(c);
  })
  .openapi(org.inviteAdminRoute, async (c) => {
    const { email, permission } = c.req.valid("json");
    const result = await orgWriter(c.env, orgIdOf(c)).inviteAdmin(orgIdOf(c), email, permission, actorOf(c), Date.now());
    if (!result.ok) return fail(c, result.status, "already_admin", result.detail);
    return c.json({ invitation: invitationView(result.invitation) }, 202);
  })
  .openapi(org.changeAdminRoute, async (c) => {
    const result = await orgWriter(c.env, orgIdOf(c)).setAdminPermission(
      orgIdOf(c),
      c.req.valid("param").accountId,
      c.req.valid("json").permission,
      actorOf(c),
    );
    if (!result.ok) return fail(c, result.status, result.status === 404 ? "not_found" : "conflict", result.detail);
    return organizationJson(c);
  })
  // Any admin may leave (remove itself); removing another admin needs read & write.
  .openapi(org.removeAdminRoute, async (c) => {
    const { accountId } = c.req.valid("param");
    if (accountId !== c.var.account.id && c.var.admin.permission !== "read-write") {
      return fail(c, 403, "read_only", "Your admin role has read permission only; removing another admin needs read & write.");
    }
    const result = await orgWriter(c.env, orgIdOf(c)).removeAdmin(orgIdOf(c), accountId, actorOf(c));
    if (!result.ok) return fail(c, result.status, result.status === 404 ? "not_found" : "conflict", result.detail);
    return c.body(null, 204);
  })
  .openapi(org.listInvitationsRoute, async (c) =>
    c.json({ invitations: (await organizationInvitations(drizzle(c.env.DB), orgIdOf(c), new Date())).map(invitationView) }, 200),
  )
  .openapi(org.revokeInvitationRoute, async (c) => {
    const { id } = c.req.valid("param");
    const revoked = await orgWriter(c.env, orgIdOf(c)).revokeInvitation(orgIdOf(c), id, actorOf(c), Date.now());
    return revoked ? c.body(null, 204) : fail(c, 404, "not_found", `No open invitation ${id}.`);
  })
  .openapi(org.issueScimTokenRoute, async (c) => {
    const issued = await issueScimToken(c.env, orgIdOf(c), c.req.valid("json"), actorOf(c));
    return issued ? c.json(issued, 201) : fail(c, 404, "no_organization", "Your account does not administer an organization.");
  })
  .openapi(org.listScimTokensRoute, async (c) => c.json({ tokens: await listScimTokens(c.env.DB, orgIdOf(c)) }, 200))
  .openapi(org.revokeScimTokenRoute, async (c) => {
    const { id } = c.req.valid("param");
    const revoked = await orgWriter(c.env, orgIdOf(c)).revokeScimToken(orgIdOf(c), id, actorOf(c));
    return revoked ? c.body(null, 204) : fail(c, 404, "not_found", `No active SCIM token ${id}.`);
  })
  .openapi(org.createScimClientRoute, async (c) => {
    const name = c.req.valid("json").name?.trim() || "Microsoft Entra ID";
    return c.json(await orgWriter(c.env, orgIdOf(c)).createOrgClient(orgIdOf(c), name, actorOf(c)), 201);
  })
  .openapi(org.listScimClientsRoute, async (c) => c.json({ clients: await scimClients(c.env.DB, orgIdOf(c)) }, 200))
  .openapi(org.addClientSecretRoute, async (c) => {
    const { clientId } = c.req.valid("param");
    // The schema refused any other value; an absent one is the default lifetime.
    const days = readSecretDays(c.req.valid("json").expiresInDays) ?? DEFAULT_SECRET_DAYS;
    const added = await orgWriter(c.env, orgIdOf(c)).addClientSecret(orgIdOf(c), clientId, days, actorOf(c));
    return added ? c.json(added, 201) : fail(c, 404, "not_found", `No SCIM client ${clientId}.`);
  })
  .openapi(org.removeClientSecretRoute, async (c) => {
    const { clientId, secretId } = c.req.valid("param");
    const removed = await orgWriter(c.env, orgIdOf(c)).removeClientSecret(orgIdOf(c), clientId, secretId, actorOf(c));
    return removed ? c.body(null, 204) : fail(c, 404, "not_found", `No active secret ${secretId} of SCIM client ${clientId}.`);
  })
  .openapi(org.listConnectedAppsRoute, async (c) => c.json({ apps: await connectedApps(c.env.DB, orgIdOf(c)) }, 200))
  .openapi(org.revokeConnectedAppRoute, async (c) => {
    const { grantId } = c.req.valid("param");
    const revoked = await orgWriter(c.env, orgIdOf(c)).revokeGrant(orgIdOf(c), grantId, actorOf(c));
    return revoked ? c.body(null, 204) : fail(c, 404, "not_found", `No active grant ${grantId}.`);
  })
  .openapi(org.listEventsRoute, async (c) => {
    const query = readEventQuery(c.req.valid("query"));
    if (!query.ok) return fail(c, 400, "invalid_request", query.message);
    c.header("cache-control", "no-store");
    return c.json(await listEvents(c.env.DB, orgIdOf(c), query.filter, query.limit, query.cursor), 200);
  })
  .openapi(org.exportEventsRoute, async (c) => {
    const query = readEventQuery(c.req.valid("query"));
    if (!query.ok) return fail(c, 400, "invalid_request", query.message);
    return c.body(await eventsCsv(c.env.DB, orgIdOf(c), query.filter), 200, {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": 'attachment; filename="provisioning-events.csv"',
      "cache-control": "no-store",
    });
  })
  .openapi(org.summaryRoute, async (c) => {
    c.header("cache-control", "no-store");
    return c.json(await provisioningSummary(c.env.DB, orgIdOf(c), new Date()), 200);
  })
  .openapi(sso.putIdentityProviderRoute, async (c) => {
    const { metadataUrl, metadataXml } = c.req.valid("json");
    const loaded = metadataUrl !== undefined ? await loadMetadata(metadataUrl, (...args) => fetch(...args)) : readMetadata(metadataXml ?? "");
    if (!loaded.ok) return fail(c, 422, "invalid_metadata", `The identity provider could not be configured: ${loaded.reason}.`);
    const source = { metadata: loaded.metadata, xml: loaded.xml, url: metadataUrl ?? null };
    return identityProviderJson(c, await orgWriter(c.env, orgIdOf(c)).configureIdentityProvider(orgIdOf(c), source, actorOf(c), Date.now()));
  })
  .openapi(sso.getIdentityProviderRoute, async (c) => identityProviderJson(c, await readIdentityProvider(drizzle(c.env.DB), orgIdOf(c))))
  .openapi(sso.patchIdentityProviderRoute, async (c) =>
    identityProviderJson(c, await orgWriter(c.env, orgIdOf(c)).changeIdentityProviderSettings(orgIdOf(c), c.req.valid("json"), actorOf(c), Date.now())),
  )
  .openapi(sso.deleteIdentityProviderRoute, async (c) => {
    const removed = await orgWriter(c.env, orgIdOf(c)).removeIdentityProvider(orgIdOf(c), actorOf(c), Date.now());
    return removed ? c.body(null, 204) : noIdentityProvider(c);
  })
  .openapi(sso.refreshIdentityProviderRoute, async (c) => {
    const row = await readIdentityProvider(drizzle(c.env.DB), orgIdOf(c));
    if (!row) return noIdentityProvider(c);
    if (!row.metadataUrl) return fail(c, 409, "no_metadata_url", "The metadata was pasted as XML; there is no URL to fetch. PUT it again to change it.");
    return identityProviderJson(c, await refreshIdentityProvider(c.env, orgIdOf(c), row.metadataUrl, (...args) => fetch(...args), actorOf(c), new Date()));
  })
  .openapi(sso.listSignInsRoute, async (c) => {
    const query = readSignInQuery(c.req.valid("query"));
    if (!query.ok) return fail(c, 400, "invalid_request", query.message);
    c.header("cache-control", "no-store");
    return c.json(await listSignIns(c.env.DB, orgIdOf(c), query.filter, query.limit, query.cursor), 200);
  })
  .openapi(
    federation.createCredentialRoute,
    async (c) => {
      const { name, issuer, subject, audience } = c.req.valid("json");
      const problem = issuerUrlProblem(issuer);
      if (problem) return fail(c, 400, "invalid_issuer", `The issuer ${problem}.`);
      const input = { name, issuer, subject, audience: audience ?? defaultAudience(c.req.url, orgIdOf(c)) };
      const result = await orgWriter(c.env, orgIdOf(c)).createFederatedCredential(orgIdOf(c), input, actorOf(c), Date.now());
      if (!result.ok) return result.status === 400 ? fail(c, 400, "invalid_audience", result.detail) : fail(c, 409, "conflict", result.detail);
      return c.json(credentialView(result.credential), 201);
    },
    answerRefusal({ name: "invalid_name", issuer: "invalid_issuer", subject: "invalid_subject", audience: "invalid_audience" }),
  )
  .openapi(federation.listCredentialsRoute, async (c) => {
    const rows = await listFederatedCredentials(drizzle(c.env.DB), orgIdOf(c));
    return c.json({ credentials: rows.map(credentialView), defaultAudience: defaultAudience(c.req.url, orgIdOf(c)) }, 200);
  })
  .openapi(federation.deleteCredentialRoute, async (c) => {
    const { id } = c.req.valid("param");
    const removed = await orgWriter(c.env, orgIdOf(c)).removeFederatedCredential(orgIdOf(c), id, actorOf(c), Date.now());
    return removed ? c.body(null, 204) : fail(c, 404, "not_found", `No federated credential ${id}.`);
  });
