// `npm run dev`: makes sure .dev.vars has an OPERATOR_TOKEN, applies the D1 migrations to the
// local database, then serves the whole app with `wrangler dev` on http://localhost:8787.
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const wrangler = path.join(root, "node_modules", ".bin", process.platform === "win32" ? "wrangler.cmd" : "wrangler");
const devVars = path.join(root, ".dev.vars");
const port = process.env.PORT ?? "8787";

function ensureOperatorToken() {
  const current = existsSync(devVars) ? readFileSync(devVars, "utf8") : "";
  if (/^OPERATOR_TOKEN=.+$/m.test(current)) return;
  const token = randomBytes(32).toString("hex");
  const prefix = current === "" || current.endsWith("\n") ? current : `${current}\n`;
  writeFileSync(devVars, `${prefix}OPERATOR_TOKEN=${token}\n`, { mode: 0o600 });
  console.log(`Created ${devVars} with a random OPERATOR_TOKEN (the operator API's Bearer token).`);
}

ensureOperatorToken();

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

const dev = spawn(wrangler, ["dev", "--port", port, "--test-scheduled", ...process.argv.slice(2)], {
  cwd: root,
  stdio: "inherit",
});
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => dev.kill(signal));
dev.on("exit", (code) => process.exit(code ?? 0));
