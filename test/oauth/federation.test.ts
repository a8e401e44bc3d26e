// Workload identity federation: Entra's tenant signs a token for the organization's audience, and the token
// endpoint trades it for an access token. The issuer is made in the test (its keys and documents served
// through the injected fetch), so every refusal can be tried.
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { exportJWK, generateKeyPair, type JWK, SignJWT } from "jose";
import { call, entraUser, json, newAccount, send } from "../support/client";
import { joinAsAdmin, verifiedAdmin } from "../support/world";

const JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
const SUBJECT = "5e9d1f3c-0000-4000-8000-00000000beef";

type Key = { kid: string; privateKey: CryptoKey; jwk: JWK };
const newKey = async (alg: "RS256" | "ES256" = "RS256"): Promise<Key> => {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const kid = crypto.randomUUID();
  return { kid, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg, use: "sig" } };
};

/** A test issuer on `host`: its discovery document and JWKS, served by the admin's fake world; it counts fetches. */
function issuerAt(world: Awaited<ReturnType<typeof verifiedAdmin>>["world"], host: string) {
  const issuer = `https://${host}/tenant/v2.0`;
  const state = { keys: [] as Key[], fetches: 0, down: false };
  world.on(host, (url) => {
    if (state.down) return new Response("down", { status: 503 });
    if (url.pathname === "/tenant/v2.0/.well-known/openid-configuration") return Response.json({ issuer, jwks_uri: `https://${host}/tenant/keys` });
    if (url.pathname === "/tenant/keys") {
      state.fetches++;
      return Response.json({ keys: state.keys.map((k) => k.jwk) });
    }
    return new Response("not found", { status: 404 });
  });
  return { issuer, state };
}

/** An assertion as Entra makes it (with `uti`, no `jti`), every part overridable. */
async function assertion(key: Key, claims: Record<string, unknown>, header: Record<string, unknown> = {}, lifetimeSeconds = 600) {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ uti: crypto.randomUUID(), iat: now, nbf: now, exp: now + lifetimeSeconds, ...claims })
    .setProtectedHeader({ alg: key.jwk.alg as string, kid: key.kid, typ: "JWT", ...header })
    .sign(key.privateKey);
}

const exchange = async (clientAssertion: string, extra: Record<string, string> = {}) => {
  const r = await call("/oauth/token", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "client_credentials",
      client_assertion_type: JWT_BEARER,
      client_assertion: clientAssertion,
      scope: "scim",
      ...extra,
    }).toString(),
  });
  return { status: r.status, body: (await r.json()) as Record<string, string> };
};

/** An admin's organization trusting a test issuer for SUBJECT, with the default audience. */
async function federated(host = `login-${crypto.randomUUID().slice(0, 8)}.test`) {
  const admin = await verifiedAdmin();
  const { issuer, state } = issuerAt(admin.world, host);
  const key = await newKey();
  state.keys.push(key);
  const created = await send("POST", "/api/organization/federated-credentials", admin.token, { name: "Entra provisioning", issuer, subject: SUBJECT });
  expect(created.status).toBe(201);
  const credential = await json(created);
  const sign = (claims: Record<string, unknown> = {}, by = key, header: Record<string, unknown> = {}, lifetime?: number) =>
    assertion(by, { iss: issuer, sub: SUBJECT, aud: credential.audience, ...claims }, header, lifetime);
  return { admin, issuer, state, key, credential, sign };
}

const authenticateFailures = async (admin: { token: string }) =>
  (
    (await json(await send("GET", "/api/organization/provisioning-events?operation=authenticate", admin.token))).events as { error: string; status: number }[]
  ).map((e) => e.error);

afterEach(() => {
  vi.useRealTimers();
});

describe("federated credentials", () => {
  it("default to an audience that names the organization, and one issuer + subject + audience belongs to one organization", async () => {
    const { admin, issuer, credential } = await federated();
    expect(credential).toMatchObject({ name: "Entra provisioning", issuer, subject: SUBJECT, audience: `api://scim.test/${admin.orgId}` });
    const listed = await json(await send("GET", "/api/organization/federated-credentials", admin.token));
    expect(listed).toEqual({ credentials: [credential], defaultAudience: `api://scim.test/${admin.orgId}` });
    // Another organization cannot name this one's audience (its Entra's tokens would provision there) or a generic
    // one; the same organization cannot hold the same triple twice.
    const other = await verifiedAdmin();
    const create = (token: string, body: Record<string, string>) =>
      send("POST", "/api/organization/federated-credentials", token, { name: "x", issuer, subject: SUBJECT, ...body });
    const squat = await create(other.token, { audience: credential.audience });
    expect(squat.status).toBe(400);
    expect((await json(squat)).error).toBe("invalid_audience");
    expect((await create(other.token, { audience: "api://AzureADTokenExchange" })).status).toBe(400);
    expect((await create(admin.token, {})).status).toBe(409);
    // Issuers are https (http only on loopback); a read-only admin cannot add one.
    const plain = await send("POST", "/api/organization/federated-credentials", admin.token, {
      name: "x",
      issuer: "http://issuer.example/v2.0",
      subject: SUBJECT,
    });
    expect(plain.status).toBe(400);
    const reader = await newAccount();
    await joinAsAdmin(admin, reader, "read");
    expect((await send("POST", "/api/organization/federated-credentials", reader.token, { name: "x", issuer, subject: "y" })).status).toBe(403);
    expect((await send("DELETE", `/api/organization/federated-credentials/${credential.id}`, reader.token)).status).toBe(403);
  });
});

describe("the client assertion grant", () => {
  it("trades a valid assertion for an access token that works on SCIM, for that organization only, until the credential is removed", async () => {
    const b = await verifiedAdmin();
    // Made second: each admin's fake world replaces the last, and this one serves the issuer.
    const a = await federated();
    const scimA = (await json(await send("POST", "/api/organization/scim-tokens", a.admin.token, { description: "static" }))).token;
    const scimB = (await json(await send("POST", "/api/organization/scim-tokens", b.token, { description: "static" }))).token;
    await send("POST", "/scim/v2/Users", scimA, entraUser(`alice@${a.admin.domain}`));
    await send("POST", "/scim/v2/Users", scimB, entraUser(`bob@${b.domain}`));

    const issued = await exchange(await a.sign());
    expect(issued.body.error_description).toBeUndefined();
    expect(issued.status).toBe(200);
    expect(issued.body).toMatchObject({ token_type: "Bearer", scope: "scim", expires_in: expect.any(Number) });
    const users = await json(await send("GET", "/scim/v2/Users", issued.body.access_token!));
    expect(users.Resources.map((u: { userName: string }) => u.userName)).toEqual([`alice@${a.admin.domain}`]);

    expect((await send("DELETE", `/api/organization/federated-credentials/${a.credential.id}`, a.admin.token)).status).toBe(204);
    expect((await send("GET", "/scim/v2/Users", issued.body.access_token!)).status).toBe(401);
    const after = await exchange(await a.sign());
    expect(after).toMatchObject({ status: 401, body: { error: "invalid_client" } });
  });

  it("refuses each bad assertion with invalid_client, and tells the organization's log why", async () => {
    const f = await federated();
    const stranger = await newKey();
    const refusals: [string, Promise<string>][] = [
      ["expired", f.sign({}, f.key, {}, -600)],
      ["nbf", f.sign({ nbf: Math.floor(Date.now() / 1000) + 3600 })],
      ["issued in the future", f.sign({ iat: Math.floor(Date.now() / 1000) + 3600 })],
      ["matches no federated credential", f.sign({ aud: "api://scim.test/another-organization" })],
      ["signature", f.sign({}, { ...stranger, kid: f.key.kid })],
      ["a key the issuer does not publish", f.sign({}, stranger)],
      ["no jti", f.sign({ uti: undefined })],
      ["more than a day", f.sign({}, f.key, {}, 2 * 86_400)],
    ];
    for (const [why, made] of refusals) {
      const answer = await exchange(await made);
      expect(answer.status, why).toBe(401);
      expect(answer.body.error, why).toBe("invalid_client");
      expect(answer.body.error_description, why).toContain(why);
    }
    const logged = await authenticateFailures(f.admin);
    expect(logged).toHaveLength(refusals.length);
    for (const [why] of refusals)
      expect(
        logged.some((e) => e.includes(why)),
        why,
      ).toBe(true);
  });

  it("refuses a replayed assertion (Entra's uti, or jti), an unknown issuer or subject, none and HMAC", async () => {
    const f = await federated();
    const once = await f.sign();
    expect((await exchange(once)).status).toBe(200);
    expect((await exchange(once)).body.error_description).toContain("replayed");
    const withJti = await f.sign({ uti: undefined, jti: crypto.randomUUID() });
    expect((await exchange(withJti)).status).toBe(200);
    expect((await exchange(withJti)).status).toBe(401);

    expect((await exchange(await f.sign({ iss: "https://login.elsewhere.test/tenant/v2.0" }))).body.error_description).toContain("no federated credential");
    expect((await exchange(await f.sign({ sub: "someone-else" }))).body.error_description).toContain("no federated credential");
    // With client_id naming the credential, a wrong issuer or subject is said, and logged for its organization.
    const named = { client_id: f.credential.id };
    expect((await exchange(await f.sign({ iss: "https://login.elsewhere.test/tenant/v2.0" }), named)).body.error_description).toContain("issuer");
    expect((await exchange(await f.sign({ sub: "someone-else" }), named)).body.error_description).toContain("subject");
    const logged = await authenticateFailures(f.admin);
    expect(logged.some((e) => e.includes("is not the credential's"))).toBe(true);
    const body = (await f.sign()).split(".")[1];
    const none = `${btoa(JSON.stringify({ alg: "none", typ: "JWT" })).replace(/=+$/, "")}.${body}.`;
    expect((await exchange(none)).body.error_description).toContain("only RS256 and ES256");
    const hmac = await new SignJWT({ iss: f.issuer, sub: SUBJECT, aud: f.credential.audience, uti: crypto.randomUUID() })
      .setProtectedHeader({ alg: "HS256", kid: f.key.kid })
      .setExpirationTime("5m")
      .sign(new TextEncoder().encode(JSON.stringify(f.key.jwk)));
    expect((await exchange(hmac)).body.error_description).toContain("only RS256 and ES256");
    // Client authentication by secret and by assertion at once is ambiguous.
    const both = await exchange(await f.sign(), { client_secret: "x" });
    expect(both).toMatchObject({ status: 400, body: { error: "invalid_request" } });
  });

  it("picks up the issuer's new key without a restart, refetching for an unknown kid at most once a minute", async () => {
    const f = await federated();
    expect((await exchange(await f.sign())).status).toBe(200);
    const fetched = f.state.fetches;
    vi.useFakeTimers({ toFake: ["Date"] });
    const start = Date.now();
    // The issuer rotates: a new key appears; the first assertion naming it makes the service look again.
    vi.setSystemTime(start + 61_000);
    const next = await newKey("ES256");
    f.state.keys.push(next);
    expect((await exchange(await f.sign({}, next))).status).toBe(200);
    expect(f.state.fetches).toBe(fetched + 1);
    // Forged kids in a stream cause no more fetches within the minute, and one after it.
    const forged = await newKey();
    for (let i = 0; i < 3; i++) expect((await exchange(await f.sign({}, forged))).status).toBe(401);
    expect(f.state.fetches).toBe(fetched + 1);
    vi.setSystemTime(start + 122_000);
    expect((await exchange(await f.sign({}, forged))).status).toBe(401);
    expect(f.state.fetches).toBe(fetched + 2);
  });

  it("keeps the last good keys when the issuer is down, and the cron refreshes them daily", async () => {
    const f = await federated();
    expect((await exchange(await f.sign())).status).toBe(200);
    const { refreshDueIssuers } = await import("../../src/oauth/issuer-keys");
    f.state.down = true;
    const later = new Date(Date.now() + 25 * 3600_000);
    expect(await refreshDueIssuers(env, (...args) => fetch(...args), later)).toMatchObject({ failed: expect.any(Number) });
    const row = await env.DB.prepare("SELECT last_error, keys FROM issuer_keys WHERE issuer = ?1").bind(f.issuer).first<{ last_error: string; keys: string }>();
    expect(row!.last_error).toContain("HTTP 503");
    expect(JSON.parse(row!.keys)).toHaveLength(1);
    expect((await exchange(await f.sign())).status).toBe(200);
  });
});
