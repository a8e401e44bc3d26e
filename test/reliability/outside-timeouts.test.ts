import { afterEach, describe, expect, it, vi } from "vitest";
import { queryTxt, type DohAnswer } from "../../src/verify/doh";
import { fakeWorld, RESOLVER_A } from "../support/outside";

afterEach(() => {
  vi.useRealTimers();
});

/** A fake world whose requests' signals the test can inspect. */
function watchedWorld() {
  const world = fakeWorld();
  const signals: AbortSignal[] = [];
  const fetcher = ((input: RequestInfo | URL, init?: RequestInit) => {
    if (init?.signal) signals.push(init.signal);
    return world.fetch(input, init);
  }) as typeof fetch;
  return { ...world, fetch: fetcher, signals };
}

describe("DoH timeouts", () => {
  it("a resolver that never answers is a retryable failure exactly when the timeout runs out", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const world = watchedWorld();
    world.on("dns-a.test", () => new Promise<Response>(() => {}));
    let answer: DohAnswer | undefined;
    void queryTxt(RESOLVER_A, "silent.example.com", world.fetch, 5000).then((a) => (answer = a));
    await vi.advanceTimersByTimeAsync(4999);
    expect(answer).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(answer).toEqual({ kind: "failure", reason: "dns-a.test did not answer within 5000 ms" });
  });

  it("a lookup that ends early stops its timeout: nothing aborts or rejects after it", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const world = watchedWorld();
    world.on("dns-a.test", () => {
      throw new Error("resolver exploded");
    });
    world.on("dns-b.test", () => new Response("{}"));
    expect(await queryTxt(RESOLVER_A, "broken.example.com", world.fetch, 100)).toEqual({ kind: "failure", reason: "dns-a.test could not be reached" });
    expect(await queryTxt("https://dns-b.test/resolve", "odd.example.com", world.fetch, 100)).toMatchObject({ kind: "failure" });
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(1000);
    expect(world.signals.map((s) => s.aborted)).toEqual([false, false]);
  });
});
