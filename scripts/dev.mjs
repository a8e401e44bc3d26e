// `npm run dev`: makes sure .dev.vars has an OPERATOR_TOKEN and points DOH_RESOLVERS at the local
// DNS stub, applies the D1 migrations to the local database, starts the stub, the dev SAML
// identity provider (scripts/dev-idp, a stand-in for Entra) and the dev token issuer (scripts/dev-issuer,
// a stand-in for the Entra tenant that signs client assertions), then serves the whole app with
// `wrangler dev` on http://localhost:8787 (PORT; `--ip 127.0.0.1` serves it at 127.0.0.1).
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";
import { DEFAULT_PORT as DNS_PORT, startDnsStub } from "./dns-stub.mjs";
import { DEFAULT_PORT as DEFAULT_IDP_PORT, idpHostFor, startDevIdp } from "./dev-idp/server.mjs";
import { announcement as issuerAnnouncement, issuerPort as issuerPortOf, startDevIssuer } from "./dev-issuer/server.mjs";

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const wrangler = path.join(root, "node_modules", ".bin", process.platform === "win32" ? "wrangler.cmd" : "wrangler");
const devVars = path.join(root, ".dev.vars");
const port = process.env.PORT ?? "8787";
const idpPort = Number(process.env.DEV_IDP_PORT ?? DEFAULT_IDP_PORT);
const issuerPort = issuerPortOf();
const args = process.argv.slice(2);

/** The host wrangler serves the app under: `--ip`'s value, else wrangler's default (localhost; 127.0.0.1 on Windows). */
function appHost() {
  const at = args.findIndex((a) => a === "--ip" || a.startsWith("--ip="));
  if (at === -1) return process.platform === "win32" ? "127.0.0.1" : "localhost";
  return args[at].startsWith("--ip=") ? args[at].slice("--ip=".length) : (args[at + 1] ?? "localhost");
}

/** Adds `NAME=value` to .dev.vars unless the file already sets NAME; says so when it does. */
function ensureDevVar(name, value, why) {
  const current = existsSync(devVars) ? readFileSync(devVars, "utf8") : "";
  if (new RegExp(`^${name}=.+$`, "m").test(current)) return;
  const prefix = current === "" || current.endsWith("\n") ? current : `${current}\n`;
  writeFileSync(devVars, `${prefix}${name}=${value}\n`, { mode: 0o600 });
  console.log(`Created ${name} in ${devVars}: ${why}`);
}

ensureDevVar("OPERATOR_TOKEN", randomBytes(32).toString("hex"), "a random token (the operator API's Bearer token).");
ensureDevVar("KEY_ENCRYPTION_SECRET", randomBytes(32).toString("hex"), "a random secret that seals the access-token signing keys.");
ensureDevVar(
  "DOH_RESOLVERS",
  `http://127.0.0.1:${DNS_PORT}/dns-query`,
  "the local DNS stub (npm run dns:add -- <domain> <value>); remove the line to use real resolvers.",
);

// Without a terminal (stdin ignored, CI=true) wrangler applies migrations without asking.
const migrate = spawnSync(wrangler, ["d1", "migrations", "apply", "DB", "--local"], {
  cwd: root,
  stdio: ["ignore", "inherit", "inherit"],
  env: { ...process.env, CI: "true" },
});
if (migrate.status !== 0) {
  console.error("Applying the D1 migrations to the local database failed.");
  process.exit(migrate.status ?? 1);
}

await startDnsStub();
console.log(`Local DNS-over-HTTPS stub on http://127.0.0.1:${DNS_PORT}/dns-query`);

// The identity provider listens on 127.0.0.1, which the Worker reaches too (it fetches the metadata URL). Its URLs
// name the loopback host the app is not served under, so the browser treats it as another site, as it treats Entra:
// the response arrives as a cross-site form post, with the cookies a real sign-in carries.
const idpHost = process.env.DEV_IDP_HOST ?? idpHostFor(appHost());
if (idpHost !== "localhost" && idpHost !== "127.0.0.1") {
  console.error(`DEV_IDP_HOST must be localhost or 127.0.0.1 (where the identity provider listens), not "${idpHost}".`);
  process.exit(2);
}
// The app runs without it (single sign-on against a real Entra tenant, or none), so a busy port only warns.
try {
  const idp = await startDevIdp({ port: idpPort, host: idpHost, dir: path.join(root, ".dev-idp") });
  console.log(`Dev SAML identity provider: metadata at ${idp.metadataUrl}`);
} catch (error) {
  const why = error?.code === "EADDRINUSE" ? `port ${idpPort} is in use (set DEV_IDP_PORT to another)` : String(error?.message ?? error);
  console.warn(`The dev SAML identity provider did not start: ${why}. The app starts without it.`);
}
// The token issuer listens on 127.0.0.1 too, where the Worker fetches its discovery document and keys. Federated
// credentials are tried without it against a real tenant, so a busy port only warns, as for the identity provider.
try {
  const issuer = await startDevIssuer({ port: issuerPort, dir: path.join(root, ".dev-issuer") });
  console.log(issuerAnnouncement(issuer.issuer, issuerPort));
} catch (error) {
  const why = error?.code === "EADDRINUSE" ? `port ${issuerPort} is in use (set DEV_ISSUER_PORT to another)` : String(error?.message ?? error);
  console.warn(`The dev token issuer did not start: ${why}. The app starts without it.`);
}

const dev = spawn(wrangler, ["dev", "--port", port, "--test-scheduled", ...args], {
  cwd: root,
  stdio: "inherit",
});
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => dev.kill(signal));
dev.on("exit", (code) => process.exit(code ?? 0));
