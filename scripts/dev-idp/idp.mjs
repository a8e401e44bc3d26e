// A stand-in for Entra's SAML side: signing identities, federation metadata and signed responses.
// Runs in Node (the dev IdP) and inside workerd (the Workers-runtime tests act as the IdP with it).
import "reflect-metadata"; // @peculiar/x509 uses tsyringe, which needs a Reflect metadata polyfill
import * as x509 from "@peculiar/x509";
import { SignedXml } from "xml-crypto";

export const ALG = {
  rsaSha256: "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
  rsaSha1: "http://www.w3.org/2000/09/xmldsig#rsa-sha1",
  sha256: "http://www.w3.org/2001/04/xmlenc#sha256",
  sha1: "http://www.w3.org/2000/09/xmldsig#sha1",
  excC14n: "http://www.w3.org/2001/10/xml-exc-c14n#",
  enveloped: "http://www.w3.org/2000/09/xmldsig#enveloped-signature",
};

const pem = (label, der) =>
  `-----BEGIN ${label}-----\n${Buffer.from(der).toString("base64").replace(/.{64}/g, "$&\n").replace(/\n?$/, "\n")}-----END ${label}-----\n`;

/** An RSA-2048 key and a self-signed certificate like Entra's ("CN=Microsoft Azure Federated SSO Certificate", 3 years). */
export async function createSigningIdentity({ commonName = "Microsoft Azure Federated SSO Certificate", days = 3 * 365, notBefore = new Date() } = {}) {
  const alg = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256", publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 };
  const keys = await crypto.subtle.generateKey(alg, true, ["sign", "verify"]);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: Buffer.from(crypto.getRandomValues(new Uint8Array(8)))
      .toString("hex")
      .replace(/^0/, "1"),
    name: `CN=${commonName}`,
    notBefore,
    notAfter: new Date(notBefore.getTime() + days * 86_400_000),
    signingAlgorithm: alg,
    keys,
    // BoringSSL (workerd's X509Certificate) refuses a certificate with an empty extensions list.
    extensions: [new x509.BasicConstraintsExtension(false, undefined, true)],
  });
  return { privateKeyPem: pem("PRIVATE KEY", await crypto.subtle.exportKey("pkcs8", keys.privateKey)), certPem: cert.toString("pem") };
}

const certBody = (certPem) => certPem.replace(/-----[^-]+-----|\s/g, "");
const esc = (s) => String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
export const newId = () => `_${crypto.randomUUID()}`;

/** Entra-shaped federation metadata: entity ID, signing certificates, SSO endpoints (Redirect and POST), logout. */
export function metadataXml({ entityId, ssoUrl, certs }) {
  const keys = certs
    .map(
      (c) =>
        `<KeyDescriptor use="signing"><KeyInfo xmlns="http://www.w3.org/2000/09/xmldsig#"><X509Data><X509Certificate>${certBody(c)}</X509Certificate></X509Data></KeyInfo></KeyDescriptor>`,
    )
    .join("");
  return (
    `<?xml version="1.0" encoding="utf-8"?><EntityDescriptor ID="${newId()}" entityID="${esc(entityId)}" xmlns="urn:oasis:names:tc:SAML:2.0:metadata">` +
    `<RoleDescriptor xsi:type="fed:SecurityTokenServiceType" protocolSupportEnumeration="http://docs.oasis-open.org/wsfed/federation/200706" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:fed="http://docs.oasis-open.org/wsfed/federation/200706">${keys}</RoleDescriptor>` +
    `<IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">${keys}` +
    `<SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="${esc(ssoUrl)}"/>` +
    `<SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="${esc(ssoUrl)}"/>` +
    `<SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="${esc(ssoUrl)}"/>` +
    `</IDPSSODescriptor></EntityDescriptor>`
  );
}

/** An unsigned Entra-shaped Response with one Assertion; every field can be overridden to build bad ones. */
export function responseXml(o) {
  const now = o.now ?? new Date();
  const iso = (ms) => new Date(now.getTime() + ms).toISOString().replace(/\.\d{3}Z$/, "Z");
  const assertionId = o.assertionId ?? newId();
  const irt = o.inResponseTo ? ` InResponseTo="${esc(o.inResponseTo)}"` : "";
  const subjectIrt = o.subjectInResponseTo !== undefined ? (o.subjectInResponseTo ? ` InResponseTo="${esc(o.subjectInResponseTo)}"` : "") : irt;
  const attrs = Object.entries(o.attributes ?? {})
    .map(([name, value]) => `<Attribute Name="${esc(name)}"><AttributeValue>${esc(value)}</AttributeValue></Attribute>`)
    .join("");
  // nameIdXml lets a test put raw markup (a comment) inside the NameID.
  const nameId = o.nameIdXml ?? esc(o.nameId);
  return (
    `<samlp:Response ID="${o.responseId ?? newId()}" Version="2.0" IssueInstant="${iso(0)}" Destination="${esc(o.destination ?? o.acsUrl)}"${irt} xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol">` +
    `<Issuer xmlns="urn:oasis:names:tc:SAML:2.0:assertion">${esc(o.issuer)}</Issuer>` +
    `<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>` +
    `<Assertion ID="${assertionId}" IssueInstant="${iso(0)}" Version="2.0" xmlns="urn:oasis:names:tc:SAML:2.0:assertion">` +
    `<Issuer>${esc(o.assertionIssuer ?? o.issuer)}</Issuer>` +
    `<Subject><NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress">${nameId}</NameID>` +
    `<SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><SubjectConfirmationData${subjectIrt} NotOnOrAfter="${iso(o.subjectValidMs ?? 5 * 60_000)}" Recipient="${esc(o.recipient ?? o.acsUrl)}"/></SubjectConfirmation></Subject>` +
    `<Conditions NotBefore="${iso(o.notBeforeMs ?? -5 * 60_000)}" NotOnOrAfter="${iso(o.validMs ?? 60 * 60_000)}"><AudienceRestriction><Audience>${esc(o.audience)}</Audience></AudienceRestriction></Conditions>` +
    `<AttributeStatement>${attrs}</AttributeStatement>` +
    `<AuthnStatement AuthnInstant="${iso(0)}" SessionIndex="${assertionId}"><AuthnContext><AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:Password</AuthnContextClassRef></AuthnContext></AuthnStatement>` +
    `</Assertion></samlp:Response>`
  );
}

/** Signs one element (the Assertion, as Entra does by default, or the Response) with an enveloped exclusive-c14n signature. */
export function sign(xml, { privateKeyPem, certPem }, { what = "assertion", sha1 = false } = {}) {
  const sig = new SignedXml({
    privateKey: privateKeyPem,
    publicCert: certPem, // KeyInfo carries the certificate, as Entra's does (the SP must ignore it)
    signatureAlgorithm: sha1 ? ALG.rsaSha1 : ALG.rsaSha256,
    canonicalizationAlgorithm: ALG.excC14n,
  });
  const target = what === "assertion" ? "//*[local-name(.)='Assertion']" : "/*[local-name(.)='Response']";
  sig.addReference({ xpath: target, digestAlgorithm: sha1 ? ALG.sha1 : ALG.sha256, transforms: [ALG.enveloped, ALG.excC14n] });
  // Entra puts the Signature right after the element's Issuer.
  sig.computeSignature(xml, { location: { reference: `${target}/*[local-name(.)='Issuer']`, action: "after" } });
  return sig.getSignedXml();
}

export const toBase64 = (xml) => Buffer.from(xml, "utf8").toString("base64");
