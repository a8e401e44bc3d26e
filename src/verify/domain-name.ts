/** Domain names as organizations claim them: normalized, on the public internet, and never a public suffix. */
import { parse } from "tldts";

export type DomainNameResult = { ok: true; domain: string } | { ok: false; reason: string };

/**
 * Top-level names that never name a host on the public internet, with where they are reserved.
 * `.test` and `.example` are special-use too, but stay accepted: documentation, tests and the local DNS stub use them.
 */
const SPECIAL_USE: Record<string, string> = {
  localhost: "RFC 6761",
  invalid: "RFC 6761",
  local: "RFC 6762",
  onion: "RFC 7686",
  alt: "RFC 9476",
  arpa: "RFC 3172",
  internal: "reserved by ICANN for private networks",
};

/** An IPv6 literal, with or without brackets; the URL parser decides. */
function isIpv6(raw: string): boolean {
  if (!raw.includes(":")) return false;
  try {
    return new URL(`http://[${raw.replace(/^\[(.*)\]$/, "$1")}]/`).hostname.startsWith("[");
  } catch {
    return false;
  }
}

/** Lower case, no trailing dot, IDN as punycode; refuses malformed names, IP literals, special-use names and public suffixes (`com`, `co.uk`). */
export function normalizeDomain(input: unknown): DomainNameResult {
  if (typeof input !== "string" || input.trim() === "") return { ok: false, reason: "A domain name is required." };
  const raw = input.trim().replace(/\.$/, "");
  const ip = { ok: false, reason: `"${input}" is an IP address, not a domain name.` } as const;
  if (isIpv6(raw)) return ip;
  if (raw.length > 253 || /[\s/:@?#\\]/.test(raw)) return { ok: false, reason: `"${input}" is not a domain name.` };
  let domain: string;
  try {
    // The URL parser applies IDNA ("bücher.de" becomes "xn--bcher-kva.de") and spells every IPv4 form ("0x7f.1") as dotted decimal.
    domain = new URL(`http://${raw}`).hostname;
  } catch {
    return { ok: false, reason: `"${input}" is not a domain name.` };
  }
  if (/^\d+\.\d+\.\d+\.\d+$/.test(domain)) return ip;
  const tld = domain.slice(domain.lastIndexOf(".") + 1);
  if (Object.hasOwn(SPECIAL_USE, tld)) {
    return { ok: false, reason: `"${input}" is a special-use name (.${tld}, ${SPECIAL_USE[tld]}), not a domain on the public internet.` };
  }
  if (!/^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$/.test(domain)) {
    return { ok: false, reason: `"${input}" is not a domain name.` };
  }
  const info = parse(domain, { allowPrivateDomains: true });
  if (!info.domain || !info.publicSuffix || domain === info.publicSuffix) {
    return { ok: false, reason: `"${input}" is a public suffix; claim a domain registered under it.` };
  }
  return { ok: true, domain };
}
