// `npm run dev`'s SAML 2.0 identity provider: an offline stand-in for Microsoft Entra ID, so single
// sign-on can be tried without a tenant. It checks no password (whoever opens its page signs in as any
// e-mail), so it listens on 127.0.0.1 only. Its URLs name a loopback host the app is not served under
// ("localhost" or "127.0.0.1"): the browser then treats it as another site, as it treats Entra.
//
//   GET  /                               what this is, and the URLs to give the app
//   GET  /federationmetadata.xml         Entra-shaped metadata: entity ID, signing certificate, SSO URL
//   GET  /saml2?SAMLRequest=&RelayState= SP-initiated sign-in (HTTP-Redirect binding): the sign-in page
//   POST /saml2                          the same over the HTTP-POST binding
//   POST /saml2/login                    signs a response and auto-posts it to the request's ACS URL
//   GET  /idp-initiated?acs=&audience=&email=[&RelayState=]
//                                        sign-in started here, like Entra's My Apps (a form without email)
// Any other path answers 404. The signing key and certificate live in .dev-idp/ (gitignored): key.pem
// and cert.pem, made on first start, and again when they no longer make a usable pair (the certificate
// unreadable, expiring within a day, or not the key's); the app then needs its metadata refreshed.
//
//   node scripts/dev-idp/server.mjs      serves it alone on 127.0.0.1:8054 (DEV_IDP_PORT), its URLs under
//                                        127.0.0.1 as the app is at localhost (DEV_IDP_HOST=localhost otherwise)
import { X509Certificate, createPrivateKey, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { inflateRawSync } from "node:zlib";
import { DOMParser } from "@xmldom/xmldom";
import { createSigningIdentity, metadataXml, responseXml, sign, toBase64 } from "./idp.mjs";
import { listenOnLoopback } from "../loopback-server.mjs";

export const DEFAULT_PORT = 8054;

const PROTOCOL_NS = "urn:oasis:names:tc:SAML:2.0:protocol";
const ASSERTION_NS = "urn:oasis:names:tc:SAML:2.0:assertion";
const HTTP_POST_BINDING = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST";
const CLAIM = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/";
const DISPLAY_NAME = "http://schemas.microsoft.com/identity/claims/displayname";
/** An AuthnRequest is a few hundred bytes; forms and decoded requests are capped well above that. */
const MAX_BODY_BYTES = 64 * 1024;
const MAX_FIELD = 2048;

/** The loopback host name the dev IdP's URLs use when the app is served under `appHost`: the other one. */
export const idpHostFor = (appHost) => (String(appHost).toLowerCase() === "localhost" ? "127.0.0.1" : "localhost");

const esc = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const STYLE =
  "body{font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;line-height:1.5;color:#1b1b1b}" +
  "h1{font-size:1.4rem}code{background:#f1f1f1;padding:0 .2rem;word-break:break-all}.note{color:#555;font-size:.9rem}" +
  "label{display:block;margin-top:1rem;font-weight:600}input{width:100%;padding:.4rem;font:inherit;box-sizing:border-box}" +
  "button{margin-top:1rem;padding:.5rem 1.2rem;font:inherit}dt{font-weight:600;margin-top:.6rem}dd{margin:0}";

/** A whole HTML page. */
const page = (title, body) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">` +
  `<title>${esc(title)}</title><style>${STYLE}</style></head><body>${body}</body></html>`;

const problemPage = (title, message) =>
  page(title, `<h1>${esc(title)}</h1><p role="alert">${esc(message)}</p><p class="note">Development identity provider of edge-scim.</p>`);

/** Why `raw` cannot be an assertion consumer service URL (absolute http or https, no credentials), or null. */
export function acsUrlProblem(raw) {
  if (typeof raw !== "string" || raw === "") return "the assertion consumer service URL is missing";
  if (raw.length > MAX_FIELD) return "the assertion consumer service URL is too long";
  if (!URL.canParse(raw)) return "the assertion consumer service URL is not an absolute URL";
  const url = new URL(raw);
  if (url.protocol !== "http:" && url.protocol !== "https:") return "the assertion consumer service URL must be http or https";
  if (url.username || url.password) return "the assertion consumer service URL must not carry a user name or password";
  return null;
}

/** The text of an element, trimmed. */
const textOf = (element) => (element?.textContent ?? "").trim();

/**
 * Reads an AuthnRequest with a namespace-aware XML parser (no DOCTYPE): its ID, ACS URL and Issuer
 * (the audience of the response). `{ ok: false, problem }` says what is wrong, in one sentence.
 */
export function readAuthnRequest(xml) {
  if (/<!DOCTYPE/i.test(xml)) return { ok: false, problem: "the AuthnRequest declares a DOCTYPE" };
  let failed = false;
  const fail = () => {
    failed = true;
  };
  const doc = new DOMParser({ errorHandler: { warning: () => undefined, error: fail, fatalError: fail } }).parseFromString(xml, "application/xml");
  const root = doc?.documentElement;
  if (failed || !root) return { ok: false, problem: "the SAMLRequest is not well-formed XML" };
  if (root.namespaceURI !== PROTOCOL_NS || root.localName !== "AuthnRequest") return { ok: false, problem: "the SAMLRequest is not a SAML 2.0 AuthnRequest" };
  if (root.getAttribute("Version") !== "2.0") return { ok: false, problem: 'the AuthnRequest\'s Version is not "2.0"' };
  const id = root.getAttribute("ID") ?? "";
  if (!/^[A-Za-z_][\w.-]{0,255}$/.test(id)) return { ok: false, problem: "the AuthnRequest has no ID, or one that is not an XML name" };
  const binding = root.getAttribute("ProtocolBinding");
  if (binding && binding !== HTTP_POST_BINDING) return { ok: false, problem: `the AuthnRequest asks for the ${binding} binding; only HTTP-POST is offered` };
  if (!root.hasAttribute("AssertionConsumerServiceURL")) {
    return { ok: false, problem: "the AuthnRequest has no AssertionConsumerServiceURL (this identity provider keeps no list of reply URLs)" };
  }
  const acs = root.getAttribute("AssertionConsumerServiceURL");
  const acsProblem = acsUrlProblem(acs);
  if (acsProblem) return { ok: false, problem: acsProblem };
  const issuers = Array.from(root.childNodes).filter((n) => n.nodeType === 1 && n.namespaceURI === ASSERTION_NS && n.localName === "Issuer");
  const audience = textOf(issuers[0]);
  if (issuers.length !== 1 || audience === "" || audience.length > MAX_FIELD) return { ok: false, problem: "the AuthnRequest has no single, non-empty Issuer" };
  return { ok: true, request: { id, acs, audience } };
}

const BASE64 = /^[A-Za-z0-9+/\s]*={0,2}\s*$/;

/** The AuthnRequest XML of a SAMLRequest parameter: deflated (HTTP-Redirect) or not (HTTP-POST), base64 either way. */
export function decodeSamlRequest(value, { deflated }) {
  if (!value) return { ok: false, problem: "there is no SAMLRequest" };
  if (value.length > MAX_BODY_BYTES || !BASE64.test(value)) return { ok: false, problem: "the SAMLRequest is not base64" };
  const bytes = Buffer.from(value, "base64");
  if (!deflated) return { ok: true, xml: bytes.toString("utf8") };
  try {
    return { ok: true, xml: inflateRawSync(bytes, { maxOutputLength: MAX_BODY_BYTES }).toString("utf8") };
  } catch {
    return { ok: false, problem: "the SAMLRequest is not deflated (HTTP-Redirect binding), or inflates past 64 KB" };
  }
}

/** A form body, at most MAX_BODY_BYTES; null when it is larger (the rest is read and dropped, so the answer still reaches the client). */
async function readForm(req) {
  let size = 0;
  const chunks = [];
  for await (const chunk of req) {
    size += chunk.length;
    if (size <= MAX_BODY_BYTES) chunks.push(chunk);
  }
  return size > MAX_BODY_BYTES ? null : new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
}

/** Whether the certificate is readable, valid for another day, and belongs to the key. */
function usable(identity) {
  try {
    const cert = new X509Certificate(identity.certPem);
    return new Date(cert.validTo).getTime() > Date.now() + 86_400_000 && cert.checkPrivateKey(createPrivateKey(identity.privateKeyPem));
  } catch {
    return false;
  }
}

/** The signing identity kept in `dir`: made on first use, and again when the kept pair is not usable. */
export async function loadIdentity(dir) {
  const key = path.join(dir, "key.pem");
  const cert = path.join(dir, "cert.pem");
  if (existsSync(key) && existsSync(cert)) {
    const kept = { privateKeyPem: readFileSync(key, "utf8"), certPem: readFileSync(cert, "utf8") };
    if (usable(kept)) return kept;
  }
  mkdirSync(dir, { recursive: true });
  const made = await createSigningIdentity({ commonName: "edge-scim dev IdP" });
  writeFileSync(key, made.privateKeyPem, { mode: 0o600 });
  writeFileSync(cert, made.certPem);
  return made;
}

/**
 * Starts the identity provider on 127.0.0.1:`port`, its URLs under http://`host`:`port`, its keys in `dir`.
 * Resolves once it listens, with its URLs and a `close()`.
 */
export async function startDevIdp({ port = DEFAULT_PORT, dir = ".dev-idp", host = "127.0.0.1" } = {}) {
  const identity = await loadIdentity(dir);
  const origin = `http://${host}:${port}`;
  const entityId = `${origin}/`; // Entra's is https://sts.windows.net/<tenant>/
  const ssoUrl = `${origin}/saml2`;
  const metadataUrl = `${origin}/federationmetadata.xml`;

  /** A signed, base64-encoded Response for `email`, the Assertion signed as Entra signs it by default. */
  const signedResponse = ({ email, displayName, acs, audience, inResponseTo }) =>
    toBase64(
      sign(
        responseXml({
          issuer: entityId,
          acsUrl: acs,
          audience,
          inResponseTo,
          nameId: email,
          attributes: {
            [`${CLAIM}emailaddress`]: email,
            [`${CLAIM}name`]: email,
            ...(displayName ? { [DISPLAY_NAME]: displayName } : {}),
          },
        }),
        identity,
      ),
    );

  /** The page that posts the response to the ACS at once (a button without JavaScript), as Entra's does. */
  const autoPost = (acs, samlResponse, relayState, nonce) =>
    page(
      "Signing in",
      `<form method="post" action="${esc(acs)}"><p>Signing in to <code>${esc(acs)}</code>…</p>` +
        `<input type="hidden" name="SAMLResponse" value="${esc(samlResponse)}">` +
        (relayState ? `<input type="hidden" name="RelayState" value="${esc(relayState)}">` : "") +
        `<noscript><button type="submit">Continue</button></noscript></form>` +
        `<script nonce="${nonce}">document.forms[0].submit()</script>`,
    );

  /** The sign-in page of a request: who signs in is typed in; the request travels in hidden fields. */
  const signInPage = ({ id, acs, audience }, relayState) =>
    page(
      "Sign in: development identity provider",
      `<h1>Sign in</h1><p>Development identity provider of edge-scim, standing in for Microsoft Entra ID. ` +
        `It checks no password: any e-mail signs in.</p><p class="note">Application: <code>${esc(audience)}</code><br>` +
        `Reply URL: <code>${esc(acs)}</code></p><form method="post" action="/saml2/login">` +
        `<label for="email">E-mail</label><input id="email" name="email" type="email" required autofocus autocomplete="email" maxlength="256">` +
        `<label for="displayName">Display name (optional)</label><input id="displayName" name="displayName" maxlength="256">` +
        `<input type="hidden" name="id" value="${esc(id)}"><input type="hidden" name="acs" value="${esc(acs)}">` +
        `<input type="hidden" name="audience" value="${esc(audience)}"><input type="hidden" name="relayState" value="${esc(relayState ?? "")}">` +
        `<button type="submit">Sign in</button></form>`,
    );

  const idpInitiatedForm = (params) =>
    page(
      "Sign in from the identity provider",
      `<h1>Sign in from the identity provider</h1><p>Like Entra's My Apps: a response no request asked for, posted to the application.</p>` +
        `<form method="get" action="/idp-initiated">` +
        `<label for="acs">Reply URL (assertion consumer service)</label><input id="acs" name="acs" type="url" required value="${esc(params.get("acs") ?? "")}">` +
        `<label for="audience">Identifier (entity ID)</label><input id="audience" name="audience" required value="${esc(params.get("audience") ?? "")}">` +
        `<label for="email">E-mail</label><input id="email" name="email" type="email" required maxlength="256">` +
        `<label for="RelayState">Relay state (optional)</label><input id="RelayState" name="RelayState" value="${esc(params.get("RelayState") ?? "")}">` +
        `<button type="submit">Sign in</button></form>`,
    );

  const homePage = () =>
    page(
      "Development identity provider",
      `<h1>Development identity provider</h1><p>A SAML 2.0 identity provider that <code>npm run dev</code> starts as an offline stand-in for ` +
        `Microsoft Entra ID. It signs in any e-mail without a password: use it on this machine only.</p>` +
        `<p>Give the application its metadata URL (the Organization Center's single sign-on settings, or ` +
        `<code>PUT /api/organization/identity-provider</code>), turn single sign-on on, then sign in with an e-mail of the verified domain.</p><dl>` +
        `<dt>Metadata URL</dt><dd><a href="/federationmetadata.xml"><code>${esc(metadataUrl)}</code></a></dd>` +
        `<dt>Entity ID (issuer)</dt><dd><code>${esc(entityId)}</code></dd>` +
        `<dt>Single sign-on URL</dt><dd><code>${esc(ssoUrl)}</code> (HTTP-Redirect and HTTP-POST)</dd>` +
        `<dt>Sign-in started here</dt><dd><a href="/idp-initiated">/idp-initiated</a></dd></dl>`,
    );

  /** Checks a sign-in's fields (from the sign-in form or the IdP-initiated query); a problem sentence, or null. */
  const signInProblem = ({ email, displayName, acs, audience, relayState, id }) => {
    if (!email || email.length > 256 || /[\s<>]/.test(email)) return "Enter the e-mail to sign in as (256 characters at most, no spaces).";
    if (displayName && displayName.length > 256) return "The display name is longer than 256 characters.";
    const acsProblem = acsUrlProblem(acs);
    if (acsProblem) return `${acsProblem[0].toUpperCase()}${acsProblem.slice(1)}.`;
    if (!audience || audience.length > MAX_FIELD) return "The identifier (audience) of the application is missing or too long.";
    if (relayState && relayState.length > MAX_FIELD) return "The relay state is longer than 2048 characters.";
    if (id !== undefined && !/^[A-Za-z_][\w.-]{0,255}$/.test(id)) return "The request ID is missing or malformed: start again from the application.";
    return null;
  };

  const handle = async (req, res) => {
    const nonce = randomBytes(16).toString("base64");
    const send = (status, body, type = "text/html; charset=utf-8", extra = {}) => {
      res.writeHead(status, {
        "content-type": type,
        "cache-control": "no-store",
        "x-content-type-options": "nosniff",
        "content-security-policy": `default-src 'none'; style-src 'unsafe-inline'; script-src 'nonce-${nonce}'; base-uri 'none'; frame-ancestors 'none'`,
        ...extra,
      });
      res.end(body);
    };
    const bad = (message) => send(400, problemPage("Bad request", message));
    const url = new URL(req.url ?? "/", origin);
    const method = req.method === "HEAD" ? "GET" : req.method;
    const allow = {
      "/": "GET, HEAD",
      "/federationmetadata.xml": "GET, HEAD",
      "/saml2": "GET, HEAD, POST",
      "/saml2/login": "POST",
      "/idp-initiated": "GET, HEAD",
    };
    const allowed = allow[url.pathname];
    if (!allowed) return send(404, problemPage("Not found", `There is nothing at ${url.pathname}.`));
    if (!allowed.split(", ").includes(method)) {
      return send(405, problemPage("Method not allowed", `${url.pathname} takes ${allowed}.`), undefined, { allow: allowed });
    }

    if (url.pathname === "/") return send(200, homePage());
    if (url.pathname === "/federationmetadata.xml") {
      return send(200, metadataXml({ entityId, ssoUrl, certs: [identity.certPem] }), "application/samlmetadata+xml; charset=utf-8");
    }
    if (url.pathname === "/saml2") {
      let params = url.searchParams;
      if (method === "POST") {
        params = await readForm(req);
        if (!params) return send(413, problemPage("Too large", "The request is larger than 64 KB."));
      }
      const relayState = params.get("RelayState") ?? "";
      if (relayState.length > MAX_FIELD) return bad("The RelayState is longer than 2048 characters.");
      const decoded = decodeSamlRequest(params.get("SAMLRequest"), { deflated: method === "GET" });
      if (!decoded.ok) return bad(`${decoded.problem[0].toUpperCase()}${decoded.problem.slice(1)}.`);
      const read = readAuthnRequest(decoded.xml);
      if (!read.ok) return bad(`${read.problem[0].toUpperCase()}${read.problem.slice(1)}.`);
      return send(200, signInPage(read.request, relayState));
    }
    if (url.pathname === "/saml2/login") {
      const form = await readForm(req);
      if (!form) return send(413, problemPage("Too large", "The form is larger than 64 KB."));
      const fields = {
        email: (form.get("email") ?? "").trim(),
        displayName: (form.get("displayName") ?? "").trim(),
        acs: form.get("acs") ?? "",
        audience: form.get("audience") ?? "",
        relayState: form.get("relayState") ?? "",
        id: form.get("id") ?? "",
      };
      const problem = signInProblem(fields);
      if (problem) return bad(problem);
      return send(200, autoPost(fields.acs, signedResponse({ ...fields, inResponseTo: fields.id }), fields.relayState, nonce));
    }
    // /idp-initiated
    const q = url.searchParams;
    if (!q.get("email")) return send(200, idpInitiatedForm(q));
    const fields = { email: q.get("email").trim(), acs: q.get("acs") ?? "", audience: q.get("audience") ?? "", relayState: q.get("RelayState") ?? "" };
    const problem = signInProblem(fields);
    if (problem) return bad(problem);
    return send(200, autoPost(fields.acs, signedResponse(fields), fields.relayState, nonce));
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error) => {
      console.error(`Dev SAML identity provider: ${req.method} ${req.url} failed:`, error);
      if (res.headersSent) return res.destroy();
      res.writeHead(500, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
      res.end(problemPage("Error", "The identity provider could not answer; its terminal shows why."));
    });
  });
  const close = await listenOnLoopback(server, port, "Dev SAML identity provider");
  return { server, origin, entityId, ssoUrl, metadataUrl, identity, close };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const root = path.dirname(path.dirname(path.dirname(fileURLToPath(import.meta.url))));
  const port = Number(process.env.DEV_IDP_PORT ?? DEFAULT_PORT);
  try {
    const idp = await startDevIdp({ port, host: process.env.DEV_IDP_HOST ?? "127.0.0.1", dir: path.join(root, ".dev-idp") });
    console.log(`Dev SAML identity provider: metadata at ${idp.metadataUrl}`);
  } catch (error) {
    console.error(`The dev SAML identity provider did not start: ${error?.code === "EADDRINUSE" ? `port ${port} is in use (set DEV_IDP_PORT)` : error}`);
    process.exit(1);
  }
}
