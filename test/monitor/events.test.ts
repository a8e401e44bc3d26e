import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { eventPageQuery } from "../../src/monitor/events";
import { userPageQuery } from "../../src/monitor/directory";
import { pruneEvents } from "../../src/monitor/retention";
import { call, entraUser, json, newAccount, send } from "../support/client";
import { verifiedAdmin } from "../support/world";

/** An admin with a SCIM token and some provisioning history: 3 creates, 1 update, 2 failures. */
async function orgWithHistory() {
  const admin = await verifiedAdmin();
  const { token } = await json(await send("POST", "/api/organization/scim-tokens", admin.token, {}));
  const ids: string[] = [];
  for (const name of ["a", "b", "c"]) ids.push((await json(await send("POST", "/scim/v2/Users", token, entraUser(`${name}@${admin.domain}`)))).id);
  await send("PATCH", `/scim/v2/Users/${ids[0]}`, token, { Operations: [{ op: "replace", path: "title", value: "x" }] });
  await send("POST", "/scim/v2/Users", token, entraUser(`a@${admin.domain}`));
  await send("GET", "/scim/v2/Groups/missing", token);
  return { admin, token, ids };
}

const events = async (token: string, query = "") => json(await send("GET", `/api/organization/provisioning-events${query}`, token));

describe("the provisioning log API", () => {
  it("lists events newest first with every field, and filters them", async () => {
    const { admin, ids } = await orgWithHistory();
    const all = await events(admin.token);
    expect(all.events.map((e: { operation: string; status: number }) => [e.operation, e.status])).toEqual([
      ["read", 404],
      ["create", 409],
      ["update", 204],
      ["create", 201],
      ["create", 201],
      ["create", 201],
    ]);
    expect(all.events[5]).toMatchObject({ method: "POST", path: "/scim/v2/Users", resourceType: "User", resourceId: ids[0], externalId: "a", error: null });
    expect(all.events[1].error).toContain("already taken");
    expect(all.nextCursor).toBeNull();
    expect((await events(admin.token, "?status=failure")).events).toHaveLength(2);
    expect((await events(admin.token, "?status=success")).events).toHaveLength(4);
    expect((await events(admin.token, "?status=409")).events).toHaveLength(1);
    expect((await events(admin.token, "?operation=create")).events).toHaveLength(4);
    expect((await events(admin.token, "?resourceType=Group")).events).toHaveLength(1);
    expect((await events(admin.token, `?since=${new Date(Date.now() + 60_000).toISOString()}`)).events).toHaveLength(0);
    for (const bad of ["?status=maybe", "?operation=explode", "?resourceType=Robot", "?since=yesterday", "?limit=0", "?limit=201", "?cursor=%%%"]) {
      expect((await send("GET", `/api/organization/provisioning-events${bad}`, admin.token)).status, bad).toBe(400);
    }
  });

  it("pages with a cursor that stays stable while new events arrive", async () => {
    const { admin, token } = await orgWithHistory();
    const first = await events(admin.token, "?limit=4");
    expect(first.events).toHaveLength(4);
    // New events arrive between the pages.
    await send("POST", "/scim/v2/Users", token, entraUser(`late@${admin.domain}`));
    const second = await events(admin.token, `?limit=4&cursor=${first.nextCursor}`);
    expect(second.events).toHaveLength(2);
    expect(second.nextCursor).toBeNull();
    const seen = [...first.events, ...second.events].map((e: { id: number }) => e.id);
    expect(new Set(seen).size).toBe(6);
    expect(seen).toEqual([...seen].sort((a, b) => b - a));
  });

  it("is for the organization's admins only", async () => {
    const a = await orgWithHistory();
    const b = await verifiedAdmin();
    expect((await events(b.token)).events).toEqual([]);
    expect((await send("GET", "/api/organization/provisioning-events", (await newAccount()).token)).status).toBe(404);
    expect((await send("GET", "/api/organization/provisioning-events", a.token)).status).toBe(401);
  });

  it("exports the filtered log as CSV", async () => {
    const { admin } = await orgWithHistory();
    const r = await call("/api/organization/provisioning-events.csv?status=failure", { headers: { authorization: `Bearer ${admin.token}` } });
    expect(r.headers.get("content-type")).toContain("text/csv");
    expect(r.headers.get("content-disposition")).toContain("attachment");
    const lines = (await r.text()).trim().split("\r\n");
    expect(lines[0]).toBe("id,at,method,path,operation,resourceType,resourceId,externalId,status,latencyMs,error");
    expect(lines).toHaveLength(3);
    expect(lines[1]).toContain('"404"');
  });

  it("summarizes counts per day and hour, the last sync and the top failures", async () => {
    const { admin } = await orgWithHistory();
    const summary = await json(await send("GET", "/api/organization/provisioning-summary", admin.token));
    expect(summary.daily).toHaveLength(7);
    expect(summary.hourly).toHaveLength(48);
    const today = summary.daily[6];
    expect(today).toMatchObject({ day: new Date().toISOString().slice(0, 10), creates: 3, updates: 1, failures: 2, deletions: 0 });
    expect(summary.hourly[47]).toMatchObject({ creates: 3, updates: 1, failures: 2 });
    expect(summary.lastSync).toMatchObject({ requests: 6, failures: 2 });
    expect(summary.lastSync.errorRate).toBeCloseTo(2 / 6);
    expect(summary.topFailures).toHaveLength(2);
    expect(summary.topFailures.map((f: { count: number }) => f.count)).toEqual([1, 1]);
  });
});

describe("retention", () => {
  it("prunes events older than the retention period, oldest first, in batches", async () => {
    const { admin } = await orgWithHistory();
    const old = new Date(Date.now() - 40 * 86400_000).toISOString();
    await env.DB.prepare(
      `WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 2500)
       INSERT INTO provisioning_events (org_id, at, method, path, operation, status, latency_ms) SELECT ?, ?, 'GET', '/scim/v2/Users', 'query', 200, 1 FROM n`,
    )
      .bind(admin.orgId, old)
      .run();
    const deleted = await pruneEvents(env, new Date(), 1000);
    expect(deleted).toBeGreaterThanOrEqual(2500);
    expect((await events(admin.token, "?limit=200")).events).toHaveLength(6);
  });
});

describe("log and list reads use indexes at 100,000 events", () => {
  it("plans every filter as an index search", async () => {
    const { admin } = await orgWithHistory();
    await env.DB.prepare(
      `WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 100000)
       INSERT INTO provisioning_events (org_id, at, method, path, operation, resource_type, status, latency_ms)
       SELECT ?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-' || (x % 1000) || ' minutes'), 'POST', '/scim/v2/Users',
              CASE x % 3 WHEN 0 THEN 'create' WHEN 1 THEN 'update' ELSE 'delete' END, 'User', CASE WHEN x % 50 = 0 THEN 409 ELSE 201 END, 3 FROM n`,
    )
      .bind(admin.orgId)
      .run();
    await env.DB.prepare("ANALYZE").run();
    const plan = async (query: { toSQL(): { sql: string; params: unknown[] } }) => {
      const { sql, params } = query.toSQL();
      const rows = await env.DB.prepare(`EXPLAIN QUERY PLAN ${sql}`)
        .bind(...params)
        .all<{ detail: string }>();
      return rows.results.map((r) => r.detail).join("\n");
    };
    for (const filter of [{}, { status: "failure" as const }, { operation: "delete" }, { resourceType: "Group" as const }, { status: 409 }]) {
      const detail = await plan(eventPageQuery(env.DB, admin.orgId, filter, 50, 90_000));
      expect(detail, JSON.stringify(filter)).toMatch(/SEARCH provisioning_events USING (COVERING )?INDEX provisioning_events_org/);
      expect(detail, JSON.stringify(filter)).not.toMatch(/USE TEMP B-TREE|SCAN provisioning_events/);
    }
    for (const query of [{}, { q: "a" }, { active: false }, { after: "b@x" }]) {
      const detail = await plan(userPageQuery(env.DB, admin.orgId, query));
      expect(detail, JSON.stringify(query)).not.toMatch(/SCAN users\b(?! USING)/);
      expect(detail, JSON.stringify(query)).toMatch(/INDEX users_org/);
    }
  });
});
