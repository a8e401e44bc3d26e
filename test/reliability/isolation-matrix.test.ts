import { describe, expect, it } from "vitest";
import { call, entraUser, json, send } from "../support/client";
import { browser } from "../support/browser-session";
import { authorize, authorizeQuery, codeOf, ENTRA_REDIRECT, registerClient, token } from "../support/oauth";
import { verifiedAdmin } from "../support/world";

/** An organization with every kind of credential and resource. */
async function fullOrganization() {
  const admin = await verifiedAdmin();
  const scim = await json(await send("POST", "/api/organization/scim-tokens", admin.token, { description: "scim" }));
  const ccClient = await json(await send("POST", "/api/organization/scim-clients", admin.token, {}));
  const cc = (await token({ clientId: ccClient.clientId, clientSecret: ccClient.clientSecret }, { grant_type: "client_credentials" })).body
    .access_token as string;
  const platform = await registerClient();
  const code = codeOf((await authorize(admin, authorizeQuery(platform.clientId))).answer);
  const granted = (await token(platform, { grant_type: "authorization_code", code, redirect_uri: ENTRA_REDIRECT })).body;
  const user = await json(await send("POST", "/scim/v2/Users", scim.token, entraUser(`victim@${admin.domain}`)));
  const group = await json(await send("POST", "/scim/v2/Groups", scim.token, { displayName: "Victims", members: [{ value: user.id }] }));
  const apps = await json(await send("GET", "/api/organization/connected-apps", admin.token));
  const codeGrant = apps.apps.find((a: { clientId: string }) => a.clientId === platform.clientId).grantId as string;
  const b = browser();
  const csrf = b.csrfOf(await (await b.get("/login")).text());
  await b.post("/login", { email: admin.email, password: admin.password }, csrf);
  return { admin, scim, ccClient, cc, platform, granted, user, group, codeGrant, b, csrf };
}

describe("isolation matrix", () => {
  it("no credential of organization B reads or changes anything of organization A", async () => {
    const a = await fullOrganization();
    const b = await fullOrganization();
    const bScimCredentials = { "SCIM token": b.scim.token, "code-grant token": b.granted.access_token, "client-credentials token": b.cc };

    for (const [kind, credential] of Object.entries(bScimCredentials)) {
      for (const [resource, id] of [
        ["Users", a.user.id],
        ["Groups", a.group.id],
      ]) {
        const label = `${kind} ${resource}`;
        expect((await send("GET", `/scim/v2/${resource}/${id}`, credential)).status, label).toBe(404);
        expect((await send("PUT", `/scim/v2/${resource}/${id}`, credential, { userName: `x@${b.admin.domain}`, displayName: "x" })).status, label).toBe(404);
        expect(
          (await send("PATCH", `/scim/v2/${resource}/${id}`, credential, { Operations: [{ op: "replace", path: "displayName", value: "pwned" }] })).status,
          label,
        ).toBe(404);
        expect((await send("DELETE", `/scim/v2/${resource}/${id}`, credential)).status, label).toBe(404);
        expect((await json(await send("GET", `/scim/v2/${resource}?filter=id eq "${id}"`, credential))).totalResults, label).toBe(0);
      }
      const steal = await send("PATCH", `/scim/v2/Groups/${b.group.id}`, credential, {
        Operations: [{ op: "add", path: "members", value: [{ value: a.user.id }] }],
      });
      expect(steal.status, kind).toBe(400);
    }

    // Organization Center API with B's session, as a Bearer token and as a cookie.
    const cookie = [...b.b.jar].map(([k, v]) => `${k}=${v}`).join("; ");
    const apiAs = {
      bearer: (method: string, path: string, body?: unknown) => send(method, path, b.admin.token, body),
      cookie: (method: string, path: string, body?: unknown) =>
        call(path, {
          method,
          headers: { cookie, origin: "https://scim.test", "content-type": "application/json" },
          ...(body ? { body: JSON.stringify(body) } : {}),
        }),
    };
    for (const [kind, api] of Object.entries(apiAs)) {
      expect((await api("GET", `/api/domains/${a.admin.domain}`)).status, kind).toBe(404);
      expect((await api("POST", `/api/domains/${a.admin.domain}/verify`)).status, kind).toBe(404);
      expect((await api("DELETE", `/api/organization/admins/${a.admin.id}`)).status, kind).toBe(404);
      expect((await api("DELETE", `/api/organization/scim-tokens/${a.scim.id}`)).status, kind).toBe(404);
      expect((await api("POST", `/api/organization/scim-clients/${a.ccClient.clientId}/secrets`, {})).status, kind).toBe(404);
      expect((await api("DELETE", `/api/organization/scim-clients/${a.ccClient.clientId}/secrets/${a.ccClient.secretId}`)).status, kind).toBe(404);
      expect((await api("DELETE", `/api/organization/connected-apps/${a.codeGrant}`)).status, kind).toBe(404);
      // B's log holds B's own refused attempts, never A's events.
      const log = await json(await api("GET", "/api/organization/provisioning-events?limit=200"));
      const aEvents = log.events.filter((e: { resourceId: string; status: number }) => [a.user.id, a.group.id].includes(e.resourceId) && e.status < 400);
      expect(aEvents, kind).toEqual([]);
    }

    // Pages with B's cookie.
    expect((await b.b.get(`/organization/groups/${a.group.id}`)).status).toBe(404);
    await b.b.post(`/organization/tokens/${a.scim.id}/revoke`, {}, b.csrf);
    await b.b.post(`/organization/apps/${a.codeGrant}/revoke`, {}, b.csrf);
    await b.b.post(`/organization/admins/${a.admin.id}/remove`, {}, b.csrf);
    await b.b.post(`/organization/scim/${a.ccClient.clientId}/secrets/${a.ccClient.secretId}/remove`, {}, b.csrf);
    expect((await b.b.post(`/organization/scim/${a.ccClient.clientId}/secrets`, { expiresInDays: "365" }, b.csrf)).status).toBe(400);

    // OAuth with B's client against A's tokens.
    expect((await token(b.platform, { grant_type: "refresh_token", refresh_token: a.granted.refresh_token })).body.error).toBe("invalid_grant");
    const revoke = new URLSearchParams({ token: a.granted.refresh_token, client_id: b.platform.clientId, client_secret: b.platform.clientSecret });
    await call("/oauth/revoke", { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: revoke.toString() });

    // Organization A is untouched and every one of its credentials still works.
    for (const credential of [a.scim.token, a.granted.access_token, a.cc]) {
      const group = await json(await send("GET", `/scim/v2/Groups/${a.group.id}`, credential));
      expect(group).toMatchObject({ displayName: "Victims", members: [expect.objectContaining({ value: a.user.id })], meta: { version: 'W/"1"' } });
    }
    expect((await token(a.platform, { grant_type: "refresh_token", refresh_token: a.granted.refresh_token })).status).toBe(200);
    expect((await token({ clientId: a.ccClient.clientId, clientSecret: a.ccClient.clientSecret }, { grant_type: "client_credentials" })).status).toBe(200);
    expect((await json(await send("GET", "/api/me", a.admin.token))).organization.permission).toBe("read-write");
    expect((await json(await send("GET", `/api/domains/${a.admin.domain}`, a.admin.token))).status).toBe("verified");
  });
});
