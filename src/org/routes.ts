/** Organization Center API: domains and the caller's organization (contract section 2). */
import { Hono, type Context } from "hono";
import { requireAccount, requireAdmin, type AccountEnv, type AccountVariables, type AdminEnv } from "../account/middleware";
import type { Membership } from "../account/membership";
import type { AppEnv } from "../shared/app-env";
import { jsonError, readJsonObject } from "../shared/json-answers";
import { orgWriter } from "../writer/address";
import { domainView } from "./domain-view";
import { claim, findDomain, listDomains, verifyNow, withdraw, type DomainAction } from "./domains";
import { listScimTokens, readTokenRequest } from "./scim-tokens";
import { eventsCsv, listEvents, readEventQuery } from "../monitor/events";
import { provisioningSummary } from "../monitor/summary";
import { MAX_SECRET_DAYS } from "../oauth/grants";
import { connectedApps, readSecretDays, scimClients } from "./oauth-views";
import { readSettings } from "./settings";
import { organizationView } from "./view";
import { drizzle } from "drizzle-orm/d1";
import { isEmail } from "../account/sign-in";
import { invitationView, organizationInvitations } from "../org/invitations";
import type { Permission } from "../account/membership";

const isPermission = (value: unknown): value is Permission => value === "read" || value === "read-write";

type Ctx = Context<AccountEnv>;

const actorOf = (c: { var: AccountVariables }) => `account:${c.var.account.id}`;
const orgIdOf = (c: { var: { admin: Membership } }) => c.var.admin.orgId;

/** A domain answer admins poll: never cached. */
const domainJson = (c: Ctx, action: DomainAction<Parameters<typeof domainView>[0]>, status: 200 | 201 = 200) => {
  if (!action.ok) return jsonError(action.status, action.error, action.message);
  c.header("cache-control", "no-store");
  return c.json(domainView(action.value), status);
};

export const domainRoutes = new Hono<AccountEnv>()
  .use(requireAccount)
  .post("/", async (c) => {
    const read = await readJsonObject(c.req.raw, { allowEmpty: true });
    if (!read.ok) return read.response;
    const result = await claim(c.env, c.var.account, c.var.membership, read.body.domain);
    if (!result.ok) return jsonError(result.status, result.error, result.message);
    return domainJson(c, { ok: true, value: result.value.domain }, result.value.created ? 201 : 200);
  })
  .get("/", async (c) => {
    c.header("cache-control", "no-store");
    return c.json({ domains: (await listDomains(c.env, c.var.account, c.var.membership)).map(domainView) });
  })
  .get("/:domain", async (c) => {
    const row = await findDomain(c.env, c.var.account, c.var.membership, c.req.param("domain"));
    return row ? domainJson(c, { ok: true, value: row }) : jsonError(404, "not_found", `You have no claim for ${c.req.param("domain")}.`);
  })
  .post("/:domain/verify", async (c) => domainJson(c, await verifyNow(c.env, c.var.account, c.var.membership, c.req.param("domain"))))
  .delete("/:domain", async (c) => {
    const result = await withdraw(c.env, c.var.account, c.var.membership, c.req.param("domain"));
    return result.ok ? c.body(null, 204) : jsonError(result.status, result.error, result.message);
  });

export const organizationRoutes = new Hono<AdminEnv>()
  .use(requireAccount)
  .get("/", requireAdmin("read"), async (c) => c.json(await organizationView(c.env.DB, orgIdOf(c))))
  .patch("/", requireAdmin("read-write"), async (c) => {
    const read = await readJsonObject(c.req.raw);
    if (!read.ok) return read.response;
    const { name, settings: rawSettings } = read.body;
    if (name !== undefined && (typeof name !== "string" || name.trim() === "" || name.length > 200)) {
      return jsonError(400, "invalid_request", "name must be a non-empty string of at most 200 characters.");
    }
    const settings = readSettings(rawSettings);
    if (!settings.ok) return jsonError(400, "invalid_request", settings.message);
    await orgWriter(c.env, orgIdOf(c)).updateOrganization(
      orgIdOf(c),
      { ...(typeof name === "string" ? { name: name.trim() } : {}), ...(rawSettings !== undefined ? { settings: settings.settings } : {}) },
      actorOf(c),
    );
    return c.json(await organizationView(c.env.DB, orgIdOf(c)));
  })
  .post("/admins", requireAdmin("read-write"), async (c) => {
    const read = await readJsonObject(c.req.raw);
    if (!read.ok) return read.response;
    const { email, permission } = read.body;
    if (!isEmail(email) || !isPermission(permission)) {
      return jsonError(400, "invalid_request", 'A valid email and permission ("read" or "read-write") are required.');
    }
    const result = await orgWriter(c.env, orgIdOf(c)).inviteAdmin(orgIdOf(c), email, permission, actorOf(c), Date.now());
    if (!result.ok) return jsonError(result.status, "already_admin", result.detail);
    return c.json({ invitation: invitationView(result.invitation) }, 202);
  })
  .patch("/admins/:accountId", requireAdmin("read-write"), async (c) => {
    const read = await readJsonObject(c.req.raw);
    if (!read.ok) return read.response;
    if (!isPermission(read.body.permission)) return jsonError(400, "invalid_request", 'permission must be "read" or "read-write".');
    const result = await orgWriter(c.env, orgIdOf(c)).setAdminPermission(orgIdOf(c), c.req.param("accountId"), read.body.permission, actorOf(c));
    if (!result.ok) return jsonError(result.status, result.status === 404 ? "not_found" : "conflict", result.detail);
    return c.json(await organizationView(c.env.DB, orgIdOf(c)));
  })
  // Any admin may leave (remove itself); removing another admin needs read & write.
  .delete("/admins/:accountId", requireAdmin("read"), async (c) => {
    const accountId = c.req.param("accountId");
    if (accountId !== c.var.account.id && c.var.admin.permission !== "read-write") {
      return jsonError(403, "read_only", "Your admin role has read permission only; removing another admin needs read & write.");
    }
    const result = await orgWriter(c.env, orgIdOf(c)).removeAdmin(orgIdOf(c), accountId, actorOf(c));
    if (!result.ok) return jsonError(result.status, result.status === 404 ? "not_found" : "conflict", result.detail);
    return c.body(null, 204);
  })
  .get("/invitations", requireAdmin("read"), async (c) =>
    c.json({ invitations: (await organizationInvitations(drizzle(c.env.DB), orgIdOf(c), new Date())).map(invitationView) }),
  )
  .delete("/invitations/:id", requireAdmin("read-write"), async (c) => {
    const revoked = await orgWriter(c.env, orgIdOf(c)).revokeInvitation(orgIdOf(c), c.req.param("id"), actorOf(c), Date.now());
    return revoked ? c.body(null, 204) : jsonError(404, "not_found", `No open invitation ${c.req.param("id")}.`);
  })
  .post("/scim-tokens", requireAdmin("read-write"), async (c) => {
    const read = await readJsonObject(c.req.raw);
    if (!read.ok) return read.response;
    const request = readTokenRequest(read.body);
    if (!request.ok) return jsonError(400, "invalid_request", request.message);
    const token = await orgWriter(c.env, orgIdOf(c)).createScimToken(orgIdOf(c), { description: request.description, expiresAt: request.expiresAt }, actorOf(c));
    return c.json(token, 201);
  })
  .post("/scim-clients", requireAdmin("read-write"), async (c) => {
    const read = await readJsonObject(c.req.raw, { allowEmpty: true });
    if (!read.ok) return read.response;
    const { name } = read.body;
    if (name !== undefined && (typeof name !== "string" || name.length > 200)) return jsonError(400, "invalid_request", "name must be a string of at most 200 characters.");
    const created = await orgWriter(c.env, orgIdOf(c)).createOrgClient(orgIdOf(c), (name as string | undefined)?.trim() || "Microsoft Entra ID", actorOf(c));
    return c.json(created, 201);
  })
  .get("/scim-clients", requireAdmin("read"), async (c) => c.json({ clients: await scimClients(c.env.DB, orgIdOf(c)) }))
  .post("/scim-clients/:clientId/secrets", requireAdmin("read-write"), async (c) => {
    const read = await readJsonObject(c.req.raw, { allowEmpty: true });
    if (!read.ok) return read.response;
    const days = readSecretDays(read.body.expiresInDays);
    if (days === undefined) return jsonError(400, "invalid_request", `expiresInDays must be a whole number from 1 to ${MAX_SECRET_DAYS}.`);
    const added = await orgWriter(c.env, orgIdOf(c)).addClientSecret(orgIdOf(c), c.req.param("clientId"), days, actorOf(c));
    return added ? c.json(added, 201) : jsonError(404, "not_found", `No SCIM client ${c.req.param("clientId")}.`);
  })
  .delete("/scim-clients/:clientId/secrets/:secretId", requireAdmin("read-write"), async (c) => {
    const { clientId, secretId } = c.req.param();
    const removed = await orgWriter(c.env, orgIdOf(c)).removeClientSecret(orgIdOf(c), clientId, secretId, actorOf(c));
    return removed ? c.body(null, 204) : jsonError(404, "not_found", `No active secret ${secretId} of SCIM client ${clientId}.`);
  })
  .get("/connected-apps", requireAdmin("read"), async (c) => c.json({ apps: await connectedApps(c.env.DB, orgIdOf(c)) }))
  .delete("/connected-apps/:grantId", requireAdmin("read-write"), async (c) => {
    const revoked = await orgWriter(c.env, orgIdOf(c)).revokeGrant(orgIdOf(c), c.req.param("grantId"), actorOf(c));
    return revoked ? c.body(null, 204) : jsonError(404, "not_found", `No active grant ${c.req.param("grantId")}.`);
  })
  .get("/provisioning-events", requireAdmin("read"), async (c) => {
    const query = readEventQuery(c.req.query());
    if (!query.ok) return jsonError(400, "invalid_request", query.message);
    c.header("cache-control", "no-store");
    return c.json(await listEvents(c.env.DB, orgIdOf(c), query.filter, query.limit, query.cursor));
  })
  .get("/provisioning-events.csv", requireAdmin("read"), async (c) => {
    const query = readEventQuery({ ...c.req.query(), limit: undefined, cursor: undefined });
    if (!query.ok) return jsonError(400, "invalid_request", query.message);
    return c.body(await eventsCsv(c.env.DB, orgIdOf(c), query.filter), 200, {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": 'attachment; filename="provisioning-events.csv"',
      "cache-control": "no-store",
    });
  })
  .get("/provisioning-summary", requireAdmin("read"), async (c) => {
    c.header("cache-control", "no-store");
    return c.json(await provisioningSummary(c.env.DB, orgIdOf(c), new Date()));
  })
  .get("/scim-tokens", requireAdmin("read"), async (c) => c.json({ tokens: await listScimTokens(c.env.DB, orgIdOf(c)) }))
  .delete("/scim-tokens/:id", requireAdmin("read-write"), async (c) => {
    const revoked = await orgWriter(c.env, orgIdOf(c)).revokeScimToken(orgIdOf(c), c.req.param("id"), actorOf(c));
    return revoked ? c.body(null, 204) : jsonError(404, "not_found", `No active SCIM token ${c.req.param("id")}.`);
  });
