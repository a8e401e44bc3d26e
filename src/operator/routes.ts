/** Operator API (contract section 1): platform staff create organizations and SCIM tokens. */
import { eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { Hono, type Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../shared/app-env";
import { orgWriter } from "../writer/address";
import { secretsEqual } from "../shared/secrets";
import { organizations } from "../db/schema";
import { jsonError, readJsonObject } from "../shared/json-answers";
import { readSettings } from "../org/settings";
import { listScimTokens, readTokenRequest } from "../org/scim-tokens";
import { organizationView } from "../org/view";
import { isRegistrableRedirect, registerPlatformClient } from "../oauth/clients";
import { bearerToken } from "../shared/bearer-token";
import { normalizeDomain } from "../verify/domain-name";

const ACTOR = "operator";
const MAX_DOMAINS = 50;

const operatorAuth = createMiddleware<AppEnv>(async (c, next) => {
  const expected = c.env.OPERATOR_TOKEN;
  const given = bearerToken(c.req.header("authorization"));
  if (!expected || !given || !(await secretsEqual(given, expected))) {
    return jsonError(401, "unauthorized", "A valid operator token is required.", { "www-authenticate": "Bearer" });
  }
  await next();
});

const writerOf = (c: Context<AppEnv>, orgId: string) => orgWriter(c.env, orgId);

const notFound = (orgId: string) => jsonError(404, "not_found", `No organization ${orgId}.`);

export const operator = new Hono<AppEnv>()
  .use(operatorAuth)
  .post("/organizations", async (c) => {
    const read = await readJsonObject(c.req.raw);
    if (!read.ok) return read.response;
    const { name, domains: rawDomains, settings: rawSettings } = read.body;
    if (typeof name !== "string" || name.trim() === "" || name.length > 200) {
      return jsonError(400, "invalid_request", "name must be a non-empty string of at most 200 characters.");
    }
    if (rawDomains !== undefined && (!Array.isArray(rawDomains) || rawDomains.length > MAX_DOMAINS)) {
      return jsonError(400, "invalid_request", `domains must be an array of at most ${MAX_DOMAINS} domain names.`);
    }
    const names = new Set<string>();
    for (const raw of rawDomains ?? []) {
      const normalized = normalizeDomain(raw);
      if (!normalized.ok) return jsonError(400, "invalid_domain", normalized.reason);
      names.add(normalized.domain);
    }
    const settings = readSettings(rawSettings);
    if (!settings.ok) return jsonError(400, "invalid_request", settings.message);
    const orgId = crypto.randomUUID();
    const created = await writerOf(c, orgId).createOrganization(orgId, { name: name.trim(), domains: [...names], settings: settings.settings }, ACTOR);
    if (!created.ok) return jsonError(409, "domain_taken", created.detail);
    const view = await organizationView(c.env.DB, orgId);
    return c.json({ id: orgId, name: view!.name, domains: view!.domains, settings: view!.settings }, 201);
  })
  .post("/oauth-clients", async (c) => {
    const read = await readJsonObject(c.req.raw);
    if (!read.ok) return read.response;
    const { name, redirectUris } = read.body;
    if (typeof name !== "string" || name.trim() === "" || name.length > 200) {
      return jsonError(400, "invalid_request", "name must be a non-empty string of at most 200 characters.");
    }
    if (!Array.isArray(redirectUris) || redirectUris.length === 0 || redirectUris.length > 10 || !redirectUris.every(isRegistrableRedirect)) {
      return jsonError(400, "invalid_redirect_uri", "redirectUris must list 1 to 10 absolute https URIs (http only on localhost), without fragments.");
    }
    return c.json(await registerPlatformClient(c.env, name.trim(), [...new Set(redirectUris)], ACTOR), 201);
  })
  .get("/organizations/:orgId", async (c) => {
    const view = await organizationView(c.env.DB, c.req.param("orgId"));
    return view ? c.json(view) : notFound(c.req.param("orgId"));
  })
  .post("/organizations/:orgId/scim-tokens", async (c) => {
    const orgId = c.req.param("orgId");
    const read = await readJsonObject(c.req.raw);
    if (!read.ok) return read.response;
    const request = readTokenRequest(read.body);
    if (!request.ok) return jsonError(400, "invalid_request", request.message);
    const exists = await drizzle(c.env.DB).select({ id: organizations.id }).from(organizations).where(eq(organizations.id, orgId)).get();
    if (!exists) return notFound(orgId);
    const token = await writerOf(c, orgId).createScimToken(orgId, { description: request.description, expiresAt: request.expiresAt }, ACTOR);
    return c.json(token, 201);
  })
  .get("/organizations/:orgId/scim-tokens", async (c) => {
    const orgId = c.req.param("orgId");
    const rows = await listScimTokens(c.env.DB, orgId);
    return c.json({ tokens: rows });
  })
  .delete("/organizations/:orgId/scim-tokens/:tokenId", async (c) => {
    const { orgId, tokenId } = c.req.param();
    const revoked = await writerOf(c, orgId).revokeScimToken(orgId, tokenId, ACTOR);
    return revoked ? c.body(null, 204) : jsonError(404, "not_found", `No active SCIM token ${tokenId} in organization ${orgId}.`);
  });

