import fc from "fast-check";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { entraUser, json, newOrganization, send } from "../support/client";

let org: Awaited<ReturnType<typeof newOrganization>>;
let userId: string;
let groupId: string;

beforeAll(async () => {
  org = await newOrganization();
  userId = (await json(await send("POST", "/scim/v2/Users", org.token, entraUser(`victim@${org.domain}`)))).id;
  groupId = (await json(await send("POST", "/scim/v2/Groups", org.token, { displayName: "Victims", members: [{ value: userId }] }))).id;
});

/** A fingerprint of everything the organization has stored. */
async function snapshot() {
  const users = await env.DB.prepare("SELECT * FROM users WHERE org_id = ? ORDER BY id").bind(org.id).all();
  const groups = await env.DB.prepare("SELECT * FROM groups WHERE org_id = ? ORDER BY id").bind(org.id).all();
  const members = await env.DB.prepare("SELECT group_id, member_id FROM group_members WHERE org_id = ? ORDER BY 1, 2").bind(org.id).all();
  return JSON.stringify([users.results, groups.results, members.results]);
}

async function expectScimClientError(r: Response, label: string) {
  expect(r.status, label).toBeGreaterThanOrEqual(400);
  expect(r.status, label).toBeLessThan(500);
  expect(r.headers.get("content-type"), label).toContain("application/scim+json");
  const body = await json(r);
  expect(body.schemas, label).toEqual(["urn:ietf:params:scim:api:messages:2.0:Error"]);
  expect(body.status, label).toBe(String(r.status));
  expect(typeof body.detail, label).toBe("string");
  expect(JSON.stringify(body), label).not.toMatch(/at .*\.ts:\d+/);
}

const deep = (n: number) => "[".repeat(n) + "]".repeat(n);

describe("bad input never yields a 5xx or a change", () => {
  it("refuses a corpus of broken bodies", async () => {
    const before = await snapshot();
    const bodies: [string, string, string | unknown][] = [
      ["POST", "/scim/v2/Users", "{not json"],
      ["POST", "/scim/v2/Users", ""],
      ["POST", "/scim/v2/Users", "[]"],
      ["POST", "/scim/v2/Users", "null"],
      ["POST", "/scim/v2/Users", "42"],
      ["POST", "/scim/v2/Users", { userName: 42.5e300 }],
      ["POST", "/scim/v2/Users", { userName: ["a"] }],
      ["POST", "/scim/v2/Users", { userName: `x@${"a".repeat(10)}`, emails: "not-a-list-of-objects" }],
      ["POST", "/scim/v2/Users", { userName: `victim@${"x"}`, active: "sometimes" }],
      ["POST", "/scim/v2/Users", { userName: { nested: { deeper: true } } }],
      ["POST", "/scim/v2/Users", deep(5000)],
      ["POST", "/scim/v2/Users", `{"userName": ${deep(20000)}}`],
      ["POST", "/scim/v2/Groups", { displayName: "" }],
      ["POST", "/scim/v2/Groups", { displayName: "X", members: [{ value: 5 }] }],
      ["POST", "/scim/v2/Groups", { displayName: "X", members: [{ value: "a", type: "Robot" }] }],
      ["PUT", `/scim/v2/Users/${"USER"}`, { userName: "" }],
      ["PATCH", `/scim/v2/Users/${"USER"}`, {}],
      ["PATCH", `/scim/v2/Users/${"USER"}`, { Operations: "add" }],
      ["PATCH", `/scim/v2/Users/${"USER"}`, { Operations: [null] }],
      ["PATCH", `/scim/v2/Users/${"USER"}`, { Operations: [{ op: 7 }] }],
      ["PATCH", `/scim/v2/Users/${"USER"}`, { Operations: [{ op: "add", path: 7, value: 1 }] }],
      ["PATCH", `/scim/v2/Users/${"USER"}`, { Operations: [{ op: "add", path: 'emails[type eq "work"].nope', value: 1 }] }],
      ["PATCH", `/scim/v2/Users/${"USER"}`, { Operations: [{ op: "replace", path: "name.givenName.extra", value: "x" }] }],
      ["PATCH", `/scim/v2/Users/${"USER"}`, { Operations: [{ op: "replace", path: `emails[${"(".repeat(500)}]`, value: "x" }] }],
      ["PATCH", `/scim/v2/Users/${"USER"}`, { Operations: [{ op: "replace", path: "urn:bogus:thing", value: "x" }] }],
      ["PATCH", `/scim/v2/Users/${"USER"}`, { Operations: Array(1001).fill({ op: "add", path: "title", value: "x" }) }],
      ["PATCH", `/scim/v2/Users/${"USER"}`, { Operations: [{ op: "add", path: "groups", value: [{ value: "g" }] }] }],
      ["PATCH", `/scim/v2/Groups/${"GROUP"}`, { Operations: [{ op: "add", path: "members", value: "not-a-member" }] }],
      ["PATCH", `/scim/v2/Groups/${"GROUP"}`, { Operations: [{ op: "remove", path: 'members[display eq "x"]' }] }],
      ["PATCH", `/scim/v2/Groups/${"GROUP"}`, { Operations: [{ op: "replace", path: 'members[value eq "x"].display', value: "y" }] }],
      ["PATCH", `/scim/v2/Groups/${"GROUP"}`, { Operations: [{ op: "replace", path: "displayName", value: null }] }],
    ];
    for (const [method, path, body] of bodies) {
      const target = path.replace("USER", userId).replace("GROUP", groupId);
      const r = await send(method, target, org.token, typeof body === "string" ? body : body);
      await expectScimClientError(r, `${method} ${path} ${JSON.stringify(body).slice(0, 80)}`);
    }
    expect(await snapshot()).toBe(before);
  });

  it("answers 413 for a body over the advertised limit", async () => {
    const r = await send("POST", "/scim/v2/Users", org.token, { userName: `big@${org.domain}`, displayName: "x".repeat(1024 * 1024 + 10) });
    expect(r.status).toBe(413);
    expect(await r.json()).toMatchObject({ status: "413" });
  });

  it("random filter strings never yield a 5xx", async () => {
    const pieces = fc.constantFrom(
      "userName",
      "emails",
      "emails.value",
      "name.givenName",
      "active",
      "meta.created",
      "members",
      "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department",
      " eq ",
      " ne ",
      " co ",
      " sw ",
      " ew ",
      " gt ",
      " ge ",
      " lt ",
      " le ",
      " pr",
      " and ",
      " or ",
      "not ",
      "(",
      ")",
      "[",
      "]",
      ".",
      '"x"',
      '"',
      "true",
      "false",
      "null",
      "42",
      "\\",
      " ",
      'type eq "work"',
      "@",
      "+",
      "%",
    );
    const filters = fc.oneof(
      fc.array(pieces, { maxLength: 14 }).map((p) => p.join("")),
      fc.string({ maxLength: 40 }),
      fc.string({ unit: "binary", maxLength: 20 }),
    );
    await fc.assert(
      fc.asyncProperty(filters, fc.constantFrom("Users", "Groups"), async (filter, resource) => {
        const r = await send("GET", `/scim/v2/${resource}?filter=${encodeURIComponent(filter)}`, org.token);
        expect([200, 400]).toContain(r.status);
        const body = await json(r);
        if (r.status === 400) expect(body.scimType).toBe("invalidFilter");
        else expect(body.schemas).toEqual(["urn:ietf:params:scim:api:messages:2.0:ListResponse"]);
      }),
      { numRuns: 100 },
    );
  });

  it("random PATCH documents never yield a 5xx, and a rejected one changes nothing", async () => {
    const value = fc.oneof(
      fc.string(),
      fc.boolean(),
      fc.integer(),
      fc.constant(null),
      fc.dictionary(fc.string({ maxLength: 8 }), fc.string()),
      fc.array(fc.dictionary(fc.constantFrom("value", "type", "primary", "display"), fc.oneof(fc.string(), fc.boolean()))),
    );
    const path = fc.oneof(
      fc.constantFrom(
        "title",
        "active",
        "name.familyName",
        'emails[type eq "work"].value',
        "emails",
        "members",
        "userName",
        "id",
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager",
        "displayName",
      ),
      fc.string({ maxLength: 20 }),
    );
    const op = fc.record({
      op: fc.constantFrom("add", "Replace", "remove", "bogus"),
      path: fc.option(path, { nil: undefined }),
      value: fc.option(value, { nil: undefined }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 4 }), fc.constantFrom("Users", "Groups"), async (ops, resource) => {
        const before = await snapshot();
        const id = resource === "Users" ? userId : groupId;
        const r = await send("PATCH", `/scim/v2/${resource}/${id}`, org.token, { schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], Operations: ops });
        expect(r.status, JSON.stringify(ops)).toBeLessThan(500);
        if (r.status >= 400) expect(await snapshot(), JSON.stringify(ops)).toBe(before);
        else await r.arrayBuffer();
      }),
      { numRuns: 50 },
    );
  });
});
