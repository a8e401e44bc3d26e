import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { entraUser, json, newOrganization, send } from "../support/client";
import { watchWriterQueue } from "../reliability/writer-queue";

const PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

describe("one write path per organization", () => {
  it("30 parallel PATCH adds of 30 users to one group leave exactly 30 members and 30 versions", async () => {
    const org = await newOrganization();
    const users = await Promise.all(
      Array.from({ length: 30 }, async (_, i) => json(await send("POST", "/scim/v2/Users", org.token, entraUser(`p${i}@${org.domain}`)))),
    );
    const group = await json(await send("POST", "/scim/v2/Groups", org.token, { displayName: "Crowd", members: [] }));
    const answers = await Promise.all(
      users.map((u) =>
        send("PATCH", `/scim/v2/Groups/${group.id}`, org.token, {
          schemas: [PATCH_OP],
          Operations: [{ op: "Add", path: "members", value: [{ value: u.id }] }],
        }),
      ),
    );
    expect(answers.map((r) => r.status)).toEqual(Array(30).fill(204));
    const after = await json(await send("GET", `/scim/v2/Groups/${group.id}`, org.token));
    expect(after.members).toHaveLength(30);
    expect(new Set(after.members.map((m: { value: string }) => m.value))).toEqual(new Set(users.map((u) => u.id)));
    // Every write saw the one before it: no lost version increments.
    expect(after.meta.version).toBe('W/"31"');
  });

  it("20 parallel POSTs of one userName give one 201 and nineteen 409s", async () => {
    const org = await newOrganization();
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => send("POST", "/scim/v2/Users", org.token, entraUser(`${i % 2 ? "same" : "SAME"}@${org.domain}`))),
    );
    const statuses = answers.map((r) => r.status).sort();
    expect(statuses).toEqual([201, ...Array(19).fill(409)]);
    for (const r of answers.filter((a) => a.status === 409)) expect(await r.json()).toMatchObject({ scimType: "uniqueness" });
    const count = await env.DB.prepare("SELECT count(*) AS n FROM users WHERE org_id = ?").bind(org.id).first<{ n: number }>();
    expect(count!.n).toBe(1);
  });

  it("parallel PATCHes of one user keep every change", async () => {
    const org = await newOrganization();
    const user = await json(await send("POST", "/scim/v2/Users", org.token, entraUser(`many@${org.domain}`, { emails: [] })));
    const answers = await Promise.all(
      Array.from({ length: 15 }, (_, i) =>
        send("PATCH", `/scim/v2/Users/${user.id}`, org.token, {
          Operations: [{ op: "add", path: "phoneNumbers", value: [{ type: "work", value: `+1 555 01${String(i).padStart(2, "0")}` }] }],
        }),
      ),
    );
    expect(answers.every((r) => r.status === 204)).toBe(true);
    const after = await json(await send("GET", `/scim/v2/Users/${user.id}`, org.token));
    expect(after.phoneNumbers).toHaveLength(15);
    expect(after.meta.version).toBe('W/"16"');
  });

  it("does not make one organization's writes wait for another's", async () => {
    const busy = await newOrganization();
    const quiet = await newOrganization();
    const queue = await watchWriterQueue(busy.id);
    // The busy organization's writer is held, so its 40 writes stay queued until the test lets them go.
    const hold = await queue.holdAfter(0);
    let busyDone = 0;
    const busyWrites = Promise.all(
      Array.from({ length: 40 }, async (_, i) => {
        const r = await send("POST", "/scim/v2/Users", busy.token, entraUser(`b${i}@${busy.domain}`));
        busyDone++;
        return r.status;
      }),
    );
    await queue.joined(40);
    const quietWrite = await send("POST", "/scim/v2/Users", quiet.token, entraUser(`q@${quiet.domain}`));
    expect(quietWrite.status).toBe(201);
    // The quiet organization's write finished while every busy write was still waiting.
    expect(busyDone).toBe(0);
    await hold.release();
    expect(await busyWrites).toEqual(Array(40).fill(201));
  });
});
