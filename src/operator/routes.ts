/** Operator API (contract section 1): platform staff create organizations and SCIM tokens; routes declared in ./api. */
import type { Context } from "hono";
import type { AppEnv } from "../shared/app-env";
import { apiRouter, answerRefusal, fail } from "../shared/openapi";
import { orgWriter } from "../writer/address";
import { issueScimToken, listScimTokens } from "../org/scim-tokens";
import { organizationView } from "../org/view";
import { registerPlatformClient } from "../oauth/clients";
import * as route from "./api";

const ACTOR = "operator";

const notFound = (c: Context, orgId: string) => fail(c, 404, "not_found", `No organization ${orgId}.`);

export const operator = apiRouter<AppEnv>()
  .openapi(
    route.createOrganizationRoute,
    async (c) => {
      const { name, domains = [], settings } = c.req.valid("json");
      const orgId = crypto.randomUUID();
      const created = await orgWriter(c.env, orgId).createOrganization(orgId, { name, domains: [...new Set(domains)], settings: settings ?? {} }, ACTOR);
      if (!created.ok) return fail(c, 409, "domain_taken", created.detail);
      const view = (await organizationView(c.env.DB, orgId))!;
      return c.json({ id: orgId, name: view.name, domains: view.domains, settings: view.settings }, 201);
    },
    answerRefusal({ "domains.*": "invalid_domain" }),
  )
  .openapi(
    route.registerOAuthClientRoute,
    async (c) => {
      const { name, redirectUris } = c.req.valid("json");
      return c.json(await registerPlatformClient(c.env, name, [...new Set(redirectUris)], ACTOR), 201);
    },
    answerRefusal({ redirectUris: "invalid_redirect_uri", "redirectUris.*": "invalid_redirect_uri" }),
  )
  .openapi(route.getOrganizationRoute, async (c) => {
    const { orgId } = c.req.valid("param");
    const view = await organizationView(c.env.DB, orgId);
    return view ? c.json(view, 200) : notFound(c, orgId);
  })
  .openapi(route.issueScimTokenRoute, async (c) => {
    const { orgId } = c.req.valid("param");
    const issued = await issueScimToken(c.env, orgId, c.req.valid("json"), ACTOR);
    return issued ? c.json(issued, 201) : notFound(c, orgId);
  })
  .openapi(route.listScimTokensRoute, async (c) => c.json({ tokens: await listScimTokens(c.env.DB, c.req.valid("param").orgId) }, 200))
  .openapi(route.revokeScimTokenRoute, async (c) => {
    const { orgId, tokenId } = c.req.valid("param");
    const revoked = await orgWriter(c.env, orgId).revokeScimToken(orgId, tokenId, ACTOR);
    return revoked ? c.body(null, 204) : fail(c, 404, "not_found", `No active SCIM token ${tokenId} in organization ${orgId}.`);
  });
