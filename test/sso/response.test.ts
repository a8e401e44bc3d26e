// Validating SAML responses inside the Workers runtime: the identity provider (xml-crypto) signs in the test, node-saml and our checks judge.
import { createHash } from "node:crypto";
import { inflateRawSync } from "node:zlib";
import { SAML } from "@node-saml/node-saml";
import { beforeAll, describe, expect, it } from "vitest";
import { createSigningIdentity, metadataXml, responseXml, sign, toBase64 } from "../../scripts/dev-idp/idp.mjs";
import { authnRedirect } from "../../src/sso/authn-request";
import { parseIdpMetadata } from "../../src/sso/metadata";
import { validateResponse, type TrustedIdp } from "../../src/sso/response";
import { serviceProviderOf, spMetadataXml } from "../../src/sso/service-provider";

type Identity = { privateKeyPem: string; certPem: string };
const orgId = crypto.randomUUID();
const sp = serviceProviderOf("https://sso.example.test", orgId);
const tenant = crypto.randomUUID();
const idpEntityId = `https://sts.windows.net/${tenant}/`;
const ssoUrl = `https://login.microsoftonline.com/${tenant}/saml2`;
let current: Identity, next: Identity, attacker: Identity;
let trusted: TrustedIdp;

const base = (o: Record<string, unknown> = {}) => ({
  issuer: idpEntityId,
  acsUrl: sp.acsUrl,
  audience: sp.entityId,
  nameId: "alice@contoso.test",
  attributes: { "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress": "alice@contoso.test" },
  ...o,
});
const signed = (o: Record<string, unknown> = {}, by: Identity = current, how: { what?: string; sha1?: boolean } = {}) => sign(responseXml(base(o)), by, how);
const check = (xml: string, idp: TrustedIdp = trusted) => validateResponse(toBase64(xml), sp, idp);
const assertionOf = (xml: string) => xml.match(/<Assertion [\s\S]*<\/Assertion>/)![0];
const withoutSignature = (a: string) => a.replace(/<Signature [\s\S]*<\/Signature>/, "");
const evil = (a: string, id = "_evil") =>
  withoutSignature(a)
    .replace(/ID="[^"]+"/, `ID="${id}"`)
    .replace("alice@contoso.test</NameID>", "mallory@contoso.test</NameID>");

beforeAll(async () => {
  [current, next, attacker] = await Promise.all([
    createSigningIdentity(),
    createSigningIdentity(),
    createSigningIdentity({ commonName: "Microsoft Azure Federated SSO Certificate" }),
  ]);
  const parsed = parseIdpMetadata(metadataXml({ entityId: idpEntityId, ssoUrl, certs: [current.certPem, next.certPem] }));
  if (!parsed.ok) throw new Error(parsed.reason);
  trusted = { entityId: parsed.value.entityId, certificates: parsed.value.certificates.map((c) => c.pem), allowSha1: false };
});

describe("identity provider metadata", () => {
  it("reads entity ID, the HTTP-Redirect SSO URL and both signing certificates (rollover)", () => {
    const parsed = parseIdpMetadata(metadataXml({ entityId: idpEntityId, ssoUrl, certs: [current.certPem, next.certPem] }));
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.value.entityId).toBe(idpEntityId);
    expect(parsed.value.ssoUrl).toBe(ssoUrl);
    expect(parsed.value.certificates).toHaveLength(2);
    const der = Buffer.from(current.certPem.replace(/-----[^-]+-----|\s/g, ""), "base64");
    expect(parsed.value.certificates[0]!.sha256).toBe(createHash("sha256").update(der).digest("hex"));
    expect(parsed.value.certificates[0]!.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(parsed.value.certificates[0]!.subject).toBe("CN=Microsoft Azure Federated SSO Certificate");
    expect(Date.parse(parsed.value.certificates[0]!.notAfter)).toBeGreaterThan(Date.now() + 2 * 365 * 86_400_000);
  });
  it("refuses what is not IdP metadata", () => {
    expect(parseIdpMetadata("<html/>")).toMatchObject({ ok: false });
    expect(parseIdpMetadata("<x")).toMatchObject({ ok: false, reason: expect.stringContaining("not well-formed") });
    expect(parseIdpMetadata('<?xml version="1.0"?><!DOCTYPE a [<!ENTITY e "x">]><a/>')).toMatchObject({ ok: false });
    const noKeys = metadataXml({ entityId: idpEntityId, ssoUrl, certs: [] });
    expect(parseIdpMetadata(noKeys)).toMatchObject({ ok: false, reason: "the metadata has no signing certificate" });
  });
});

describe("AuthnRequest (HTTP-Redirect) and SP metadata", () => {
  it("deflate-raw + base64 + RelayState, round-tripped", async () => {
    const { url, requestId } = await authnRedirect(sp, ssoUrl, "/me?tab=groups");
    const u = new URL(url);
    expect(u.origin + u.pathname).toBe(ssoUrl);
    expect(u.searchParams.get("RelayState")).toBe("/me?tab=groups");
    const xml = inflateRawSync(Buffer.from(u.searchParams.get("SAMLRequest")!, "base64")).toString("utf8");
    expect(xml).toContain(`ID="${requestId}"`);
    expect(xml).toContain(`AssertionConsumerServiceURL="${sp.acsUrl}"`);
    expect(xml).toContain(`Destination="${ssoUrl}"`);
    expect(xml).toContain(`>${sp.entityId}</saml:Issuer>`);
    expect(xml).not.toContain("RequestedAuthnContext");
    const viaStream = await new Response(
      new Blob([Buffer.from(u.searchParams.get("SAMLRequest")!, "base64")]).stream().pipeThrough(new DecompressionStream("deflate-raw")),
    ).text();
    expect(viaStream).toBe(xml);
  });
  it("SP metadata is SAML 2.0 metadata XML", () => {
    const xml = spMetadataXml(sp);
    expect(xml).toContain(`entityID="${sp.entityId}"`);
    expect(xml).toContain(`Location="${sp.acsUrl}"`);
    expect(xml).toContain('WantAssertionsSigned="true"');
  });
});

describe("accepts", () => {
  it("SP-initiated: reads the NameID, the attributes and the signed InResponseTo", async () => {
    const requestId = `_${crypto.randomUUID()}`;
    const verdict = await check(signed({ inResponseTo: requestId }));
    expect(verdict).toMatchObject({ ok: true, nameId: "alice@contoso.test", inResponseTo: requestId });
    if (!verdict.ok) return;
    expect(verdict.attributes["http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress"]).toBe("alice@contoso.test");
    expect(verdict.assertionId).toMatch(/^_/);
    // Kept in the replay cache past the assertion's last valid moment, skew included.
    expect(verdict.replayableUntil).toBeGreaterThan(Date.now() + 3 * 60_000);
  });
  it("IdP-initiated (no InResponseTo)", async () => {
    expect(await check(signed())).toMatchObject({ ok: true, inResponseTo: null });
  });
  it("a signature by the second (rollover) certificate", async () => {
    expect(await check(signed({}, next))).toMatchObject({ ok: true });
  });
  it("the Response signed instead of the Assertion, or both", async () => {
    expect(await check(signed({}, current, { what: "response" }))).toMatchObject({ ok: true });
    expect(await check(sign(signed(), current, { what: "response" }))).toMatchObject({ ok: true });
  });
  it("within the 3-minute clock skew", async () => {
    expect(await check(signed({ validMs: -2 * 60_000, subjectValidMs: -2 * 60_000 }))).toMatchObject({ ok: true });
    expect(await check(signed({ notBeforeMs: 2 * 60_000 }))).toMatchObject({ ok: true });
  });
  it("SHA-1 only when the admin allows it", async () => {
    const sha1 = signed({}, current, { sha1: true });
    expect(await check(sha1)).toMatchObject({ ok: false, reason: "sha1_signature" });
    expect(await check(sha1, { ...trusted, allowSha1: true })).toMatchObject({ ok: true });
  });
});

describe("refuses", () => {
  const refused = async (xml: string, reason: string) => {
    const verdict = await check(xml);
    expect(verdict).toMatchObject({ ok: false, reason });
    return verdict;
  };
  it("an unsigned response", () => refused(responseXml(base()), "bad_signature"));
  it("a signature by another key (its certificate in KeyInfo)", () => refused(signed({}, attacker), "bad_signature"));
  it("a tampered assertion", () => refused(signed().replace("alice@contoso.test</NameID>", "mallory@contoso.test</NameID>"), "bad_signature"));
  it("a tampered attribute", () => refused(signed().replace(/(emailaddress"><AttributeValue>)alice/, "$1mallory"), "bad_signature"));
  it("wrapping: a second, unsigned assertion after or before the signed one", async () => {
    const xml = signed();
    await refused(xml.replace("</samlp:Response>", `${evil(assertionOf(xml))}</samlp:Response>`), "multiple_assertions");
    await refused(xml.replace("<Assertion ", `${evil(assertionOf(xml))}<Assertion `), "multiple_assertions");
  });
  it("wrapping: the signed assertion moved into Extensions, an unsigned one in its place", async () => {
    const xml = signed();
    const a = assertionOf(xml);
    const moved = xml.replace(a, evil(a)).replace("<samlp:Status>", `<samlp:Extensions>${a}</samlp:Extensions><samlp:Status>`);
    await refused(moved, "multiple_assertions");
  });
  it("wrapping: the signature moved onto a forged assertion with the signed one's ID", async () => {
    const xml = signed();
    const a = assertionOf(xml);
    const sig = a.match(/<Signature [\s\S]*<\/Signature>/)![0];
    const id = a.match(/ID="([^"]+)"/)![1]!;
    const forged = evil(a, id).replace("</Issuer>", `</Issuer>${sig}`);
    await refused(xml.replace(a, forged), "bad_signature");
  });
  it("node-saml alone (without our pre-checks) also refuses each wrapping variant", async () => {
    const saml = new SAML({
      callbackUrl: sp.acsUrl,
      issuer: sp.entityId,
      audience: sp.entityId,
      idpCert: trusted.certificates,
      wantAuthnResponseSigned: false,
      wantAssertionsSigned: false,
      acceptedClockSkewMs: 180_000,
    });
    const xml = signed();
    const a = assertionOf(xml);
    const id = a.match(/ID="([^"]+)"/)![1]!;
    const variants = {
      appended: xml.replace("</samlp:Response>", `${evil(a)}</samlp:Response>`),
      movedToExtensions: xml.replace(a, evil(a)).replace("<samlp:Status>", `<samlp:Extensions>${a}</samlp:Extensions><samlp:Status>`),
      sameIdTwice: xml.replace(a, evil(a, id)).replace("<samlp:Status>", `<samlp:Extensions>${a}</samlp:Extensions><samlp:Status>`),
      signatureMoved: xml.replace(a, evil(a, id).replace("</Issuer>", `</Issuer>${a.match(/<Signature [\s\S]*<\/Signature>/)![0]}`)),
    };
    for (const [name, variant] of Object.entries(variants)) {
      const outcome = await saml.validatePostResponseAsync({ SAMLResponse: toBase64(variant) }).then(
        (r) => `accepted ${r.profile?.nameID}`,
        (e: Error) => `refused: ${e.message}`,
      );
      expect(`${name}: ${outcome}`).toMatch(new RegExp(`^${name}: refused`));
    }
  });
  it("comment injection in the NameID: the whole signed value is read, never the text before the comment", async () => {
    const xml = signed({ nameId: "alice@contoso.test.evil.test" }).replace(
      "alice@contoso.test.evil.test</NameID>",
      "alice@contoso.test<!---->.evil.test</NameID>",
    );
    expect(await check(xml)).toMatchObject({ ok: true, nameId: "alice@contoso.test.evil.test" });
  });
  it("expired, and not yet valid, past the 3-minute skew", async () => {
    await refused(signed({ validMs: -4 * 60_000 }), "expired");
    await refused(signed({ subjectValidMs: -4 * 60_000 }), "expired");
    await refused(signed({ notBeforeMs: 4 * 60_000 }), "not_yet_valid");
  });
  it("another Audience, Recipient, Destination or Issuer", async () => {
    await refused(signed({ audience: "https://sso.example.test/saml/another-org" }), "wrong_audience");
    await refused(signed({ recipient: "https://evil.test/acs" }), "wrong_recipient");
    await refused(signed({ destination: "https://evil.test/acs" }), "wrong_destination");
    await refused(signed({ issuer: "https://sts.windows.net/another-tenant/" }), "wrong_issuer");
    await refused(signed({ assertionIssuer: "https://sts.windows.net/another-tenant/" }), "wrong_issuer");
  });
  it("an InResponseTo stripped from (or changed on) the unsigned envelope", async () => {
    await refused(signed({ inResponseTo: "_envelope", subjectInResponseTo: "_signed" }), "in_response_to_mismatch");
    await refused(signed({ subjectInResponseTo: "_signed" }), "in_response_to_mismatch");
  });
  it("an encrypted assertion (none configured)", async () => {
    const xml = signed().replace(
      /<Assertion [\s\S]*<\/Assertion>/,
      '<EncryptedAssertion xmlns="urn:oasis:names:tc:SAML:2.0:assertion"><x/></EncryptedAssertion>',
    );
    await refused(xml, "encrypted_assertion");
  });
  it("garbage, bad base64 and oversized bodies", async () => {
    expect(await validateResponse("bm90IHhtbA==", sp, trusted)).toMatchObject({ ok: false, reason: "malformed" });
    expect(await validateResponse("%%% not base64", sp, trusted)).toMatchObject({ ok: false, reason: "malformed" });
    expect(await validateResponse("A".repeat(256 * 1024 + 4), sp, trusted)).toMatchObject({ ok: false, reason: "malformed" });
    expect(await check('<!DOCTYPE x [<!ENTITY a "b">]><samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"/>')).toMatchObject({
      ok: false,
      reason: "malformed",
    });
  });
});
