import { describe, expect, it } from "vitest";
import { call, entraUser, json, newAccount, send } from "../support/client";
import { authorize, authorizeQuery, challengeOf, codeOf, ENTRA_REDIRECT, registerClient, token } from "../support/oauth";
import { browser } from "../support/browser-session";
import { joinAsAdmin, verifiedAdmin } from "../support/world";

describe("/oauth/authorize", () => {
  it("shows an error page, never a redirect, for an unknown client or an unregistered redirect URI", async () => {
    const client = await registerClient();
    const b = browser();
    for (const query of [
      authorizeQuery("no-such-client"),
      authorizeQuery(client.clientId, { redirect_uri: "https://evil.example/steal" }),
      authorizeQuery(client.clientId, { redirect_uri: `${ENTRA_REDIRECT}/extra` }),
      "response_type=code",
    ]) {
      const r = await b.get(`/oauth/authorize?${query}`);
      expect(r.status, query).toBe(400);
      expect(r.headers.get("location"), query).toBeNull();
      expect(r.headers.get("content-type")).toContain("text/html");
    }
  });

  it("sends request errors back to the client with state and iss", async () => {
    const client = await registerClient();
    const b = browser();
    const cases: [Record<string, string>, string][] = [
      [{ response_type: "token" }, "unsupported_response_type"],
      [{ code_challenge: "a".repeat(43), code_challenge_method: "plain" }, "invalid_request"],
      [{ code_challenge: "a".repeat(43) }, "invalid_request"],
      [{ code_challenge_method: "S256" }, "invalid_request"],
    ];
    for (const [extra, error] of cases) {
      const r = await b.get(`/oauth/authorize?${authorizeQuery(client.clientId, extra)}`);
      expect(r.status).toBe(303);
      const to = new URL(r.headers.get("location")!);
      expect(`${to.origin}${to.pathname}`).toBe(ENTRA_REDIRECT);
      expect(to.searchParams.get("error")).toBe(error);
      expect(to.searchParams.get("state")).toBe("entra-state-42");
      expect(to.searchParams.get("iss")).toBe("https://scim.test");
    }
  });

  it("walks identifier, password (303), consent naming client and organization, and returns a code with state and iss", async () => {
    const admin = await verifiedAdmin();
    const client = await registerClient();
    const { answer, html } = await authorize(admin, authorizeQuery(client.clientId));
    expect(html).toContain("Microsoft Entra ID</strong> wants to manage users and groups of <strong>");
    expect(html).toContain(admin.domain);
    expect(answer.status).toBe(303);
    const to = new URL(answer.headers.get("location")!);
    expect(`${to.origin}${to.pathname}`).toBe(ENTRA_REDIRECT);
    expect(to.searchParams.get("code")).toMatch(/^ac_/);
    expect(to.searchParams.get("state")).toBe("entra-state-42");
    expect(to.searchParams.get("iss")).toBe("https://scim.test");
  });

  it("lets the admin through while someone elsewhere fails the admin's password over and over", async () => {
    const admin = await verifiedAdmin();
    const client = await registerClient();
    for (let i = 0; i < 30; i++) {
      await call("/api/sessions", {
        method: "POST",
        headers: { "content-type": "application/json", "cf-connecting-ip": `198.51.100.${i}` },
        body: JSON.stringify({ email: admin.email, password: "a wrong guess!" }),
      });
    }
    const { answer } = await authorize(admin, authorizeQuery(client.clientId));
    expect(answer.status).toBe(303);
    expect(new URL(answer.headers.get("location")!).searchParams.get("code")).toMatch(/^ac_/);
  });

  it("skips the password with an existing session, and answers Deny with access_denied", async () => {
    const admin = await verifiedAdmin();
    const client = await registerClient();
    const first = await authorize(admin, authorizeQuery(client.clientId), "deny");
    const denied = new URL(first.answer.headers.get("location")!);
    expect(denied.searchParams.get("error")).toBe("access_denied");
    expect(denied.searchParams.get("state")).toBe("entra-state-42");
    expect(denied.searchParams.has("code")).toBe(false);
    const again = await first.b.get(`/oauth/authorize?${authorizeQuery(client.clientId)}`);
    expect(await again.text()).toContain('name="decision"');
  });

  it("shows the same error for a wrong password and an unknown user", async () => {
    const admin = await verifiedAdmin();
    const client = await registerClient();
    const wrong = await authorize({ email: admin.email, password: "definitely wrong" }, authorizeQuery(client.clientId));
    const unknown = await authorize({ email: `nobody-${crypto.randomUUID()}@example.com`, password: "definitely wrong" }, authorizeQuery(client.clientId));
    expect(wrong.answer.status).toBe(401);
    expect(unknown.answer.status).toBe(401);
    expect(wrong.html).toContain("The user name or password is not correct.");
    expect(unknown.html.replace(/nobody-[^<"]+/g, "X").replace(/value="[^"]*"/g, "")).toBe(wrong.html.replace(admin.email, "X").replace(/value="[^"]*"/g, ""));
  });

  it("gives no code to an account that is not an organization admin", async () => {
    const loner = await newAccount();
    const client = await registerClient();
    const { answer, html } = await authorize(loner, authorizeQuery(client.clientId));
    expect(answer.status).toBe(403);
    expect(answer.headers.get("location")).toBeNull();
    expect(html).toContain("organization admin role with read &amp; write permission");
  });

  it("refuses a form without its CSRF token", async () => {
    const client = await registerClient();
    const b = browser();
    await b.get(`/oauth/authorize?${authorizeQuery(client.clientId)}`);
    const r = await b.post("/oauth/authorize/identify", { request: authorizeQuery(client.clientId), username: "a@b.c" });
    expect(r.status).toBe(403);
    expect((await b.get(`/oauth/authorize?${authorizeQuery(client.clientId)}`)).headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
  });
});

describe("the authorization code", () => {
  it("is exchanged once; a replay is refused and revokes every token issued from it", async () => {
    const admin = await verifiedAdmin();
    const client = await registerClient();
    const code = codeOf((await authorize(admin, authorizeQuery(client.clientId))).answer);
    const first = await token(client, { grant_type: "authorization_code", code, redirect_uri: ENTRA_REDIRECT });
    expect(first.status).toBe(200);
    expect(first.headers.get("cache-control")).toBe("no-store");
    expect(first.body).toMatchObject({ token_type: "Bearer", expires_in: 3600, scope: "scim", refresh_token: expect.stringMatching(/^rt_/) });
    expect((await send("GET", "/scim/v2/Users", first.body.access_token)).status).toBe(200);

    const replay = await token(client, { grant_type: "authorization_code", code, redirect_uri: ENTRA_REDIRECT });
    expect(replay.status).toBe(400);
    expect(replay.body.error).toBe("invalid_grant");
    expect((await send("GET", "/scim/v2/Users", first.body.access_token)).status).toBe(401);
    expect((await token(client, { grant_type: "refresh_token", refresh_token: first.body.refresh_token })).body.error).toBe("invalid_grant");
  });

  it("checks the client, the redirect URI and PKCE", async () => {
    const admin = await verifiedAdmin();
    const client = await registerClient();
    const other = await registerClient();
    const verifier = "v".repeat(50);
    const challenge = await challengeOf(verifier);
    const codeWith = async (extra: Record<string, string> = {}) => codeOf((await authorize(admin, authorizeQuery(client.clientId, extra))).answer);

    const c1 = await codeWith();
    expect((await token(other, { grant_type: "authorization_code", code: c1, redirect_uri: ENTRA_REDIRECT })).body.error).toBe("invalid_grant");
    const c2 = await codeWith();
    expect((await token(client, { grant_type: "authorization_code", code: c2, redirect_uri: "https://portal.azure.com/other" })).body.error).toBe(
      "invalid_grant",
    );
    const c3 = await codeWith({ code_challenge: challenge, code_challenge_method: "S256" });
    expect((await token(client, { grant_type: "authorization_code", code: c3, redirect_uri: ENTRA_REDIRECT, code_verifier: "w".repeat(50) })).body.error).toBe(
      "invalid_grant",
    );
    const c4 = await codeWith({ code_challenge: challenge, code_challenge_method: "S256" });
    expect((await token(client, { grant_type: "authorization_code", code: c4, redirect_uri: ENTRA_REDIRECT })).body.error).toBe("invalid_grant");
    // A verifier without a challenge is a downgrade attempt (RFC 9700).
    const c5 = await codeWith();
    expect((await token(client, { grant_type: "authorization_code", code: c5, redirect_uri: ENTRA_REDIRECT, code_verifier: verifier })).body.error).toBe(
      "invalid_grant",
    );
    const c6 = await codeWith({ code_challenge: challenge, code_challenge_method: "S256" });
    const ok = await token(client, { grant_type: "authorization_code", code: c6, redirect_uri: ENTRA_REDIRECT, code_verifier: verifier }, "post");
    expect(ok.status).toBe(200);
  });
});

describe("read-only admins", () => {
  it("may authorize; their tokens read SCIM and every write gets 403 with a clear detail", async () => {
    const owner = await verifiedAdmin();
    const reader = await newAccount();
    await joinAsAdmin(owner, reader, "read");
    const client = await registerClient();
    const { answer, html } = await authorize(reader, authorizeQuery(client.clientId));
    expect(html).toContain("read permission only");
    const tokens = await token(client, { grant_type: "authorization_code", code: codeOf(answer), redirect_uri: ENTRA_REDIRECT });
    const access = tokens.body.access_token;
    expect((await send("GET", "/scim/v2/Users", access)).status).toBe(200);
    const write = await send("POST", "/scim/v2/Users", access, entraUser(`x@${owner.domain}`));
    expect(write.status).toBe(403);
    expect((await json(write)).detail).toContain("read permission only");
  });
});
