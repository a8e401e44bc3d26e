/** Domain names as organizations claim them: normalized, and never a public suffix. */
import { parse } from "tldts";

export type DomainNameResult = { ok: true; domain: string } | { ok: false; reason: string };

/** Lower case, no trailing dot, IDN as punycode; refuses malformed names and public suffixes (`com`, `co.uk`). */
export function normalizeDomain(input: unknown): DomainNameResult {
  if (typeof input !== "string" || input.trim() === "") return { ok: false, reason: "A domain name is required." };
  const raw = input.trim().replace(/\.$/, "");
  if (raw.length > 253 || /[\s/:@?#\\]/.test(raw)) return { ok: false, reason: `"${input}" is not a domain name.` };
  let domain: string;
  try {
    // The URL parser applies IDNA: "bücher.de" becomes "xn--bcher-kva.de".
    domain = new URL(`http://${raw}`).hostname;
  } catch {
    return { ok: false, reason: `"${input}" is not a domain name.` };
  }
  if (!/^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$/.test(domain)) {
    return { ok: false, reason: `"${input}" is not a domain name.` };
  }
  const info = parse(domain, { allowPrivateDomains: true });
  if (info.isIp) return { ok: false, reason: `"${input}" is an IP address, not a domain name.` };
  if (!info.domain || !info.publicSuffix || domain === info.publicSuffix) {
    return { ok: false, reason: `"${input}" is a public suffix; claim a domain registered under it.` };
  }
  return { ok: true, domain };
}
