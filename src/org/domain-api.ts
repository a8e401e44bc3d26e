/** The domain routes, declared: path, who may call, body and answers (contract section 2, Domains). */
import { createRoute } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import { requireAccount } from "../account/middleware";
import { z } from "../shared/api-schemas";
import { blankBodyIsEmptyObject, BODY_REFUSALS, errorAnswers, jsonAnswer, noContent, optionalJsonBody, SESSION_AUTH } from "../shared/openapi";
import { Domain, DomainClaim, DomainList } from "./schemas";

const tags = ["Domains"];
// The router is typed with the account variables; this middleware is what sets them.
const signedIn = (...then: MiddlewareHandler[]) => ({ security: SESSION_AUTH, middleware: [requireAccount, ...then] });
const SIGNED_OUT = { 401: "No live session: sign in first." };
const domainParam = z.object({ domain: z.string().openapi({ example: "contoso.com" }) });

export const claimDomainRoute = createRoute({
  method: "post",
  path: "/",
  tags,
  summary: "Claim a domain",
  description: "Without an organization an account may claim only its own e-mail domain; a read & write admin may add any domain or subdomain.",
  ...signedIn(blankBodyIsEmptyObject),
  request: { body: optionalJsonBody(DomainClaim) },
  responses: {
    201: jsonAnswer("The new claim.", Domain),
    200: jsonAnswer("The claim already existed.", Domain),
    ...errorAnswers({
      ...BODY_REFUSALS,
      ...SIGNED_OUT,
      400: "`invalid_domain`: a malformed name, an IP address, a special-use name or a public suffix.",
      403: "`not_your_domain` (no organization yet) or `read_only`.",
      409: "`domain_taken`: verified by another organization.",
    }),
  },
});

export const listDomainsRoute = createRoute({
  method: "get",
  path: "/",
  tags,
  summary: "The domains of the account's organization (or its own claims)",
  ...signedIn(),
  responses: { 200: jsonAnswer("Domains by name.", DomainList), ...errorAnswers(SIGNED_OUT) },
});

export const getDomainRoute = createRoute({
  method: "get",
  path: "/{domain}",
  tags,
  summary: "One domain (admins poll this)",
  ...signedIn(),
  request: { params: domainParam },
  responses: { 200: jsonAnswer("The domain.", Domain), ...errorAnswers({ ...SIGNED_OUT, 404: "No claim for this domain." }) },
});

export const verifyDomainRoute = createRoute({
  method: "post",
  path: "/{domain}/verify",
  tags,
  summary: "Check a pending domain now",
  ...signedIn(),
  request: { params: domainParam },
  responses: {
    200: jsonAnswer("The domain after the check.", Domain),
    ...errorAnswers({ ...SIGNED_OUT, 403: "`read_only`.", 404: "No claim for this domain." }),
  },
});

export const withdrawDomainRoute = createRoute({
  method: "delete",
  path: "/{domain}",
  tags,
  summary: "Withdraw a pending or expired claim",
  ...signedIn(),
  request: { params: domainParam },
  responses: {
    ...noContent("Withdrawn."),
    ...errorAnswers({ ...SIGNED_OUT, 403: "`read_only`.", 404: "No claim for this domain.", 409: "`verified`: a verified domain is not withdrawn this way." }),
  },
});
