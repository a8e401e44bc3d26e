/** This service as a SAML service provider: its metadata, the ACS Entra posts to, and a provisioned user's page. */
import { drizzle } from "drizzle-orm/d1";
import { eq } from "drizzle-orm";
import { Hono } from "hono";
import { authenticate, type AccountEnv } from "../account/middleware";
import { sessionCookie, setSessionCookie } from "../account/sessions";
import { USER_SESSION_SECONDS } from "../account/user-sessions";
import { organizations } from "../db/schema";
import { findUser, groupsOfUsers } from "../scim/users/read";
import { trustedIdentityProvider } from "../sso/identity-provider";
import { validateResponse } from "../sso/response";
import { browserHashOf } from "../sso/requests";
import { serviceProviderFor, spMetadataXml } from "../sso/service-provider";
import { orgWriter } from "../writer/address";
import { csrfToken } from "./csrf";
import { formFields } from "./forms";
import { MyAccountPage, RefusedSignInPage, refusalText } from "./sign-in-pages";

export const samlRoutes = new Hono<AccountEnv>()
  .get("/saml/:orgId/metadata", async (c) => {
    const orgId = c.req.param("orgId");
    const org = await drizzle(c.env.DB).select({ id: organizations.id }).from(organizations).where(eq(organizations.id, orgId)).get();
    if (!org) return c.html(<RefusedSignInPage message="No organization has this address." />, 404);
    return c.body(spMetadataXml(serviceProviderFor(c.env, c.req.url, orgId)), 200, { "content-type": "application/samlmetadata+xml; charset=utf-8" });
  })
  // Entra's HTTP-POST binding: a cross-site form post by design, protected by the signature, the request binding and the replay cache.
  .post("/saml/:orgId/acs", async (c) => {
    const startedAt = Date.now();
    const orgId = c.req.param("orgId");
    const idp = await trustedIdentityProvider(c.env, orgId);
    // Nothing is logged for an organization without single sign-on: random addresses cannot fill a log.
    if (!idp) return c.html(<RefusedSignInPage message="Single sign-on is not set up for this organization." />, 404);
    const form = await formFields(c);
    if (!form.SAMLResponse) return c.html(<RefusedSignInPage message="The request carries no SAMLResponse." />, 400);
    const writer = orgWriter(c.env, orgId);
    if (!idp.enabled) {
      await writer.recordRefusedSignIn(
        orgId,
        { userName: null, reason: "sso_disabled", detail: "single sign-on is turned off for this organization", method: "idp" },
        Date.now(),
      );
      return c.html(<RefusedSignInPage message={refusalText("sso_disabled")} />, 403);
    }
    const sp = serviceProviderFor(c.env, c.req.url, orgId);
    const verdict = await validateResponse(form.SAMLResponse, sp, {
      entityId: idp.entityId,
      certificates: idp.certificates.map((x) => x.pem),
      allowSha1: idp.allowSha1,
    });
    if (!verdict.ok) {
      const method = verdict.claimed?.inResponseTo ? "sp" : "idp";
      await writer.recordRefusedSignIn(
        orgId,
        { userName: verdict.claimed?.nameId ?? null, reason: verdict.reason, detail: verdict.detail, method },
        Date.now(),
      );
      return c.html(<RefusedSignInPage message={refusalText(verdict.reason)} />, 403);
    }
    const { ok: _, ...accepted } = verdict;
    const outcome = await writer.completeSignIn(
      orgId,
      { allowIdpInitiated: idp.allowIdpInitiated, jit: idp.jit },
      { ...accepted, browserHash: await browserHashOf(c), postedRelayState: form.RelayState, userAgent: c.req.header("user-agent"), startedAt },
      Date.now(),
    );
    if (!outcome.ok) return c.html(<RefusedSignInPage message={refusalText(outcome.reason)} />, 403);
    setSessionCookie(c, outcome.token, USER_SESSION_SECONDS);
    return c.redirect(outcome.relayPath, 303);
  })
  .get("/me", async (c) => {
    const token = sessionCookie(c);
    const isAdmin = token ? await authenticate(c, token) : false;
    const user = c.var.user;
    if (!user) return c.redirect(isAdmin ? "/dashboard" : "/login?service=%2Fme", 303);
    const db = drizzle(c.env.DB);
    const row = await findUser(db, user.orgId, user.id);
    if (!row) return c.redirect("/login", 303);
    const groups = (await groupsOfUsers(db, [row.id])).get(row.id) ?? [];
    return c.html(<MyAccountPage user={row} orgName={user.orgName} groups={groups} csrf={csrfToken(c)} admin={isAdmin} />);
  });
