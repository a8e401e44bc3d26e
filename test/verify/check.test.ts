import { describe, expect, it } from "vitest";
import { checkDomain } from "../../src/verify/check";
import { queryTxt, txtData } from "../../src/verify/doh";
import { checkHttpFile } from "../../src/verify/http-file";
import { nextCheckAt, expiryOf } from "../../src/verify/schedule";
import { dohAnswer, fakeWorld, RESOLVER_A, RESOLVER_B, resolverWith } from "../support/outside";

const CODE = "6f1c2d3e-1111-4222-8333-944445555666";
const RECORD = `goto-verification-code=${CODE}`;

describe("TXT data", () => {
  it("unquotes and concatenates chunks, resolving escapes; unquoted data stays as is", () => {
    expect(txtData(`"${RECORD}"`)).toBe(RECORD);
    expect(txtData(RECORD)).toBe(RECORD);
    const long = "x".repeat(300);
    expect(txtData(`"${long.slice(0, 255)}" "${long.slice(255)}"`)).toBe(long);
    expect(txtData(`"a\\"b" "c\\\\d\\065"`)).toBe('a"bc\\dA');
  });
});

describe("DoH client", () => {
  it("reads TXT answers after a CNAME, with the DNSSEC flag", async () => {
    const world = fakeWorld();
    world.on("dns-a.test", () =>
      dohAnswer({
        Status: 0,
        AD: true,
        Answer: [
          { name: "example.com", type: 5, TTL: 60, data: "alias.example.net." },
          { name: "alias.example.net", type: 16, TTL: 60, data: `"goto-verification-code=" "${CODE}"` },
        ],
      }),
    );
    expect(await queryTxt(RESOLVER_A, "example.com", world.fetch, 1000)).toEqual({ kind: "answer", records: [RECORD], dnssec: true });
    expect(world.calls[0]).toBe("https://dns-a.test/dns-query?name=example.com&type=TXT");
  });

  it("tells NXDOMAIN apart from SERVFAIL, timeouts, HTTP errors and garbage", async () => {
    const world = fakeWorld();
    world.on("dns-a.test", (url) => {
      const name = url.searchParams.get("name");
      if (name === "nx.test") return dohAnswer({ Status: 3 });
      if (name === "servfail.test") return dohAnswer({ Status: 2 });
      if (name === "http500.test") return new Response("oops", { status: 500 });
      if (name === "garbage.test") return new Response("<html>");
      return new Promise<Response>(() => {});
    });
    expect(await queryTxt(RESOLVER_A, "nx.test", world.fetch, 500)).toEqual({ kind: "nxdomain" });
    expect(await queryTxt(RESOLVER_A, "servfail.test", world.fetch, 500)).toEqual({ kind: "failure", reason: "dns-a.test answered SERVFAIL" });
    expect(await queryTxt(RESOLVER_A, "http500.test", world.fetch, 500)).toMatchObject({ kind: "failure" });
    expect(await queryTxt(RESOLVER_A, "garbage.test", world.fetch, 500)).toMatchObject({ kind: "failure" });
    expect(await queryTxt(RESOLVER_A, "slow.test", world.fetch, 50)).toEqual({ kind: "failure", reason: "dns-a.test did not answer within 50 ms" });
    expect(await queryTxt("https://unreachable.test/dns-query", "x.test", world.fetch, 50)).toMatchObject({ kind: "failure" });
  });
});

describe("HTTP file", () => {
  it("accepts the exact string with surrounding whitespace, and same-host redirects", async () => {
    const world = fakeWorld();
    world.on("plain.test", () => new Response(`\n  ${RECORD}  \n`));
    expect(await checkHttpFile("plain.test", RECORD, world.fetch, 500)).toEqual({ kind: "match" });
    world.on("redirect.test", (url) =>
      url.protocol === "http:"
        ? new Response(null, { status: 301, headers: { location: "https://redirect.test/goto-verification-code.txt" } })
        : new Response(RECORD),
    );
    expect(await checkHttpFile("redirect.test", RECORD, world.fetch, 500)).toEqual({ kind: "match" });
  });

  it("refuses redirects to another host, large files, other contents and errors", async () => {
    const world = fakeWorld();
    world.on("away.test", () => new Response(null, { status: 302, headers: { location: "http://evil.test/goto-verification-code.txt" } }));
    world.on("evil.test", () => new Response(RECORD));
    expect(await checkHttpFile("away.test", RECORD, world.fetch, 500)).toMatchObject({
      kind: "failure",
      reason: expect.stringContaining("could not be fetched"),
    });
    expect(world.calls).not.toContain("http://evil.test/goto-verification-code.txt");
    world.on("big.test", () => new Response(RECORD + " ".repeat(2000)));
    expect(await checkHttpFile("big.test", RECORD, world.fetch, 500)).toMatchObject({ kind: "mismatch", reason: expect.stringContaining("larger") });
    world.on("other.test", () => new Response("goto-verification-code=someone-else"));
    expect(await checkHttpFile("other.test", RECORD, world.fetch, 500)).toMatchObject({ kind: "mismatch" });
    world.on("missing.test", () => new Response("not found", { status: 404 }));
    expect(await checkHttpFile("missing.test", RECORD, world.fetch, 500)).toMatchObject({
      kind: "failure",
      reason: expect.stringContaining("could not be fetched"),
    });
    world.on("loop.test", () => new Response(null, { status: 302, headers: { location: "/goto-verification-code.txt" } }));
    expect(await checkHttpFile("loop.test", RECORD, world.fetch, 500)).toMatchObject({ kind: "failure" });
    expect(await checkHttpFile("down.test", RECORD, world.fetch, 500)).toMatchObject({ kind: "failure" });
  });
});

describe("a domain check", () => {
  const deps = (world: ReturnType<typeof fakeWorld>) => ({ resolvers: [RESOLVER_A, RESOLVER_B], fetch: world.fetch, timeoutMs: 200 });

  it("verifies when any resolver has the record, even if another disagrees", async () => {
    const world = fakeWorld();
    world.on("dns-a.test", resolverWith({ "main.test": ['"v=spf1 -all"'] }));
    world.on("dns-b.test", resolverWith({ "main.test": [`"${RECORD}"`] }, true));
    expect(await checkDomain("main.test", CODE, deps(world))).toEqual({ verified: true, method: "dns", dnssec: true, error: null });
  });

  it("verifies by HTTP file when DNS has nothing, and says which method", async () => {
    const world = fakeWorld();
    world.on("dns-a.test", resolverWith({}));
    world.on("dns-b.test", resolverWith({}));
    world.on("main.test", () => new Response(RECORD));
    expect(await checkDomain("main.test", CODE, deps(world))).toEqual({ verified: true, method: "http", dnssec: null, error: null });
  });

  it("gives NXDOMAIN, no TXT, another code and resolver failures each their own error", async () => {
    const world = fakeWorld();
    const errorFor = async (records: Record<string, string[]> | "servfail") => {
      const handler = records === "servfail" ? () => dohAnswer({ Status: 2 }) : resolverWith(records);
      world.on("dns-a.test", handler);
      world.on("dns-b.test", handler);
      const result = await checkDomain("main.test", CODE, deps(world));
      expect(result.verified).toBe(false);
      return result.error!;
    };
    expect(await errorFor({})).toContain("NXDOMAIN");
    expect(await errorFor({ "main.test": [] })).toContain("no TXT record");
    expect(await errorFor({ "main.test": ['"goto-verification-code=00000000-0000-0000-0000-000000000000"'] })).toContain("another code");
    expect(await errorFor({ "main.test": ['"v=spf1 -all"'] })).toContain("none is");
    const failed = await errorFor("servfail");
    expect(failed).toContain("SERVFAIL");
    expect(failed).toContain("will be retried");
  });
});

describe("schedule", () => {
  it("expires claims after exactly 10 days and checks often at first, then less", () => {
    const created = new Date("2026-01-01T00:00:00.000Z");
    const expires = expiryOf(created);
    expect(expires.toISOString()).toBe("2026-01-11T00:00:00.000Z");
    const waitAfter = (ms: number) => nextCheckAt(created, expires, new Date(created.getTime() + ms)).getTime() - created.getTime() - ms;
    expect(waitAfter(10 * 60_000)).toBe(5 * 60_000);
    expect(waitAfter(3 * 3600_000)).toBe(30 * 60_000);
    expect(waitAfter(48 * 3600_000)).toBe(2 * 3600_000);
    expect(nextCheckAt(created, expires, new Date(expires.getTime() - 60_000)).getTime()).toBe(expires.getTime());
  });
});
