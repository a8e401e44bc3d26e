/** One verification check of a domain: every DoH resolver and the HTTP file, and what to tell the admin. */
import { configOf } from "../shared/config";
import { queryTxt, type DohAnswer } from "./doh";
import { checkHttpFile } from "./http-file";

export const CODE_PREFIX = "goto-verification-code=";

/** How a check went. `verified` is final; otherwise `error` says what to fix or that it will be retried. */
export interface CheckResult {
  verified: boolean;
  method: "dns" | "http" | null;
  dnssec: boolean | null;
  error: string | null;
}

/** What a check may reach: the resolvers, a fetch for the outside world, a timeout per request. */
export interface CheckDeps {
  resolvers: string[];
  fetch: typeof fetch;
  timeoutMs: number;
}

/** The resolvers of a DOH_RESOLVERS value, as the config parses it; with an env at hand, read `configOf(env).dohResolvers`. */
export const resolversOf = (value: string | undefined): string[] => configOf({ DOH_RESOLVERS: value }).dohResolvers;

/** What the DNS answers mean together: one matching answer from any resolver verifies. */
function dnsVerdict(domain: string, expected: string, answers: DohAnswer[]): { verified: boolean; dnssec: boolean | null; reason: string } {
  const match = answers.find((a) => a.kind === "answer" && a.records.includes(expected));
  if (match?.kind === "answer") return { verified: true, dnssec: match.dnssec, reason: "" };
  const definitive = answers.filter((a) => a.kind === "answer");
  if (definitive.length > 0) {
    const records = definitive.flatMap((a) => a.records);
    const ours = records.filter((r) => r.startsWith(CODE_PREFIX));
    if (ours.length > 0) {
      return { verified: false, dnssec: null, reason: `the TXT record at ${domain} holds another code (${ours[0]}); publish ${expected}` };
    }
    if (records.length > 0) return { verified: false, dnssec: null, reason: `${domain} has TXT records, but none is ${expected}` };
    return { verified: false, dnssec: null, reason: `${domain} has no TXT record; publish ${expected}` };
  }
  if (answers.some((a) => a.kind === "nxdomain")) {
    return { verified: false, dnssec: null, reason: `${domain} does not exist in DNS (NXDOMAIN)` };
  }
  const reasons = answers.map((a) => (a.kind === "failure" ? a.reason : "")).join("; ");
  return { verified: false, dnssec: null, reason: `the DNS lookup failed (${reasons || "no resolver configured"}); it will be retried` };
}

/** Checks DNS (every resolver) and the HTTP file, both every time; either one verifies. */
export async function checkDomain(domain: string, code: string, deps: CheckDeps): Promise<CheckResult> {
  const expected = `${CODE_PREFIX}${code}`;
  const [answers, file] = await Promise.all([
    Promise.all(deps.resolvers.map((r) => queryTxt(r, domain, deps.fetch, deps.timeoutMs))),
    checkHttpFile(domain, expected, deps.fetch, deps.timeoutMs),
  ]);
  const dns = dnsVerdict(domain, expected, answers);
  if (dns.verified) return { verified: true, method: "dns", dnssec: dns.dnssec, error: null };
  if (file.kind === "match") return { verified: true, method: "http", dnssec: null, error: null };
  return { verified: false, method: null, dnssec: null, error: `DNS: ${dns.reason}. HTTP file: ${file.reason}.` };
}
