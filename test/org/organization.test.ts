import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { json, newAccount, OPERATOR, send } from "../support/client";
import { joinAsAdmin, verifiedAdmin } from "../support/world";

const auditOf = async (orgId: string) =>
  (await env.DB.prepare("SELECT actor, action FROM audit_events WHERE org_id = ? ORDER BY seq").bind(orgId).all<{ actor: string; action: string }>()).results;

describe("the organization and its admins", () => {
  it("renames and changes settings, audited", async () => {
    const admin = await verifiedAdmin();
    const r = await send("PATCH", "/api/organization", admin.token, { name: "Contoso Ltd", settings: { requireVerifiedDomain: false } });
    expect(r.status).toBe(200);
    expect(await r.json()).toMatchObject({ id: admin.orgId, name: "Contoso Ltd", settings: { requireVerifiedDomain: false } });
    expect((await send("PATCH", "/api/organization", admin.token, { settings: { bogus: true } })).status).toBe(400);
    expect((await send("PATCH", "/api/organization", admin.token, { name: "" })).status).toBe(400);
    expect((await auditOf(admin.orgId)).map((a) => a.action)).toEqual(["organization.create", "domain.verify", "organization.update"]);
    expect((await auditOf(admin.orgId)).every((a) => a.actor === `account:${admin.id}`)).toBe(true);
  });

  it("has admins with read or read & write permission, and keeps the last read & write admin", async () => {
    const owner = await verifiedAdmin();
    const reader = await newAccount();
    await joinAsAdmin(owner, reader, "read");
    expect((await json(await send("GET", "/api/organization", owner.token))).admins).toHaveLength(2);
    const me = await json(await send("GET", "/api/me", reader.token));
    expect(me.organization).toMatchObject({ id: owner.orgId, permission: "read" });

    // Read-only admins see everything and change nothing.
    expect((await send("GET", "/api/organization", reader.token)).status).toBe(200);
    expect((await send("GET", "/api/organization/scim-tokens", reader.token)).status).toBe(200);
    expect((await send("GET", "/api/organization/invitations", reader.token)).status).toBe(200);
    expect((await send("GET", "/api/domains", reader.token)).status).toBe(200);
    for (const [method, path, body] of [
      ["PATCH", "/api/organization", { name: "x" }],
      ["POST", "/api/organization/admins", { email: "someone@example.com", permission: "read-write" }],
      ["PATCH", `/api/organization/admins/${reader.id}`, { permission: "read-write" }],
      ["DELETE", `/api/organization/admins/${owner.id}`, undefined],
      ["DELETE", "/api/organization/invitations/any", undefined],
      ["POST", "/api/organization/scim-tokens", {}],
      ["DELETE", "/api/organization/scim-tokens/any", undefined],
      ["POST", "/api/domains", { domain: "more.example.org" }],
      ["POST", `/api/domains/${owner.domain}/verify`, undefined],
      ["DELETE", `/api/domains/${owner.domain}`, undefined],
    ] as const) {
      const r = await send(method, path, reader.token, body);
      expect(r.status, `${method} ${path}`).toBe(403);
    }

    const last = await send("DELETE", `/api/organization/admins/${owner.id}`, owner.token);
    expect(last.status).toBe(409);
    const demote = await send("PATCH", `/api/organization/admins/${owner.id}`, owner.token, { permission: "read" });
    expect(demote.status).toBe(409);
    expect((await send("PATCH", `/api/organization/admins/${reader.id}`, owner.token, { permission: "read-write" })).status).toBe(200);
    expect((await send("DELETE", `/api/organization/admins/${owner.id}`, reader.token)).status).toBe(204);
    expect((await json(await send("GET", "/api/me", owner.token))).organization).toBeNull();
    expect((await send("DELETE", `/api/organization/admins/${owner.id}`, reader.token)).status).toBe(404);
    expect((await auditOf(owner.orgId)).map((a) => a.action)).toEqual([
      "organization.create",
      "domain.verify",
      "admin.invite",
      "admin.accept",
      "admin.set",
      "admin.remove",
    ]);
  });

  it("invites an admin of another organization, who must leave it before accepting", async () => {
    const a = await verifiedAdmin();
    const b = await verifiedAdmin();
    const invited = await send("POST", "/api/organization/admins", a.token, { email: b.email, permission: "read" });
    expect(invited.status).toBe(202);
    const { invitation } = await json(invited);
    const refused = await send("POST", `/api/invitations/${invitation.id}/accept`, b.token);
    expect(refused.status).toBe(409);
    expect(await json(refused)).toMatchObject({ error: "already_admin" });
    expect((await json(await send("GET", "/api/me", b.token))).organization.id).toBe(b.orgId);
  });

  it("refuses a malformed invitation", async () => {
    const admin = await verifiedAdmin();
    expect((await send("POST", "/api/organization/admins", admin.token, { email: "not an e-mail", permission: "read" })).status).toBe(400);
    expect((await send("POST", "/api/organization/admins", admin.token, { email: "x@example.com", permission: "owner" })).status).toBe(400);
  });

  it("issues SCIM tokens shown once, lists them without the token, revokes them", async () => {
    const admin = await verifiedAdmin();
    const created = await send("POST", "/api/organization/scim-tokens", admin.token, { description: "Entra" });
    expect(created.status).toBe(201);
    const { id, token } = await json(created);
    expect((await send("GET", "/scim/v2/Users", token)).status).toBe(200);
    const listed = await json(await send("GET", "/api/organization/scim-tokens", admin.token));
    expect(listed.tokens).toEqual([expect.objectContaining({ id, description: "Entra", createdBy: `account:${admin.id}`, revokedAt: null })]);
    expect(JSON.stringify(listed)).not.toContain(token);
    expect((await send("DELETE", `/api/organization/scim-tokens/${id}`, admin.token)).status).toBe(204);
    expect((await send("GET", "/scim/v2/Users", token)).status).toBe(401);
    expect((await send("DELETE", `/api/organization/scim-tokens/${id}`, admin.token)).status).toBe(404);
    expect((await send("POST", "/api/organization/scim-tokens", admin.token, { expiresAt: "yesterday" })).status).toBe(400);
  });

  it("shows the admins to the operator", async () => {
    const admin = await verifiedAdmin();
    const org = await json(await send("GET", `/api/operator/organizations/${admin.orgId}`, OPERATOR));
    expect(org.admins).toEqual([expect.objectContaining({ accountId: admin.id, email: admin.email, permission: "read-write" })]);
  });

  it("needs an organization for the organization API", async () => {
    const loner = await newAccount();
    expect((await send("GET", "/api/organization", loner.token)).status).toBe(404);
    expect((await send("GET", "/api/organization", "")).status).toBe(401);
  });
});

describe("cross-organization access", () => {
  it("never shows or changes another organization's domains, admins or tokens", async () => {
    const a = await verifiedAdmin();
    const b = await verifiedAdmin();
    const aToken = await json(await send("POST", "/api/organization/scim-tokens", a.token, {}));
    expect((await send("GET", `/api/domains/${a.domain}`, b.token)).status).toBe(404);
    expect((await send("POST", `/api/domains/${a.domain}/verify`, b.token)).status).toBe(404);
    expect((await send("POST", "/api/domains", b.token, { domain: a.domain })).status).toBe(409);
    expect((await send("DELETE", `/api/organization/scim-tokens/${aToken.id}`, b.token)).status).toBe(404);
    expect((await send("DELETE", `/api/organization/admins/${a.id}`, b.token)).status).toBe(404);
    const bView = await json(await send("GET", "/api/organization", b.token));
    expect(JSON.stringify(bView)).not.toContain(a.domain);
    expect((await send("GET", "/scim/v2/Users", aToken.token)).status).toBe(200);
  });
});
