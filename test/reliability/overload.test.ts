import { afterEach, describe, expect, it, vi } from "vitest";
import { entraUser, json, newOrganization, send } from "../support/client";

afterEach(() => {
  vi.useRealTimers();
});

describe("per-organization request budget", () => {
  it("answers 429 with Retry-After past the budget, and never slows another organization", async () => {
    const noisy = await newOrganization();
    const quiet = await newOrganization();
    // The local limiter counts in fixed windows of Date.now() in the test's isolate: a stopped clock
    // keeps a burst in one window however long the machine takes, and the test moves to the next.
    vi.useFakeTimers({ toFake: ["Date"] });
    const start = Date.now();
    const user = await json(await send("POST", "/scim/v2/Users", noisy.token, entraUser(`u@${noisy.domain}`)));
    vi.setSystemTime(start + 10_000);
    // This project's budget is 40 requests per 10 seconds (wrangler.toml's is 1,000).
    // Lists and reads alike: each request costs one unit of the budget, however its route is mounted.
    const answers = await Promise.all(
      Array.from({ length: 60 }, (_, i) => send("GET", i % 2 ? `/scim/v2/Users/${user.id}` : "/scim/v2/Users?count=1", noisy.token)),
    );
    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(40);
    expect(statuses.filter((s) => s === 429)).toHaveLength(20);
    const limited = answers.find((r) => r.status === 429)!;
    expect(limited.headers.get("retry-after")).toBe("10");
    expect(await json(limited)).toMatchObject({ schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"], status: "429" });
    // Writes are limited too, and the quiet organization is not limited by the noisy one.
    expect((await send("POST", "/scim/v2/Users", noisy.token, { userName: `x@${noisy.domain}` })).status).toBe(429);
    expect((await send("GET", "/scim/v2/Users?count=0", quiet.token)).status).toBe(200);
    // Retry-After holds: once that many seconds have passed, the noisy organization is served again.
    vi.setSystemTime(start + 20_000);
    expect((await send("GET", `/scim/v2/Users/${user.id}`, noisy.token)).status).toBe(200);
  });
});
