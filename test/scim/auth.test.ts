import { describe, expect, it } from "vitest";
import { call, json, newOrganization, OPERATOR, send } from "../support/client";

async function expectUnauthorized(r: Response) {
  expect(r.status).toBe(401);
  expect(r.headers.get("www-authenticate")).toMatch(/^Bearer/);
  expect(r.headers.get("content-type")).toContain("application/scim+json");
  expect(await r.json()).toMatchObject({ schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"], status: "401" });
}

describe("SCIM authentication", () => {
  it("refuses a missing, malformed or unknown token with a SCIM 401", async () => {
    await expectUnauthorized(await call("/scim/v2/Users"));
    await expectUnauthorized(await call("/scim/v2/Groups", { headers: { authorization: "Basic abc" } }));
    await expectUnauthorized(await send("GET", "/scim/v2/Users", "scim_not-a-real-token"));
    await expectUnauthorized(await send("POST", "/scim/v2/Users", "scim_nope", { userName: "x" }));
  });

  it("stops accepting a token once it is revoked", async () => {
    const org = await newOrganization();
    expect((await send("GET", "/scim/v2/Users", org.token)).status).toBe(200);
    const list = await json(await send("GET", `/api/operator/organizations/${org.id}/scim-tokens`, OPERATOR));
    expect(list.tokens).toHaveLength(1);
    expect(JSON.stringify(list)).not.toContain(org.token);
    expect((await send("DELETE", `/api/operator/organizations/${org.id}/scim-tokens/${list.tokens[0].id}`, OPERATOR)).status).toBe(204);
    await expectUnauthorized(await send("GET", "/scim/v2/Users", org.token));
  });

  it("accepts the scheme name in any letter case", async () => {
    const org = await newOrganization();
    expect((await call("/scim/v2/Users", { headers: { authorization: `bearer ${org.token}` } })).status).toBe(200);
  });
});
