import { describe, expect, it } from "vitest";
import { entraUser, json, newAccount, send } from "../support/client";
import { signedInAs } from "../support/browser-session";
import { joinAsAdmin, verifiedAdmin } from "../support/world";

describe("monitor pages", () => {
  it("show the log with failures explained, filters, the summary chart, users with groups and groups with members", async () => {
    const admin = await verifiedAdmin();
    const { token } = await json(await send("POST", "/api/organization/scim-tokens", admin.token, {}));
    const user = await json(
      await send("POST", "/scim/v2/Users", token, entraUser(`ann@${admin.domain}`, { displayName: "Ann Example", externalId: "ext-ann" })),
    );
    await send("POST", "/scim/v2/Users", token, entraUser(`ann@${admin.domain}`));
    const group = await json(await send("POST", "/scim/v2/Groups", token, { displayName: "Sales", members: [{ value: user.id }] }));
    const reader = await newAccount();
    await joinAsAdmin(admin, reader, "read");
    const { b } = await signedInAs(reader);

    const log = await (await b.get("/organization/log")).text();
    expect(log).toContain("POST /scim/v2/Users");
    expect(log).toContain("already taken in this organization");
    expect(log).toContain(`href="/organization/groups/${group.id}"`);
    const failed = await (await b.get("/organization/log?status=failure")).text();
    expect(failed.match(/data-event=/g)).toHaveLength(1);
    expect((await b.get("/organization/log?status=nonsense")).status).toBe(400);

    const summary = await (await b.get("/organization/summary")).text();
    expect(summary).toContain("<svg");
    expect(summary).toContain("Requests per day by kind");
    expect(summary).toMatch(/3 requests, 1 failed/);
    expect(summary).toContain("HTTP 409");

    const users = await (await b.get("/organization/users?q=ext-ann")).text();
    expect(users).toContain(`ann@${admin.domain}`);
    expect(users).toContain(">Sales</a>");
    expect(await (await b.get("/organization/users?q=Ann%20Ex")).text()).toContain(`data-user="${user.id}"`);
    expect(await (await b.get("/organization/users?active=false")).text()).toContain("No users match.");
    const groups = await (await b.get("/organization/groups")).text();
    expect(groups).toMatch(/Sales<\/a><\/td><td><\/td><td>1<\/td>/);
    expect(await (await b.get(`/organization/groups/${group.id}`)).text()).toContain(`ann@${admin.domain}`);
    expect((await b.get("/organization/groups/nope")).status).toBe(404);
  });
});
