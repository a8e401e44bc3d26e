import { describe, expect, it } from "vitest";
import { browser, signedInAs } from "../support/browser-session";
import { BASE, call, json, newAccount, OPERATOR, send } from "../support/client";
import { verifiedAdmin } from "../support/world";

const EVIL = "https://evil.example";

/** What a cross-site HTML form (or a no-cors fetch) can send: a simple content type, the attacker's Origin. */
const forged = (path: string, body: string, type = "text/plain", extra: Record<string, string> = {}) =>
  call(path, { method: "POST", headers: { "content-type": type, origin: EVIL, "sec-fetch-site": "cross-site", ...extra }, body });

describe("cross-site requests", () => {
  it("cannot sign a browser in or create an account through the JSON API", async () => {
    const attacker = await newAccount();
    const signIn = await forged("/api/sessions", JSON.stringify({ email: attacker.email, password: attacker.password }));
    expect(signIn.status).toBe(403);
    expect(signIn.headers.get("set-cookie")).toBeNull();
    const signUp = await forged(
      "/api/accounts",
      JSON.stringify({ email: `x-${crypto.randomUUID().slice(0, 6)}@example.com`, password: "long enough password" }),
    );
    expect(signUp.status).toBe(403);
    expect(await json(signUp)).toMatchObject({ error: "cross_site_request" });
  });

  it("refuses non-JSON bodies on the JSON API with 415, even from the site itself", async () => {
    const account = await newAccount();
    const body = JSON.stringify({ email: account.email, password: account.password });
    for (const type of ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/scim+json"]) {
      const r = await call("/api/sessions", { method: "POST", headers: { "content-type": type, origin: BASE }, body });
      expect(r.status, type).toBe(415);
      expect(await json(r)).toMatchObject({ error: "unsupported_media_type" });
    }
    const noType = await call("/api/accounts", { method: "POST", headers: { origin: BASE }, body });
    expect(noType.status).toBe(415);
    // The real thing still works, charset and all.
    const ok = await call("/api/sessions", { method: "POST", headers: { "content-type": "application/json; charset=utf-8", origin: BASE }, body });
    expect(ok.status).toBe(201);
  });

  it("cannot sign a browser in, sign it up or change anything through the pages", async () => {
    const attacker = await newAccount();
    const victim = browser();
    const csrf = victim.csrfOf(await (await victim.get("/login")).text());
    const cookie = [...victim.jar].map(([k, v]) => `${k}=${v}`).join("; ");
    // Even with a valid CSRF pair (say, planted earlier), another site's form is refused.
    const form = new URLSearchParams({ email: attacker.email, password: attacker.password, _csrf: csrf }).toString();
    const login = await forged("/login", form, "application/x-www-form-urlencoded", { cookie });
    expect(login.status).toBe(403);
    expect(login.headers.getSetCookie().some((c) => c.includes("edge_scim_session"))).toBe(false);
    expect((await forged("/signup", form, "application/x-www-form-urlencoded", { cookie })).status).toBe(403);
    // A same-site subdomain is another origin too.
    const sibling = await call("/login", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", cookie, origin: "https://other.scim.test", "sec-fetch-site": "same-site" },
      body: form,
    });
    expect(sibling.status).toBe(403);
    // A form post with neither Origin nor Sec-Fetch-Site is refused rather than guessed about.
    const anonymous = await call("/login", { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", cookie }, body: form });
    expect(anonymous.status).toBe(403);
  });

  it("cannot use a signed-in browser's cookie, even with a body-less no-cors POST", async () => {
    const admin = await verifiedAdmin();
    const { cookie } = await signedInAs(admin);
    const noBody = await call("/api/organization/scim-tokens", { method: "POST", headers: { cookie, origin: EVIL } });
    expect(noBody.status).toBe(403);
    const fetchMeta = await call(`/api/organization/scim-tokens`, { method: "POST", headers: { cookie, "sec-fetch-site": "cross-site" } });
    expect(fetchMeta.status).toBe(403);
    const out = await call("/api/sessions/current", { method: "DELETE", headers: { cookie, origin: EVIL } });
    expect(out.status).toBe(403);
    expect((await json(await send("GET", "/api/organization/scim-tokens", admin.token))).tokens).toEqual([]);
    // The same request from the site itself goes through.
    const own = await call("/api/organization/scim-tokens", {
      method: "POST",
      headers: { cookie, origin: BASE, "sec-fetch-site": "same-origin", "content-type": "application/json" },
      body: "{}",
    });
    expect(own.status).toBe(201);
  });

  it("leaves Bearer clients, token requests and SCIM alone: no Origin is needed", async () => {
    const admin = await verifiedAdmin();
    expect((await send("POST", "/api/organization/scim-tokens", admin.token, {})).status).toBe(201);
    expect((await send("POST", "/api/operator/organizations", OPERATOR, { name: "No origin", domains: [] })).status).toBe(201);
    const token = await call("/oauth/token", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "grant_type=client_credentials",
    });
    expect(token.status).toBe(401);
    expect(await json(token)).toMatchObject({ error: "invalid_client" });
  });
});

describe("answers", () => {
  it("carry nosniff, and no-store on every API answer, secrets included", async () => {
    const admin = await verifiedAdmin();
    const created = await send("POST", "/api/organization/scim-tokens", admin.token, {});
    expect(created.headers.get("cache-control")).toBe("no-store");
    expect(created.headers.get("x-content-type-options")).toBe("nosniff");
    const client = await send("POST", "/api/organization/scim-clients", admin.token, {});
    expect(client.headers.get("cache-control")).toBe("no-store");
    const session = await send("POST", "/api/sessions", "", { email: admin.email, password: admin.password });
    expect(session.headers.get("cache-control")).toBe("no-store");
    const op = await send("POST", "/api/operator/oauth-clients", OPERATOR, { name: "X", redirectUris: ["https://portal.azure.com/TokenAuthorize"] });
    expect(op.headers.get("cache-control")).toBe("no-store");
    expect((await call("/healthz")).headers.get("x-content-type-options")).toBe("nosniff");
    expect((await send("GET", "/scim/v2/Users", "nope")).headers.get("x-content-type-options")).toBe("nosniff");
    const notFound = await call("/api/nothing-here");
    expect(notFound.headers.get("x-content-type-options")).toBe("nosniff");
  });

  it("cap request bodies on /api and /oauth", async () => {
    const big = JSON.stringify({ email: "a@example.com", password: "x".repeat(70 * 1024) });
    const api = await call("/api/sessions", { method: "POST", headers: { "content-type": "application/json" }, body: big });
    expect(api.status).toBe(413);
    expect(await json(api)).toMatchObject({ error: "payload_too_large" });
    const oauth = await call("/oauth/token", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: `grant_type=client_credentials&pad=${"x".repeat(20 * 1024)}`,
    });
    expect(oauth.status).toBe(413);
    expect(await json(oauth)).toMatchObject({ error: "invalid_request" });
  });
});
