// PROTOTYPE of `npm run dev`'s local SAML identity provider (a stand-in for Entra), on 127.0.0.1.
//   GET  /federationmetadata.xml   Entra-shaped metadata (entity ID, signing certificate(s), SSO URL)
//   GET  /saml2?SAMLRequest=&RelayState=   SP-initiated: shows "Sign in as" for the AuthnRequest
//   POST /saml2/login              signs a response and auto-posts it to the request's ACS URL
//   GET  /idp-initiated?acs=&audience=&email=   IdP-initiated, like Entra's My Apps
// Keys live in .dev-idp/ (gitignored): key.pem + cert.pem, made on first start.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import path from "node:path";
import { inflateRawSync } from "node:zlib";
import { createSigningIdentity, metadataXml, responseXml, sign, toBase64 } from "./idp.mjs";

const esc = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const page = (title, body) =>
  `<!doctype html><meta charset="utf-8"><title>${esc(title)}</title><body style="font-family:sans-serif;max-width:32rem;margin:3rem auto">${body}</body>`;

/** The signing identity kept in `dir`, made on first use. */
export async function loadIdentity(dir) {
  const key = path.join(dir, "key.pem"),
    cert = path.join(dir, "cert.pem");
  if (!existsSync(key) || !existsSync(cert)) {
    mkdirSync(dir, { recursive: true });
    const id = await createSigningIdentity({ commonName: "edge-scim dev IdP" });
    writeFileSync(key, id.privateKeyPem, { mode: 0o600 });
    writeFileSync(cert, id.certPem);
  }
  return { privateKeyPem: readFileSync(key, "utf8"), certPem: readFileSync(cert, "utf8") };
}

export async function startDevIdp({ port = 8054, dir = ".dev-idp", host = "localhost" } = {}) {
  const identity = await loadIdentity(dir);
  const origin = `http://${host}:${port}`;
  const entityId = `${origin}/`; // Entra's is https://sts.windows.net/<tenant>/
  const ssoUrl = `${origin}/saml2`;
  const autoPost = (acs, samlResponse, relayState) =>
    page(
      "Signing in",
      `<form method="post" action="${esc(acs)}"><input type="hidden" name="SAMLResponse" value="${esc(samlResponse)}">` +
        (relayState ? `<input type="hidden" name="RelayState" value="${esc(relayState)}">` : "") +
        `<noscript><button>Continue</button></noscript></form><script>document.forms[0].submit()</script>`,
    );
  const respond = (email, { acs, audience, inResponseTo }) =>
    toBase64(
      sign(
        responseXml({
          issuer: entityId,
          acsUrl: acs,
          audience,
          inResponseTo,
          nameId: email,
          attributes: { "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress": email },
        }),
        identity,
      ),
    );
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", origin);
    const send = (status, body, type = "text/html; charset=utf-8") => {
      res.writeHead(status, { "content-type": type });
      res.end(body);
    };
    if (req.method === "GET" && url.pathname === "/federationmetadata.xml")
      return send(200, metadataXml({ entityId, ssoUrl, certs: [identity.certPem] }), "application/samlmetadata+xml");
    if (req.method === "GET" && url.pathname === "/saml2") {
      let xml;
      try {
        xml = inflateRawSync(Buffer.from(url.searchParams.get("SAMLRequest") ?? "", "base64")).toString("utf8");
      } catch {
        return send(400, page("Bad request", "<p>SAMLRequest is not deflate + base64.</p>"));
      }
      const id = xml.match(/\sID="([^"]+)"/)?.[1],
        acs = xml.match(/AssertionConsumerServiceURL="([^"]+)"/)?.[1],
        audience = xml.match(/<saml:Issuer[^>]*>([^<]+)</)?.[1];
      if (!id || !acs || !audience) return send(400, page("Bad request", "<p>The AuthnRequest lacks ID, AssertionConsumerServiceURL or Issuer.</p>"));
      return send(
        200,
        page(
          "Dev IdP: sign in",
          `<h1>Dev identity provider</h1><p>Signing in to <code>${esc(audience)}</code></p><form method="post" action="/saml2/login">` +
            `<label for="email">Sign in as (e-mail)</label><br><input id="email" name="email" type="email" required autofocus>` +
            `<input type="hidden" name="id" value="${esc(id)}"><input type="hidden" name="acs" value="${esc(acs)}"><input type="hidden" name="audience" value="${esc(audience)}">` +
            `<input type="hidden" name="relayState" value="${esc(url.searchParams.get("RelayState") ?? "")}"><button>Sign in</button></form>`,
        ),
      );
    }
    if (req.method === "POST" && url.pathname === "/saml2/login") {
      let body = "";
      for await (const chunk of req) body += chunk;
      const f = new URLSearchParams(body);
      return send(
        200,
        autoPost(f.get("acs"), respond(f.get("email"), { acs: f.get("acs"), audience: f.get("audience"), inResponseTo: f.get("id") }), f.get("relayState")),
      );
    }
    if (req.method === "GET" && url.pathname === "/idp-initiated") {
      const acs = url.searchParams.get("acs"),
        audience = url.searchParams.get("audience"),
        email = url.searchParams.get("email");
      return send(200, autoPost(acs, respond(email, { acs, audience }), url.searchParams.get("RelayState")));
    }
    send(404, page("Not found", "<p>Not found.</p>"));
  });
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", resolve);
  });
  return { server, origin, entityId, ssoUrl, metadataUrl: `${origin}/federationmetadata.xml`, identity };
}
