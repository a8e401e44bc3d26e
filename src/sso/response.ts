/**
 * Validating a SAML Response posted to the ACS. node-saml checks the signature (configured certificates
 * only, the signed element is the one read, one assertion), the times and the Audience; the checks it
 * leaves out (Destination, Recipient, Issuer, SubjectConfirmationData times, SHA-1) are made here on the
 * signed assertion node-saml hands back, never on the unsigned envelope.
 */
import { type Profile, SAML, ValidateInResponseTo } from "@node-saml/node-saml";
import { fromBase64 } from "../shared/base64";
import { children, descendants, parseXml, type XmlDocument, type XmlElement } from "./xml";
import type { ServiceProvider } from "./service-provider";

const SAMLP = "urn:oasis:names:tc:SAML:2.0:protocol";
const SAML_NS = "urn:oasis:names:tc:SAML:2.0:assertion";
const DS = "http://www.w3.org/2000/09/xmldsig#";
const BEARER = "urn:oasis:names:tc:SAML:2.0:cm:bearer";
export const CLOCK_SKEW_MS = 3 * 60_000;
const SHA1 = new Set(["http://www.w3.org/2000/09/xmldsig#rsa-sha1", "http://www.w3.org/2000/09/xmldsig#sha1"]);

export interface TrustedIdp {
  entityId: string;
  certificates: string[];
  allowSha1: boolean;
}

export type Reason =
  | "malformed"
  | "multiple_assertions"
  | "encrypted_assertion"
  | "sha1_signature"
  | "bad_signature"
  | "wrong_destination"
  | "wrong_issuer"
  | "wrong_audience"
  | "wrong_recipient"
  | "expired"
  | "not_yet_valid"
  | "in_response_to_mismatch"
  | "idp_error";

export interface Accepted {
  ok: true;
  nameId: string;
  assertionId: string;
  /** The signed InResponseTo (SubjectConfirmationData), or null for an IdP-initiated response. */
  inResponseTo: string | null;
  /** Until when the assertion could be presented again: the replay cache keeps its ID until then. */
  replayableUntil: number;
  attributes: Record<string, string | string[]>;
}
/** A refusal; `claimed` is what the unsigned document said, for the sign-in log only (never trusted). */
export type Refused = { ok: false; reason: Reason; detail: string; claimed?: { nameId?: string; inResponseTo?: string } };
export type Verdict = Accepted | Refused;

const refuse = (reason: Reason, detail: string): Refused => ({ ok: false, reason, detail });

const all = descendants;
const child = (parent: XmlElement, ns: string, name: string) => children(parent, ns, name)[0];

/** node-saml's error messages, as refusal reasons. */
function reasonOf(message: string): Reason {
  if (/multiple assertions/i.test(message)) return "multiple_assertions";
  if (/decryption key|EncryptedAssertion/i.test(message)) return "encrypted_assertion";
  if (/audience/i.test(message)) return "wrong_audience";
  if (/not yet valid/i.test(message)) return "not_yet_valid";
  if (/expired/i.test(message)) return "expired";
  if (/SAML provider returned/i.test(message)) return "idp_error";
  if (/signature|ID cannot refer|Referenced node|signed references/i.test(message)) return "bad_signature";
  return "malformed";
}

/** The largest SAMLResponse read (base64); Entra's are a few KB. */
export const MAX_RESPONSE_CHARS = 256 * 1024;

/** The XML of a posted SAMLResponse, or undefined when it is not base64 of UTF-8 text. */
function decodeResponse(samlResponse: string): string | undefined {
  const bytes = fromBase64(samlResponse.replace(/\s+/g, ""));
  if (!bytes) return undefined;
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return undefined;
  }
}

/** Checks a posted SAMLResponse against the service provider and the organization's identity provider. */
export async function validateResponse(samlResponse: string, sp: ServiceProvider, idp: TrustedIdp, now = Date.now()): Promise<Verdict> {
  if (samlResponse.length > MAX_RESPONSE_CHARS) return refuse("malformed", "the response is larger than 256 KB");
  const xml = decodeResponse(samlResponse);
  if (xml === undefined) return refuse("malformed", "SAMLResponse is not base64-encoded XML");
  const doc = parseXml(xml);
  const root = doc?.documentElement;
  if (!doc || !root || root.namespaceURI !== SAMLP || root.localName !== "Response") return refuse("malformed", "not a SAML 2.0 Response");
  const verdict = await judge(doc, root, samlResponse, sp, idp, now);
  if (verdict.ok) return verdict;
  const nameId = all(doc, SAML_NS, "NameID")[0]?.textContent?.trim().slice(0, 256);
  const inResponseTo = root.getAttribute("InResponseTo") ?? undefined;
  return { ...verdict, claimed: { ...(nameId ? { nameId } : {}), ...(inResponseTo ? { inResponseTo } : {}) } };
}

async function judge(doc: XmlDocument, root: XmlElement, samlResponse: string, sp: ServiceProvider, idp: TrustedIdp, now: number): Promise<Verdict> {
  // Anywhere in the document, not only as children of the Response: a hidden copy is a wrapping attempt.
  if (all(doc, SAML_NS, "Assertion").length + all(doc, SAML_NS, "EncryptedAssertion").length > 1) {
    return refuse("multiple_assertions", "the response holds more than one assertion");
  }
  if (all(doc, SAML_NS, "EncryptedAssertion").length > 0) return refuse("encrypted_assertion", "encrypted assertions are not configured");
  if (!idp.allowSha1) {
    const algorithms = [...all(doc, DS, "SignatureMethod"), ...all(doc, DS, "DigestMethod")].map((e) => e.getAttribute("Algorithm") ?? "");
    if (algorithms.some((a) => SHA1.has(a))) return refuse("sha1_signature", "the response is signed with SHA-1; set Entra's signing algorithm to SHA-256");
  }
  const destination = root.getAttribute("Destination");
  if (destination && destination !== sp.acsUrl) return refuse("wrong_destination", `Destination is ${destination}, not ${sp.acsUrl}`);
  const responseIssuer = child(root, SAML_NS, "Issuer")?.textContent?.trim();
  if (responseIssuer && responseIssuer !== idp.entityId) return refuse("wrong_issuer", `the response's Issuer is ${responseIssuer}, not ${idp.entityId}`);

  // KeyInfo is never trusted, but it says which configured certificate to try first: during a rollover
  // trying the wrong one first doubles the cost of a validation.
  const offered = new Set(all(doc, DS, "X509Certificate").map((e) => (e.textContent ?? "").replace(/\s+/g, "")));
  const body = (pem: string) => pem.replace(/-----[^-]+-----|\s+/g, "");
  const certificates = [...idp.certificates].sort((a, b) => Number(offered.has(body(b))) - Number(offered.has(body(a))));
  const saml = new SAML({
    callbackUrl: sp.acsUrl,
    issuer: sp.entityId,
    audience: sp.entityId,
    idpCert: certificates,
    idpIssuer: idp.entityId,
    // Entra signs the assertion by default and can sign the response instead or too: either signature counts,
    // and with neither node-saml throws "Invalid signature".
    wantAuthnResponseSigned: false,
    wantAssertionsSigned: false,
    acceptedClockSkewMs: CLOCK_SKEW_MS,
    validateInResponseTo: ValidateInResponseTo.never,
  });
  let profile: Profile | null;
  try {
    ({ profile } = await saml.validatePostResponseAsync({ SAMLResponse: samlResponse }));
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    return refuse(reasonOf(message), message);
  }
  if (!profile?.getAssertionXml) return refuse("malformed", "the response carries no assertion");

  // Everything below reads the signed assertion as node-saml verified it (canonical, comments dropped).
  const assertion = parseXml(profile.getAssertionXml())?.documentElement;
  if (assertion?.localName !== "Assertion") return refuse("malformed", "the signed element is not an assertion");
  const assertionId = assertion.getAttribute("ID") ?? "";
  const issuer = child(assertion, SAML_NS, "Issuer")?.textContent?.trim();
  if (issuer !== idp.entityId) return refuse("wrong_issuer", `the assertion's Issuer is ${issuer}, not ${idp.entityId}`);
  const subject = child(assertion, SAML_NS, "Subject");
  const nameId = subject && child(subject, SAML_NS, "NameID")?.textContent?.trim();
  if (!subject || !nameId) return refuse("malformed", "the assertion names no subject");
  const data = all(subject, SAML_NS, "SubjectConfirmation")
    .filter((c) => c.getAttribute("Method") === BEARER)
    .map((c) => child(c, SAML_NS, "SubjectConfirmationData"))
    .filter((d): d is XmlElement => !!d);
  const confirmation = data.find((d) => d.getAttribute("Recipient") === sp.acsUrl);
  if (!confirmation) return refuse("wrong_recipient", `no bearer confirmation names ${sp.acsUrl} as Recipient`);
  const until = Date.parse(confirmation.getAttribute("NotOnOrAfter") ?? "");
  if (!Number.isFinite(until)) return refuse("malformed", "the subject confirmation has no NotOnOrAfter");
  if (now - CLOCK_SKEW_MS >= until) return refuse("expired", "the subject confirmation has expired");
  const notBefore = confirmation.getAttribute("NotBefore");
  if (notBefore && now + CLOCK_SKEW_MS < Date.parse(notBefore)) return refuse("not_yet_valid", "the subject confirmation is not valid yet");
  const inResponseTo = confirmation.getAttribute("InResponseTo") || null;
  if ((root.getAttribute("InResponseTo") || null) !== inResponseTo)
    return refuse("in_response_to_mismatch", "the response's InResponseTo differs from the signed one");
  const conditionsUntil = Date.parse(child(assertion, SAML_NS, "Conditions")?.getAttribute("NotOnOrAfter") ?? "");
  const replayableUntil = Math.max(until, Number.isFinite(conditionsUntil) ? conditionsUntil : 0) + CLOCK_SKEW_MS;
  return { ok: true, nameId, assertionId, inResponseTo, replayableUntil, attributes: (profile.attributes ?? {}) as Record<string, string | string[]> };
}
