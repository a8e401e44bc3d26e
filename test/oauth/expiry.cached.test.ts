// Runs in the "workers-cached" project: REVOCATION_CHECK_SECONDS is 60, as in production.
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { json, send } from "../support/client";
import { token } from "../support/oauth";
import { verifiedAdmin } from "../support/world";

// The Worker runs in the tests' isolate, so a mocked clock reaches it (and its per-isolate caches).
afterEach(() => {
  vi.useRealTimers();
});

const listUsers = (bearer: string) => send("GET", "/scim/v2/Users", bearer);

describe("with the revocation cache on", () => {
  it("trusts a checked SCIM token for REVOCATION_CHECK_SECONDS", async () => {
    expect(env.REVOCATION_CHECK_SECONDS).toBe("60");
    const admin = await verifiedAdmin();
    const created = await json(await send("POST", "/api/organization/scim-tokens", admin.token, {}));
    const start = Date.now();
    vi.setSystemTime(start);
    expect((await listUsers(created.token)).status).toBe(200);
    // Revoked behind the cache's back (no writer): the cached answer still stands within the period.
    await env.DB.prepare("UPDATE scim_tokens SET revoked_at = ? WHERE id = ?").bind(new Date(start).toISOString(), created.id).run();
    vi.setSystemTime(start + 59_000);
    expect((await listUsers(created.token)).status).toBe(200);
    vi.setSystemTime(start + 60_000);
    expect((await listUsers(created.token)).status).toBe(401);
  });

  it("never lets a cached SCIM token outlive its expiresAt, and accepts one expiring seconds ahead", async () => {
    const admin = await verifiedAdmin();
    const start = Date.now();
    vi.setSystemTime(start);
    const expiresAt = new Date(start + 5_000).toISOString();
    const created = await send("POST", "/api/organization/scim-tokens", admin.token, { expiresAt });
    expect(created.status).toBe(201);
    const { token: scimToken } = await json(created);
    expect((await listUsers(scimToken)).status).toBe(200);
    vi.setSystemTime(start + 4_999);
    expect((await listUsers(scimToken)).status).toBe(200);
    vi.setSystemTime(start + 5_000);
    const expired = await listUsers(scimToken);
    expect(expired.status).toBe(401);
    expect(expired.headers.get("www-authenticate")).toContain("Bearer");
  });

  it("never lets a cached grant outlive the expiry of the client secret its access token was obtained with", async () => {
    const admin = await verifiedAdmin();
    const client = await json(await send("POST", "/api/organization/scim-clients", admin.token, { name: "Entra" }));
    const start = Date.now();
    vi.setSystemTime(start);
    // A secret that expires in ten seconds (pilots and tests use short ones).
    const secretExpiry = start + 10_000;
    await env.DB.prepare("UPDATE oauth_client_secrets SET expires_at = ? WHERE id = ?").bind(new Date(secretExpiry).toISOString(), client.secretId).run();
    const issued = await token({ clientId: client.clientId, clientSecret: client.clientSecret }, { grant_type: "client_credentials" });
    expect(issued.status).toBe(200);
    expect((await listUsers(issued.body.access_token)).status).toBe(200);
    vi.setSystemTime(secretExpiry - 1);
    expect((await listUsers(issued.body.access_token)).status).toBe(200);
    vi.setSystemTime(secretExpiry);
    expect((await listUsers(issued.body.access_token)).status).toBe(401);
  });
});
