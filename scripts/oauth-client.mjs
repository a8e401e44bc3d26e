// `npm run oauth:client -- --name "Microsoft Entra ID" --redirect-uri https://portal.azure.com/TokenAuthorize [--url https://host]`
// Registers a platform OAuth client (authorization-code grant) through the operator API and prints
// its client ID and secret (shown once). The operator token comes from OPERATOR_TOKEN or .dev.vars.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

function parseArgs(argv) {
  const args = { name: undefined, redirectUris: [], url: "http://localhost:8787" };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split("=", 2);
    const value = inline ?? argv[++i];
    if (flag === "--name") args.name = value;
    else if (flag === "--redirect-uri") args.redirectUris.push(value);
    else if (flag === "--url") args.url = value;
    else throw new Error(`unknown option ${flag}`);
  }
  return args;
}

function operatorToken() {
  if (process.env.OPERATOR_TOKEN) return process.env.OPERATOR_TOKEN;
  const devVars = path.join(root, ".dev.vars");
  const match = existsSync(devVars) ? readFileSync(devVars, "utf8").match(/^OPERATOR_TOKEN=(.+)$/m) : null;
  return match?.[1]?.trim();
}

let args;
try {
  args = parseArgs(process.argv.slice(2));
} catch (e) {
  console.error(e.message);
  process.exit(2);
}
if (!args.name || args.redirectUris.length === 0) {
  console.error(
    'usage: npm run oauth:client -- --name "Microsoft Entra ID" --redirect-uri https://portal.azure.com/TokenAuthorize [--url http://localhost:8787]',
  );
  process.exit(2);
}
const token = operatorToken();
if (!token) {
  console.error("No operator token: set OPERATOR_TOKEN, or run `npm run dev` once to create .dev.vars.");
  process.exit(2);
}
const response = await fetch(new URL("/api/operator/oauth-clients", args.url), {
  method: "POST",
  headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
  body: JSON.stringify({ name: args.name, redirectUris: args.redirectUris }),
}).catch((e) => {
  console.error(`Could not reach ${args.url}: ${e.message}`);
  process.exit(1);
});
const body = await response.json().catch(() => ({}));
if (response.status !== 201) {
  console.error(`The server answered ${response.status}: ${body.message ?? JSON.stringify(body)}`);
  process.exit(1);
}
console.log(
  JSON.stringify({ ...body, authorizationUrl: new URL("/oauth/authorize", args.url).href, tokenUrl: new URL("/oauth/token", args.url).href }, null, 2),
);
console.log("The client secret is shown once: store it now.");
