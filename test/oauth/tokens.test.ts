import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createScheduledController } from "cloudflare:test";
import worker from "../../src/index";
import { rotateSigningKeys } from "../../src/oauth/keys";
import { configOf } from "../../src/shared/config";
import { sha256Hex } from "../../src/shared/secrets";
import { orgWriter } from "../../src/writer/address";
import { call, entraUser, json, send } from "../support/client";
import { codeGrant, registerClient, token } from "../support/oauth";
import { verifiedAdmin } from "../support/world";

const decode = (jwt: string) => JSON.parse(atob(jwt.split(".")[1]!.replace(/-/g, "+").replace(/_/g, "/"))) as Record<string, any>;
const header = (jwt: string) => JSON.parse(atob(jwt.split(".")[0]!.replace(/-/g, "+").replace(/_/g, "/"))) as Record<string, any>;

describe("access tokens", () => {
  it("are ES256 JWTs with kid and the documented claims, verifiable with the published keys", async () => {
    const { admin, client, tokens } = await codeGrant();
    expect(header(tokens.access_token)).toMatchObject({ alg: "ES256", kid: expect.any(String) });
    const claims = decode(tokens.access_token);
    expect(claims).toMatchObject({
      iss: "https://scim.test",
      sub: admin.id,
      aud: "https://scim.test/scim/v2",
      org: admin.orgId,
      scope: "scim",
      client_id: client.clientId,
      gid: expect.any(String),
      jti: expect.any(String),
    });
    expect(claims.exp - claims.iat).toBe(3600);
    const jwks = await json(await call("/.well-known/jwks.json"));
    expect(jwks.keys.map((k: { kid: string }) => k.kid)).toContain(header(tokens.access_token).kid);
    for (const key of jwks.keys) {
      expect(key).not.toHaveProperty("d");
      expect(key).toMatchObject({ kty: "EC", crv: "P-256", alg: "ES256", use: "sig" });
    }
    const stored = await env.DB.prepare("SELECT private_jwk_sealed FROM signing_keys").all<{ private_jwk_sealed: string }>();
    for (const row of stored.results) expect(row.private_jwk_sealed).not.toContain('"d"');
  });

  it("are refused when tampered with", async () => {
    const { tokens } = await codeGrant();
    const [h, p, s] = tokens.access_token.split(".");
    const forged = btoa(JSON.stringify({ ...decode(tokens.access_token), org: "someone-else" }))
      .replace(/=+$/, "")
      .replace(/\+/g, "-")
      .replace(/\//g, "_");
    expect((await send("GET", "/scim/v2/Users", `${h}.${forged}.${s}`)).status).toBe(401);
    expect((await send("GET", "/scim/v2/Users", `${h}.${p}.${s!.slice(0, -4)}AAAA`)).status).toBe(401);
  });

  it("keep working across a key rotation until they expire", async () => {
    const { client, tokens } = await codeGrant();
    const oldKid = header(tokens.access_token).kid;
    // The key retires: rotation makes a new one, the old public key stays published.
    await env.DB.prepare("UPDATE signing_keys SET retires_at = ? WHERE kid = ?")
      .bind(new Date(Date.now() - 1000).toISOString(), oldKid)
      .run();
    // The cron does the rotation.
    await worker.scheduled(createScheduledController({ scheduledTime: Date.now(), cron: "*/5 * * * *" }), env);
    const refreshed = await token(client, { grant_type: "refresh_token", refresh_token: tokens.refresh_token });
    expect(header(refreshed.body.access_token).kid).not.toBe(oldKid);
    const kids = (await json(await call("/.well-known/jwks.json"))).keys.map((k: { kid: string }) => k.kid);
    expect(kids).toEqual(expect.arrayContaining([oldKid, header(refreshed.body.access_token).kid]));
    expect((await send("GET", "/scim/v2/Users", tokens.access_token)).status).toBe(200);
    expect((await send("GET", "/scim/v2/Users", refreshed.body.access_token)).status).toBe(200);
    // Once every token it signed has expired, the old key is dropped.
    await env.DB.prepare("UPDATE signing_keys SET drop_after = ? WHERE kid = ?")
      .bind(new Date(Date.now() - 1000).toISOString(), oldKid)
      .run();
    await rotateSigningKeys(env.DB, env.KEY_ENCRYPTION_SECRET, new Date());
    expect((await json(await call("/.well-known/jwks.json"))).keys.map((k: { kid: string }) => k.kid)).not.toContain(oldKid);
  });
});

describe("token lifetime", () => {
  it("is ACCESS_TOKEN_MINUTES, within Entra's 60 minutes to 6 hours; a value outside it is refused, naming the variable", () => {
    const withMinutes = (value: string) => () => configOf({ ...env, ACCESS_TOKEN_MINUTES: value }).accessTokenMinutes;
    expect(withMinutes("60")()).toBe(60);
    expect(withMinutes("120")()).toBe(120);
    expect(withMinutes("360")()).toBe(360);
    for (const bad of ["5", "10000", "soon"]) expect(withMinutes(bad)).toThrow(/^ACCESS_TOKEN_MINUTES must be a whole number from 60 to 360/);
  });
});

describe("refresh tokens", () => {
  it("rotate on every use; presenting a rotated one after its successor was used revokes the grant", async () => {
    const { client, tokens } = await codeGrant();
    const second = await token(client, { grant_type: "refresh_token", refresh_token: tokens.refresh_token });
    expect(second.status).toBe(200);
    expect(second.body.refresh_token).not.toBe(tokens.refresh_token);
    const third = await token(client, { grant_type: "refresh_token", refresh_token: second.body.refresh_token });
    expect(third.status).toBe(200);
    // Within the grace period, yet the successor was used: only a thief would still hold the first token.
    const reuse = await token(client, { grant_type: "refresh_token", refresh_token: tokens.refresh_token });
    expect(reuse.body.error).toBe("invalid_grant");
    expect((await token(client, { grant_type: "refresh_token", refresh_token: third.body.refresh_token })).body.error).toBe("invalid_grant");
    expect((await send("GET", "/scim/v2/Users", third.body.access_token)).status).toBe(401);
  });

  it("answer every concurrent retry of one refresh token, leaving exactly one refresh token live", async () => {
    const { client, tokens } = await codeGrant();
    const answers = await Promise.all(Array.from({ length: 5 }, () => token(client, { grant_type: "refresh_token", refresh_token: tokens.refresh_token })));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
    const issued = answers.map((a) => a.body.refresh_token as string);
    expect(new Set(issued).size).toBe(5);
    // The writer decides one at a time: the last answer's token is the one left; the others were replaced.
    const live = await env.DB.prepare("SELECT token_hash FROM refresh_tokens WHERE grant_id = ? AND rotated_at IS NULL")
      .bind(decode(tokens.access_token).gid)
      .all<{ token_hash: string }>();
    expect(live.results).toHaveLength(1);
    const hashes = await Promise.all(issued.map((t) => sha256Hex(t)));
    const survivor = issued[hashes.indexOf(live.results[0]!.token_hash)]!;
    expect(survivor).toBeDefined();
    for (const replaced of issued.filter((t) => t !== survivor)) {
      expect((await token(client, { grant_type: "refresh_token", refresh_token: replaced })).body.error).toBe("invalid_grant");
    }
    // A replaced token is simply unknown: the grant stands and the survivor refreshes.
    expect((await token(client, { grant_type: "refresh_token", refresh_token: survivor })).status).toBe(200);
    expect((await send("GET", "/scim/v2/Users", answers[0]!.body.access_token)).status).toBe(200);
  });

  it("with no grace period, never let two concurrent refreshes both succeed, and reuse revokes", async () => {
    const { admin, client, tokens } = await codeGrant();
    const writer = orgWriter(env, admin.orgId);
    const hash = await sha256Hex(tokens.refresh_token);
    const now = Date.now();
    const results = await Promise.all(Array.from({ length: 5 }, () => writer.rotateRefresh(admin.orgId, hash, client.clientId, now, 0)));
    const winners = results.filter((r) => r.ok);
    expect(winners).toHaveLength(1);
    expect(results.filter((r) => !r.ok && r.error === "invalid_grant")).toHaveLength(4);
    // The first reuse revoked the grant, so the winner's token is refused too.
    const won = winners[0]!;
    if (!won.ok) throw new Error("unreachable");
    expect((await token(client, { grant_type: "refresh_token", refresh_token: won.refreshToken })).body.error).toBe("invalid_grant");
    expect((await send("GET", "/scim/v2/Users", tokens.access_token)).status).toBe(401);
  });

  it("stop working when the admin is removed, and so do access tokens", async () => {
    const { admin, client, tokens } = await codeGrant();
    const { newAccount } = await import("../support/client");
    const other = await newAccount();
    const { joinAsAdmin } = await import("../support/world");
    await joinAsAdmin(admin, other, "read-write");
    const otherSession = other.token;
    expect((await send("DELETE", `/api/organization/admins/${admin.id}`, otherSession)).status).toBe(204);
    expect((await send("GET", "/scim/v2/Users", tokens.access_token)).status).toBe(401);
    expect((await token(client, { grant_type: "refresh_token", refresh_token: tokens.refresh_token })).body.error).toBe("invalid_grant");
  });
});

describe("the token endpoint", () => {
  it("answers errors per RFC 6749 section 5.2, uncached", async () => {
    const client = await registerClient();
    const bad = await token({ clientId: client.clientId, clientSecret: "cs_wrong" }, { grant_type: "client_credentials" });
    expect(bad.status).toBe(401);
    expect(bad.headers.get("www-authenticate")).toContain("Basic");
    expect(bad.body.error).toBe("invalid_client");
    expect((await token(client, { grant_type: "password" })).body.error).toBe("unsupported_grant_type");
    expect((await token(client, { grant_type: "client_credentials" })).body.error).toBe("unauthorized_client");
    expect((await token(client, { grant_type: "authorization_code", code: "ac_nope" })).body.error).toBe("invalid_grant");
    const json = await call("/oauth/token", { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    expect(json.status).toBe(400);
    expect(json.headers.get("cache-control")).toBe("no-store");
    expect(await json.json()).toMatchObject({ error: "invalid_request" });
  });

  it("publishes RFC 8414 metadata", async () => {
    const meta = await json(await call("/.well-known/oauth-authorization-server"));
    expect(meta).toMatchObject({
      issuer: "https://scim.test",
      authorization_endpoint: "https://scim.test/oauth/authorize",
      token_endpoint: "https://scim.test/oauth/token",
      revocation_endpoint: "https://scim.test/oauth/revoke",
      jwks_uri: "https://scim.test/.well-known/jwks.json",
      code_challenge_methods_supported: ["S256"],
      grant_types_supported: ["authorization_code", "refresh_token", "client_credentials"],
    });
  });

  it("revokes a grant through /oauth/revoke (RFC 7009)", async () => {
    const { client, tokens } = await codeGrant();
    const body = new URLSearchParams({ token: tokens.refresh_token, client_id: client.clientId, client_secret: client.clientSecret });
    const r = await call("/oauth/revoke", { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: body.toString() });
    expect(r.status).toBe(200);
    expect((await send("GET", "/scim/v2/Users", tokens.access_token)).status).toBe(401);
    const unknown = new URLSearchParams({ token: "rt_unknown", client_id: client.clientId, client_secret: client.clientSecret });
    expect(
      (await call("/oauth/revoke", { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: unknown.toString() })).status,
    ).toBe(200);
  });
});

describe("organization SCIM clients (client credentials)", () => {
  it("issue tokens by Basic and by body, with several secrets, refusing expired and removed ones", async () => {
    const admin = await verifiedAdmin();
    const created = await send("POST", "/api/organization/scim-clients", admin.token, { name: "Entra" });
    expect(created.status).toBe(201);
    const client = await json(created);
    expect(Date.parse(client.secretExpiresAt) - Date.now()).toBeGreaterThan(364 * 86400_000);
    const creds = { clientId: client.clientId, clientSecret: client.clientSecret };
    const basic = await token(creds, { grant_type: "client_credentials" });
    expect(basic.status).toBe(200);
    expect(basic.body).not.toHaveProperty("refresh_token");
    expect((await token(creds, { grant_type: "client_credentials" }, "post")).status).toBe(200);
    expect((await send("POST", "/scim/v2/Users", basic.body.access_token, entraUser(`cc@${admin.domain}`))).status).toBe(201);

    const second = await json(await send("POST", `/api/organization/scim-clients/${client.clientId}/secrets`, admin.token, { expiresInDays: 1095 }));
    expect((await send("POST", `/api/organization/scim-clients/${client.clientId}/secrets`, admin.token, { expiresInDays: 1096 })).status).toBe(400);
    const creds2 = { clientId: client.clientId, clientSecret: second.clientSecret };
    expect((await token(creds2, { grant_type: "client_credentials" })).status).toBe(200);
    const listed = await json(await send("GET", "/api/organization/scim-clients", admin.token));
    expect(listed.clients[0].secrets).toHaveLength(2);
    expect(JSON.stringify(listed)).not.toContain(client.clientSecret);

    // Removing the first secret refuses it and ends the tokens obtained with it.
    expect((await send("DELETE", `/api/organization/scim-clients/${client.clientId}/secrets/${client.secretId}`, admin.token)).status).toBe(204);
    expect((await token(creds, { grant_type: "client_credentials" })).status).toBe(401);
    expect((await send("GET", "/scim/v2/Users", basic.body.access_token)).status).toBe(401);
    expect((await token(creds2, { grant_type: "client_credentials" })).status).toBe(200);

    // An expired secret is refused.
    await env.DB.prepare("UPDATE oauth_client_secrets SET expires_at = ? WHERE id = ?")
      .bind(new Date(Date.now() - 1000).toISOString(), second.secretId)
      .run();
    expect((await token(creds2, { grant_type: "client_credentials" })).body.error).toBe("invalid_client");
    const stored = await env.DB.prepare("SELECT secret_hash FROM oauth_client_secrets WHERE client_id = ?").bind(client.clientId).all();
    expect(JSON.stringify(stored.results)).not.toContain(second.clientSecret);
  });

  it("keep organization A's token off organization B's resources", async () => {
    const a = await verifiedAdmin();
    const b = await verifiedAdmin();
    const bUser = await json(
      await send("POST", "/scim/v2/Users", (await json(await send("POST", "/api/organization/scim-tokens", b.token, {}))).token, entraUser(`b@${b.domain}`)),
    );
    const aClient = await json(await send("POST", "/api/organization/scim-clients", a.token, {}));
    const aToken = (await token({ clientId: aClient.clientId, clientSecret: aClient.clientSecret }, { grant_type: "client_credentials" })).body.access_token;
    expect((await send("GET", `/scim/v2/Users/${bUser.id}`, aToken)).status).toBe(404);
    expect((await send("DELETE", `/scim/v2/Users/${bUser.id}`, aToken)).status).toBe(404);
    expect((await json(await send("GET", "/scim/v2/Users", aToken))).totalResults).toBe(0);
    expect((await send("DELETE", `/api/organization/scim-clients/${aClient.clientId}/secrets/${aClient.secretId}`, b.token)).status).toBe(404);
  });
});

describe("the full Entra path", () => {
  it("authorize, token, Test Connection, refresh, and provisioning goes on", async () => {
    const { admin, client, tokens } = await codeGrant();
    const test = await send("GET", `/scim/v2/Users?filter=userName+eq+%22${crypto.randomUUID()}%22`, tokens.access_token);
    expect(test.status).toBe(200);
    expect((await json(test)).totalResults).toBe(0);
    expect((await send("POST", "/scim/v2/Users", tokens.access_token, entraUser(`first@${admin.domain}`))).status).toBe(201);
    // The next cycle starts with a refresh.
    const next = await token(client, { grant_type: "refresh_token", refresh_token: tokens.refresh_token });
    expect(next.status).toBe(200);
    expect((await send("POST", "/scim/v2/Users", next.body.access_token, entraUser(`second@${admin.domain}`))).status).toBe(201);
    expect((await json(await send("GET", "/scim/v2/Users", next.body.access_token))).totalResults).toBe(2);
    const apps = await json(await send("GET", "/api/organization/connected-apps", admin.token));
    expect(apps.apps).toEqual([expect.objectContaining({ clientId: client.clientId, authorizedBy: admin.email, lastUsedAt: expect.any(String) })]);
    expect((await send("DELETE", `/api/organization/connected-apps/${apps.apps[0].grantId}`, admin.token)).status).toBe(204);
    expect((await send("GET", "/scim/v2/Users", next.body.access_token)).status).toBe(401);
  });
});
