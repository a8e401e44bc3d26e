// `npm run dev` on a fresh checkout: creates .dev.vars, applies migrations, serves on the port.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../..");
const checkout = mkdtempSync(path.join(tmpdir(), "edge-scim-dev-"));
for (const entry of ["package.json", "wrangler.toml", "tsconfig.json", "src", "migrations", "scripts"]) {
  cpSync(path.join(root, entry), path.join(checkout, entry), { recursive: true });
}
symlinkSync(path.join(root, "node_modules"), path.join(checkout, "node_modules"), "dir");
const port = 18000 + Math.floor(Math.random() * 1000);
const dnsPort = port + 1000;
const base = `http://127.0.0.1:${port}`;
let running: ChildProcess | undefined;

/** Starts `npm run dev`'s script and resolves with its output once the server is ready. */
function startDev(): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = "";
    const child = spawn(process.execPath, ["scripts/dev.mjs", "--ip", "127.0.0.1"], {
      cwd: checkout,
      env: { ...process.env, PORT: String(port), DNS_STUB_PORT: String(dnsPort) },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    running = child;
    const timer = setTimeout(() => reject(new Error(`dev server not ready:\n${output}`)), 100_000);
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("Ready on")) {
        clearTimeout(timer);
        resolve(output);
      }
    };
    child.stdout!.on("data", collect);
    child.stderr!.on("data", collect);
    child.on("exit", (code) => reject(new Error(`dev exited with ${code}:\n${output}`)));
  });
}

async function stopDev() {
  const child = running;
  if (!child?.pid) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  process.kill(-child.pid, "SIGTERM");
  await exited;
  running = undefined;
}

afterAll(async () => {
  await stopDev();
  rmSync(checkout, { recursive: true, force: true });
});

describe("npm run dev", () => {
  it("creates .dev.vars, applies migrations and serves the app with the cron route", async () => {
    expect(existsSync(path.join(checkout, ".dev.vars"))).toBe(false);
    const output = await startDev();
    expect(output).toContain("Created");
    const token = readFileSync(path.join(checkout, ".dev.vars"), "utf8").match(/^OPERATOR_TOKEN=([0-9a-f]{64})$/m)?.[1];
    expect(token).toBeDefined();

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
    await stopDev();
    await startDev();
    expect(readFileSync(path.join(checkout, ".dev.vars"), "utf8")).toContain(`OPERATOR_TOKEN=${token}`);
    const again = await fetch(`${base}/api/operator/organizations`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ name: "Dev", domains: ["dev.example.com"] }),
    });
    expect(again.status).toBe(409);
  });
});
