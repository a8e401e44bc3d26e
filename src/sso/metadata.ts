/** An identity provider's SAML 2.0 metadata (Entra's federation metadata), read with a real XML parser. */
import { X509Certificate, createHash } from "node:crypto";
import { children, parseXml } from "./xml";

const MD = "urn:oasis:names:tc:SAML:2.0:metadata";
const DS = "http://www.w3.org/2000/09/xmldsig#";
export const REDIRECT_BINDING = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect";

export interface IdpCertificate {
  pem: string;
  subject: string;
  notAfter: string;
  /** Lowercase hex SHA-256 of the DER, no colons (contract section 5). */
  sha256: string;
}
export interface IdpMetadata {
  entityId: string;
  ssoUrl: string;
  ssoBinding: string;
  certificates: IdpCertificate[];
}
export type Parsed = { ok: true; value: IdpMetadata } | { ok: false; reason: string };

/** Reads entityID, the HTTP-Redirect SSO endpoint and every signing certificate; refuses what Entra would never send. */
export function parseIdpMetadata(xml: string): Parsed {
  if (xml.length > 256 * 1024) return { ok: false, reason: "the metadata is larger than 256 KB" };
  const doc = parseXml(xml);
  if (!doc?.documentElement) return { ok: false, reason: "the metadata is not well-formed XML (or declares a DOCTYPE)" };
  const root = doc.documentElement;
  if (root.namespaceURI !== MD || root.localName !== "EntityDescriptor") return { ok: false, reason: "the root element is not a SAML 2.0 EntityDescriptor" };
  const entityId = root.getAttribute("entityID") ?? "";
  if (entityId === "") return { ok: false, reason: "the EntityDescriptor has no entityID" };
  const idp = children(root, MD, "IDPSSODescriptor")[0];
  if (!idp) return { ok: false, reason: "the metadata has no IDPSSODescriptor" };
  const sso = children(idp, MD, "SingleSignOnService").find((e) => e.getAttribute("Binding") === REDIRECT_BINDING);
  const ssoUrl = sso?.getAttribute("Location") ?? "";
  if (!URL.canParse(ssoUrl) || !/^https?:$/.test(new URL(ssoUrl).protocol))
    return { ok: false, reason: "the metadata has no HTTP-Redirect SingleSignOnService with an http(s) Location" };
  const certificates: IdpCertificate[] = [];
  for (const key of children(idp, MD, "KeyDescriptor")) {
    const use = key.getAttribute("use");
    if (use && use !== "signing") continue; // no use attribute means both
    for (const info of children(key, DS, "KeyInfo"))
      for (const data of children(info, DS, "X509Data"))
        for (const c of children(data, DS, "X509Certificate")) {
          const b64 = (c.textContent ?? "").replace(/\s+/g, "");
          const pem = `-----BEGIN CERTIFICATE-----\n${b64.replace(/.{64}/g, "$&\n").replace(/\n?$/, "\n")}-----END CERTIFICATE-----\n`;
          let cert: X509Certificate;
          try {
            cert = new X509Certificate(pem);
          } catch {
            return { ok: false, reason: "a signing certificate in the metadata cannot be read" };
          }
          const sha256 = createHash("sha256").update(cert.raw).digest("hex");
          if (!certificates.some((x) => x.sha256 === sha256)) {
            certificates.push({ pem, subject: cert.subject, notAfter: new Date(cert.validTo).toISOString(), sha256 });
          }
        }
  }
  if (certificates.length === 0) return { ok: false, reason: "the metadata has no signing certificate" };
  return { ok: true, value: { entityId, ssoUrl, ssoBinding: REDIRECT_BINDING, certificates } };
}
