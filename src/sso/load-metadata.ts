/** Fetching an identity provider's metadata URL: https (http on loopback, for development), bounded in size and time. */
import { readBounded } from "../shared/bounded-body";
import { type IdpMetadata, parseIdpMetadata } from "./metadata";

export const METADATA_MAX_BYTES = 256 * 1024;
export const METADATA_TIMEOUT_MS = 10_000;
const MAX_REDIRECTS = 3;
const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

export type LoadedMetadata = { ok: true; metadata: IdpMetadata; xml: string } | { ok: false; reason: string };

/** Why a metadata URL cannot be used, or null when it can. */
export function metadataUrlProblem(raw: string): string | null {
  if (!URL.canParse(raw)) return "the metadata URL is not an absolute URL";
  const url = new URL(raw);
  if (url.username || url.password) return "the metadata URL must not carry a user name or password";
  if (url.protocol === "https:") return null;
  if (url.protocol === "http:" && LOOPBACK.test(url.hostname)) return null;
  return "the metadata URL must be https (plain http only on a loopback host, for development)";
}

/** Reads and parses metadata XML the admin pasted. */
export function readMetadata(xml: string): LoadedMetadata {
  const parsed = parseIdpMetadata(xml);
  return parsed.ok ? { ok: true, metadata: parsed.value, xml } : { ok: false, reason: parsed.reason };
}

/** Fetches and parses the metadata at `url`; every failure is one sentence an admin can act on. */
export async function loadMetadata(url: string, fetcher: typeof fetch, timeoutMs = METADATA_TIMEOUT_MS): Promise<LoadedMetadata> {
  const problem = metadataUrlProblem(url);
  if (problem) return { ok: false, reason: problem };
  // One deadline for the whole fetch, cleared when it ends: no timer outlives the load.
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(new DOMException(`no answer within ${timeoutMs} ms`, "TimeoutError")), timeoutMs);
  let current = url;
  try {
    for (let hop = 0; ; hop++) {
      const response = await fetcher(current, {
        redirect: "manual",
        signal: deadline.signal,
        headers: { accept: "application/samlmetadata+xml, application/xml, text/xml" },
      });
      if (response.status >= 300 && response.status < 400) {
        const location = response.headers.get("location");
        const next = location && URL.canParse(location, current) ? new URL(location, current).toString() : null;
        if (!next || hop >= MAX_REDIRECTS || metadataUrlProblem(next))
          return { ok: false, reason: `metadata fetch failed: ${current} redirects where it may not be followed` };
        current = next;
        continue;
      }
      if (response.status !== 200) return { ok: false, reason: `metadata fetch failed: HTTP ${response.status} from ${current}` };
      const xml = await readBounded(response, METADATA_MAX_BYTES);
      if (xml === undefined) return { ok: false, reason: `metadata fetch failed: ${current} is larger than ${METADATA_MAX_BYTES / 1024} KB` };
      return readMetadata(xml);
    }
  } catch (e) {
    const timedOut = e instanceof DOMException && e.name === "TimeoutError";
    return { ok: false, reason: `metadata fetch failed: ${timedOut ? `no answer within ${timeoutMs / 1000} s` : "could not connect"} (${current})` };
  } finally {
    clearTimeout(timer);
  }
}
