/** The HTTP method: `http://<domain>/goto-verification-code.txt` holding the verification string. */
import { readBounded } from "../shared/bounded-body";
import { normalizeDomain } from "./domain-name";

export type FileCheck = { kind: "match" } | { kind: "mismatch"; reason: string } | { kind: "failure"; reason: string };

const MAX_BYTES = 1024;
const MAX_REDIRECTS = 3;

/** The origins the check may reach: the domain's own web server on the default ports, http or https. */
const ownOrigins = (domain: string) => [`http://${domain}`, `https://${domain}`];

/**
 * Fetches the file with a timeout, following only redirects to the domain itself on port 80 or 443 (http to https allowed).
 * Network failures and other answers share one message, so the result does not tell which hosts or ports answer.
 */
export async function checkHttpFile(domain: string, expected: string, fetcher: typeof fetch, timeoutMs: number): Promise<FileCheck> {
  const name = normalizeDomain(domain);
  // Claims are normalized already; this keeps special-use names, IP literals and ports out of reach whatever the caller passes.
  if (!name.ok || name.domain !== domain) {
    return { kind: "failure", reason: `nothing was fetched: ${name.ok ? `"${domain}" is not a normalized domain name` : name.reason.replace(/\.$/, "")}` };
  }
  const first = new URL(`http://${domain}/goto-verification-code.txt`);
  const unfetched: FileCheck = {
    kind: "failure",
    reason: `the file could not be fetched from ${first} (it must answer 200 there, or redirect only to http://${domain}/ or https://${domain}/)`,
  };
  let url = first;
  // One deadline for the whole check, cleared when it ends: no timer outlives the check.
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(new DOMException(`no answer within ${timeoutMs} ms`, "TimeoutError")), timeoutMs);
  try {
    for (let hop = 0; ; hop++) {
      const response = await fetcher(url.toString(), { redirect: "manual", signal: deadline.signal });
      if (response.status >= 300 && response.status < 400) {
        const location = response.headers.get("location");
        if (!location || hop >= MAX_REDIRECTS) return unfetched;
        // URL.origin drops the default port, so https://domain:443 counts as https://domain and :8080 does not.
        const next = new URL(location, url);
        if (!ownOrigins(domain).includes(next.origin)) return unfetched;
        url = next;
        continue;
      }
      if (response.status !== 200) return unfetched;
      const body = await readBounded(response, MAX_BYTES);
      if (body === undefined) return { kind: "mismatch", reason: `${url} is larger than ${MAX_BYTES} bytes` };
      return body.trim() === expected ? { kind: "match" } : { kind: "mismatch", reason: `${url} does not hold ${expected}` };
    }
  } catch {
    return unfetched;
  } finally {
    clearTimeout(timer);
  }
}
