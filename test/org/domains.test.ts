import { createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import worker from "../../src/index";
import { describe, expect, it } from "vitest";
import { sweepDomains } from "../../src/verify/sweep";
import { entraUser, json, newAccount, OPERATOR, send } from "../support/client";
import { fakeWorld, RESOLVER_A, resolverWith } from "../support/outside";
import { stubWorld } from "../support/world";

describe("domain claims", () => {
  it("claims the account's e-mail domain with a code, TXT record and HTTP file to publish", async () => {
    const admin = await newAccount();
    const r = await send("POST", "/api/domains", admin.token);
    expect(r.status).toBe(201);
    const domain = await json(r);
    const code = domain.verificationCode;
    expect(code).toMatch(/^[0-9a-f-]{36}$/);
    expect(domain).toMatchObject({
      domain: admin.domain,
      status: "pending",
      txtRecord: { name: admin.domain, type: "TXT", value: `goto-verification-code=${code}` },
      httpFile: { url: `http://${admin.domain}/goto-verification-code.txt`, contents: `goto-verification-code=${code}` },
      method: null,
      verifiedAt: null,
      lastError: null,
    });
    expect(Date.parse(domain.expiresAt) - Date.parse(domain.createdAt)).toBe(10 * 24 * 3600 * 1000);
    // Claiming again returns the same claim.
    const again = await send("POST", "/api/domains", admin.token, { domain: `${admin.domain.toUpperCase()}.` });
    expect(again.status).toBe(200);
    expect((await json(again)).verificationCode).toBe(code);
    const polled = await send("GET", `/api/domains/${admin.domain}`, admin.token);
    expect(polled.headers.get("cache-control")).toBe("no-store");
    expect((await json(polled)).nextCheckAt).toBeDefined();
    expect((await json(await send("GET", "/api/domains", admin.token))).domains).toHaveLength(1);
  });

  it("lets an account without an organization claim only its own e-mail domain", async () => {
    const admin = await newAccount();
    const other = await send("POST", "/api/domains", admin.token, { domain: "someone-else.example.org" });
    expect(other.status).toBe(403);
    expect((await send("POST", "/api/domains", admin.token, { domain: `eu.${admin.domain}` })).status).toBe(403);
    expect((await send("POST", "/api/domains", admin.token, { domain: "co.uk" })).status).toBe(400);
    expect((await send("POST", "/api/domains", admin.token, { domain: "not a domain" })).status).toBe(400);
    expect((await send("POST", "/api/domains", "")).status).toBe(401);
  });

  it("refuses a domain another organization verified", async () => {
    const admin = await newAccount();
    await send("POST", "/api/operator/organizations", OPERATOR, { name: "First", domains: [admin.domain] });
    const r = await send("POST", "/api/domains", admin.token);
    expect(r.status).toBe(409);
  });

  it("verifies by DNS, creates the organization and makes the account its read & write admin", async () => {
    const world = stubWorld();
    const admin = await newAccount();
    const claimed = await json(await send("POST", "/api/domains", admin.token));
    const pending = await json(await send("POST", `/api/domains/${admin.domain}/verify`, admin.token));
    expect(pending.status).toBe("pending");
    expect(pending.lastError).toContain("NXDOMAIN");
    expect(pending.lastCheckedAt).not.toBeNull();

    world.publishTxt(admin.domain, `goto-verification-code=${claimed.verificationCode}`);
    const verified = await json(await send("POST", `/api/domains/${admin.domain}/verify`, admin.token));
    expect(verified).toMatchObject({ status: "verified", method: "dns", dnssec: true, lastError: null, nextCheckAt: null });
    const me = await json(await send("GET", "/api/me", admin.token));
    expect(me.organization).toMatchObject({ name: admin.domain, role: "admin", permission: "read-write" });
    const org = await json(await send("GET", "/api/organization", admin.token));
    expect(org.admins).toEqual([expect.objectContaining({ accountId: admin.id, email: admin.email, permission: "read-write" })]);
    expect(org.domains.map((d: { domain: string }) => d.domain)).toEqual([admin.domain]);
    expect(org.settings).toEqual({ requireVerifiedDomain: true });
    const dnssec = await env.DB.prepare("SELECT dnssec FROM domains WHERE domain = ?").bind(admin.domain).first<{ dnssec: number }>();
    expect(dnssec!.dnssec).toBe(1);

    // Later domains join the organization with the organization's code; anyone may be added now.
    const sub = await json(await send("POST", "/api/domains", admin.token, { domain: `eu.${admin.domain}` }));
    expect(sub.verificationCode).toBe(claimed.verificationCode);
    const elsewhere = await send("POST", "/api/domains", admin.token, { domain: `other-${crypto.randomUUID().slice(0, 6)}.example.net` });
    expect(elsewhere.status).toBe(201);
  });

  it("lets SCIM users in only once their domain is verified", async () => {
    const world = stubWorld();
    const admin = await newAccount();
    const claimed = await json(await send("POST", "/api/domains", admin.token));
    world.publishTxt(admin.domain, `goto-verification-code=${claimed.verificationCode}`);
    await send("POST", `/api/domains/${admin.domain}/verify`, admin.token);
    const { token } = await json(await send("POST", "/api/organization/scim-tokens", admin.token, { description: "Entra" }));
    expect((await send("POST", "/scim/v2/Users", token, entraUser(`u@${admin.domain}`))).status).toBe(201);
    const sub = await send("POST", "/scim/v2/Users", token, entraUser(`u@eu.${admin.domain}`));
    expect(sub.status).toBe(400);
    expect(await sub.json()).toMatchObject({ scimType: "invalidValue" });
  });
});

describe("the cron sweep", () => {
  async function pendingClaim() {
    const admin = await newAccount();
    const claimed = await json(await send("POST", "/api/domains", admin.token));
    return { admin, claimed };
  }

  it("verifies due claims through the scheduled handler", async () => {
    const world = stubWorld();
    const { admin, claimed } = await pendingClaim();
    world.publishTxt(admin.domain, `goto-verification-code=${claimed.verificationCode}`);
    const controller = createScheduledController({ scheduledTime: Date.now() + 1000, cron: "*/5 * * * *" });
    await worker.scheduled(controller, env);
    expect((await json(await send("GET", `/api/domains/${admin.domain}`, admin.token))).status).toBe("verified");
  });

  it("checks at most a batch, oldest nextCheckAt first, and backs off", async () => {
    const world = fakeWorld();
    world.on("dns-a.test", resolverWith({}));
    const claims = [];
    for (let i = 0; i < 3; i++) claims.push(await pendingClaim());
    const now = new Date(Date.now() + 60_000);
    // Other tests' claims are due too; make ours the oldest.
    for (const [i, c] of claims.entries()) {
      await env.DB.prepare("UPDATE domains SET next_check_at = ? WHERE domain = ?").bind(`2000-01-01T00:00:0${i}.000Z`, c.admin.domain).run();
    }
    const report = await sweepDomains(env, { resolvers: [RESOLVER_A], fetch: world.fetch, timeoutMs: 100 }, now, 2);
    expect(report).toMatchObject({ checked: 2, verified: 0, failed: 0 });
    const first = await json(await send("GET", `/api/domains/${claims[0]!.admin.domain}`, claims[0]!.admin.token));
    const third = await json(await send("GET", `/api/domains/${claims[2]!.admin.domain}`, claims[2]!.admin.token));
    expect(first.lastCheckedAt).toBe(now.toISOString());
    expect(first.lastError).toContain("NXDOMAIN");
    expect(Date.parse(first.nextCheckAt) - now.getTime()).toBe(5 * 60_000);
    expect(third.lastCheckedAt).toBeNull();
  });

  it("keeps claims pending through SERVFAIL and timeouts, and expires them at exactly 10 days", async () => {
    const world = fakeWorld();
    world.on("dns-a.test", (url) => (url.searchParams.get("name")!.startsWith("admin") ? new Promise<Response>(() => {}) : new Response("{}")));
    const { admin, claimed } = await pendingClaim();
    await env.DB.prepare("UPDATE domains SET next_check_at = '1999-01-01T00:00:00.000Z' WHERE domain = ?").bind(admin.domain).run();
    const deps = { resolvers: [RESOLVER_A], fetch: world.fetch, timeoutMs: 50 };
    const justBefore = new Date(Date.parse(claimed.expiresAt) - 1);
    await sweepDomains(env, deps, justBefore, 100);
    const stillPending = await json(await send("GET", `/api/domains/${admin.domain}`, admin.token));
    expect(stillPending.status).toBe("pending");
    expect(stillPending.lastError).toContain("will be retried");
    expect(stillPending.nextCheckAt).toBe(claimed.expiresAt);

    await sweepDomains(env, deps, new Date(Date.parse(claimed.expiresAt)), 100);
    const expired = await json(await send("GET", `/api/domains/${admin.domain}`, admin.token));
    expect(expired.status).toBe("expired");
    // An expired claim is no longer checked, and can be claimed again for a new period.
    const renewed = await send("POST", "/api/domains", admin.token);
    expect(renewed.status).toBe(201);
    expect((await json(renewed)).status).toBe("pending");
  });

  it("never lets one domain's failure stop the batch", async () => {
    const world = fakeWorld();
    const { admin: broken } = await pendingClaim();
    const { admin: fine, claimed } = await pendingClaim();
    world.on("dns-a.test", (url) => {
      if (url.searchParams.get("name") === broken.domain) throw new Error("resolver exploded");
      return resolverWith({ [fine.domain]: [`"goto-verification-code=${claimed.verificationCode}"`] })(url);
    });
    for (const d of [broken.domain, fine.domain]) {
      await env.DB.prepare("UPDATE domains SET next_check_at = '1998-01-01T00:00:00.000Z' WHERE domain = ?").bind(d).run();
    }
    await sweepDomains(env, { resolvers: [RESOLVER_A], fetch: world.fetch, timeoutMs: 100 }, new Date(), 100);
    expect((await json(await send("GET", `/api/domains/${fine.domain}`, fine.token))).status).toBe("verified");
    expect((await json(await send("GET", `/api/domains/${broken.domain}`, broken.token))).status).toBe("pending");
  });
});
