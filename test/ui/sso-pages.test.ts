import { createHash } from "node:crypto";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { createSigningIdentity, metadataXml, type SigningIdentity } from "../../scripts/dev-idp/idp.mjs";
import { json, newAccount, send } from "../support/client";
import { signedInAs } from "../support/browser-session";
import { joinAsAdmin, verifiedAdmin } from "../support/world";

const ENTRA = "login.microsoftonline.test";
let current: SigningIdentity;
let next: SigningIdentity;

beforeAll(async () => {
  [current, next] = await Promise.all([createSigningIdentity(), createSigningIdentity()]);
});

const fingerprint = (certPem: string) =>
  createHash("sha256")
    .update(Buffer.from(certPem.replace(/-----[^-]+-----|\s/g, ""), "base64"))
    .digest("hex");

/** An Entra tenant: its entity ID, login URL and the App Federation Metadata Url this organization's app would have. */
function tenant() {
  const id = crypto.randomUUID();
  return {
    entityId: `https://sts.windows.net/${id}/`,
    ssoUrl: `https://${ENTRA}/${id}/saml2`,
    metadataUrl: `https://${ENTRA}/${id}/federationmetadata/2007-06/federationmetadata.xml?appid=${crypto.randomUUID()}`,
  };
}

/** Entra answers the metadata URL with federation metadata signed by `certs` (changeable, for a rollover). */
function serveMetadata(world: { on(host: string, handler: (url: URL) => Response): void }, t: ReturnType<typeof tenant>, certs: () => string[]) {
  world.on(ENTRA, (url) =>
    url.href === t.metadataUrl
      ? new Response(metadataXml({ entityId: t.entityId, ssoUrl: t.ssoUrl, certs: certs() }), { headers: { "content-type": "application/xml" } })
      : new Response("not found", { status: 404 }),
  );
}

const identityProvider = (token: string) => send("GET", "/api/organization/identity-provider", token);
const postForms = (html: string) => html.match(/<form method="post"/g)?.length ?? 0;
/** Times are `<time datetime>` for machines; what a reader sees has no raw ISO text. */
const readable = (html: string) => html.replace(/<[^>]*>/g, "");
const ISO = /\d{4}-\d\d-\d\dT\d\d:\d\d/;

describe("single sign-on page", () => {
  it("shows what to paste into Entra's Basic SAML Configuration, each with a copy button", async () => {
    const admin = await verifiedAdmin();
    const { b } = await signedInAs(admin);
    const answer = await b.get("/organization/sso");
    expect(answer.status).toBe(200);
    const page = await answer.text();
    expect(page).toContain("Basic SAML Configuration");
    expect(page).toContain(`aria-label="Copy Identifier (Entity ID)"`);
    expect(page).toContain(`data-copy="https://scim.test/saml/${admin.orgId}"`);
    expect(page).toContain(`aria-label="Copy Reply URL (Assertion Consumer Service URL)"`);
    expect(page).toContain(`data-copy="https://scim.test/saml/${admin.orgId}/acs"`);
    expect(page).toContain(`aria-label="Copy Sign on URL"`);
    expect(page).toContain(`data-copy="https://scim.test/login"`);
    expect(page).toContain(`data-copy="https://scim.test/saml/${admin.orgId}/metadata"`);
    expect(page).toContain(">App Federation Metadata Url</label>");
    expect(page).toContain("No identity provider is connected yet.");
    expect(page).toContain('href="/organization/sso"');
    expect(page).toContain('href="/organization/sign-ins"');
  });

  it("saves the App Federation Metadata Url, shows the certificate, turns single sign-on on, refreshes and removes", async () => {
    const admin = await verifiedAdmin();
    const t = tenant();
    let certs = [current.certPem];
    serveMetadata(admin.world, t, () => certs);
    const { b, csrf } = await signedInAs(admin);

    const saved = await b.post("/organization/sso", { metadataUrl: t.metadataUrl }, csrf);
    expect(saved.status).toBe(303);
    expect(saved.headers.get("location")).toBe("/organization/sso");
    const page = await (await b.get("/organization/sso")).text();
    expect(page).toContain(t.entityId);
    expect(page).toContain(t.ssoUrl);
    expect(page).toContain("HTTP-Redirect");
    expect(page).toContain(`data-certificate="${fingerprint(current.certPem)}"`);
    expect(page).toContain(`<code class="secret">${fingerprint(current.certPem)}</code>`);
    expect(page).toContain("CN=Microsoft Azure Federated SSO Certificate");
    // Expiry, last fetched and next refresh.
    expect(page.match(/<time datetime="/g)).toHaveLength(3);
    expect(readable(page)).not.toMatch(ISO);
    expect(page).toContain('data-field="enabled">off</span>');
    expect(page).toContain('action="/organization/sso/refresh"');
    // Off until an admin turns it on; My Apps allowed by default.
    expect(page).toMatch(/name="enabled" value="true"\/>/);
    expect(page).toMatch(/name="allowIdpInitiated" value="true" checked=""\/>/);

    const set = await b.post("/organization/sso/settings", { enabled: "true", allowIdpInitiated: "true" }, csrf);
    expect(set.status).toBe(303);
    const idp = await json(await identityProvider(admin.token));
    expect(idp).toMatchObject({ enabled: true, allowIdpInitiated: true, jit: false, allowSha1: false, metadataUrl: t.metadataUrl, entityId: t.entityId });
    expect(await (await b.get("/organization/sso")).text()).toContain('data-field="enabled">on</span>');
    // An unchecked box turns its setting off.
    await b.post("/organization/sso/settings", { enabled: "true", jit: "true" }, csrf);
    expect(await json(await identityProvider(admin.token))).toMatchObject({ enabled: true, allowIdpInitiated: false, jit: true, allowSha1: false });

    // Entra adds its next certificate: Refresh now shows both.
    certs = [current.certPem, next.certPem];
    const refreshed = await b.post("/organization/sso/refresh", {}, csrf);
    expect(refreshed.status).toBe(200);
    const after = await refreshed.text();
    expect(after).toContain("The metadata was fetched now.");
    expect(after).toContain(`data-certificate="${fingerprint(next.certPem)}"`);
    expect(after).toContain(`data-certificate="${fingerprint(current.certPem)}"`);
    expect((await json(await identityProvider(admin.token))).certificates).toHaveLength(2);

    // A failed refresh keeps the last good metadata and says why.
    certs = [];
    admin.world.on(ENTRA, () => new Response("down", { status: 503 }));
    const failed = await (await b.post("/organization/sso/refresh", {}, csrf)).text();
    expect(failed).toContain("HTTP 503");
    expect(failed).toContain("The last good metadata stays in use.");
    expect(failed).toContain(`data-certificate="${fingerprint(next.certPem)}"`);
    expect((await json(await identityProvider(admin.token))).lastError).toContain("HTTP 503");

    const removed = await b.post("/organization/sso/remove", {}, csrf);
    expect(removed.status).toBe(303);
    expect((await identityProvider(admin.token)).status).toBe(404);
    expect(await (await b.get("/organization/sso")).text()).toContain("No identity provider is connected yet.");
  });

  it("shows why an unreachable or wrong metadata URL was refused, storing nothing", async () => {
    const admin = await verifiedAdmin();
    const { b, csrf } = await signedInAs(admin);
    const unreachable = "https://unreachable.microsoftonline.test/tenant/federationmetadata/2007-06/federationmetadata.xml";
    const answer = await b.post("/organization/sso", { metadataUrl: unreachable }, csrf);
    expect(answer.status).toBe(422);
    const page = await answer.text();
    expect(page).toMatch(/<p class="error" role="alert">The identity provider could not be configured: metadata fetch failed: could not connect/);
    expect(page).toContain(`value="${unreachable}"`);
    expect((await identityProvider(admin.token)).status).toBe(404);

    const plain = await b.post("/organization/sso", { metadataUrl: "http://login.microsoftonline.test/federationmetadata.xml" }, csrf);
    expect(plain.status).toBe(422);
    expect(await plain.text()).toContain("must be https");
    const notXml = await b.post("/organization/sso", { metadataXml: "<html>no</html>" }, csrf);
    expect(notXml.status).toBe(422);
    expect(await notXml.text()).toContain("not a SAML 2.0 EntityDescriptor");
    expect((await b.post("/organization/sso", { metadataUrl: "" }, csrf)).status).toBe(400);
    expect((await identityProvider(admin.token)).status).toBe(404);
    // Settings and refresh have nothing to act on.
    expect((await b.post("/organization/sso/settings", { enabled: "true" }, csrf)).status).toBe(404);
    expect((await b.post("/organization/sso/refresh", {}, csrf)).status).toBe(404);
  });

  it("takes pasted Federation Metadata XML, which has no URL to refresh", async () => {
    const admin = await verifiedAdmin();
    const t = tenant();
    const { b, csrf } = await signedInAs(admin);
    const saved = await b.post("/organization/sso", { metadataXml: metadataXml({ entityId: t.entityId, ssoUrl: t.ssoUrl, certs: [current.certPem] }) }, csrf);
    expect(saved.status).toBe(303);
    const page = await (await b.get("/organization/sso")).text();
    expect(page).toContain(t.entityId);
    expect(page).toContain("pasted XML (not refreshed)");
    expect(page).not.toContain('action="/organization/sso/refresh"');
    expect((await b.post("/organization/sso/refresh", {}, csrf)).status).toBe(409);
    expect((await json(await identityProvider(admin.token))).metadataUrl).toBeNull();
  });

  it("shows a read-only admin everything but no form or button", async () => {
    const admin = await verifiedAdmin();
    const t = tenant();
    const put = await send("PUT", "/api/organization/identity-provider", admin.token, {
      metadataXml: metadataXml({ entityId: t.entityId, ssoUrl: t.ssoUrl, certs: [current.certPem] }),
    });
    expect(put.status).toBe(200);
    const reader = await newAccount();
    await joinAsAdmin(admin, reader, "read");
    const { b, csrf } = await signedInAs(reader);
    const page = await (await b.get("/organization/sso")).text();
    expect(page).toContain(`data-copy="https://scim.test/saml/${admin.orgId}/acs"`);
    expect(page).toContain(t.entityId);
    expect(page).toContain(fingerprint(current.certPem));
    expect(page).toContain('data-setting="enabled">Single sign-on on: no</li>');
    expect(page).toContain("Your admin role has read permission only.");
    // The one form is the navigation's Sign out.
    expect(postForms(page)).toBe(1);
    expect(page).not.toContain("<textarea");
    expect(page).not.toContain('type="checkbox"');
    expect(page).not.toContain("Refresh now");
    expect(page).not.toContain("Remove the identity provider");
    expect((await b.post("/organization/sso/settings", { enabled: "true" }, csrf)).status).toBe(403);
    expect((await json(await identityProvider(admin.token))).enabled).toBe(false);
  });
});

const insertSignIns = (orgId: string, rows: { userName: string; outcome: "accepted" | "refused"; reason?: string; detail?: string; method: "sp" | "idp" }[]) =>
  env.DB.batch(
    rows.map((r, i) =>
      env.DB.prepare(
        "INSERT INTO sign_ins (org_id, at, user_name, user_id, outcome, reason, detail, method, assertion_id) VALUES (?, ?, ?, NULL, ?, ?, ?, ?, ?)",
      ).bind(
        orgId,
        new Date(Date.now() - (rows.length - i) * 60_000).toISOString(),
        r.userName,
        r.outcome,
        r.reason ?? null,
        r.detail ?? null,
        r.method,
        `_${crypto.randomUUID()}`,
      ),
    ),
  );

const rowsOf = (html: string) => [...html.matchAll(/<tr data-sign-in="(accepted|refused)"[^>]*>([\s\S]*?)<\/tr>/g)].map((m) => m[2]!);

describe("sign-ins page", () => {
  it("lists sign-ins newest first and filters them by outcome, method and reason", async () => {
    const admin = await verifiedAdmin();
    const other = await verifiedAdmin();
    await insertSignIns(admin.orgId, [
      { userName: "ann@contoso.test", outcome: "accepted", method: "sp" },
      { userName: "bob@contoso.test", outcome: "refused", reason: "not_provisioned", detail: "no user with this name was provisioned", method: "idp" },
      { userName: "cat@contoso.test", outcome: "refused", reason: "sso_disabled", detail: "single sign-on is turned off", method: "sp" },
    ]);
    await insertSignIns(other.orgId, [{ userName: "eve@elsewhere.test", outcome: "accepted", method: "sp" }]);
    const reader = await newAccount();
    await joinAsAdmin(admin, reader, "read");
    const { b } = await signedInAs(reader);

    const page = await (await b.get("/organization/sign-ins")).text();
    const rows = rowsOf(page);
    expect(rows).toHaveLength(3);
    expect(rows[0]).toContain("cat@contoso.test");
    expect(rows[1]).toContain("bob@contoso.test");
    expect(rows[1]).toContain("Entra (My Apps)");
    expect(rows[1]).toContain("no user with this name was provisioned");
    expect(rows[1]).toContain('title="not_provisioned"');
    expect(rows[2]).toContain("ann@contoso.test");
    expect(rows[2]).toContain("This service");
    expect(page).not.toContain("eve@elsewhere.test");
    expect(page.match(/<time datetime="/g)).toHaveLength(3);
    expect(readable(page)).not.toMatch(ISO);

    const refused = rowsOf(await (await b.get("/organization/sign-ins?outcome=refused")).text());
    expect(refused).toHaveLength(2);
    expect(refused.join()).not.toContain("ann@contoso.test");
    const fromMyApps = rowsOf(await (await b.get("/organization/sign-ins?outcome=refused&method=idp")).text());
    expect(fromMyApps).toHaveLength(1);
    expect(fromMyApps[0]).toContain("bob@contoso.test");
    const byReason = await (await b.get("/organization/sign-ins?reason=sso_disabled")).text();
    expect(rowsOf(byReason)).toHaveLength(1);
    expect(byReason).toMatch(/<option value="sso_disabled" selected="">/);
    expect(await (await b.get("/organization/sign-ins?method=sp&outcome=accepted&reason=expired")).text()).toContain("No sign-ins match.");
    const bad = await b.get("/organization/sign-ins?outcome=maybe");
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain("outcome must be");
  });

  it("pages with the cursor, keeping the filter", async () => {
    const admin = await verifiedAdmin();
    await insertSignIns(
      admin.orgId,
      Array.from({ length: 105 }, (_, i) => ({
        userName: `user${i}@contoso.test`,
        outcome: i % 2 === 0 ? ("accepted" as const) : ("refused" as const),
        method: "sp" as const,
      })),
    );
    await insertSignIns(
      admin.orgId,
      Array.from({ length: 100 }, (_, i) => ({ userName: `late${i}@contoso.test`, outcome: "accepted" as const, method: "sp" as const })),
    );
    const { b } = await signedInAs(admin);
    const first = await (await b.get("/organization/sign-ins?outcome=accepted")).text();
    expect(rowsOf(first)).toHaveLength(100);
    expect(rowsOf(first)[0]).toContain("late99@contoso.test");
    const older = first.match(/<a href="(\/organization\/sign-ins\?[^"]+)">\s*Older sign-ins/)![1]!.replaceAll("&amp;", "&");
    expect(older).toContain("outcome=accepted");
    const second = await (await b.get(older)).text();
    const rows = rowsOf(second);
    // The 53 accepted of the first 105 (every even one), newest first.
    expect(rows).toHaveLength(53);
    expect(rows[0]).toContain("user104@contoso.test");
    expect(rows.join()).not.toContain(">refused<");
    expect(second).not.toContain("Older sign-ins");
  });
});
