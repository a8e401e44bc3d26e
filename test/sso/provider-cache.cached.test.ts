// With the per-isolate cache on (as in production), the ACS trusts a read of the identity provider for
// REVOCATION_CHECK_SECONDS (60 here): a change takes effect within that time, never later.
import { afterEach, describe, expect, it, vi } from "vitest";
import { send } from "../support/client";
import { ssoOrganization } from "../support/sso";

afterEach(() => {
  vi.useRealTimers();
});

describe("the ACS's view of the identity provider", () => {
  it("turns single sign-on off within REVOCATION_CHECK_SECONDS, and answers a newly configured one at once", async () => {
    const org = await ssoOrganization();
    const grace = `grace@${org.admin.domain}`;
    await org.provision(grace);
    vi.useFakeTimers({ toFake: ["Date"] });
    const start = Date.now();
    expect((await org.post(org.respond(grace))).status).toBe(303);
    await send("PATCH", "/api/organization/identity-provider", org.admin.token, { enabled: false });
    vi.setSystemTime(start + 59_000);
    expect((await org.post(org.respond(grace))).status).toBe(303);
    vi.setSystemTime(start + 61_000);
    expect((await org.post(org.respond(grace))).status).toBe(403);
  });
});
