/** The HTTP method: `http://<domain>/goto-verification-code.txt` holding the verification string. */

export type FileCheck = { kind: "match" } | { kind: "mismatch"; reason: string } | { kind: "failure"; reason: string };

const MAX_BYTES = 1024;
const MAX_REDIRECTS = 3;

/** Reads at most MAX_BYTES of a body; undefined when it is longer. */
async function readSmall(response: Response): Promise<string | undefined> {
  if (!response.body) return "";
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_BYTES) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  const all = new Uint8Array(size);
  let offset = 0;
  for (const c of chunks) {
    all.set(c, offset);
    offset += c.byteLength;
  }
  return new TextDecoder().decode(all);
}

/** Fetches the file with a timeout, following only same-host redirects (http to https allowed). */
export async function checkHttpFile(domain: string, expected: string, fetcher: typeof fetch, timeoutMs: number): Promise<FileCheck> {
  let url = new URL(`http://${domain}/goto-verification-code.txt`);
  try {
    for (let hop = 0; ; hop++) {
      const response = await fetcher(url.toString(), { redirect: "manual", signal: AbortSignal.timeout(timeoutMs) });
      if (response.status >= 300 && response.status < 400) {
        const location = response.headers.get("location");
        if (!location || hop >= MAX_REDIRECTS) return { kind: "mismatch", reason: `${url} redirects too often or nowhere` };
        const next = new URL(location, url);
        if (next.hostname !== domain || (next.protocol !== "http:" && next.protocol !== "https:")) {
          return { kind: "mismatch", reason: `${url} redirects to ${next.host}; only redirects to ${domain} itself are followed` };
        }
        url = next;
        continue;
      }
      if (response.status !== 200) return { kind: "mismatch", reason: `${url} answered HTTP ${response.status}` };
      const body = await readSmall(response);
      if (body === undefined) return { kind: "mismatch", reason: `${url} is larger than ${MAX_BYTES} bytes` };
      return body.trim() === expected ? { kind: "match" } : { kind: "mismatch", reason: `${url} does not hold ${expected}` };
    }
  } catch (e) {
    const timedOut = e instanceof Error && (e.name === "TimeoutError" || e.name === "AbortError");
    return { kind: "failure", reason: timedOut ? `${url} did not answer within ${timeoutMs} ms` : `${url} could not be reached` };
  }
}
