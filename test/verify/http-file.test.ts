import { describe, expect, it } from "vitest";
import { checkHttpFile } from "../../src/verify/http-file";
import { fakeWorld } from "../support/outside";

const RECORD = "goto-verification-code=6f1c2d3e-1111-4222-8333-944445555666";
const FILE = "http://site.test/goto-verification-code.txt";
const redirectTo = (location: string) => () => new Response(null, { status: 302, headers: { location } });

describe("the HTTP file check reaches only the domain's own web server", () => {
  it("follows redirects to the same host on the default ports only", async () => {
    for (const location of [
      "https://site.test/goto-verification-code.txt",
      "https://site.test:443/goto-verification-code.txt",
      "http://site.test:80/goto-verification-code.txt?v=2",
    ]) {
      const world = fakeWorld();
      world.on("site.test", (url) => (url.href === FILE ? redirectTo(location)() : new Response(RECORD)));
      expect(await checkHttpFile("site.test", RECORD, world.fetch, 5000), location).toEqual({ kind: "match" });
    }
    for (const location of [
      "http://site.test:8080/goto-verification-code.txt",
      "https://site.test:8443/goto-verification-code.txt",
      "http://site.test:443/goto-verification-code.txt",
      "ftp://site.test/goto-verification-code.txt",
    ]) {
      const world = fakeWorld();
      world.on("site.test", redirectTo(location));
      for (const host of ["site.test:8080", "site.test:8443", "site.test:443"]) world.on(host, () => new Response(RECORD));
      expect(await checkHttpFile("site.test", RECORD, world.fetch, 5000), location).toMatchObject({ kind: "failure" });
      expect(world.calls).toEqual([FILE]);
    }
  });

  it("fetches nothing for special-use names and IP literals, and says why", async () => {
    const world = fakeWorld();
    for (const host of ["intranet.localhost", "printer.local", "metadata.internal", "10.0.0.10"]) world.on(host, () => new Response(RECORD));
    expect(await checkHttpFile("intranet.localhost", RECORD, world.fetch, 5000)).toMatchObject({
      kind: "failure",
      reason: expect.stringContaining("special-use name"),
    });
    expect(await checkHttpFile("printer.local", RECORD, world.fetch, 5000)).toMatchObject({
      kind: "failure",
      reason: expect.stringContaining("special-use name"),
    });
    expect(await checkHttpFile("metadata.internal", RECORD, world.fetch, 5000)).toMatchObject({ kind: "failure" });
    expect(await checkHttpFile("10.0.0.10", RECORD, world.fetch, 5000)).toMatchObject({ kind: "failure", reason: expect.stringContaining("IP address") });
    expect(await checkHttpFile("site.test:8080", RECORD, world.fetch, 5000)).toMatchObject({ kind: "failure" });
    expect(world.calls).toEqual([]);
  });

  it("reports every network failure and non-200 answer with one message that tells nothing about the network", async () => {
    const world = fakeWorld();
    const reasonWhen = async (handler: () => Response | Promise<Response>) => {
      world.on("site.test", handler);
      const result = await checkHttpFile("site.test", RECORD, world.fetch, 5000);
      expect(result.kind).toBe("failure");
      return result.kind === "failure" ? result.reason : "";
    };
    const reasons = [
      await reasonWhen(() => Promise.reject(new TypeError("Network connection lost."))),
      // What fetch rejects with when AbortSignal.timeout fires; no real waiting.
      await reasonWhen(() => Promise.reject(new DOMException("The operation timed out.", "TimeoutError"))),
      await reasonWhen(() => new Response("not found", { status: 404 })),
      await reasonWhen(() => new Response("bad gateway", { status: 502 })),
      await reasonWhen(() => new Response(RECORD, { status: 203 })),
      await reasonWhen(redirectTo("http://10.0.0.1:8080/goto-verification-code.txt")),
      await reasonWhen(redirectTo("http://other.test/goto-verification-code.txt")),
      await reasonWhen(redirectTo("/goto-verification-code.txt")),
      await reasonWhen(() => new Response(null, { status: 302 })),
    ];
    expect(new Set(reasons).size).toBe(1);
    expect(reasons[0]).toContain(`could not be fetched from ${FILE}`);
    expect(reasons[0]).not.toMatch(/404|502|203|8080|10\.0\.0\.1|other\.test|timed|reach|answered/);
  });

  it("still says plainly when the file was fetched but holds another value or is too large", async () => {
    const world = fakeWorld();
    world.on("site.test", () => new Response("goto-verification-code=someone-else"));
    expect(await checkHttpFile("site.test", RECORD, world.fetch, 5000)).toEqual({ kind: "mismatch", reason: `${FILE} does not hold ${RECORD}` });
    world.on("site.test", () => new Response(RECORD + " ".repeat(2000)));
    expect(await checkHttpFile("site.test", RECORD, world.fetch, 5000)).toEqual({ kind: "mismatch", reason: `${FILE} is larger than 1024 bytes` });
  });
});
