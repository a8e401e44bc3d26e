import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { entraUser, json, newOrganization, send } from "../support/client";
import { watchWriterQueue } from "../reliability/writer-queue";

interface EventRow {
  method: string;
  path: string;
  operation: string;
  resource_type: string | null;
  resource_id: string | null;
  external_id: string | null;
  status: number;
  latency_ms: number;
  error_detail: string | null;
  at: string;
}

const eventsOf = async (orgId: string) =>
  (await env.DB.prepare("SELECT * FROM provisioning_events WHERE org_id = ? ORDER BY seq").bind(orgId).all<EventRow>()).results;

describe("provisioning events", () => {
  it("records each write with its operation, resource and status", async () => {
    const org = await newOrganization();
    const started = Date.now();
    const user = await json(await send("POST", "/scim/v2/Users", org.token, entraUser(`ev@${org.domain}`, { externalId: "ev-1" })));
    const patch = (Operations: unknown[], path = `/scim/v2/Users/${user.id}`) => send("PATCH", path, org.token, { Operations });
    await patch([{ op: "replace", path: "displayName", value: "E" }]);
    await patch([{ op: "replace", path: "active", value: "False" }]);
    await patch([{ op: "replace", path: "active", value: true }]);
    const group = await json(await send("POST", "/scim/v2/Groups", org.token, { displayName: "EvG", externalId: "g-1" }));
    await patch([{ op: "add", path: "members", value: [{ value: user.id }] }], `/scim/v2/Groups/${group.id}`);
    await patch([{ op: "remove", path: "members", value: [{ value: user.id }] }], `/scim/v2/Groups/${group.id}`);
    await send("DELETE", `/scim/v2/Users/${user.id}`, org.token);

    const events = await eventsOf(org.id);
    expect(events.map((e) => [e.method, e.operation, e.resource_type, e.status])).toEqual([
      ["POST", "create", "User", 201],
      ["PATCH", "update", "User", 204],
      ["PATCH", "deactivate", "User", 204],
      ["PATCH", "reactivate", "User", 204],
      ["POST", "create", "Group", 201],
      ["PATCH", "add-members", "Group", 204],
      ["PATCH", "remove-members", "Group", 204],
      ["DELETE", "delete", "User", 204],
    ]);
    expect(events[0]).toMatchObject({ path: "/scim/v2/Users", resource_id: user.id, external_id: "ev-1", error_detail: null });
    expect(events[4]).toMatchObject({ resource_id: group.id, external_id: "g-1" });
    const finished = Date.now();
    for (const e of events) {
      expect(Date.parse(e.at)).toBeGreaterThanOrEqual(started);
      expect(Date.parse(e.at)).toBeLessThanOrEqual(finished);
    }
  });

  it("measures latency from the request's arrival to its commit, time queued in the writer included", async () => {
    const org = await newOrganization();
    const user = await json(await send("POST", "/scim/v2/Users", org.token, entraUser(`slow@${org.domain}`)));
    const queue = await watchWriterQueue(org.id);
    // The writer is held, so the PATCH waits in its queue while the test moves the clock a minute on.
    const hold = await queue.holdAfter(0);
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() });
    try {
      const sent = Date.now();
      const answer = send("PATCH", `/scim/v2/Users/${user.id}`, org.token, { Operations: [{ op: "replace", path: "displayName", value: "Slow" }] });
      await queue.joined(1);
      vi.setSystemTime(sent + 60_000);
      await hold.release();
      expect((await answer).status).toBe(204);
      const [, patched] = await eventsOf(org.id);
      expect(patched).toMatchObject({ method: "PATCH", operation: "update", status: 204 });
      // Not the writer's own time (a few milliseconds) but the wait the client saw, and never more than it.
      expect(patched!.latency_ms).toBe(60_000);
    } finally {
      vi.useRealTimers();
    }
  });

  it("records failed requests with their reason, whoever refused them", async () => {
    const org = await newOrganization();
    await send("POST", "/scim/v2/Users", org.token, entraUser(`dup@${org.domain}`));
    await send("POST", "/scim/v2/Users", org.token, entraUser(`dup@${org.domain}`));
    await send("POST", "/scim/v2/Users", org.token, "{not json");
    await send("GET", "/scim/v2/Users/missing-id", org.token);
    await send("GET", "/scim/v2/Users?filter=bogus", org.token);
    await send("PATCH", "/scim/v2/Groups/missing-group", org.token, { Operations: [{ op: "add", path: "members", value: [] }] });
    const failures = (await eventsOf(org.id)).filter((e) => e.status >= 400);
    expect(failures.map((e) => [e.method, e.operation, e.resource_type, e.resource_id, e.status])).toEqual([
      ["POST", "create", "User", null, 409],
      ["POST", "create", "User", null, 400],
      ["GET", "read", "User", "missing-id", 404],
      ["GET", "query", "User", null, 400],
      ["PATCH", "update", "Group", "missing-group", 404],
    ]);
    expect(failures[0]!.error_detail).toContain("already taken");
    expect(failures[1]!.error_detail).toContain("not valid JSON");
    expect(failures[3]!.error_detail).toContain("bogus");
  });

  it("does not record Test Connection's empty lookup as a failure", async () => {
    const org = await newOrganization();
    await send("GET", `/scim/v2/Users?filter=userName eq "${crypto.randomUUID()}"`, org.token);
    expect(await eventsOf(org.id)).toEqual([]);
  });
});
