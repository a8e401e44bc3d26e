import { describe, expect, it } from "vitest";
import { send } from "../support/client";
import { signedInAs } from "../support/browser-session";
import { authorize, authorizeQuery, codeOf, ENTRA_REDIRECT, registerClient, token } from "../support/oauth";
import { verifiedAdmin } from "../support/world";

describe("SCIM connection page", () => {
  it("shows the Tenant URL and token endpoint, creates a client and rotates its secret, each shown once", async () => {
    const admin = await verifiedAdmin();
    const { b, csrf } = await signedInAs(admin);
    const page = await (await b.get("/organization/scim")).text();
    expect(page).toContain("https://scim.test/scim/v2");
    expect(page).toContain("https://scim.test/oauth/token");

    const created = await b.post("/organization/scim", { name: "Entra" }, csrf);
    expect(created.status).toBe(201);
    expect(created.headers.get("cache-control")).toBe("no-store");
    const html = await created.text();
    const clientId = html.match(/data-copy="(scim-client-[^"]+)"/)![1]!;
    const secret = html.match(/data-copy="(cs_[^"]+)"/)![1]!;
    expect((await token({ clientId, clientSecret: secret }, { grant_type: "client_credentials" })).status).toBe(200);
    expect(await (await b.get("/organization/scim")).text()).not.toContain(secret);

    const rotated = await (await b.post(`/organization/scim/${clientId}/secrets`, { expiresInDays: "730" }, csrf)).text();
    const secret2 = rotated.match(/data-copy="(cs_[^"]+)"/)![1]!;
    expect(secret2).not.toBe(secret);
    expect((await token({ clientId, clientSecret: secret2 }, { grant_type: "client_credentials" })).status).toBe(200);
    const list = await (await b.get("/organization/scim")).text();
    const secretIds = [...list.matchAll(/\/secrets\/([0-9a-f-]{36})\/remove/g)].map((m) => m[1]!);
    expect(secretIds).toHaveLength(2);
    expect((await b.post(`/organization/scim/${clientId}/secrets/${secretIds[0]}/remove`, {}, csrf)).status).toBe(303);
    expect([...(await (await b.get("/organization/scim")).text()).matchAll(/\/remove"/g)]).toHaveLength(1);
  });
});

describe("connected apps page", () => {
  it("lists grants with who authorized them and revokes one", async () => {
    const admin = await verifiedAdmin();
    const client = await registerClient();
    const code = codeOf((await authorize(admin, authorizeQuery(client.clientId))).answer);
    const tokens = (await token(client, { grant_type: "authorization_code", code, redirect_uri: ENTRA_REDIRECT })).body;
    const { b, csrf } = await signedInAs(admin);
    const page = await (await b.get("/organization/apps")).text();
    expect(page).toContain("Microsoft Entra ID");
    expect(page).toContain(admin.email);
    const grantId = page.match(/\/organization\/apps\/([0-9a-f-]{36})\/revoke/)![1]!;
    expect((await b.post(`/organization/apps/${grantId}/revoke`, {}, csrf)).status).toBe(303);
    expect((await send("GET", "/scim/v2/Users", tokens.access_token)).status).toBe(401);
    expect(await (await b.get("/organization/apps")).text()).toContain("No app is connected.");
  });
});
