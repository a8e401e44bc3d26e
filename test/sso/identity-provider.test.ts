// The organization's identity provider: configured from Entra's metadata URL or XML, kept current by the cron,
// and changed only by the organization's read & write admins.
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createSigningIdentity, metadataXml } from "../../scripts/dev-idp/idp.mjs";
import { json, newAccount, send } from "../support/client";
import { joinAsAdmin, verifiedAdmin } from "../support/world";
import { sharedIdentity } from "../support/sso";

const tenant = "8f7c2e1a-0000-4000-8000-000000000001";
const METADATA_URL = `https://login.microsoftonline.test/${tenant}/federationmetadata/2007-06/federationmetadata.xml`;
const entityId = `https://sts.windows.net/${tenant}/`;
const ssoUrl = `https://login.microsoftonline.test/${tenant}/saml2`;
const xmlAnswer = (xml: string) => new Response(xml, { headers: { "content-type": "application/samlmetadata+xml" } });
const sha256Of = async (pem: string) => {
  const der = Uint8Array.from(atob(pem.replace(/-----[^-]+-----|\s/g, "")), (c) => c.charCodeAt(0));
  return [...new Uint8Array(await crypto.subtle.digest("SHA-256", der))].map((b) => b.toString(16).padStart(2, "0")).join("");
};

afterEach(() => {
  vi.useRealTimers();
});

describe("the identity provider API", () => {
  it("fetches Entra's App Federation Metadata URL and shows what it understood, with what to paste into Entra", async () => {
    const admin = await verifiedAdmin();
    const signer = await sharedIdentity();
    admin.world.on("login.microsoftonline.test", () => xmlAnswer(metadataXml({ entityId, ssoUrl, certs: [signer.certPem] })));
    const put = await send("PUT", "/api/organization/identity-provider", admin.token, { metadataUrl: METADATA_URL });
    expect(put.status).toBe(200);
    const view = await json(put);
    expect(view).toMatchObject({
      entityId,
      ssoUrl,
      ssoBinding: "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect",
      metadataUrl: METADATA_URL,
      lastError: null,
      enabled: false,
      allowIdpInitiated: true,
      jit: false,
      serviceProvider: {
        entityId: `https://scim.test/saml/${admin.orgId}`,
        acsUrl: `https://scim.test/saml/${admin.orgId}/acs`,
        metadataUrl: `https://scim.test/saml/${admin.orgId}/metadata`,
        signOnUrl: "https://scim.test/login",
      },
    });
    expect(view.certificates).toEqual([
      { subject: "CN=Microsoft Azure Federated SSO Certificate", notAfter: expect.any(String), sha256: await sha256Of(signer.certPem) },
    ]);
    expect(await json(await send("GET", "/api/organization/identity-provider", admin.token))).toEqual(view);
    // Settings survive a new PUT; DELETE removes it all.
    expect(await json(await send("PATCH", "/api/organization/identity-provider", admin.token, { enabled: true, jit: true }))).toMatchObject({
      enabled: true,
      jit: true,
    });
    expect(await json(await send("PUT", "/api/organization/identity-provider", admin.token, { metadataUrl: METADATA_URL }))).toMatchObject({
      enabled: true,
      jit: true,
    });
    expect((await send("DELETE", "/api/organization/identity-provider", admin.token)).status).toBe(204);
    expect((await send("GET", "/api/organization/identity-provider", admin.token)).status).toBe(404);
    // The service provider's own metadata is SAML 2.0 metadata naming its entity ID and ACS.
    const sp = await send("GET", `/saml/${admin.orgId}/metadata`, "");
    expect(sp.headers.get("content-type")).toMatch(/application\/samlmetadata\+xml/);
    expect(await sp.text()).toContain(`entityID="https://scim.test/saml/${admin.orgId}"`);
  });

  it("refuses unusable URLs and documents with a reason, storing nothing", async () => {
    const admin = await verifiedAdmin();
    admin.world.on("login.microsoftonline.test", (url) =>
      url.pathname.endsWith("/missing")
        ? new Response("no", { status: 404 })
        : url.pathname.endsWith("/huge")
          ? new Response("x".repeat(300 * 1024))
          : new Response("<html/>"),
    );
    const put = (body: unknown) => send("PUT", "/api/organization/identity-provider", admin.token, body);
    const cases: [unknown, string][] = [
      [{ metadataUrl: "http://login.microsoftonline.test/x" }, "must be https"],
      [{ metadataUrl: "https://login.microsoftonline.test/missing" }, "HTTP 404"],
      [{ metadataUrl: "https://login.microsoftonline.test/huge" }, "larger than 256 KB"],
      [{ metadataUrl: "https://login.microsoftonline.test/html" }, "not a SAML 2.0 EntityDescriptor"],
      [{ metadataUrl: "https://unreachable.test/metadata" }, "could not connect"],
      [{ metadataXml: '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "e">]><x>&e;</x>' }, "DOCTYPE"],
    ];
    for (const [body, reason] of cases) {
      const r = await put(body);
      expect(r.status).toBe(422);
      expect((await json(r)).message).toContain(reason);
    }
    expect((await put({ metadataUrl: METADATA_URL, metadataXml: "<x/>" })).status).toBe(400);
    expect((await send("GET", "/api/organization/identity-provider", admin.token)).status).toBe(404);
  });

  it("lets a read-only admin look but not change, and nobody else see it", async () => {
    const admin = await verifiedAdmin();
    const signer = await sharedIdentity();
    await send("PUT", "/api/organization/identity-provider", admin.token, { metadataXml: metadataXml({ entityId, ssoUrl, certs: [signer.certPem] }) });
    const reader = await newAccount();
    await joinAsAdmin(admin, reader, "read");
    expect((await send("GET", "/api/organization/identity-provider", reader.token)).status).toBe(200);
    expect((await send("PATCH", "/api/organization/identity-provider", reader.token, { enabled: true })).status).toBe(403);
    expect((await send("DELETE", "/api/organization/identity-provider", reader.token)).status).toBe(403);
    const stranger = await verifiedAdmin();
    expect((await send("GET", "/api/organization/identity-provider", stranger.token)).status).toBe(404);
    expect((await send("GET", "/api/organization/sign-ins", reader.token)).status).toBe(200);
  });
});

describe("fetching metadata", () => {
  it("gives up on a server that never answers, and follows redirects only to https", async () => {
    const { fakeWorld } = await import("../support/outside");
    const { loadMetadata } = await import("../../src/sso/load-metadata");
    const world = fakeWorld();
    world.on("slow.test", () => new Promise<Response>(() => undefined));
    world.on("moved.test", () => new Response(null, { status: 302, headers: { location: "http://plain.test/metadata" } }));
    expect(await loadMetadata("https://slow.test/metadata", world.fetch, 25)).toEqual({ ok: false, reason: expect.stringContaining("no answer within") });
    expect(await loadMetadata("https://moved.test/metadata", world.fetch)).toEqual({
      ok: false,
      reason: expect.stringContaining("redirects where it may not be followed"),
    });
    expect(world.calls).not.toContain("http://plain.test/metadata");
  });
});

describe("metadata refresh", () => {
  it("picks up a new certificate before a rollover, and keeps the last good copy when the URL fails", async () => {
    const admin = await verifiedAdmin();
    const [current, next] = [await sharedIdentity(), await createSigningIdentity()];
    let certs = [current.certPem];
    let failing = false;
    admin.world.on("login.microsoftonline.test", () => (failing ? new Response("oops", { status: 500 }) : xmlAnswer(metadataXml({ entityId, ssoUrl, certs }))));
    await send("PUT", "/api/organization/identity-provider", admin.token, { metadataUrl: METADATA_URL });
    const start = Date.now();
    vi.useFakeTimers({ toFake: ["Date"] });
    const cron = async (atMs: number) => {
      vi.setSystemTime(atMs);
      const { refreshDueIdentityProviders } = await import("../../src/sso/refresh");
      return refreshDueIdentityProviders(env, (...args) => fetch(...args), new Date(atMs));
    };
    // Read from the table: the admin's 12-hour session does not outlive these days.
    const view = async () => {
      const row = (await env.DB.prepare("SELECT certificates, last_error, next_refresh_at FROM identity_providers WHERE org_id = ?1")
        .bind(admin.orgId)
        .first<Record<string, string>>())!;
      return { certificates: JSON.parse(row.certificates!), lastError: row.last_error, nextRefreshAt: row.next_refresh_at };
    };
    const hour = 3600_000;

    // Entra publishes the next certificate; the daily refresh stores both.
    certs = [current.certPem, next.certPem];
    await cron(start + 23 * hour);
    expect((await view()).certificates).toHaveLength(1);
    await cron(start + 25 * hour);
    expect((await view()).certificates.map((c: { sha256: string }) => c.sha256)).toEqual([await sha256Of(current.certPem), await sha256Of(next.certPem)]);

    // The URL fails: the certificates stay, the error is said, the next try backs off.
    failing = true;
    await cron(start + 50 * hour);
    const failed = await view();
    expect(failed.certificates).toHaveLength(2);
    expect(failed.lastError).toContain("HTTP 500");
    expect(Date.parse(failed.nextRefreshAt!) - (start + 50 * hour)).toBe(15 * 60_000);
    await cron(start + 50 * hour + 16 * 60_000);
    expect(Date.parse((await view()).nextRefreshAt!) - (start + 50 * hour + 16 * 60_000)).toBe(30 * 60_000);
    // "Refresh now" after the fix clears the error at once.
    failing = false;
    vi.useRealTimers();
    const refreshed = await send("POST", "/api/organization/identity-provider/refresh", admin.token);
    expect(await json(refreshed)).toMatchObject({ lastError: null });
  });
});

describe("migration", () => {
  it("backfills the work e-mail key of users provisioned before single sign-on, as the writer chooses it", async () => {
    const org = (await verifiedAdmin()).orgId;
    const now = new Date().toISOString();
    const user = (id: string, emails: unknown) =>
      env.DB.prepare(
        "INSERT INTO users (id, org_id, user_name, user_name_key, active, emails, version, created_at, updated_at) VALUES (?1, ?2, ?1, ?1, 1, ?3, 1, ?4, ?4)",
      )
        .bind(id, org, emails === null ? null : JSON.stringify(emails), now)
        .run();
    const id = crypto.randomUUID().slice(0, 8);
    await user(`${id}-a`, [
      { value: "Home@x.test", type: "home", primary: true },
      { value: "Alice@Contoso.test", type: "work" },
    ]);
    await user(`${id}-b`, [{ value: "Bob@contoso.test", type: "other", primary: true }]);
    await user(`${id}-c`, null);
    const migration = (env.TEST_MIGRATIONS as { name: string; queries: string[] }[]).find((m) => m.name.startsWith("0006"))!;
    const backfill = migration.queries.find((q) => q.includes("UPDATE `users` SET `work_email_key`"))!;
    await env.DB.prepare(backfill).run();
    const rows = await env.DB.prepare("SELECT id, work_email_key FROM users WHERE org_id = ?1 ORDER BY id").bind(org).all();
    expect(rows.results).toEqual([
      { id: `${id}-a`, work_email_key: "alice@contoso.test" },
      { id: `${id}-b`, work_email_key: "bob@contoso.test" },
      { id: `${id}-c`, work_email_key: null },
    ]);
  });
});

describe("a public origin", () => {
  it("names the service provider's URLs on PUBLIC_ORIGIN when one is set, whatever origin the request came in on", async () => {
    const { serviceProviderFor } = await import("../../src/sso/service-provider");
    const withOrigin = { ...env, PUBLIC_ORIGIN: "https://scim.example.com" };
    expect(serviceProviderFor(withOrigin, "https://edge-scim.workers.test/api/organization/identity-provider", "org-1")).toEqual({
      entityId: "https://scim.example.com/saml/org-1",
      acsUrl: "https://scim.example.com/saml/org-1/acs",
      metadataUrl: "https://scim.example.com/saml/org-1/metadata",
      signOnUrl: "https://scim.example.com/login",
    });
    expect(serviceProviderFor(env, "https://edge-scim.workers.test/x", "org-1").acsUrl).toBe("https://edge-scim.workers.test/saml/org-1/acs");
  });
});
