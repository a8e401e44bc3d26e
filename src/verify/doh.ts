/** A DNS-over-HTTPS client for TXT records (the DNS JSON API of Cloudflare and Google). */

export type DohAnswer = { kind: "answer"; records: string[]; dnssec: boolean } | { kind: "nxdomain" } | { kind: "failure"; reason: string };

const STATUS_NAMES: Record<number, string> = { 1: "FORMERR", 2: "SERVFAIL", 4: "NOTIMP", 5: "REFUSED" };

/** The text of a TXT record's data: quoted chunks unquoted (escapes resolved) and concatenated. */
export function txtData(data: string): string {
  const trimmed = data.trim();
  if (!trimmed.startsWith('"')) return trimmed;
  let out = "";
  let i = 0;
  while (i < trimmed.length) {
    if (trimmed[i] !== '"') {
      i++;
      continue;
    }
    i++;
    while (i < trimmed.length && trimmed[i] !== '"') {
      if (trimmed[i] === "\\" && i + 1 < trimmed.length) {
        const digits = trimmed.slice(i + 1, i + 4);
        if (/^\d{3}$/.test(digits)) {
          out += String.fromCharCode(Number(digits));
          i += 4;
        } else {
          out += trimmed[i + 1];
          i += 2;
        }
      } else out += trimmed[i++];
    }
    i++;
  }
  return out;
}

/** Asks one resolver for the TXT records of `name`; network trouble is a failure, never "no record". */
export async function queryTxt(resolver: string, name: string, fetcher: typeof fetch, timeoutMs: number): Promise<DohAnswer> {
  const url = new URL(resolver);
  url.searchParams.set("name", name);
  url.searchParams.set("type", "TXT");
  let body: unknown;
  // The timeout ends with the lookup: a signal that aborts later would reject whatever still listens to it.
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(new DOMException(`no answer within ${timeoutMs} ms`, "TimeoutError")), timeoutMs);
  try {
    const response = await fetcher(url.toString(), {
      headers: { accept: "application/dns-json" },
      signal: timeout.signal,
    });
    if (!response.ok) return { kind: "failure", reason: `${url.host} answered HTTP ${response.status}` };
    body = await response.json();
  } catch (e) {
    const timedOut = e instanceof Error && (e.name === "TimeoutError" || e.name === "AbortError");
    return { kind: "failure", reason: timedOut ? `${url.host} did not answer within ${timeoutMs} ms` : `${url.host} could not be reached` };
  } finally {
    clearTimeout(timer);
  }
  if (typeof body !== "object" || body === null || typeof (body as { Status?: unknown }).Status !== "number") {
    return { kind: "failure", reason: `${url.host} sent an answer that is not DNS JSON` };
  }
  const { Status, AD, Answer } = body as { Status: number; AD?: boolean; Answer?: { type?: number; data?: unknown }[] };
  if (Status === 3) return { kind: "nxdomain" };
  if (Status !== 0) return { kind: "failure", reason: `${url.host} answered ${STATUS_NAMES[Status] ?? `status ${Status}`}` };
  const records = (Array.isArray(Answer) ? Answer : []).filter((a) => a?.type === 16 && typeof a.data === "string").map((a) => txtData(a.data as string));
  return { kind: "answer", records, dnssec: AD === true };
}
