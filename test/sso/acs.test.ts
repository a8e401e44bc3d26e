// Single sign-on end to end through the Worker: identifier-first sign-in, the ACS, the session it opens,
// and every refusal a browser, another organization or a deprovisioned user can meet.
import { inflateRawSync } from "node:zlib";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createSigningIdentity } from "../../scripts/dev-idp/idp.mjs";
import { browser } from "../support/browser-session";
import { call, json, send } from "../support/client";
import { EMAIL_CLAIM, sessionOf, ssoOrganization, type SsoOrganization } from "../support/sso";

/** A browser that asked to sign in as `email` and was sent to the identity provider: the request ID it must answer. */
async function startAt(org: SsoOrganization, email: string, service?: string) {
  const b = browser();
  const page = await (await b.get(`/login${service ? `?service=${encodeURIComponent(service)}` : ""}`)).text();
  const sent = await b.post("/login/identify", { email, ...(service ? { service } : {}) }, b.csrfOf(page));
  expect(sent.status).toBe(302);
  const to = new URL(sent.headers.get("location")!);
  expect(to.origin + to.pathname).toBe(org.ssoUrl);
  const request = inflateRawSync(Buffer.from(to.searchParams.get("SAMLRequest")!, "base64")).toString("utf8");
  const requestId = request.match(/\sID="([^"]+)"/)![1]!;
  const cookie = [...b.jar].map(([k, v]) => `${k}=${v}`).join("; ");
  return { b, requestId, request, relayState: to.searchParams.get("RelayState"), cookie, setCookie: sent.headers.getSetCookie() };
}

const signInsOf = async (org: SsoOrganization) =>
  (await json(await send("GET", "/api/organization/sign-ins", org.admin.token))).signIns as Record<string, unknown>[];

describe("SP-initiated single sign-on", () => {
  it("sends a verified SSO domain's user to the identity provider with an AuthnRequest bound to this browser", async () => {
    const org = await ssoOrganization();
    const started = await startAt(org, `grace@${org.admin.domain}`, "/me");
    expect(started.request).toContain(`AssertionConsumerServiceURL="${org.sp.acsUrl}"`);
    expect(started.request).toContain(`>${org.sp.entityId}</saml:Issuer>`);
    expect(started.relayState).toBe("/me");
    const nonce = started.setCookie.find((c) => c.startsWith("__Host-edge_scim_saml="))!;
    expect(nonce).toMatch(/HttpOnly/i);
    expect(nonce).toMatch(/Secure/i);
    expect(nonce).toMatch(/SameSite=None/i);
    // Any other e-mail gets the password step; a RelayState naming another site is dropped.
    const b = browser();
    const other = await b.post(
      "/login/identify",
      { email: "someone@elsewhere.example", service: "//evil.example/x" },
      b.csrfOf(await (await b.get("/login")).text()),
    );
    expect(other.status).toBe(200);
    const html = await other.text();
    expect(html).toContain('name="password"');
    expect(html).not.toContain("evil.example");
  });

  it("signs the user in on the response to this browser's request, once, and lands on the service path", async () => {
    const org = await ssoOrganization();
    const grace = `grace@${org.admin.domain}`;
    const userId = await org.provision(grace);
    const started = await startAt(org, grace, "/me");
    const response = org.respond(grace, { inResponseTo: started.requestId });
    // The posted RelayState is ignored for SP-initiated sign-in: the stored one decides.
    const accepted = await org.post(response, { cookie: started.cookie, relayState: "/dashboard" });
    expect(accepted.status).toBe(303);
    expect(accepted.headers.get("location")).toBe("/me");
    const session = sessionOf(accepted)!;
    expect(accepted.headers.getSetCookie().find((c) => c.startsWith("__Host-edge_scim_session="))).toMatch(/SameSite=Lax/i);
    const me = await call("/api/me", { headers: { cookie: session } });
    expect(me.status).toBe(200);
    expect((await json(me)).user).toEqual({ id: userId, userName: grace, organization: { id: org.admin.orgId, name: expect.any(String) } });
    const page = await call("/me", { headers: { cookie: session }, redirect: "manual" });
    expect(await page.text()).toContain(grace);

    // The same response again, from the same browser: replayed.
    const replay = await org.post(response, { cookie: started.cookie });
    expect(replay.status).toBe(403);
    expect(sessionOf(replay)).toBeUndefined();
    // A fresh response to the spent request: the request was used.
    const again = await org.post(org.respond(grace, { inResponseTo: started.requestId }), { cookie: started.cookie });
    expect(again.status).toBe(403);
    expect((await signInsOf(org)).map((s) => [s.outcome, s.reason, s.method])).toEqual([
      ["refused", "unknown_request", "sp"],
      ["refused", "replayed", "sp"],
      ["accepted", null, "sp"],
    ]);
  });

  it("refuses a response to another browser's request (its cookie absent or different)", async () => {
    const org = await ssoOrganization();
    const grace = `grace@${org.admin.domain}`;
    await org.provision(grace);
    const victim = await startAt(org, grace);
    const attacker = await startAt(org, grace);
    // The victim's request answered for the attacker (each response a fresh assertion, so replay is not what stops it).
    const withoutCookie = await org.post(org.respond(grace, { inResponseTo: victim.requestId }));
    const withOtherCookie = await org.post(org.respond(grace, { inResponseTo: victim.requestId }), { cookie: attacker.cookie });
    for (const r of [withoutCookie, withOtherCookie]) {
      expect(r.status).toBe(403);
      expect(sessionOf(r)).toBeUndefined();
      expect(await r.text()).toContain("not started in this browser");
    }
    // The victim's own browser still completes its sign-in.
    expect((await org.post(org.respond(grace, { inResponseTo: victim.requestId }), { cookie: victim.cookie })).status).toBe(303);
  });
});

describe("IdP-initiated single sign-on", () => {
  it("accepts a response from Entra's My Apps when allowed, landing on a path of this service only", async () => {
    const org = await ssoOrganization();
    const grace = `grace@${org.admin.domain}`;
    await org.provision(grace);
    const home = await org.post(org.respond(grace));
    expect(home.status).toBe(303);
    expect(home.headers.get("location")).toBe("/me");
    const elsewhere = await org.post(org.respond(grace), { relayState: "https://evil.example/" });
    expect(elsewhere.headers.get("location")).toBe("/me");
    const deep = await org.post(org.respond(grace), { relayState: "/me?tab=groups" });
    expect(deep.headers.get("location")).toBe("/me?tab=groups");

    expect((await send("PATCH", "/api/organization/identity-provider", org.admin.token, { allowIdpInitiated: false })).status).toBe(200);
    const off = await org.post(org.respond(grace));
    expect(off.status).toBe(403);
    expect((await signInsOf(org))[0]).toMatchObject({ outcome: "refused", reason: "idp_initiated_off", method: "idp" });
  });
});

describe("who may sign in", () => {
  it("refuses a user deactivated or deleted by provisioning, and ends a live session at once", async () => {
    const org = await ssoOrganization();
    const grace = `grace@${org.admin.domain}`;
    const id = await org.provision(grace);
    const session = sessionOf(await org.post(org.respond(grace)))!;
    expect((await call("/api/me", { headers: { cookie: session } })).status).toBe(200);

    const deactivate = { schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], Operations: [{ op: "replace", path: "active", value: false }] };
    expect((await send("PATCH", `/scim/v2/Users/${id}`, org.scimToken, deactivate)).status).toBeLessThan(300);
    expect((await call("/api/me", { headers: { cookie: session } })).status).toBe(401);
    const refused = await org.post(org.respond(grace));
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain("administrator turned off your access");

    expect((await send("DELETE", `/scim/v2/Users/${id}`, org.scimToken)).status).toBe(204);
    const deleted = await org.post(org.respond(grace));
    expect(deleted.status).toBe(403);
    expect(await deleted.text()).toContain("administrator turned off your access");
    expect((await signInsOf(org)).slice(0, 2).map((s) => s.reason)).toEqual(["not_provisioned", "deactivated"]);
  });

  it("matches the NameID to the userName or the work e-mail, letter case ignored", async () => {
    const org = await ssoOrganization();
    await org.provision(`Ada.Lovelace@${org.admin.domain}`, { emails: [{ value: `ada@${org.admin.domain}`, type: "work", primary: true }] });
    expect((await org.post(org.respond(`ada.lovelace@${org.admin.domain.toUpperCase()}`))).status).toBe(303);
    expect((await org.post(org.respond(`ADA@${org.admin.domain}`))).status).toBe(303);
  });

  it("never signs in another organization's user, whichever ACS the response is posted to", async () => {
    const a = await ssoOrganization();
    const b = await ssoOrganization();
    const bob = `bob@${b.admin.domain}`;
    await b.provision(bob);
    // A's identity provider names B's user, posted to A's ACS: not provisioned in A.
    const atA = await a.post(a.respond(bob));
    expect(atA.status).toBe(403);
    expect((await signInsOf(a))[0]).toMatchObject({ reason: "not_provisioned" });
    // The same response posted to B's ACS: meant for A (Audience), and B trusts another tenant.
    const atB = await b.post(a.respond(bob));
    expect(atB.status).toBe(403);
    expect(["wrong_audience", "wrong_destination", "wrong_issuer", "bad_signature"]).toContain((await signInsOf(b))[0]!.reason);
    // B's issuer and audience, but signed by A's key (the shared test key is B's too, so sign with a stranger's).
    const stranger = await createSigningIdentity();
    expect((await b.post(b.respond(bob, {}, stranger))).status).toBe(403);
    expect((await signInsOf(b))[0]).toMatchObject({ reason: "bad_signature" });
  });

  it("creates an unknown user just in time only when the organization turned it on, and logs the create", async () => {
    const org = await ssoOrganization();
    const newcomer = `newcomer@${org.admin.domain}`;
    const givenName = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname";
    const off = await org.post(org.respond(newcomer));
    expect(off.status).toBe(403);
    expect((await signInsOf(org))[0]).toMatchObject({ reason: "not_provisioned" });

    await send("PATCH", "/api/organization/identity-provider", org.admin.token, { jit: true });
    const on = await org.post(org.respond(newcomer, { attributes: { [EMAIL_CLAIM]: newcomer, [givenName]: "New" } }));
    expect(on.status).toBe(303);
    const users = await json(await send("GET", `/scim/v2/Users?filter=${encodeURIComponent(`userName eq "${newcomer}"`)}`, org.scimToken));
    expect(users.totalResults).toBe(1);
    expect(users.Resources[0]).toMatchObject({ active: true, name: { givenName: "New" } });
    const log = await json(await send("GET", "/api/organization/provisioning-events?resourceType=User", org.admin.token));
    expect(log.events[0]).toMatchObject({ method: "POST", path: `/saml/${org.admin.orgId}/acs`, operation: "create", status: 201 });

    // A name outside the organization's verified domains is refused by the same rules as SCIM.
    const outsider = await org.post(org.respond("mallory@elsewhere.example"));
    expect(outsider.status).toBe(403);
    expect((await signInsOf(org))[0]).toMatchObject({ reason: "jit_refused" });
  });

  it("refuses everything while single sign-on is off, and answers 404 where it is not set up", async () => {
    const org = await ssoOrganization();
    const grace = `grace@${org.admin.domain}`;
    await org.provision(grace);
    await send("PATCH", "/api/organization/identity-provider", org.admin.token, { enabled: false });
    expect((await org.post(org.respond(grace))).status).toBe(403);
    expect((await signInsOf(org))[0]).toMatchObject({ reason: "sso_disabled" });
    // Identifier-first no longer sends the domain to the identity provider.
    const b = browser();
    expect((await b.post("/login/identify", { email: grace }, b.csrfOf(await (await b.get("/login")).text()))).status).toBe(200);
    const nowhere = await call(`/saml/${crypto.randomUUID()}/acs`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "SAMLResponse=eA==",
    });
    expect(nowhere.status).toBe(404);
  });

  it("answers a readable 403 page, never a session or a 500, for a forged or garbled response", async () => {
    const org = await ssoOrganization();
    const grace = `grace@${org.admin.domain}`;
    await org.provision(grace);
    for (const body of ["not base64 at all %%%", btoa("<not-saml/>"), org.respond(grace).replace(/.{8}$/, "AAAAAAA=")]) {
      const r = await org.post(body);
      expect(r.status).toBe(403);
      expect(r.headers.get("content-type")).toMatch(/text\/html/);
      expect(sessionOf(r)).toBeUndefined();
    }
    const empty = await call(new URL(org.sp.acsUrl).pathname, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "" });
    expect(empty.status).toBe(400);
  });
});

describe("admins signing in by single sign-on", () => {
  it("opens the Organization Center for an admin of that organization, and signs out", async () => {
    const org = await ssoOrganization();
    await org.provision(org.admin.email);
    const accepted = await org.post(org.respond(org.admin.email));
    expect(accepted.headers.get("location")).toBe("/dashboard");
    const session = sessionOf(accepted)!;
    const me = await json(await call("/api/me", { headers: { cookie: session } }));
    expect(me).toMatchObject({ email: org.admin.email, organization: { id: org.admin.orgId }, user: { userName: org.admin.email } });
    expect((await call("/organization", { headers: { cookie: session }, redirect: "manual" })).status).toBe(200);
    // Signing out ends the single sign-on session.
    const b = browser();
    b.jar.set("__Host-edge_scim_session", session.split("=")[1]!);
    const out = await b.post("/logout", {}, b.csrfOf(await (await b.get("/me")).text()));
    expect(out.status).toBe(303);
    expect((await call("/api/me", { headers: { cookie: session } })).status).toBe(401);
  });

  it("keeps a plain user out of the Organization Center", async () => {
    const org = await ssoOrganization();
    const grace = `grace@${org.admin.domain}`;
    await org.provision(grace);
    const session = sessionOf(await org.post(org.respond(grace)))!;
    const center = await call("/organization", { headers: { cookie: session }, redirect: "manual" });
    expect(center.status).toBe(303);
    expect(center.headers.get("location")).toBe("/me");
    expect((await send("GET", "/api/organization", session.split("=")[1]!)).status).toBe(401);
  });
});

describe("the sign-in state", () => {
  it("keeps assertion IDs until they expire and pending requests for 15 minutes, then the cron prunes them", async () => {
    const org = await ssoOrganization();
    const grace = `grace@${org.admin.domain}`;
    await org.provision(grace);
    await startAt(org, grace);
    await org.post(org.respond(grace));
    const count = async (table: string) =>
      (await env.DB.prepare(`SELECT count(*) AS n FROM ${table} WHERE org_id = ?1`).bind(org.admin.orgId).first<{ n: number }>())!.n;
    expect(await count("saml_requests")).toBe(1);
    expect(await count("saml_assertions")).toBe(1);
    const { pruneCredentials } = await import("../../src/db/prune");
    await pruneCredentials(env, new Date(Date.now() + 2 * 86_400_000));
    expect(await count("saml_requests")).toBe(0);
    expect(await count("saml_assertions")).toBe(0);
    expect(await count("user_sessions")).toBe(0);
  });
});

describe("Entra's Authorize button through single sign-on", () => {
  it("sends an admin of an SSO domain to the identity provider and back to consent; a plain user is told an admin role is needed", async () => {
    const { registerClient, authorizeQuery, requestField } = await import("../support/oauth");
    const org = await ssoOrganization();
    const client = await registerClient();
    const query = authorizeQuery(client.clientId);
    const identify = async (who: string) => {
      const b = browser();
      const start = await (await b.get(`/oauth/authorize?${query}`)).text();
      const sent = await b.post("/oauth/authorize/identify", { request: requestField(start), username: who }, b.csrfOf(start));
      expect(sent.status).toBe(302);
      const to = new URL(sent.headers.get("location")!);
      const requestId = inflateRawSync(Buffer.from(to.searchParams.get("SAMLRequest")!, "base64"))
        .toString("utf8")
        .match(/\sID="([^"]+)"/)![1]!;
      const cookie = [...b.jar].map(([k, v]) => `${k}=${v}`).join("; ");
      const back = await org.post(org.respond(who, { inResponseTo: requestId }), { cookie });
      expect(back.headers.get("location")).toBe(`/oauth/authorize?${query}`);
      b.jar.set("__Host-edge_scim_session", sessionOf(back)!.split("=")[1]!);
      return b.get(back.headers.get("location")!);
    };
    await org.provision(org.admin.email);
    const consent = await identify(org.admin.email);
    expect(consent.status).toBe(200);
    expect(await consent.text()).toContain('name="decision"');

    const grace = `grace@${org.admin.domain}`;
    await org.provision(grace);
    const stop = await identify(grace);
    expect(stop.status).toBe(403);
    expect(await stop.text()).toContain("admin role");
  });
});

describe("the password step stays reachable", () => {
  it("lets an admin of an SSO domain sign in with a password when the identity provider is out of reach", async () => {
    const org = await ssoOrganization();
    const b = browser();
    const page = await (await b.get("/login?step=password")).text();
    expect(page).toContain('name="password"');
    const signedIn = await b.post("/login", { email: org.admin.email, password: org.admin.password }, b.csrfOf(page));
    expect(signedIn.status).toBe(303);
    expect(signedIn.headers.get("location")).toBe("/dashboard");
  });
});
