// `npm run dev`: makes sure .dev.vars has an OPERATOR_TOKEN and points DOH_RESOLVERS at the local
// DNS stub, applies the D1 migrations to the local database, starts the stub, then serves the
// whole app with `wrangler dev` on http://localhost:8787.
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";
import { DEFAULT_PORT as DNS_PORT, startDnsStub } from "./dns-stub.mjs";

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const wrangler = path.join(root, "node_modules", ".bin", process.platform === "win32" ? "wrangler.cmd" : "wrangler");
const devVars = path.join(root, ".dev.vars");
const port = process.env.PORT ?? "8787";

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

const dev = spawn(wrangler, ["dev", "--port", port, "--test-scheduled", ...process.argv.slice(2)], {
  cwd: root,
  stdio: "inherit",
});
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => dev.kill(signal));
dev.on("exit", (code) => process.exit(code ?? 0));
