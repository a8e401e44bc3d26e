// The JSON API's declared schemas: the document they generate, and the answers their validator gives.
import { describe, expect, it } from "vitest";
import { app } from "../../src/app";
import { call, json, newAccount, OPERATOR, send } from "../support/client";
import { verifiedAdmin } from "../support/world";

interface Operation {
  security?: Record<string, string[]>[];
  parameters?: { name: string; in: string }[];
  requestBody?: { required?: boolean; content: Record<string, { schema: unknown }> };
  responses: Record<string, unknown>;
}
interface Document {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown>; securitySchemes: Record<string, { type: string; scheme: string }> };
}

const documentOf = async () => (await (await call("/api/openapi.json")).json()) as Document;
const operationsOf = (doc: Document) => Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ path, method, op })));
const post = (path: string, token: string, body: string, type = "application/json") =>
  call(path, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": type }, body });

describe("the OpenAPI document at /api/openapi.json", () => {
  it("describes every /api route the app serves, and no other", async () => {
    const doc = await documentOf();
    expect(doc.openapi).toBe("3.1.0");
    // `use` middleware are routes of method ALL; a route with middleware appears once per handler.
    const served = new Set(
      app.routes.filter((r) => r.path.startsWith("/api/") && r.method !== "ALL").map((r) => `${r.method} ${r.path.replace(/:(\w+)/g, "{$1}")}`),
    );
    const documented = new Set(operationsOf(doc).map(({ path, method }) => `${method.toUpperCase()} ${path}`));
    expect([...documented].sort()).toEqual([...served].sort());
  });

  it("lists the contract's routes", async () => {
    const paths = Object.keys((await documentOf()).paths);
    const contract = [
      "/api/accounts",
      "/api/sessions",
      "/api/sessions/current",
      "/api/sessions/{id}",
      "/api/me",
      "/api/me/password",
      "/api/invitations",
      "/api/invitations/{id}/accept",
      "/api/invitations/{id}/decline",
      "/api/domains",
      "/api/domains/{domain}",
      "/api/domains/{domain}/verify",
      "/api/organization",
      "/api/organization/admins",
      "/api/organization/admins/{accountId}",
      "/api/organization/invitations",
      "/api/organization/invitations/{id}",
      "/api/organization/scim-tokens",
      "/api/organization/scim-tokens/{id}",
      "/api/organization/scim-clients",
      "/api/organization/scim-clients/{clientId}/secrets",
      "/api/organization/scim-clients/{clientId}/secrets/{secretId}",
      "/api/organization/connected-apps",
      "/api/organization/provisioning-events",
      "/api/organization/provisioning-events.csv",
      "/api/organization/provisioning-summary",
      "/api/operator/organizations",
      "/api/operator/organizations/{orgId}",
      "/api/operator/organizations/{orgId}/scim-tokens",
      "/api/operator/oauth-clients",
    ];
    expect(paths).toEqual(expect.arrayContaining(contract));
  });

  it("names how each route authenticates, declares its path parameters and answers errors with the Error body", async () => {
    const doc = await documentOf();
    expect(doc.components.securitySchemes).toMatchObject({ session: { type: "http", scheme: "bearer" }, operatorToken: { type: "http", scheme: "bearer" } });
    expect(Object.keys(doc.components.schemas)).toEqual(expect.arrayContaining(["Error", "Domain", "Organization"]));
    const open = ["post /api/accounts", "post /api/sessions", "get /api/openapi.json"];
    for (const { path, method, op } of operationsOf(doc)) {
      const name = `${method} ${path}`;
      if (open.includes(name)) expect(op.security, name).toBeUndefined();
      else expect(op.security, name).toEqual([path.startsWith("/api/operator/") ? { operatorToken: [] } : { session: [] }]);
      const templated = [...path.matchAll(/{(\w+)}/g)].map((m) => m[1]);
      expect(op.parameters?.filter((p) => p.in === "path").map((p) => p.name) ?? [], name).toEqual(templated);
      if (name !== "get /api/openapi.json")
        expect(op.responses.default, name).toMatchObject({ content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } });
    }
  });

  it("declares bodies: required where the route needs one, optional where it takes none", async () => {
    const doc = await documentOf();
    expect(doc.paths["/api/accounts"]!.post!.requestBody).toMatchObject({
      required: true,
      content: { "application/json": { schema: { $ref: "#/components/schemas/SignUp" } } },
    });
    for (const path of ["/api/domains", "/api/organization/scim-clients", "/api/organization/scim-clients/{clientId}/secrets"]) {
      expect(doc.paths[path]!.post!.requestBody, path).toMatchObject({ required: false });
    }
    expect(doc.paths["/api/domains/{domain}"]!.get!.responses["200"]).toMatchObject({
      content: { "application/json": { schema: { $ref: "#/components/schemas/Domain" } } },
    });
  });
});

describe("bodies checked against their schemas", () => {
  it("answers malformed JSON and non-object bodies as before: 400 invalid_json, 400 invalid_request", async () => {
    const admin = await newAccount();
    for (const [path, token] of [
      ["/api/accounts", ""],
      ["/api/operator/organizations", OPERATOR],
      ["/api/me/password", admin.token],
    ] as const) {
      const broken = await post(path, token, "{broken");
      expect(broken.status, path).toBe(400);
      expect(await json(broken), path).toEqual({ error: "invalid_json", message: "The request body is not valid JSON." });
      const list = await post(path, token, "[]");
      expect(list.status, path).toBe(400);
      expect(await json(list), path).toEqual({ error: "invalid_request", message: "The request body must be a JSON object." });
    }
  });

  it("names each refused field, with the field's own error code where it has one", async () => {
    const cases: [string, unknown, string, string][] = [
      ["/api/accounts", { email: 5, password: "long enough pass" }, "invalid_email", "email: must be an e-mail address."],
      ["/api/accounts", { email: "ada@contoso.com", password: "short" }, "invalid_password", "password: must have at least 12 characters."],
      [
        "/api/accounts",
        { email: "ada@contoso.com", password: "long enough pass", name: "x".repeat(201) },
        "invalid_request",
        "name: must be a string of at most 200 characters.",
      ],
      ["/api/sessions", { email: "ada@contoso.com" }, "invalid_request", "password: is required."],
      ["/api/operator/organizations", { name: " ", domains: [] }, "invalid_request", "name: must be a non-empty string of at most 200 characters."],
      ["/api/operator/organizations", { name: "x", domains: "a.com" }, "invalid_request", "domains: must be an array of at most 50 domain names."],
      [
        "/api/operator/organizations",
        { name: "x", domains: ["co.uk"] },
        "invalid_domain",
        'domains.0: "co.uk" is a public suffix; claim a domain registered under it.',
      ],
      ["/api/operator/organizations", { name: "x", settings: { other: 1 } }, "invalid_request", 'settings: Unknown setting "other".'],
      [
        "/api/operator/organizations",
        { name: "x", settings: { requireVerifiedDomain: "yes" } },
        "invalid_request",
        "settings.requireVerifiedDomain: must be true or false.",
      ],
      [
        "/api/operator/oauth-clients",
        { name: "x", redirectUris: ["http://evil.example/cb"] },
        "invalid_redirect_uri",
        "redirectUris.0: must list 1 to 10 absolute https URIs (http only on localhost), without fragments.",
      ],
      [
        "/api/operator/oauth-clients",
        { name: "x", redirectUris: [] },
        "invalid_redirect_uri",
        "redirectUris: must list 1 to 10 absolute https URIs (http only on localhost), without fragments.",
      ],
    ];
    for (const [path, body, error, message] of cases) {
      const r = await send("POST", path, path.startsWith("/api/operator/") ? OPERATOR : "", body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(await json(r), JSON.stringify(body)).toEqual({ error, message });
    }
  });

  it("issues SCIM tokens one way for operators and admins, with the same checks", async () => {
    const admin = await verifiedAdmin();
    const routes = [
      [`/api/operator/organizations/${admin.orgId}/scim-tokens`, OPERATOR],
      ["/api/organization/scim-tokens", admin.token],
    ] as const;
    for (const [path, token] of routes) {
      const past = await send("POST", path, token, { expiresAt: "2001-01-01T00:00:00Z" });
      expect(await json(past), path).toEqual({ error: "invalid_request", message: "expiresAt: must be an ISO 8601 date in the future." });
      const long = await send("POST", path, token, { description: "x".repeat(201) });
      expect(await json(long), path).toEqual({ error: "invalid_request", message: "description: must be a string of at most 200 characters." });
      const issued = await send("POST", path, token, { description: "", expiresAt: "2999-01-01" });
      expect(issued.status, path).toBe(201);
      expect(await json(issued), path).toEqual({ id: expect.any(String), token: expect.stringMatching(/^scim_/) });
    }
    const listed = await json(await send("GET", "/api/organization/scim-tokens", admin.token));
    expect(
      listed.tokens.map((t: { description: unknown; expiresAt: unknown; createdBy: string }) => [t.description, t.expiresAt, t.createdBy.split(":")[0]]).sort(),
    ).toEqual([
      [null, "2999-01-01T00:00:00.000Z", "account"],
      [null, "2999-01-01T00:00:00.000Z", "operator"],
    ]);
  });

  it("takes an absent or empty body where the body is optional, and refuses a bad field there too", async () => {
    const admin = await verifiedAdmin();
    expect((await call("/api/organization/scim-clients", { method: "POST", headers: { authorization: `Bearer ${admin.token}` } })).status).toBe(201);
    const client = await json(await post("/api/organization/scim-clients", admin.token, ""));
    expect(client).toMatchObject({ clientId: expect.any(String), clientSecret: expect.any(String) });
    expect((await post(`/api/organization/scim-clients/${client.clientId}/secrets`, admin.token, " ")).status).toBe(201);
    expect((await send("POST", `/api/organization/scim-clients/${client.clientId}/secrets`, admin.token, { expiresInDays: "30" })).status).toBe(201);
    const zero = await send("POST", `/api/organization/scim-clients/${client.clientId}/secrets`, admin.token, { expiresInDays: 0 });
    expect(await json(zero)).toEqual({ error: "invalid_request", message: "expiresInDays: must be a whole number from 1 to 1095." });
    // The account's own domain again: an empty JSON body claims it, as no body does.
    expect((await post("/api/domains", admin.token, "")).status).toBe(200);
    const bad = await send("POST", "/api/domains", admin.token, { domain: 5 });
    expect(await json(bad)).toEqual({ error: "invalid_domain", message: "domain: A domain name is required." });
    // An empty body of another type is refused as other bodies of that type are, in JSON.
    const typed = await post("/api/organization/scim-clients", admin.token, "", "text/plain");
    expect(typed.status).toBe(415);
    expect(await json(typed)).toMatchObject({ error: "unsupported_media_type" });
  });
});
