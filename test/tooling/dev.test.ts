// `npm run dev` on a fresh checkout: creates .dev.vars, applies migrations, serves on the port, with the DNS stub and the dev IdP.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { devServer } from "./dev-server";

const dev = devServer();
const { checkout, base, dnsPort, idpBase } = dev;

/** The dev identity provider's metadata: what the app is given to configure single sign-on. */
async function idpMetadata() {
  const answer = await fetch(`${idpBase}/federationmetadata.xml`);
  expect(answer.status).toBe(200);
  expect(answer.headers.get("content-type")).toContain("application/samlmetadata+xml");
  return answer.text();
}
const certificateOf = (xml: string) => xml.match(/<X509Certificate>([^<]+)<\/X509Certificate>/)?.[1];

afterAll(() => dev.dispose());

describe("npm run dev", () => {
  it("creates .dev.vars, applies migrations and serves the app with the cron route and the dev identity provider", async () => {
    expect(existsSync(path.join(checkout, ".dev.vars"))).toBe(false);
    const output = await dev.start();
    expect(output).toContain("Created");
    const token = readFileSync(path.join(checkout, ".dev.vars"), "utf8").match(/^OPERATOR_TOKEN=([0-9a-f]{64})$/m)?.[1];
    expect(token).toBeDefined();

    // The dev SAML identity provider: its line, its metadata, its key kept in .dev-idp/.
    expect(output).toContain(`Dev SAML identity provider: metadata at ${idpBase}/federationmetadata.xml`);
    const metadata = await idpMetadata();
    expect(metadata).toMatch(/^<\?xml[^>]*\?><EntityDescriptor [^>]*xmlns="urn:oasis:names:tc:SAML:2.0:metadata"/);
    expect(metadata).toContain(`entityID="${idpBase}/"`);
    expect(metadata).toContain(`<SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="${idpBase}/saml2"/>`);
    expect(certificateOf(metadata)).toBeDefined();
    expect(existsSync(path.join(checkout, ".dev-idp", "key.pem"))).toBe(true);
    expect((await fetch(`${idpBase}/no-such-page`)).status).toBe(404);

    expect(await (await fetch(`${base}/healthz`)).json()).toEqual({ status: "ok" });
    // Creating an organization needs the migrated tables.
    const created = await fetch(`${base}/api/operator/organizations`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ name: "Dev", domains: ["dev.example.com"] }),
    });
    expect(created.status).toBe(201);
    expect((await fetch(`${base}/__scheduled?cron=*/5+*+*+*+*`)).status).toBe(200);

    // Offline domain verification through the local DNS stub.
    expect(readFileSync(path.join(checkout, ".dev.vars"), "utf8")).toContain(`DOH_RESOLVERS=http://127.0.0.1:${dnsPort}/dns-query`);
    const api = (method: string, route: string, body?: unknown, bearer?: string) =>
      fetch(`${base}${route}`, {
        method,
        headers: { "content-type": "application/json", ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
    await api("POST", "/api/accounts", { email: "ada@offline.example", password: "offline password" });
    const session = (await (await api("POST", "/api/sessions", { email: "ada@offline.example", password: "offline password" })).json()) as { token: string };
    const claimed = (await (await api("POST", "/api/domains", {}, session.token)).json()) as { txtRecord: { value: string } };
    const before = (await (await api("POST", "/api/domains/offline.example/verify", undefined, session.token)).json()) as { status: string; lastError: string };
    expect(before.status).toBe("pending");
    expect(before.lastError).toContain("NXDOMAIN");
    execFileSync(process.execPath, ["scripts/dns-stub.mjs", "add", "offline.example", claimed.txtRecord.value], { cwd: checkout });
    const after = (await (await api("POST", "/api/domains/offline.example/verify", undefined, session.token)).json()) as { status: string; method: string };
    expect(after).toMatchObject({ status: "verified", method: "dns" });

    // A second start keeps the token and finds the migrations already applied.
    await dev.stop();
    await dev.start();
    expect(readFileSync(path.join(checkout, ".dev.vars"), "utf8")).toContain(`OPERATOR_TOKEN=${token}`);
    expect(certificateOf(await idpMetadata())).toBe(certificateOf(metadata));
    const again = await fetch(`${base}/api/operator/organizations`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ name: "Dev", domains: ["dev.example.com"] }),
    });
    expect(again.status).toBe(409);
  });
});
