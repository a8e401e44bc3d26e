/** /oauth/token, /oauth/revoke and the metadata documents (RFC 6749, 7009, 8414). */
import { eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { Hono, type Context } from "hono";
import type { AppEnv } from "../shared/app-env";
import { configOf } from "../shared/config";
import { sha256Hex } from "../shared/secrets";
import { oauthCodes, oauthGrants, refreshTokens } from "../db/schema";
import { orgWriter } from "../writer/address";
import { issueAccessToken, issuerOf, looksLikeJwt, SCOPE, verifyAccessToken } from "./access-tokens";
import { checkClientAssertion, JWT_BEARER } from "./client-assertion";
import { authenticateClient } from "./clients";
import { publicKeys } from "./keys";

type Ctx = Context<AppEnv>;

const NO_STORE = { "cache-control": "no-store", pragma: "no-cache" };

/** An error answer of RFC 6749 section 5.2. */
function oauthError(error: string, description: string, status = 400, headers: Record<string, string> = {}) {
  return new Response(JSON.stringify({ error, error_description: description }), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", ...NO_STORE, ...headers },
  });
}

/** Reads a form-encoded body; anything else is invalid_request. */
async function readForm(c: Ctx): Promise<Record<string, string> | undefined> {
  if (!(c.req.header("content-type") ?? "").toLowerCase().startsWith("application/x-www-form-urlencoded")) return undefined;
  const params = new URLSearchParams(await c.req.text());
  const form: Record<string, string> = {};
  for (const [k, v] of params) {
    if (k in form) return undefined; // RFC 6749 section 3.2: parameters must not repeat
    form[k] = v;
  }
  return form;
}

async function tokenResponse(c: Ctx, subject: string, claims: Parameters<typeof issueAccessToken>[3], refreshToken?: string) {
  const { token, expiresIn } = await issueAccessToken(c.env, c.req.url, subject, claims);
  return c.json(
    { access_token: token, token_type: "Bearer", expires_in: expiresIn, ...(refreshToken ? { refresh_token: refreshToken } : {}), scope: SCOPE },
    200,
    NO_STORE,
  );
}

/** The organization a code or refresh token belongs to, found through its grant. */
async function orgOfGrantBy(env: Env, kind: "code" | "refresh", hash: string): Promise<string | undefined> {
  const db = drizzle(env.DB);
  const grantId =
    kind === "code"
      ? (await db.select({ id: oauthCodes.grantId }).from(oauthCodes).where(eq(oauthCodes.codeHash, hash)).get())?.id
      : (await db.select({ id: refreshTokens.grantId }).from(refreshTokens).where(eq(refreshTokens.tokenHash, hash)).get())?.id;
  if (!grantId) return undefined;
  return (await db.select({ orgId: oauthGrants.orgId }).from(oauthGrants).where(eq(oauthGrants.id, grantId)).get())?.orgId;
}

/**
 * Client credentials with a client assertion (RFC 7523): the access token of the federated credential
 * the assertion matches. Every refusal is invalid_client, and is logged for the organizations concerned.
 */
async function federatedToken(c: Ctx, form: Record<string, string>): Promise<Response> {
  const startedAt = Date.now();
  if (form.client_assertion_type !== JWT_BEARER) return oauthError("invalid_request", `client_assertion_type must be ${JWT_BEARER}.`);
  if (!form.client_assertion) return oauthError("invalid_request", "client_assertion is required.");
  if (c.req.header("authorization") !== undefined || form.client_secret !== undefined) {
    return oauthError("invalid_request", "Use one client authentication method, not two.");
  }
  if (form.grant_type !== "client_credentials")
    return oauthError("unsupported_grant_type", "A client assertion is accepted with grant_type=client_credentials.");
  if (form.scope !== undefined && form.scope !== SCOPE) return oauthError("invalid_scope", `The only scope is ${SCOPE}.`);
  const check = await checkClientAssertion(c.env, form.client_assertion, form.client_id, (...args) => fetch(...args), new Date());
  const refuse = async (reason: string, orgIds: string[], resourceId: string | null = null) => {
    const request = { method: "POST", path: "/oauth/token", startedAt };
    const failure = { operation: "authenticate", resourceType: null, resourceId, status: 401, detail: `Client assertion refused: ${reason}.` };
    await Promise.all(orgIds.map((orgId) => orgWriter(c.env, orgId).recordFailure(orgId, request, failure)));
    return oauthError("invalid_client", `The client assertion was refused: ${reason}.`, 401);
  };
  if (!check.ok) return refuse(check.reason, check.orgIds);
  const { credential } = check;
  const grant = await drizzle(c.env.DB).select().from(oauthGrants).where(eq(oauthGrants.id, credential.grantId)).get();
  if (!grant || grant.revokedAt) return refuse("the federated credential was removed", [credential.orgId], credential.id);
  await orgWriter(c.env, credential.orgId).touchGrant(grant.id);
  return tokenResponse(c, credential.id, { org: credential.orgId, client_id: credential.id, gid: grant.id, scope: SCOPE });
}

export const oauthTokenRoutes = new Hono<AppEnv>()
  .post("/oauth/token", async (c) => {
    const form = await readForm(c);
    if (!form) return oauthError("invalid_request", "Send the parameters form-encoded (application/x-www-form-urlencoded), each once.");
    if (form.client_assertion_type !== undefined || form.client_assertion !== undefined) return federatedToken(c, form);
    const auth = await authenticateClient(c.env, c.req.header("authorization"), form);
    if (!auth.ok) {
      return auth.error === "invalid_client"
        ? oauthError("invalid_client", auth.description, 401, auth.basic ? { "www-authenticate": 'Basic realm="edge-scim"' } : {})
        : oauthError(auth.error, auth.description);
    }
    const { client } = auth;
    const grantType = form.grant_type;
    if (grantType === "client_credentials") {
      if (client.kind !== "organization" || !client.orgId) return oauthError("unauthorized_client", "Only organization SCIM clients use client credentials.");
      const grant = await drizzle(c.env.DB).select().from(oauthGrants).where(eq(oauthGrants.clientId, client.id)).get();
      if (!grant || grant.revokedAt) return oauthError("invalid_grant", "This client's access was revoked.");
      await orgWriter(c.env, client.orgId).touchGrant(grant.id);
      return tokenResponse(c, client.id, { org: client.orgId, client_id: client.id, gid: grant.id, scope: SCOPE, sid: auth.secretId });
    }
    if (grantType !== "authorization_code" && grantType !== "refresh_token") {
      return oauthError("unsupported_grant_type", "grant_type must be authorization_code, refresh_token or client_credentials.");
    }
    if (client.kind !== "platform") return oauthError("unauthorized_client", "Organization SCIM clients use client credentials.");
    const presented = grantType === "authorization_code" ? form.code : form.refresh_token;
    if (!presented) return oauthError("invalid_request", grantType === "authorization_code" ? "code is required." : "refresh_token is required.");
    const hash = await sha256Hex(presented);
    const orgId = await orgOfGrantBy(c.env, grantType === "authorization_code" ? "code" : "refresh", hash);
    if (!orgId)
      return oauthError("invalid_grant", grantType === "authorization_code" ? "The authorization code is not valid." : "The refresh token is not valid.");
    const writer = orgWriter(c.env, orgId);
    const now = Date.now();
    const issued =
      grantType === "authorization_code"
        ? await writer.redeemCode(orgId, hash, { clientId: client.id, redirectUri: form.redirect_uri ?? null, verifier: form.code_verifier ?? null }, now)
        : await writer.rotateRefresh(orgId, hash, client.id, now, configOf(c.env).refreshGraceSeconds);
    if (!issued.ok) return oauthError(issued.error, issued.description);
    const { grant } = issued;
    return tokenResponse(c, grant.accountId ?? client.id, { org: grant.orgId, client_id: client.id, gid: grant.id, scope: SCOPE }, issued.refreshToken);
  })
  .post("/oauth/revoke", async (c) => {
    const form = await readForm(c);
    if (!form?.token) return oauthError("invalid_request", "token is required, form-encoded.");
    const auth = await authenticateClient(c.env, c.req.header("authorization"), form);
    if (!auth.ok) return oauthError("invalid_client", auth.description, 401, auth.basic ? { "www-authenticate": 'Basic realm="edge-scim"' } : {});
    // RFC 7009: revoking either token of a grant ends the grant; unknown tokens are not an error.
    let grantId: string | undefined;
    let orgId: string | undefined;
    if (looksLikeJwt(form.token)) {
      const verified = await verifyAccessToken(c.env, c.req.url, form.token);
      if (verified.ok && verified.claims.client_id === auth.client.id) ({ gid: grantId, org: orgId } = verified.claims);
    } else {
      const db = drizzle(c.env.DB);
      const token = await db
        .select()
        .from(refreshTokens)
        .where(eq(refreshTokens.tokenHash, await sha256Hex(form.token)))
        .get();
      const grant = token ? await db.select().from(oauthGrants).where(eq(oauthGrants.id, token.grantId)).get() : undefined;
      if (grant && grant.clientId === auth.client.id) ({ id: grantId, orgId } = grant);
    }
    if (grantId && orgId) await orgWriter(c.env, orgId).revokeGrant(orgId, grantId, `client:${auth.client.id}`);
    return c.body(null, 200, NO_STORE);
  })
  .get("/.well-known/oauth-authorization-server", (c) => {
    const issuer = issuerOf(c.req.url);
    return c.json({
      issuer,
      authorization_endpoint: `${issuer}/oauth/authorize`,
      token_endpoint: `${issuer}/oauth/token`,
      revocation_endpoint: `${issuer}/oauth/revoke`,
      jwks_uri: `${issuer}/.well-known/jwks.json`,
      response_types_supported: ["code"],
      grant_types_supported: ["authorization_code", "refresh_token", "client_credentials"],
      token_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post", "private_key_jwt"],
      revocation_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post"],
      code_challenge_methods_supported: ["S256"],
      scopes_supported: [SCOPE],
      authorization_response_iss_parameter_supported: true,
    });
  })
  .get("/.well-known/jwks.json", async (c) => c.json({ keys: await publicKeys(c.env.DB, new Date()) }, 200, { "cache-control": "public, max-age=300" }));
