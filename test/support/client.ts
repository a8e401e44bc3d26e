/** Test helpers that speak to the Worker over HTTP, as Entra and operators do. */
import { exports } from "cloudflare:workers";

export const OPERATOR = "test-operator-token";
export const BASE = "https://scim.test";

/** Sends a request to the Worker's fetch handler. */
export function call(path: string, init: RequestInit = {}): Promise<Response> {
  return exports.default.fetch(new Request(`${BASE}${path}`, init));
}

/** Sends JSON with a Bearer token. */
export function send(method: string, path: string, token: string, body?: unknown, headers: Record<string, string> = {}) {
  return call(path, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      // The Organization Center and operator APIs take application/json; SCIM takes its own type.
      ...(body !== undefined ? { "content-type": path.startsWith("/api/") ? "application/json" : "application/scim+json" } : {}),
      ...headers,
    },
    ...(body !== undefined ? { body: typeof body === "string" ? body : JSON.stringify(body) } : {}),
  });
}

let counter = 0;

/** A fresh organization with a verified domain and a SCIM token. */
export async function newOrganization(options: { domain?: string; requireVerifiedDomain?: boolean } = {}) {
  const domain = options.domain ?? `org${Date.now().toString(36)}${++counter}.example.com`;
  const created = await send("POST", "/api/operator/organizations", OPERATOR, {
    name: `Org ${domain}`,
    domains: [domain],
    ...(options.requireVerifiedDomain !== undefined ? { settings: { requireVerifiedDomain: options.requireVerifiedDomain } } : {}),
  });
  if (created.status !== 201) throw new Error(`organization not created: ${created.status} ${await created.text()}`);
  const org = (await created.json()) as { id: string };
  const tokenResponse = await send("POST", `/api/operator/organizations/${org.id}/scim-tokens`, OPERATOR, { description: "test" });
  const { token } = (await tokenResponse.json()) as { token: string };
  return { id: org.id, domain, token };
}

/** Entra's create body for a user (from the provisioning reference). */
export function entraUser(userName: string, extra: Record<string, unknown> = {}) {
  return {
    schemas: ["urn:ietf:params:scim:schemas:core:2.0:User", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
    externalId: userName.split("@")[0],
    userName,
    active: true,
    addresses: null,
    displayName: "Test User",
    emails: [{ primary: true, type: "work", value: userName }],
    meta: { resourceType: "User" },
    name: { formatted: "Test User", familyName: "User", givenName: "Test" },
    roles: [],
    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": { department: "Engineering", employeeNumber: "42" },
    ...extra,
  };
}

export const json = async (r: Response) => (await r.json()) as Record<string, any>;

/** Signs up and signs in; returns the session token (a Bearer token for /api). */
export async function newAccount(email = `admin${crypto.randomUUID().slice(0, 8)}@${crypto.randomUUID().slice(0, 6)}.example.com`) {
  const password = "correct horse battery staple";
  const created = await send("POST", "/api/accounts", "", { email, password, name: "Ada Admin" });
  if (created.status !== 201) throw new Error(`account not created: ${created.status} ${await created.text()}`);
  const { id } = (await created.json()) as { id: string };
  const session = await send("POST", "/api/sessions", "", { email, password });
  const { token } = (await session.json()) as { token: string };
  return { id, email, password, token, domain: email.split("@")[1]! };
}
