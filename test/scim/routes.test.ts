import { describe, expect, it } from "vitest";
import { call, entraUser, json, newOrganization, send } from "../support/client";

describe("routing", () => {
  it("serves /healthz without storage", async () => {
    const r = await call("/healthz");
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ status: "ok" });
  });

  it("accepts resource endpoints in any letter case and with a trailing slash", async () => {
    const org = await newOrganization();
    const created = await send("POST", "/scim/v2/users", org.token, entraUser(`case@${org.domain}`));
    expect(created.status).toBe(201);
    const { id } = await json(created);
    expect((await send("GET", `/scim/v2/USERS/${id}`, org.token)).status).toBe(200);
    expect((await send("GET", "/scim/v2/groups/", org.token)).status).toBe(200);
    expect((await call("/scim/v2/serviceproviderconfig")).status).toBe(200);
  });

  it("answers unknown SCIM endpoints with a SCIM 404 and other unknown routes with JSON", async () => {
    const scim = await call("/scim/v2/Bulk", { method: "POST" });
    expect(scim.status).toBe(404);
    expect(await scim.json()).toMatchObject({ schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"], status: "404" });
    const other = await call("/nope");
    expect(other.status).toBe(404);
    expect(await other.json()).toMatchObject({ error: "not_found" });
  });
});
