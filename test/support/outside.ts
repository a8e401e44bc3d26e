/** A stand-in for the outside world (DoH resolvers and web servers), injected where code takes a fetch. */

type Handler = (url: URL, init?: RequestInit) => Response | Promise<Response>;

export interface FakeWorld {
  fetch: typeof fetch;
  // Sets what a host answers; DoH resolvers are hosts too.
  on(host: string, handler: Handler): void;
  calls: string[];
}

export function fakeWorld(): FakeWorld {
  const handlers = new Map<string, Handler>();
  const calls: string[] = [];
  const fetcher = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(typeof input === "string" ? input : input instanceof URL ? input.href : input.url);
    calls.push(url.href);
    const handler = handlers.get(url.host);
    if (!handler) throw new TypeError(`network error: ${url.host} unreachable`);
    // Like a real fetch, a request gives up when its signal aborts (timeouts) and stops listening once
    // settled; a handler that throws rejects this request, never a stray promise.
    const signal = init?.signal;
    if (signal?.aborted) throw signal.reason;
    return new Promise<Response>((resolve, reject) => {
      const onAbort = () => reject(signal!.reason);
      signal?.addEventListener("abort", onAbort, { once: true });
      Promise.resolve()
        .then(() => handler(url, init))
        .then(resolve, reject)
        .finally(() => signal?.removeEventListener("abort", onAbort));
    });
  }) as typeof fetch;
  return { fetch: fetcher, on: (host, handler) => handlers.set(host, handler), calls };
}

/** A DoH JSON answer. */
export const dohAnswer = (body: unknown) => new Response(JSON.stringify(body), { headers: { "content-type": "application/dns-json" } });

/** A resolver that answers from a table of TXT records (names absent from it are NXDOMAIN). */
export function resolverWith(records: Record<string, string[]>, ad = false): Handler {
  return (url) => {
    const name = url.searchParams.get("name")!;
    const txt = records[name];
    if (!txt) return dohAnswer({ Status: 3, AD: ad });
    return dohAnswer({ Status: 0, AD: ad, Answer: txt.map((data) => ({ name, type: 16, TTL: 300, data })) });
  };
}

export const RESOLVER_A = "https://dns-a.test/dns-query";
export const RESOLVER_B = "https://dns-b.test/resolve";
