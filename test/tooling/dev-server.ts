// Runs `npm run dev`'s script in a fresh copy of the project, as a developer's first start would.
import { spawn, type ChildProcess } from "node:child_process";
import { cpSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Browser, BrowserContext, BrowserContextOptions } from "playwright-core";

export const projectRoot = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../..");

export interface DevServer {
  checkout: string;
  base: string;
  dnsBase: string;
  dnsPort: number;
  /** The dev SAML identity provider's port (DEV_IDP_PORT) and origin, under localhost: another site than the app's 127.0.0.1. */
  idpPort: number;
  idpBase: string;
  /** The dev token issuer's port (DEV_ISSUER_PORT) and origin, which is also its issuer identifier (the `iss` of its assertions). */
  issuerPort: number;
  issuerBase: string;
  output: () => string;
  start(): Promise<string>;
  stop(): Promise<void>;
  dispose(): Promise<void>;
}

/** A dev server on free-ish ports in a temporary checkout (node_modules shared by a link). */
export function devServer(): DevServer {
  const checkout = mkdtempSync(path.join(tmpdir(), "edge-scim-dev-"));
  for (const entry of ["package.json", "wrangler.toml", "tsconfig.json", "src", "migrations", "scripts"]) {
    cpSync(path.join(projectRoot, entry), path.join(checkout, entry), { recursive: true });
  }
  symlinkSync(path.join(projectRoot, "node_modules"), path.join(checkout, "node_modules"), "dir");
  const port = 18000 + Math.floor(Math.random() * 1000);
  const dnsPort = port + 1000;
  // Clear of the ports above and of `npm run bench`'s (19000 to 20999).
  const idpPort = port + 3000;
  const issuerPort = port + 4000;
  let running: ChildProcess | undefined;
  let output = "";

  const start = () =>
    new Promise<string>((resolve, reject) => {
      output = "";
      const child = spawn(process.execPath, ["scripts/dev.mjs", "--ip", "127.0.0.1"], {
        cwd: checkout,
        env: { ...process.env, PORT: String(port), DNS_STUB_PORT: String(dnsPort), DEV_IDP_PORT: String(idpPort), DEV_ISSUER_PORT: String(issuerPort) },
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

  const stop = async () => {
    const child = running;
    if (!child?.pid) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    process.kill(-child.pid, "SIGTERM");
    await exited;
    running = undefined;
  };

  return {
    checkout,
    base: `http://127.0.0.1:${port}`,
    dnsBase: `http://127.0.0.1:${dnsPort}`,
    dnsPort,
    idpPort,
    idpBase: `http://localhost:${idpPort}`,
    issuerPort,
    issuerBase: `http://127.0.0.1:${issuerPort}`,
    output: () => output,
    start,
    stop,
    dispose: async () => {
      await stop();
      rmSync(checkout, { recursive: true, force: true });
    },
  };
}

/**
 * An organization admin made through `dev`'s public APIs and its DNS stub, as a developer would: sign up,
 * sign in, claim the e-mail domain, publish its TXT record, verify. Throws when any step fails.
 */
export async function verifiedAdmin(dev: Pick<DevServer, "base" | "dnsBase">, tag: string) {
  const domain = `${tag}${Date.now().toString(36)}.example`;
  const email = `admin@${domain}`;
  const password = `${tag} password 1`;
  const post = async (route: string, body: unknown, bearer?: string) => {
    const r = await fetch(`${dev.base}${route}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (r.status >= 300) throw new Error(`${route} answered ${r.status}: ${await r.text()}`);
    return (await r.json()) as Record<string, any>;
  };
  await post("/api/accounts", { email, password });
  const { token } = await post("/api/sessions", { email, password });
  const claimed = await post("/api/domains", {}, token);
  await fetch(`${dev.dnsBase}/records`, { method: "POST", body: JSON.stringify({ name: domain, value: claimed.txtRecord.value }) });
  const verified = await post(`/api/domains/${domain}/verify`, undefined, token);
  if (verified.status !== "verified") throw new Error(`${domain} not verified: ${JSON.stringify(verified)}`);
  return { email, password, domain, token: token as string };
}

/** How long a page may take on a loaded machine (other test projects and a CI neighbour on every core). */
export const BROWSER_WAIT_MS = 90_000;

/** A page whose navigations and actions wait BROWSER_WAIT_MS (Playwright's own default is 30 s). */
export async function openPage(from: Browser | BrowserContext, options?: BrowserContextOptions) {
  const page = "contexts" in from ? await from.newPage(options) : await from.newPage();
  page.setDefaultTimeout(BROWSER_WAIT_MS);
  return page;
}

/** Debian's chromium, headless, with the flags this closed network needs (CHROMIUM_PATH overrides the path). */
export async function launchChromium() {
  const { chromium } = await import("playwright-core");
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}
