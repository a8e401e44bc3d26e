import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { call, json, OPERATOR, send } from "../support/client";

afterEach(() => {
  vi.useRealTimers();
});

const unique = () => `op${crypto.randomUUID().slice(0, 8)}.example.com`;

describe("operator API", () => {
  it("refuses requests without the operator token", async () => {
    for (const r of [
      await call("/api/operator/organizations", { method: "POST", headers: { "content-type": "application/json" }, body: "{}" }),
      await send("POST", "/api/operator/organizations", "wrong-token", { name: "x", domains: [] }),
      await send("GET", "/api/operator/organizations/any", "test-operator-token-but-longer"),
    ]) {
      expect(r.status).toBe(401);
      expect(await r.json()).toMatchObject({ error: "unauthorized" });
    }
  });

  it("creates an organization with attested domains, audited", async () => {
    const domain = unique();
    const r = await send("POST", "/api/operator/organizations", OPERATOR, {
      name: " Contoso ",
      domains: [`${domain.toUpperCase()}.`, domain],
      settings: { requireVerifiedDomain: false },
    });
    expect(r.status).toBe(201);
    const org = await json(r);
    expect(org).toMatchObject({
      id: expect.any(String),
      name: "Contoso",
      settings: { requireVerifiedDomain: false },
      domains: [{ domain, status: "verified", method: "operator", verificationCode: null, lastError: null }],
    });
    const got = await json(await send("GET", `/api/operator/organizations/${org.id}`, OPERATOR));
    expect(got).toMatchObject({ id: org.id, name: "Contoso", admins: [], settings: { requireVerifiedDomain: false } });
    expect(got.domains).toEqual(org.domains);
    const audit = await env.DB.prepare("SELECT actor, action FROM audit_events WHERE org_id = ?").bind(org.id).all();
    expect(audit.results).toEqual([{ actor: "operator", action: "organization.create" }]);
  });

  it("defaults requireVerifiedDomain to true and normalizes IDN domains", async () => {
    const org = await json(
      await send("POST", "/api/operator/organizations", OPERATOR, { name: "IDN", domains: [`bücher-${crypto.randomUUID().slice(0, 6)}.de`] }),
    );
    expect(org.settings).toEqual({ requireVerifiedDomain: true });
    expect(org.domains[0].domain).toMatch(/^xn--bcher-.*\.de$/);
  });

  it("refuses a domain another organization verified (409), bad names and public suffixes (400)", async () => {
    const domain = unique();
    expect((await send("POST", "/api/operator/organizations", OPERATOR, { name: "A", domains: [domain] })).status).toBe(201);
    const taken = await send("POST", "/api/operator/organizations", OPERATOR, { name: "B", domains: [domain] });
    expect(taken.status).toBe(409);
    expect(await taken.json()).toMatchObject({ error: "domain_taken" });
    for (const bad of ["com", "co.uk", "not a domain", "http://x.com/", "1.2.3.4", "", "-x.com"]) {
      const r = await send("POST", "/api/operator/organizations", OPERATOR, { name: "C", domains: [bad] });
      expect(r.status, bad).toBe(400);
    }
    for (const body of [
      { domains: [] },
      { name: "", domains: [] },
      { name: "x", domains: "a.com" },
      { name: "x", settings: { requireVerifiedDomain: "yes" } },
      { name: "x", settings: { other: 1 } },
    ]) {
      expect((await send("POST", "/api/operator/organizations", OPERATOR, body)).status, JSON.stringify(body)).toBe(400);
    }
    expect((await send("POST", "/api/operator/organizations", OPERATOR, "{broken")).status).toBe(400);
  });

  it("issues SCIM tokens that are random, shown once and stored hashed", async () => {
    const org = await json(await send("POST", "/api/operator/organizations", OPERATOR, { name: "T", domains: [unique()] }));
    const a = await send("POST", `/api/operator/organizations/${org.id}/scim-tokens`, OPERATOR, { description: "Entra" });
    expect(a.status).toBe(201);
    const first = await json(a);
    const second = await json(await send("POST", `/api/operator/organizations/${org.id}/scim-tokens`, OPERATOR, {}));
    expect(first.token).toMatch(/^scim_[A-Za-z0-9_-]{43}$/);
    expect(first.token).not.toBe(second.token);
    const stored = await env.DB.prepare("SELECT * FROM scim_tokens WHERE org_id = ?").bind(org.id).all();
    expect(JSON.stringify(stored.results)).not.toContain(first.token);
    expect(stored.results.map((r) => r.token_hash)).toContainEqual(expect.stringMatching(/^[0-9a-f]{64}$/));
    const listed = await json(await send("GET", `/api/operator/organizations/${org.id}/scim-tokens`, OPERATOR));
    expect(listed.tokens).toHaveLength(2);
    expect(listed.tokens.find((t: { id: string }) => t.id === first.id)).toMatchObject({ description: "Entra", revokedAt: null, createdBy: "operator" });
    expect((await send("POST", `/api/operator/organizations/no-such-org/scim-tokens`, OPERATOR, {})).status).toBe(404);
    expect((await send("POST", `/api/operator/organizations/${org.id}/scim-tokens`, OPERATOR, { expiresAt: "2001-01-01T00:00:00Z" })).status).toBe(400);
    expect((await send("DELETE", `/api/operator/organizations/${org.id}/scim-tokens/nope`, OPERATOR)).status).toBe(404);
    expect((await send("GET", "/api/operator/organizations/no-such-org", OPERATOR)).status).toBe(404);
  });

  it("lets an expired SCIM token stop working at its expiry", async () => {
    const org = await json(await send("POST", "/api/operator/organizations", OPERATOR, { name: "E", domains: [unique()] }));
    // The Worker runs in the test's isolate and reads Date: the test sets the clock instead of waiting.
    vi.useFakeTimers({ toFake: ["Date"] });
    const start = Date.now();
    const expiresAt = new Date(start + 1500).toISOString();
    const { token } = await json(await send("POST", `/api/operator/organizations/${org.id}/scim-tokens`, OPERATOR, { expiresAt }));
    expect((await send("GET", "/scim/v2/Users", token)).status).toBe(200);
    vi.setSystemTime(start + 1499);
    expect((await send("GET", "/scim/v2/Users", token)).status).toBe(200);
    vi.setSystemTime(start + 1500);
    expect((await send("GET", "/scim/v2/Users", token)).status).toBe(401);
  });
});
