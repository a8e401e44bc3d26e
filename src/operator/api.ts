/** The operator API's routes, declared: path, body and answers (contract section 1). */
import { createRoute } from "@hono/zod-openapi";
import { IssuedScimToken, ScimTokenList, ScimTokenRequest } from "../org/scim-tokens";
import { Organization } from "../org/schemas";
import { z } from "../shared/api-schemas";
import { BODY_REFUSALS, errorAnswers, jsonAnswer, jsonBody, noContent, OPERATOR_AUTH } from "../shared/openapi";
import { operatorAuth } from "./auth";
import { CreatedOrganization, NewOAuthClient, NewOrganizationRequest, OAuthClientRequest } from "./schemas";

const tags = ["Operator"];
const operatorOnly = { security: OPERATOR_AUTH, middleware: [operatorAuth] };
const REFUSED = { 401: "A missing or wrong operator token." };
const orgParam = z.object({ orgId: z.string() });

export const createOrganizationRoute = createRoute({
  method: "post",
  path: "/organizations",
  tags,
  summary: "Create an organization with attested domains",
  ...operatorOnly,
  request: { body: jsonBody(NewOrganizationRequest) },
  responses: {
    201: jsonAnswer("The organization; its domains are verified by the operator.", CreatedOrganization),
    ...errorAnswers({
      ...BODY_REFUSALS,
      ...REFUSED,
      400: "`invalid_domain`, or `invalid_request` for another field.",
      409: "`domain_taken`: verified by another organization.",
    }),
  },
});

export const registerOAuthClientRoute = createRoute({
  method: "post",
  path: "/oauth-clients",
  tags,
  summary: "Register a platform OAuth client (authorization-code grant)",
  ...operatorOnly,
  request: { body: jsonBody(OAuthClientRequest) },
  responses: {
    201: jsonAnswer("The client; its secret is shown this once.", NewOAuthClient),
    ...errorAnswers({ ...BODY_REFUSALS, ...REFUSED, 400: "`invalid_redirect_uri`, or `invalid_request` for the name." }),
  },
});

export const getOrganizationRoute = createRoute({
  method: "get",
  path: "/organizations/{orgId}",
  tags,
  summary: "An organization with its domains, admins and settings",
  ...operatorOnly,
  request: { params: orgParam },
  responses: { 200: jsonAnswer("The organization.", Organization), ...errorAnswers({ ...REFUSED, 404: "No such organization." }) },
});

export const issueScimTokenRoute = createRoute({
  method: "post",
  path: "/organizations/{orgId}/scim-tokens",
  tags,
  summary: "Issue a SCIM token",
  ...operatorOnly,
  request: { params: orgParam, body: jsonBody(ScimTokenRequest) },
  responses: {
    201: jsonAnswer("A long-lived SCIM bearer token, shown this once.", IssuedScimToken),
    ...errorAnswers({ ...BODY_REFUSALS, ...REFUSED, 404: "No such organization." }),
  },
});

export const listScimTokensRoute = createRoute({
  method: "get",
  path: "/organizations/{orgId}/scim-tokens",
  tags,
  summary: "An organization's SCIM tokens (never the token itself)",
  ...operatorOnly,
  request: { params: orgParam },
  responses: { 200: jsonAnswer("Tokens, newest first.", ScimTokenList), ...errorAnswers(REFUSED) },
});

export const revokeScimTokenRoute = createRoute({
  method: "delete",
  path: "/organizations/{orgId}/scim-tokens/{tokenId}",
  tags,
  summary: "Revoke a SCIM token",
  ...operatorOnly,
  request: { params: z.object({ orgId: z.string(), tokenId: z.string() }) },
  responses: { ...noContent("Revoked: it stops working at once."), ...errorAnswers({ ...REFUSED, 404: "No active token with this id in the organization." }) },
});
