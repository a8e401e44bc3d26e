// `npm run bench [-- --url http://localhost:8787 [--dns http://127.0.0.1:8053]] [-- --quick]`
// Starts the app as `npm run dev` does (in a throwaway data folder) or attaches to a running one
// (whose DNS stub `--dns` names, for the admin's domain verification),
// seeds what it needs through the public APIs, runs each scenario with a small closed-loop load
// client, prints progress, and writes bench/results.md and bench/results.json.
import { spawn } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createSigningIdentity, metadataXml, responseXml, sign, toBase64 } from "./dev-idp/idp.mjs";

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const args = process.argv.slice(2);
const option = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const QUICK = args.includes("--quick");
const SECONDS = QUICK ? 2 : 6;
const SIZES = QUICK ? [1000, 3000] : [1000, 10_000, 50_000];
const SYNC = QUICK ? { users: 500, groups: 5, members: 100 } : { users: 5000, groups: 50, members: 200 };
// Signed responses made before the ACS scenario starts: more than it can use in SECONDS.
const SSO_RESPONSES = QUICK ? 500 : 1500;

// ---------------------------------------------------------------- the app
let base = option("--url");
let operatorToken = process.env.OPERATOR_TOKEN;
let dnsBase = option("--dns") ?? `http://127.0.0.1:${process.env.DNS_STUB_PORT ?? 8053}`;
let devProcess;
let dataDir;

/** Starts `npm run dev` in a throwaway copy of the project, so the developer's data and .dev.vars stay untouched. */
async function startApp() {
  dataDir = mkdtempSync(path.join(os.tmpdir(), "edge-scim-bench-"));
  for (const entry of ["package.json", "wrangler.toml", "tsconfig.json", "src", "migrations", "scripts"]) {
    cpSync(path.join(root, entry), path.join(dataDir, entry), { recursive: true });
  }
  symlinkSync(path.join(root, "node_modules"), path.join(dataDir, "node_modules"), "dir");
  const port = String(19000 + Math.floor(Math.random() * 500));
  // The benchmark measures capacity, not the per-organization budget: lift the budget in the copy.
  const config = path.join(dataDir, "wrangler.toml");
  writeFileSync(config, readFileSync(config, "utf8").replace(/simple = \{ limit = \d+, period = 10 \}/, "simple = { limit = 10000000, period = 10 }"));
  devProcess = spawn(process.execPath, ["scripts/dev.mjs", "--ip", "127.0.0.1"], {
    cwd: dataDir,
    env: {
      ...process.env,
      PORT: port,
      DNS_STUB_PORT: String(Number(port) + 500),
      DEV_IDP_PORT: String(Number(port) + 1000),
      DEV_ISSUER_PORT: String(Number(port) + 1500),
    },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let output = "";
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the app did not start:\n${output}`)), 120_000);
    const collect = (chunk) => {
      output += chunk;
      if (output.includes("Ready on")) {
        clearTimeout(timer);
        resolve();
      }
    };
    devProcess.stdout.on("data", collect);
    devProcess.stderr.on("data", collect);
    devProcess.on("exit", (code) => reject(new Error(`the app exited (${code}):\n${output}`)));
  });
  base = `http://127.0.0.1:${port}`;
  dnsBase = `http://127.0.0.1:${Number(port) + 500}`;
}

function stopApp() {
  if (devProcess?.pid) {
    try {
      process.kill(-devProcess.pid, "SIGTERM");
    } catch {}
  }
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
}

/** The operator token: OPERATOR_TOKEN, or the one `npm run dev` keeps in .dev.vars. */
function readOperatorToken() {
  if (operatorToken) return operatorToken;
  const devVars = path.join(dataDir ?? root, ".dev.vars");
  return existsSync(devVars) ? readFileSync(devVars, "utf8").match(/^OPERATOR_TOKEN=(.+)$/m)?.[1] : undefined;
}

// ---------------------------------------------------------------- HTTP
async function request(method, route, token, body) {
  const response = await fetch(`${base}${route}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { "content-type": "application/scim+json" } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

/** Runs `next(i)` from `connections` loops until `until()` says stop; collects latencies and errors. */
async function load({ connections, next, until }) {
  const latencies = [];
  let errors = 0;
  let i = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (!until(i, performance.now() - started)) {
        const n = i++;
        const t0 = performance.now();
        try {
          const ok = await next(n);
          if (!ok) errors++;
        } catch {
          errors++;
        }
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const pick = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return { requests: latencies.length, seconds, rps: latencies.length / seconds, p50: pick(0.5), p99: pick(0.99), errors };
}

const forSeconds = (s) => (_i, elapsed) => elapsed >= s * 1000;
const forCount = (n) => (i) => i >= n;
const expect = (status) => (r) => r.status === status;

// ---------------------------------------------------------------- seeding (public APIs only)
let orgCounter = 0;
async function newOrganization() {
  const domain = `bench${Date.now().toString(36)}${orgCounter++}.example`;
  const org = await fetch(`${base}/api/operator/organizations`, {
    method: "POST",
    headers: { authorization: `Bearer ${operatorToken}`, "content-type": "application/json" },
    body: JSON.stringify({ name: domain, domains: [domain] }),
  }).then((r) => r.json());
  const { token } = await fetch(`${base}/api/operator/organizations/${org.id}/scim-tokens`, {
    method: "POST",
    headers: { authorization: `Bearer ${operatorToken}`, "content-type": "application/json" },
    body: "{}",
  }).then((r) => r.json());
  return { id: org.id, domain, token };
}

const entraUser = (userName, externalId) => ({
  schemas: ["urn:ietf:params:scim:schemas:core:2.0:User", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
  externalId,
  userName,
  active: true,
  displayName: externalId,
  emails: [{ primary: true, type: "work", value: userName }],
  name: { formatted: externalId, familyName: "Bench", givenName: externalId },
  "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": { department: "Load" },
});

/** Creates users up to `count` (from `from`), 16 at a time; returns their ids. */
async function seedUsers(org, from, count, ids = []) {
  await load({
    connections: 16,
    until: forCount(count - from),
    next: async (n) => {
      const r = await request("POST", "/scim/v2/Users", org.token, entraUser(`u${from + n}@${org.domain}`, `u${from + n}`));
      if (r.status === 201) ids.push(r.body.id);
      return r.status === 201;
    },
  });
  return ids;
}

async function addMembers(org, groupId, ids, chunk = 100) {
  for (let i = 0; i < ids.length; i += chunk) {
    const value = ids.slice(i, i + chunk).map((id) => ({ value: id }));
    const r = await request("PATCH", `/scim/v2/Groups/${groupId}`, org.token, { Operations: [{ op: "Add", path: "members", value }] });
    if (r.status !== 204) throw new Error(`member add failed: ${r.status} ${JSON.stringify(r.body)}`);
  }
}

/** A JSON API call (a session's Bearer token when given); throws on an answer outside 2xx. */
async function api(method, route, token, body) {
  const response = await fetch(`${base}${route}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { "content-type": "application/json" } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${route} answered ${response.status}: ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : null;
}

/**
 * An organization with single sign-on, made as a customer makes it: an account verifies its domain
 * (a TXT record at the DNS stub) and so becomes the admin, provisions one user through SCIM with a
 * token it issued, pastes an Entra-like identity provider's metadata and turns single sign-on on.
 */
async function ssoOrganization() {
  const domain = `sso${Date.now().toString(36)}.example`;
  const email = `admin@${domain}`;
  const password = "bench admin password";
  await api("POST", "/api/accounts", undefined, { email, password });
  const { token } = await api("POST", "/api/sessions", undefined, { email, password });
  const claim = await api("POST", "/api/domains", token, {});
  const published = await fetch(`${dnsBase}/records`, { method: "POST", body: JSON.stringify({ name: domain, value: claim.txtRecord.value }) });
  if (!published.ok) throw new Error(`the DNS stub at ${dnsBase} answered ${published.status}: ${await published.text()}`);
  await published.text();
  const verified = await api("POST", `/api/domains/${domain}/verify`, token);
  if (verified.status !== "verified") throw new Error(`${domain} is ${verified.status} (${verified.lastError}); is the app's DNS stub at ${dnsBase}?`);
  const me = await api("GET", "/api/me", token);
  const scim = await api("POST", "/api/organization/scim-tokens", token, { description: "bench" });
  const userName = `bench@${domain}`;
  const user = await request("POST", "/scim/v2/Users", scim.token, {
    schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"],
    userName,
    active: true,
    emails: [{ value: userName, type: "work", primary: true }],
  });
  if (user.status !== 201) throw new Error(`user not provisioned: ${user.status} ${JSON.stringify(user.body)}`);
  const identity = await createSigningIdentity();
  const tenant = crypto.randomUUID();
  const entityId = `https://sts.windows.net/${tenant}/`;
  const ssoUrl = `https://login.microsoftonline.com/${tenant}/saml2`;
  const idp = await api("PUT", "/api/organization/identity-provider", token, { metadataXml: metadataXml({ entityId, ssoUrl, certs: [identity.certPem] }) });
  await api("PATCH", "/api/organization/identity-provider", token, { enabled: true });
  // The ACS and audience the service provider expects, built from the origin of the request above: `base`.
  return { id: me.organization.id, userName, identity, entityId, sp: idp.serviceProvider };
}

/** IdP-initiated responses (no InResponseTo), each with a fresh assertion ID, as HTTP-POST binding form bodies. */
async function signedResponses(sso, count) {
  const bodies = [];
  for (let i = 0; i < count; i++) {
    const xml = responseXml({
      issuer: sso.entityId,
      acsUrl: sso.sp.acsUrl,
      audience: sso.sp.entityId,
      nameId: sso.userName,
      attributes: { "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress": sso.userName },
    });
    bodies.push(new URLSearchParams({ SAMLResponse: toBase64(sign(xml, sso.identity)) }).toString());
    // Signing is synchronous: let the event loop see the keep-alive sockets wrangler closes meanwhile,
    // so the pool drops them instead of sending a POST into one.
    if (i % 50 === 49) await new Promise((resolve) => setImmediate(resolve));
  }
  await new Promise((resolve) => setTimeout(resolve, 100));
  return bodies;
}

// ---------------------------------------------------------------- scenarios
const rows = [];
const log = (text) => process.stdout.write(`${text}\n`);

function record(name, result, extra = {}) {
  const row = { name, ...result, ...extra };
  rows.push(row);
  log(
    `  ${name.padEnd(58)} ${result.rps.toFixed(0).padStart(6)} req/s  p50 ${result.p50.toFixed(1).padStart(6)} ms  p99 ${result.p99.toFixed(1).padStart(7)} ms  errors ${result.errors}`,
  );
  return row;
}

async function main() {
  if (!base) {
    log("Starting the app (npm run dev, throwaway data)...");
    await startApp();
  }
  operatorToken = readOperatorToken();
  if (!operatorToken) throw new Error("No OPERATOR_TOKEN: set it, or run `npm run dev` once to create .dev.vars.");
  log(`Benchmarking ${base}${QUICK ? " (quick)" : ""}`);

  const baseline = record(
    "baseline: GET /healthz, 16 connections",
    await load({
      connections: 16,
      until: forSeconds(SECONDS),
      next: async () => {
        await fetch(`${base}/healthz`).then((r) => r.text());
        return true;
      },
    }),
  );

  log("Seeding an organization with 1,000 users and 4 groups...");
  const main = await newOrganization();
  const users = await seedUsers(main, 0, 1000);
  const groups = [];
  for (let g = 0; g < 4; g++) groups.push((await request("POST", "/scim/v2/Groups", main.token, { displayName: `Group ${g}`, members: [] })).body.id);
  const pick = (list) => list[Math.floor(Math.random() * list.length)];

  // The floor of any SCIM read here: authentication, the budget and one D1 round trip.
  const floor = record(
    "SCIM floor: GET /Users?count=0 (one D1 query)",
    await load({ connections: 16, until: forSeconds(SECONDS), next: async () => expect(200)(await request("GET", "/scim/v2/Users?count=0", main.token)) }),
  );
  const hits = record(
    'filter: GET /Users?filter=userName eq "..." (hits)',
    await load({
      connections: 16,
      until: forSeconds(SECONDS),
      next: async () =>
        (await request("GET", `/scim/v2/Users?filter=${encodeURIComponent(`userName eq "u${Math.floor(Math.random() * 1000)}@${main.domain}"`)}`, main.token))
          .body.totalResults === 1,
    }),
  );
  record(
    "Test Connection: filter misses",
    await load({
      connections: 16,
      until: forSeconds(SECONDS),
      next: async () => (await request("GET", `/scim/v2/Users?filter=userName+eq+%22${crypto.randomUUID()}%22`, main.token)).body.totalResults === 0,
    }),
  );
  let created = 0;
  record(
    "POST /Users",
    await load({
      connections: 16,
      until: forSeconds(SECONDS),
      next: async () => expect(201)(await request("POST", "/scim/v2/Users", main.token, entraUser(`new${created++}@${main.domain}`, `new${created}`))),
    }),
  );
  record(
    "PATCH /Users (Entra's replace shape)",
    await load({
      connections: 16,
      until: forSeconds(SECONDS),
      next: async (n) =>
        expect(204)(
          await request("PATCH", `/scim/v2/Users/${pick(users)}`, main.token, {
            schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            Operations: [
              { op: "Replace", path: "displayName", value: `Name ${n}` },
              { op: "Replace", path: "active", value: "True" },
            ],
          }),
        ),
    }),
  );
  record(
    "PATCH /Groups add member",
    await load({
      connections: 16,
      until: forSeconds(SECONDS),
      next: async () =>
        expect(204)(
          await request("PATCH", `/scim/v2/Groups/${pick(groups)}`, main.token, {
            Operations: [{ op: "Add", path: "members", value: [{ value: pick(users) }] }],
          }),
        ),
    }),
  );

  // Single sign-on: Entra's browser posts a signed response to the ACS. Every response is signed before
  // the first is posted, so the load client measures the app, not our signing.
  log(`Single sign-on: an organization with an identity provider, ${SSO_RESPONSES} signed responses...`);
  const sso = await ssoOrganization();
  const responses = await signedResponses(sso, SSO_RESPONSES);
  let firstAcsError;
  const acs = record(
    "SSO ACS: POST with a valid signed response (fresh assertion ID each)",
    await load({
      connections: 16,
      until: (i, elapsed) => i >= responses.length || elapsed >= SECONDS * 1000,
      next: async (n) => {
        try {
          const r = await fetch(sso.sp.acsUrl, {
            method: "POST",
            redirect: "manual",
            headers: { "content-type": "application/x-www-form-urlencoded" },
            body: responses[n],
          });
          const text = await r.text();
          if (r.status === 303) return true;
          firstAcsError ??= `${r.status} ${text
            .replace(/<(style|script)[\s\S]*?<\/\1>|<[^>]*>/g, " ")
            .replace(/\s+/g, " ")
            .trim()
            .slice(0, 300)}`;
          return false;
        } catch (e) {
          firstAcsError ??= String(e?.cause ?? e);
          throw e;
        }
      },
    }),
  );
  if (firstAcsError) log(`    first error: ${firstAcsError}`);

  // Entra's initial sync: lookup by filter then create, groups created empty then filled in chunks.
  log(`Initial sync: ${SYNC.users} users, ${SYNC.groups} groups of ${SYNC.members} members...`);
  const syncOrg = await newOrganization();
  const syncIds = [];
  const syncStart = performance.now();
  const userPhase = await load({
    connections: 8,
    until: forCount(SYNC.users),
    next: async (n) => {
      const userName = `s${n}@${syncOrg.domain}`;
      const found = await request("GET", `/scim/v2/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}`, syncOrg.token);
      if (found.status !== 200 || found.body.totalResults !== 0) return false;
      const r = await request("POST", "/scim/v2/Users", syncOrg.token, entraUser(userName, `s${n}`));
      if (r.status === 201) syncIds.push(r.body.id);
      return r.status === 201;
    },
  });
  let groupErrors = 0;
  await load({
    connections: 8,
    until: forCount(SYNC.groups),
    next: async (g) => {
      const name = `Sync group ${g}`;
      const found = await request("GET", `/scim/v2/Groups?excludedAttributes=members&filter=${encodeURIComponent(`displayName eq "${name}"`)}`, syncOrg.token);
      const made = await request("POST", "/scim/v2/Groups", syncOrg.token, { displayName: name, members: [] });
      if (found.status !== 200 || made.status !== 201) {
        groupErrors++;
        return false;
      }
      const members = Array.from({ length: SYNC.members }, (_, i) => syncIds[(g * SYNC.members + i) % syncIds.length]);
      await addMembers(syncOrg, made.body.id, members, 50);
      return true;
    },
  });
  const syncSeconds = (performance.now() - syncStart) / 1000;
  const objects = SYNC.users + SYNC.groups + SYNC.groups * SYNC.members;
  const syncErrors = userPhase.errors + groupErrors;
  rows.push({
    name: "initial sync (objects/s: users + groups + memberships)",
    rps: objects / syncSeconds,
    p50: userPhase.p50,
    p99: userPhase.p99,
    errors: syncErrors,
    seconds: syncSeconds,
    requests: userPhase.requests * 2 + SYNC.groups * (2 + SYNC.members / 50),
  });
  log(`  initial sync: ${objects} objects in ${syncSeconds.toFixed(1)} s = ${(objects / syncSeconds).toFixed(0)} objects/s, errors ${syncErrors}`);

  // Writes of four organizations at once against one alone.
  const one = await newOrganization();
  let k = 0;
  const alone = record(
    "POST /Users, one organization, 16 connections",
    await load({
      connections: 16,
      until: forSeconds(SECONDS),
      next: async () => expect(201)(await request("POST", "/scim/v2/Users", one.token, entraUser(`a${k++}@${one.domain}`, "a"))),
    }),
  );
  const four = await Promise.all([0, 1, 2, 3].map(() => newOrganization()));
  let m = 0;
  const together = record(
    "POST /Users, four organizations at once, 16 connections in all",
    await load({
      connections: 16,
      until: forSeconds(SECONDS),
      next: async (n) => {
        const org = four[n % 4];
        return expect(201)(await request("POST", "/scim/v2/Users", org.token, entraUser(`f${m++}@${org.domain}`, "f")));
      },
    }),
  );

  // Cost growth with size.
  log(`Cost growth at ${SIZES.join(" / ")} users and group members...`);
  const growthOrg = await newOrganization();
  const growthIds = [];
  const growthGroup = (await request("POST", "/scim/v2/Groups", growthOrg.token, { displayName: "Growing", members: [] })).body.id;
  const smallGroup = (await request("POST", "/scim/v2/Groups", growthOrg.token, { displayName: "Small", members: [] })).body.id;
  let have = 0;
  const growth = {};
  for (const size of SIZES) {
    await seedUsers(growthOrg, have, size, growthIds);
    await addMembers(growthOrg, growthGroup, growthIds.slice(have, size), 500);
    have = size;
    const lookup = record(
      `filter lookup at ${size} users`,
      await load({
        connections: 8,
        until: forSeconds(SECONDS / 2),
        next: async () =>
          (
            await request(
              "GET",
              `/scim/v2/Users?filter=${encodeURIComponent(`userName eq "u${Math.floor(Math.random() * size)}@${growthOrg.domain}"`)}`,
              growthOrg.token,
            )
          ).body.totalResults === 1,
      }),
    );
    const list = record(
      `list page (count=100) at ${size} users`,
      await load({
        connections: 8,
        until: forSeconds(SECONDS / 2),
        next: async () =>
          expect(200)(
            await request(
              "GET",
              `/scim/v2/Users?startIndex=${Math.floor(Math.random() * (size - 100)) + 1}&count=100&excludedAttributes=groups`,
              growthOrg.token,
            ),
          ),
      }),
    );
    // Add then remove one member, so the group keeps its size.
    const add = record(
      `member add to a ${size}-member group`,
      await load({
        connections: 1,
        until: forCount(40),
        next: async (n) => {
          const id = growthIds[n];
          const op = n % 2 === 0 ? "Remove" : "Add";
          return expect(204)(
            await request("PATCH", `/scim/v2/Groups/${growthGroup}`, growthOrg.token, {
              Operations: [{ op, path: "members", value: [{ value: growthIds[n - (n % 2)] ?? id }] }],
            }),
          );
        },
      }),
    );
    growth[size] = { lookup, list, add };
  }
  await addMembers(growthOrg, smallGroup, growthIds.slice(0, 100), 100);
  const smallAdd = record(
    "member add to a 100-member group",
    await load({
      connections: 1,
      until: forCount(40),
      next: async (n) =>
        expect(204)(
          await request("PATCH", `/scim/v2/Groups/${smallGroup}`, growthOrg.token, {
            Operations: [{ op: n % 2 === 0 ? "Remove" : "Add", path: "members", value: [{ value: growthIds[n - (n % 2)] }] }],
          }),
        ),
    }),
  );

  // ---------------------------------------------------------------- targets
  const largest = SIZES[SIZES.length - 1];
  const targets = [
    { target: "initial sync: 0 errors", measured: `${syncErrors} errors`, met: syncErrors === 0 },
    { target: "initial sync: at least 100 objects/s", measured: `${(objects / syncSeconds).toFixed(0)} objects/s`, met: objects / syncSeconds >= 100 },
    {
      target: "filter lookup throughput at least 0.5x baseline",
      measured: `${(hits.rps / baseline.rps).toFixed(2)}x (${(hits.rps / floor.rps).toFixed(2)}x the one-query floor)`,
      met: hits.rps / baseline.rps >= 0.5,
    },
    { target: "filter lookup p99 at most 3x baseline p99", measured: `${(hits.p99 / baseline.p99).toFixed(2)}x`, met: hits.p99 / baseline.p99 <= 3 },
    {
      target: `member add to a ${largest}-member group at most 2x a 100-member group`,
      measured: `${(growth[largest].add.p50 / smallAdd.p50).toFixed(2)}x (p50)`,
      met: growth[largest].add.p50 / smallAdd.p50 <= 2,
    },
    {
      target: `filter lookup at ${largest} users at most 1.5x the cost at ${SIZES[0]}`,
      measured: `${(growth[largest].lookup.p50 / growth[SIZES[0]].lookup.p50).toFixed(2)}x (p50)`,
      met: growth[largest].lookup.p50 / growth[SIZES[0]].lookup.p50 <= 1.5,
    },
    {
      target: "four organizations at once: at least 1.5x one organization's write rate",
      measured: `${(together.rps / alone.rps).toFixed(2)}x`,
      met: together.rps / alone.rps >= 1.5,
    },
    { target: "SSO ACS: 0 errors", measured: `${acs.errors} errors`, met: acs.errors === 0 },
    { target: "SSO ACS throughput at least 0.15x baseline", measured: `${(acs.rps / baseline.rps).toFixed(2)}x`, met: acs.rps / baseline.rps >= 0.15 },
  ];
  log("\nTargets:");
  for (const t of targets) log(`  ${t.met ? "met   " : "MISSED"} ${t.target}: ${t.measured}`);

  // ---------------------------------------------------------------- report
  const pkg = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8"));
  const lock = JSON.parse(readFileSync(path.join(root, "package-lock.json"), "utf8"));
  const version = (name) => lock.packages?.[`node_modules/${name}`]?.version ?? "?";
  const machine = {
    cpus: os.cpus().length,
    cpu: os.cpus()[0]?.model ?? "?",
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    platform: `${os.platform()} ${os.release()}`,
    node: process.version,
  };
  const versions = { "edge-scim": pkg.version, wrangler: version("wrangler"), hono: version("hono"), "drizzle-orm": version("drizzle-orm") };
  const date = new Date().toISOString();
  mkdirSync(path.join(root, "bench"), { recursive: true });
  writeFileSync(
    path.join(root, "bench", "results.json"),
    `${JSON.stringify({ date, quick: QUICK, machine, versions, baseline: baseline.rps, rows, targets }, null, 2)}\n`,
  );
  const md = [
    `# Benchmark results`,
    ``,
    `${date}${QUICK ? " (quick run)" : ""} · ${machine.cpus} cores (${machine.cpu}), ${machine.memoryGiB} GiB, ${machine.platform}, Node ${machine.node} · ${Object.entries(
      versions,
    )
      .map(([k, v]) => `${k} ${v}`)
      .join(", ")} · \`wrangler dev\` on loopback`,
    ``,
    `| scenario | req/s | p50 ms | p99 ms | errors | vs baseline |`,
    `| --- | ---: | ---: | ---: | ---: | ---: |`,
    ...rows.map((r) => `| ${r.name} | ${r.rps.toFixed(0)} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} | ${r.errors} | ${(r.rps / baseline.rps).toFixed(2)}x |`),
    ``,
    `| target | measured | |`,
    `| --- | --- | --- |`,
    ...targets.map((t) => `| ${t.target} | ${t.measured} | ${t.met ? "met" : "missed"} |`),
    ``,
  ].join("\n");
  writeFileSync(path.join(root, "bench", "results.md"), md);
  log(`\nWrote bench/results.md and bench/results.json.`);
}

main()
  .catch((e) => {
    console.error(e);
    process.exitCode = 1;
  })
  .finally(stopApp);
