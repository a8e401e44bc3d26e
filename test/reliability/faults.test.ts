import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import { entraUser, json, newOrganization, send } from "../support/client";
import { watchWriterQueue } from "./writer-queue";

const count = async (sql: string, ...params: unknown[]) =>
  (await env.DB.prepare(sql)
    .bind(...params)
    .first<{ n: number }>())!.n;

afterEach(async () => {
  await env.DB.exec("DROP TRIGGER IF EXISTS fail_user_insert; DROP TRIGGER IF EXISTS fail_member_insert;");
});

describe("faults", () => {
  it("a D1 batch that fails midway leaves no partial write and answers a retryable 503", async () => {
    const org = await newOrganization();
    // The user row goes in; the batch fails on a later statement: nothing may remain.
    await env.DB.exec(
      "CREATE TRIGGER fail_user_insert AFTER INSERT ON users WHEN NEW.user_name LIKE 'boom%' BEGIN SELECT RAISE(ABORT, 'injected failure'); END;",
    );
    const r = await send("POST", "/scim/v2/Users", org.token, entraUser(`boom@${org.domain}`));
    expect(r.status).toBe(503);
    expect(r.headers.get("retry-after")).toBe("5");
    expect(await json(r)).toMatchObject({ schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"], status: "503" });
    expect(await count("SELECT count(*) AS n FROM users WHERE org_id = ?", org.id)).toBe(0);
    const events = await env.DB.prepare("SELECT operation, status FROM provisioning_events WHERE org_id = ?").bind(org.id).all();
    expect(events.results).toEqual([{ operation: "create", status: 503 }]);
    // The retry goes through once the fault is gone.
    await env.DB.exec("DROP TRIGGER fail_user_insert");
    expect((await send("POST", "/scim/v2/Users", org.token, entraUser(`boom@${org.domain}`))).status).toBe(201);
  });

  it("a member add whose batch fails leaves the group exactly as it was", async () => {
    const org = await newOrganization();
    const user = await json(await send("POST", "/scim/v2/Users", org.token, entraUser(`m@${org.domain}`)));
    const group = await json(await send("POST", "/scim/v2/Groups", org.token, { displayName: "G" }));
    await env.DB.exec("CREATE TRIGGER fail_member_insert AFTER INSERT ON group_members BEGIN SELECT RAISE(ABORT, 'injected failure'); END;");
    const r = await send("PATCH", `/scim/v2/Groups/${group.id}`, org.token, {
      Operations: [
        { op: "replace", path: "displayName", value: "Renamed" },
        { op: "add", path: "members", value: [{ value: user.id }] },
      ],
    });
    expect(r.status).toBe(503);
    const after = await json(await send("GET", `/scim/v2/Groups/${group.id}`, org.token));
    expect(after).toMatchObject({ displayName: "G", members: [], meta: { version: 'W/"1"' } });
  });

  it("a Durable Object reset mid-flight gives each request a 2xx that happened or a retryable 5xx", async () => {
    const org = await newOrganization();
    const queue = await watchWriterQueue(org.id);
    // The first 20 writes to arrive go through; the other 20 are waiting in the writer's queue when it resets.
    const hold = await queue.holdAfter(20);
    const writes = Array.from({ length: 40 }, (_, i) => send("POST", "/scim/v2/Users", org.token, entraUser(`reset${i}@${org.domain}`)));
    await queue.joined(40);
    await hold.reached();
    const writer = env.ORG_WRITER.get(env.ORG_WRITER.idFromName(org.id));
    await runInDurableObject(writer, (_instance, state) => state.abort("injected reset")).catch(() => undefined);
    const answers = await Promise.all(writes);
    expect(answers.filter((r) => r.status === 503).length).toBeGreaterThanOrEqual(20);
    for (const [i, r] of answers.entries()) {
      expect([201, 503]).toContain(r.status);
      if (r.status === 503) expect(r.headers.get("retry-after")).not.toBeNull();
      if (r.status === 201)
        expect(await count("SELECT count(*) AS n FROM users WHERE org_id = ? AND user_name = ?", org.id, `reset${i}@${org.domain}`)).toBe(1);
    }
    // Retrying every request settles on exactly one user each.
    for (let i = 0; i < 40; i++) {
      const retry = await send("POST", "/scim/v2/Users", org.token, entraUser(`reset${i}@${org.domain}`));
      expect([201, 409]).toContain(retry.status);
    }
    expect(await count("SELECT count(*) AS n FROM users WHERE org_id = ?", org.id)).toBe(40);
  });
});

describe("interleaved writes", () => {
  it("deletes racing member adds end as some serial order would: no member that does not exist", async () => {
    const org = await newOrganization();
    const users = await Promise.all(
      Array.from({ length: 20 }, async (_, i) => json(await send("POST", "/scim/v2/Users", org.token, entraUser(`i${i}@${org.domain}`)))),
    );
    const group = await json(await send("POST", "/scim/v2/Groups", org.token, { displayName: "Race" }));
    const doomed = new Set(users.slice(0, 10).map((u) => u.id));
    await Promise.all([
      ...users.map((u) => send("PATCH", `/scim/v2/Groups/${group.id}`, org.token, { Operations: [{ op: "add", path: "members", value: [{ value: u.id }] }] })),
      ...[...doomed].map((id) => send("DELETE", `/scim/v2/Users/${id}`, org.token)),
    ]);
    const members = (await json(await send("GET", `/scim/v2/Groups/${group.id}`, org.token))).members.map((m: { value: string }) => m.value);
    expect(new Set(members)).toEqual(new Set(users.slice(10).map((u) => u.id)));
    expect(await count("SELECT count(*) AS n FROM group_members WHERE group_id = ?", group.id)).toBe(10);
  });
});
