// `npm run dev`'s token issuer: an offline stand-in for the Entra tenant that signs the provisioning
// service's client assertions (workload identity federation, RFC 7523), so a federated credential can be
// tried without a tenant. It publishes what the app reads to check an assertion, over OpenID discovery:
//
//   GET /.well-known/openid-configuration   {issuer, jwks_uri, ...}; the issuer is http://127.0.0.1:<port>
//   GET /.well-known/jwks.json              the public key: RSA, alg RS256, use sig, with its kid
//
// Any other path answers 404. It signs nothing over HTTP: `npm run issuer:assertion` (assertion.mjs)
// signs an assertion with the same key, which lives in .dev-issuer/key.pem (gitignored), made on first
// use and again when the kept file is not an RSA private key. The key id is the key's JWK thumbprint.
//
//   node scripts/dev-issuer/server.mjs   serves it alone on 127.0.0.1:8055 (DEV_ISSUER_PORT)
import { createPrivateKey } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { calculateJwkThumbprint, exportJWK, exportPKCS8, generateKeyPair, importPKCS8, SignJWT } from "jose";
import { listenOnLoopback } from "../loopback-server.mjs";

export const DEFAULT_PORT = 8055;
export const ALG = "RS256";
/** The project folder (the parent of scripts/). */
export const ROOT = path.dirname(path.dirname(path.dirname(fileURLToPath(import.meta.url))));
/** Where the signing key is kept. */
export const KEY_DIR = path.join(ROOT, ".dev-issuer");

/** The port DEV_ISSUER_PORT names, else the default. */
export const issuerPort = () => Number(process.env.DEV_ISSUER_PORT ?? DEFAULT_PORT);
/** The issuer identifier (the `iss` of its assertions) on `port`: the Worker under `wrangler dev` fetches it at this address. */
export const issuerFor = (port) => `http://127.0.0.1:${port}`;

/** Whether `pem` holds an RSA private key. */
function isRsaKey(pem) {
  try {
    return createPrivateKey(pem).asymmetricKeyType === "rsa";
  } catch {
    return false;
  }
}

/**
 * The signing key kept in `dir` (key.pem, PKCS #8): made on first use, and again when the kept file is not
 * an RSA private key. Resolves with the private key, its public JWK (kid, alg, use) and the kid.
 */
export async function loadSigningKey(dir = KEY_DIR) {
  const file = path.join(dir, "key.pem");
  let pem = existsSync(file) ? readFileSync(file, "utf8") : "";
  if (!isRsaKey(pem)) {
    const { privateKey } = await generateKeyPair(ALG, { modulusLength: 2048, extractable: true });
    pem = await exportPKCS8(privateKey);
    mkdirSync(dir, { recursive: true });
    writeFileSync(file, pem, { mode: 0o600 });
  }
  const privateKey = await importPKCS8(pem, ALG, { extractable: true });
  const { kty, n, e } = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint({ kty, n, e });
  return { privateKey, kid, publicJwk: { kty, n, e, kid, alg: ALG, use: "sig" } };
}

/**
 * A client assertion (RFC 7523 section 3) signed with the key: RS256, the key's kid in the header, and the
 * claims iss, sub, aud, iat, nbf, exp (`minutes` from now) and a random jti, so each one is usable once.
 */
export async function signAssertion({ key, issuer, subject, audience, minutes = 10, now = new Date() }) {
  const at = Math.floor(now.getTime() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: ALG, kid: key.kid, typ: "JWT" })
    .setIssuer(issuer)
    .setSubject(subject)
    .setAudience(audience)
    .setIssuedAt(at)
    .setNotBefore(at)
    .setExpirationTime(at + Math.round(minutes * 60))
    .setJti(crypto.randomUUID())
    .sign(key.privateKey);
}

/** Starts the issuer on 127.0.0.1:`port`, its key in `dir`. Resolves once it listens, with its URLs and a `close()`. */
export async function startDevIssuer({ port = DEFAULT_PORT, dir = KEY_DIR } = {}) {
  const key = await loadSigningKey(dir);
  const issuer = issuerFor(port);
  const jwksUri = `${issuer}/.well-known/jwks.json`;
  const documents = {
    "/.well-known/openid-configuration": {
      issuer,
      jwks_uri: jwksUri,
      response_types_supported: ["id_token"],
      subject_types_supported: ["public"],
      id_token_signing_alg_values_supported: [ALG],
    },
    "/.well-known/jwks.json": { keys: [key.publicJwk] },
  };

  const server = createServer((req, res) => {
    const send = (status, body, extra = {}) => {
      res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store", "x-content-type-options": "nosniff", ...extra });
      res.end(req.method === "HEAD" ? undefined : JSON.stringify(body));
    };
    const { pathname } = new URL(req.url ?? "/", issuer);
    const document = Object.hasOwn(documents, pathname) ? documents[pathname] : undefined;
    if (!document) return send(404, { error: "not_found", error_description: `There is nothing at ${pathname}.` });
    if (req.method !== "GET" && req.method !== "HEAD")
      return send(405, { error: "method_not_allowed", error_description: `${pathname} takes GET.` }, { allow: "GET, HEAD" });
    send(200, document);
  });
  const close = await listenOnLoopback(server, port, "Dev token issuer");
  return { server, issuer, jwksUri, kid: key.kid, close };
}

/** The line `npm run dev` prints: where the issuer is, and how to get an assertion from it. */
export const announcement = (issuer, port) =>
  `Dev token issuer: ${issuer} (${port === DEFAULT_PORT ? "" : `DEV_ISSUER_PORT=${port} `}npm run issuer:assertion -- --subject <subject> --audience <audience>)`;

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const port = issuerPort();
  try {
    const started = await startDevIssuer({ port });
    console.log(announcement(started.issuer, port));
  } catch (error) {
    console.error(`The dev token issuer did not start: ${error?.code === "EADDRINUSE" ? `port ${port} is in use (set DEV_ISSUER_PORT)` : error}`);
    process.exit(1);
  }
}
