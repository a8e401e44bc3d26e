// Workload identity federation against `npm run dev`: an admin trusts the dev token issuer for one subject,
// `npm run issuer:assertion` signs a client assertion as Entra's tenant would, the token endpoint exchanges it
// once for a SCIM access token, and refuses it the second time.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { devServer, verifiedAdmin } from "./dev-server";

const JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
const dev = devServer();

beforeAll(async () => {
  await dev.start();
});

afterAll(() => dev.dispose());

const api = (route: string, body: unknown, bearer?: string) =>
  fetch(`${dev.base}${route}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
    body: JSON.stringify(body),
  });

/** `npm run issuer:assertion -- --subject <subject> --audience <audience>`, run as a developer would in the checkout. */
const assertion = (subject: string, audience: string) =>
  execFileSync(process.execPath, ["scripts/dev-issuer/assertion.mjs", "--subject", subject, "--audience", audience], {
    cwd: dev.checkout,
    env: { ...process.env, DEV_ISSUER_PORT: String(dev.issuerPort) },
  })
    .toString()
    .trim();

/** The token request Entra's provisioning service sends with a client assertion. */
const exchange = (clientAssertion: string) =>
  fetch(`${dev.base}/oauth/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "client_credentials",
      client_assertion_type: JWT_BEARER,
      client_assertion: clientAssertion,
      scope: "scim",
    }).toString(),
  });

describe("Workload identity federation with the dev token issuer", () => {
  it("announces the issuer, whose discovery document names it and its key set", async () => {
    expect(dev.output()).toContain(`Dev token issuer: ${dev.issuerBase} (DEV_ISSUER_PORT=${dev.issuerPort} npm run issuer:assertion -- --subject`);
    const discovery = (await (await fetch(`${dev.issuerBase}/.well-known/openid-configuration`)).json()) as { issuer: string; jwks_uri: string };
    expect(discovery.issuer).toBe(dev.issuerBase);
    const jwks = (await (await fetch(discovery.jwks_uri)).json()) as { keys: { kty: string; alg: string; use: string; kid: string }[] };
    expect(jwks.keys).toEqual([expect.objectContaining({ kty: "RSA", alg: "RS256", use: "sig", kid: expect.any(String) })]);
    expect(existsSync(path.join(dev.checkout, ".dev-issuer", "key.pem"))).toBe(true);
  });

  it("exchanges an assertion for a SCIM token once, and refuses it replayed", async () => {
    const { token: session } = await verifiedAdmin(dev, "federation");
    const created = await api(
      "/api/organization/federated-credentials",
      { name: "Entra provisioning", issuer: dev.issuerBase, subject: "entra-provisioning" },
      session,
    );
    expect(created.status).toBe(201);
    const credential = (await created.json()) as { issuer: string; subject: string; audience: string };
    expect(credential).toMatchObject({ issuer: dev.issuerBase, subject: "entra-provisioning" });
    expect(credential.audience).toMatch(/^api:\/\/127\.0\.0\.1:\d+\/[\w-]+$/);
    const listed = (await (await fetch(`${dev.base}/api/organization/federated-credentials`, { headers: { authorization: `Bearer ${session}` } })).json()) as {
      defaultAudience: string;
    };
    expect(listed.defaultAudience).toBe(credential.audience);

    const signed = assertion("entra-provisioning", credential.audience);
    expect(signed).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    const answer = await exchange(signed);
    const issued = (await answer.json()) as { access_token?: string; token_type: string; expires_in: number; scope: string };
    expect(answer.status, JSON.stringify(issued)).toBe(200);
    expect(issued).toMatchObject({ access_token: expect.any(String), token_type: "Bearer", expires_in: expect.any(Number), scope: "scim" });

    const users = await fetch(`${dev.base}/scim/v2/Users?count=0`, { headers: { authorization: `Bearer ${issued.access_token}` } });
    expect(users.status).toBe(200);

    const replayed = await exchange(signed);
    expect(replayed.status).toBe(401);
    const refusal = (await replayed.json()) as { error: string; error_description: string };
    expect(refusal.error).toBe("invalid_client");
    expect(refusal.error_description).toContain("replayed");

    // The refusal reaches the organization's provisioning log, with its reason.
    const log = (await (
      await fetch(`${dev.base}/api/organization/provisioning-events?operation=authenticate`, { headers: { authorization: `Bearer ${session}` } })
    ).json()) as unknown;
    expect(JSON.stringify(log)).toContain("Client assertion refused: the assertion was used before (replayed).");
  });
});
