import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, json, newAccount, send } from "../support/client";
import { browser, signedInAs } from "../support/browser-session";
import { joinAsAdmin, stubWorld, verifiedAdmin } from "../support/world";

describe("pages", () => {
  it("sends a CSP with frame-ancestors 'none' and serves its own script and styles", async () => {
    const r = await call("/login");
    expect(r.status).toBe(200);
    const csp = r.headers.get("content-security-policy")!;
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(r.headers.get("x-frame-options")).toBe("DENY");
    const html = await r.text();
    // Standards mode: without a doctype, browsers lay the page out by quirks.
    expect(html.startsWith('<!DOCTYPE html><html lang="en">')).toBe(true);
    expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1"/>');
    expect(html).toMatch(/<label for="email">/);
    expect(html).not.toMatch(/<script>|style="/);
    expect((await call("/assets/app.js")).headers.get("content-type")).toContain("javascript");
    // The SCIM API does not get page headers.
    expect((await call("/scim/v2/ServiceProviderConfig")).headers.get("content-security-policy")).toBeNull();
  });

  it("signs up, claims the e-mail domain and shows the record to publish", async () => {
    const b = browser();
    const email = `page${crypto.randomUUID().slice(0, 6)}@pages-${crypto.randomUUID().slice(0, 6)}.example.com`;
    const form = await b.get("/signup");
    const csrf = b.csrfOf(await form.text());
    const created = await b.post("/signup", { email, name: "Page User", password: "page password 123" }, csrf);
    expect(created.status).toBe(303);
    expect(created.headers.get("location")).toBe("/dashboard");
    const dashboard = await b.get("/dashboard");
    const html = await dashboard.text();
    const domain = email.split("@")[1]!;
    const row = await env.DB.prepare("SELECT verification_code FROM domains WHERE domain = ?").bind(domain).first<{ verification_code: string }>();
    expect(html).toContain(`data-domain="${domain}"`);
    expect(html).toContain(`goto-verification-code=${row!.verification_code}`);
    expect(html).toContain(`http://${domain}/goto-verification-code.txt`);
    expect(html).toContain('data-status="pending"');
    expect(html).toContain("Verify now");
  });

  it("refuses a form without the CSRF token", async () => {
    const b = browser();
    await b.get("/login");
    const forged = await b.post("/login", { email: "x@example.com", password: "whatever whatever" });
    expect(forged.status).toBe(403);
    const wrong = await b.post("/login", { email: "x@example.com", password: "whatever whatever" }, "csrf_wrong");
    expect(wrong.status).toBe(403);
  });

  it("signs in and out, and shows a readable error for a wrong password", async () => {
    const account = await newAccount();
    const b = browser();
    const csrf = b.csrfOf(await (await b.get("/login")).text());
    const wrong = await b.post("/login", { email: account.email, password: "wrong wrong wrong" }, csrf);
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).toContain("The e-mail or password is not correct.");
    const ok = await b.post("/login", { email: account.email, password: account.password }, csrf);
    expect(ok.status).toBe(303);
    expect((await b.get("/dashboard")).status).toBe(200);
    const out = await b.post("/logout", {}, csrf);
    expect(out.headers.get("location")).toBe("/login");
    const after = await b.get("/dashboard");
    expect(after.status).toBe(303);
    expect(after.headers.get("location")).toBe("/login");
  });

  it("verifies now from the dashboard, then manages admins and tokens", async () => {
    const world = stubWorld();
    const account = await newAccount();
    const b = browser();
    const csrf = b.csrfOf(await (await b.get("/login")).text());
    await b.post("/login", { email: account.email, password: account.password }, csrf);
    await b.post("/dashboard/domains", { domain: account.domain }, csrf);
    const code = (await json(await send("GET", `/api/domains/${account.domain}`, account.token))).verificationCode;
    world.publishTxt(account.domain, `goto-verification-code=${code}`);
    const verified = await b.post(`/dashboard/domains/${account.domain}/verify`, {}, csrf);
    expect(verified.status).toBe(303);
    expect(await (await b.get("/dashboard")).text()).toContain('data-status="verified"');

    const orgPage = await (await b.get("/organization")).text();
    expect(orgPage).toContain(account.email);
    const other = await newAccount();
    const invited = await b.post("/organization/admins", { email: other.email, permission: "read" }, csrf);
    expect(invited.status).toBe(202);
    expect(await invited.text()).toContain(`Invitation sent to ${other.email}`);
    const pendingPage = await (await b.get("/organization")).text();
    expect(pendingPage).toContain("Invitations not yet accepted");
    expect(pendingPage).toContain(other.email);
    // The invited admin accepts on its Account page.
    const { b: ob, csrf: ocsrf } = await signedInAs(other);
    expect(await (await ob.get("/dashboard")).text()).toContain("see your invitations");
    const accountPage = await (await ob.get("/account")).text();
    const invitationId = accountPage.match(/data-invitation="([^"]+)"/)![1]!;
    const accepted = await ob.post(`/account/invitations/${invitationId}/accept`, {}, ocsrf);
    expect(accepted.status).toBe(303);
    expect(accepted.headers.get("location")).toBe("/organization");
    const orgPage2 = await (await b.get("/organization")).text();
    expect(orgPage2).not.toContain("Invitations not yet accepted");
    expect(orgPage2).toContain(`data-admin="${other.id}"`);

    const created = await b.post("/organization/tokens", { description: "From the page" }, csrf);
    expect(created.status).toBe(201);
    expect(created.headers.get("cache-control")).toBe("no-store");
    const token = (await created.text()).match(/data-copy="(scim_[^"]+)"/)![1]!;
    expect((await send("GET", "/scim/v2/Users", token)).status).toBe(200);
    const list = await (await b.get("/organization/tokens")).text();
    expect(list).toContain("From the page");
    expect(list).not.toContain(token);
  });

  it("shows read-only admins everything and lets them change nothing", async () => {
    const owner = await verifiedAdmin();
    const reader = await newAccount();
    await joinAsAdmin(owner, reader, "read");
    const b = browser();
    const csrf = b.csrfOf(await (await b.get("/login")).text());
    await b.post("/login", { email: reader.email, password: reader.password }, csrf);
    const page = await (await b.get("/organization")).text();
    expect(page).toContain("read permission only");
    expect(page).not.toContain('action="/organization/admins"');
    expect((await b.post("/organization", { name: "Hijacked" }, csrf)).status).toBe(403);
    expect((await b.post("/organization/tokens", { description: "x" }, csrf)).status).toBe(403);
    expect((await json(await send("GET", "/api/organization", owner.token))).name).not.toBe("Hijacked");
  });
});
