// `npm run issuer:assertion -- --subject <sub> --audience <aud> [--minutes 10]`: prints a client assertion
// the dev token issuer (server.mjs) signed, as Entra's tenant signs the provisioning service's, to try a
// federated credential with curl:
//
//   curl -s http://localhost:8787/oauth/token -d grant_type=client_credentials \
//     -d client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer \
//     -d client_assertion="$(npm run --silent issuer:assertion -- --subject ... --audience ...)" -d scope=scim
//
// The issuer (`iss`) is http://127.0.0.1:8055, or the port DEV_ISSUER_PORT names: set it as `npm run dev`
// had it. The key is .dev-issuer/key.pem, the one the running issuer publishes. Each assertion has a fresh
// jti, so it is accepted once; it expires after --minutes (10 by default, 60 at most).
import { parseArgs } from "node:util";
import { issuerFor, issuerPort, loadSigningKey, signAssertion } from "./server.mjs";

const USAGE = "usage: npm run issuer:assertion -- --subject <subject> --audience <audience> [--minutes 10]";
const MAX_MINUTES = 60;

function fail(message) {
  console.error(`${message}\n${USAGE}`);
  process.exit(2);
}

let values;
try {
  ({ values } = parseArgs({
    options: { subject: { type: "string" }, audience: { type: "string" }, minutes: { type: "string", default: "10" }, help: { type: "boolean", short: "h" } },
    strict: true,
  }));
} catch (error) {
  fail(error.message);
}
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
if (!values.subject?.trim()) fail("--subject is required: the subject of the federated credential.");
if (!values.audience?.trim()) fail("--audience is required: the federated credential's audience (api://<host>/<orgId> by default).");
const minutes = Number(values.minutes);
if (!Number.isFinite(minutes) || minutes <= 0 || minutes > MAX_MINUTES) fail(`--minutes must be a number above 0 and at most ${MAX_MINUTES}.`);

const key = await loadSigningKey();
console.log(await signAssertion({ key, issuer: issuerFor(issuerPort()), subject: values.subject.trim(), audience: values.audience.trim(), minutes }));
