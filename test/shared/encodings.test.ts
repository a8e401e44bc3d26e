import { describe, expect, it } from "vitest";
import { fromBase64, fromBase64url, toBase64, toBase64url } from "../../src/shared/base64";
import { emailDomain } from "../../src/shared/email";
import { scimBaseOf } from "../../src/shared/scim-base";

const bytes = (...values: number[]) => new Uint8Array(values);

describe("base64", () => {
  it("round-trips bytes, padded and URL-safe", () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    expect(fromBase64(toBase64(all))).toEqual(all);
    expect(fromBase64url(toBase64url(all))).toEqual(all);
    expect(toBase64(bytes(0xfb, 0xff))).toBe("+/8=");
    expect(toBase64url(bytes(0xfb, 0xff))).toBe("-_8");
    expect(toBase64url(bytes(0xfb, 0xff).buffer)).toBe("-_8");
  });

  it("encodes large arrays (no spread into fromCharCode)", () => {
    const large = new Uint8Array(200_000).fill(7);
    const text = toBase64(large);
    expect(text).toBe(`${"BwcH".repeat(66_666)}Bwc=`);
    expect(fromBase64(text)?.length).toBe(200_000);
  });

  it("answers undefined for text that is not base64", () => {
    expect(fromBase64("not base64!")).toBeUndefined();
    expect(fromBase64url("+/8")).toBeUndefined();
  });

  it("keeps a PKCE S256 challenge as RFC 7636 appendix B computes it", async () => {
    const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"));
    expect(toBase64url(digest)).toBe("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
  });
});

describe("emailDomain", () => {
  it("is what follows the last @, when there is a local part and a domain", () => {
    expect(emailDomain("ada@example.com")).toBe("example.com");
    expect(emailDomain('"a@b"@example.com')).toBe("example.com");
    expect(emailDomain("@example.com")).toBeUndefined();
    expect(emailDomain("ada@")).toBeUndefined();
    expect(emailDomain("ada")).toBeUndefined();
  });
});

describe("scimBaseOf", () => {
  it("is the origin's /scim/v2", () => {
    expect(scimBaseOf("https://scim.test/oauth/token?x=1")).toBe("https://scim.test/scim/v2");
  });
});
