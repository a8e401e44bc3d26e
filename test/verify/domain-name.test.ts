import { describe, expect, it } from "vitest";
import { normalizeDomain } from "../../src/verify/domain-name";

const reasonFor = (input: string) => {
  const result = normalizeDomain(input);
  expect(result.ok).toBe(false);
  return result.ok ? "" : result.reason;
};

describe("domain names", () => {
  it("refuses special-use names, saying they are not domains on the public internet", () => {
    for (const name of [
      "localhost",
      "app.localhost",
      "printer.local",
      "Printer.LOCAL.",
      "db.internal",
      "home.arpa",
      "1.0.0.127.in-addr.arpa",
      "shop.onion",
      "x.invalid",
      "lab.alt",
    ]) {
      const reason = reasonFor(name);
      expect(reason).toContain(`"${name}" is a special-use name`);
      expect(reason).toContain("not a domain on the public internet");
    }
    expect(reasonFor("printer.local")).toContain("RFC 6762");
  });

  it("refuses IP literals in every spelling, saying they are IP addresses", () => {
    for (const ip of ["127.0.0.1", "10.0.0.10", "0x7f.1", "2130706433", "[::1]", "::1", "2001:db8::1", "[::ffff:10.0.0.1]"]) {
      expect(reasonFor(ip)).toBe(`"${ip}" is an IP address, not a domain name.`);
    }
  });

  it("keeps accepting the documentation and test names the README and tests use", () => {
    for (const name of ["contoso.test", "www.example.com", "example.test", "eu.contoso.example"]) {
      expect(normalizeDomain(name)).toEqual({ ok: true, domain: name });
    }
    expect(normalizeDomain("Bücher.DE.")).toEqual({ ok: true, domain: "xn--bcher-kva.de" });
    expect(normalizeDomain("co.uk")).toMatchObject({ ok: false, reason: expect.stringContaining("public suffix") });
    expect(normalizeDomain("local.example.com")).toEqual({ ok: true, domain: "local.example.com" });
  });
});
