import { describe, expect, it } from "vitest";
import { call, entraUser, json, newOrganization, send } from "../support/client";

describe("smoke", () => {
  it("health and a user round trip", async () => {
    const health = await call("/healthz");
    expect(await health.json()).toEqual({ status: "ok" });
    const org = await newOrganization();
    const created = await send("POST", "/scim/v2/Users", org.token, entraUser(`alice@${org.domain}`));
    const body = await json(created);
    expect(created.status, JSON.stringify(body)).toBe(201);
    const found = await send("GET", `/scim/v2/Users?filter=userName+eq+%22ALICE@${org.domain}%22`, org.token);
    expect((await json(found)).totalResults).toBe(1);
  });
});
