import { describe, expect, it } from "vitest";
import { json, newOrganization, send } from "../support/client";

describe("per-organization request budget", () => {
  it("answers 429 with Retry-After past the budget, and never slows another organization", async () => {
    const noisy = await newOrganization();
    const quiet = await newOrganization();
    // This project's budget is 40 requests per 10 seconds (wrangler.toml's is 1,000).
    const answers = await Promise.all(Array.from({ length: 60 }, () => send("GET", "/scim/v2/Users?count=0", noisy.token)));
    const statuses = answers.map((r) => r.status);
    // The local limiter counts in fixed windows: never more than the budget passes, the rest waits.
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThan(0);
    expect(statuses.filter((s) => s === 200).length).toBeLessThanOrEqual(40);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(20);
    expect(statuses.every((s) => s === 200 || s === 429)).toBe(true);
    const limited = answers.find((r) => r.status === 429)!;
    expect(limited.headers.get("retry-after")).toBe("10");
    expect(await json(limited)).toMatchObject({ schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"], status: "429" });
    // Writes are limited too, and the quiet organization is not limited by the noisy one.
    expect((await send("POST", "/scim/v2/Users", noisy.token, { userName: `x@${noisy.domain}` })).status).toBe(429);
    expect((await send("GET", "/scim/v2/Users?count=0", quiet.token)).status).toBe(200);
  });
});
