import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { entraUser, json, newOrganization, send } from "../support/client";

const PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
const AD_GROUP = "http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group";

async function orgWithUsers(n: number) {
  const org = await newOrganization();
  const users: Record<string, any>[] = [];
  for (let i = 0; i < n; i++) {
    users.push(await json(await send("POST", "/scim/v2/Users", org.token, entraUser(`u${i}@${org.domain}`, { displayName: `User ${i}` }))));
  }
  return { org, users };
}

const createGroup = async (token: string, displayName: string, extra: Record<string, unknown> = {}) =>
  send("POST", "/scim/v2/Groups", token, {
    schemas: ["urn:ietf:params:scim:schemas:core:2.0:Group", AD_GROUP],
    displayName,
    externalId: `ext-${displayName}`,
    members: [],
    ...extra,
  });

describe("Groups", () => {
  it("creates an empty group, fills it by PATCH, and lists members with display names", async () => {
    const { org, users } = await orgWithUsers(3);
    const created = await createGroup(org.token, "Engineering");
    expect(created.status).toBe(201);
    const group = await json(created);
    expect(created.headers.get("location")).toBe(`https://scim.test/scim/v2/Groups/${group.id}`);
    expect(group).toMatchObject({ displayName: "Engineering", externalId: "ext-Engineering", members: [], meta: { resourceType: "Group", version: 'W/"1"' } });

    const add = await send("PATCH", `/scim/v2/Groups/${group.id}`, org.token, {
      schemas: [PATCH_OP],
      Operations: [{ op: "Add", path: "members", value: users.map((u) => ({ $ref: null, value: u.id })) }],
    });
    expect(add.status).toBe(204);
    const full = await json(await send("GET", `/scim/v2/Groups/${group.id}`, org.token));
    expect(full.members).toHaveLength(3);
    expect(full.members).toContainEqual({ value: users[0]!.id, $ref: `https://scim.test/scim/v2/Users/${users[0]!.id}`, type: "User", display: "User 0" });
    expect(full.meta.version).toBe('W/"2"');

    const user = await json(await send("GET", `/scim/v2/Users/${users[0]!.id}`, org.token));
    expect(user.groups).toEqual([{ value: group.id, $ref: `https://scim.test/scim/v2/Groups/${group.id}`, display: "Engineering", type: "direct" }]);
  });

  it("removes members by Entra's value list and by a members[value eq] path", async () => {
    const { org, users } = await orgWithUsers(3);
    const group = await json(await createGroup(org.token, "G", { members: users.map((u) => ({ value: u.id })) }));
    expect(group.members).toHaveLength(3);
    const patch = (Operations: unknown[]) => send("PATCH", `/scim/v2/Groups/${group.id}`, org.token, { schemas: [PATCH_OP], Operations });
    expect((await patch([{ op: "Remove", path: "members", value: [{ $ref: null, value: users[0]!.id }] }])).status).toBe(204);
    expect((await patch([{ op: "remove", path: `members[value eq "${users[1]!.id}"]` }])).status).toBe(204);
    const left = await json(await send("GET", `/scim/v2/Groups/${group.id}`, org.token));
    expect(left.members.map((m: { value: string }) => m.value)).toEqual([users[2]!.id]);
    // Removing someone who is not a member is not an error.
    expect((await patch([{ op: "remove", path: `members[value eq "${users[0]!.id}"]` }])).status).toBe(204);
  });

  it("renames with path-less replace and keeps displayName unique in any letter case", async () => {
    const org = await newOrganization();
    await createGroup(org.token, "Sales");
    const dup = await createGroup(org.token, "SALES");
    expect(dup.status).toBe(409);
    expect(await dup.json()).toMatchObject({ scimType: "uniqueness" });
    const other = await json(await createGroup(org.token, "Marketing"));
    const rename = (value: unknown) => send("PATCH", `/scim/v2/Groups/${other.id}`, org.token, { schemas: [PATCH_OP], Operations: [{ op: "replace", value }] });
    expect((await rename({ displayName: "sales" })).status).toBe(409);
    expect((await rename({ id: other.id, displayName: "Field Marketing" })).status).toBe(204);
    const found = await json(await send("GET", `/scim/v2/Groups?excludedAttributes=members&filter=displayName eq "field marketing"`, org.token));
    expect(found.totalResults).toBe(1);
    expect(found.Resources[0]).not.toHaveProperty("members");
  });

  it("does not load members when they are excluded", async () => {
    const { org, users } = await orgWithUsers(2);
    const group = await json(await createGroup(org.token, "Big", { members: users.map((u) => ({ value: u.id })) }));
    // A row that would break member loading proves the members query is not run.
    await env.DB.prepare("INSERT INTO group_members (group_id, member_id, member_type, org_id, added_at) VALUES (?, 'ghost', 'Bogus', ?, 'x')")
      .bind(group.id, org.id)
      .run();
    const one = await send("GET", `/scim/v2/Groups/${group.id}?excludedAttributes=members`, org.token);
    expect(one.status).toBe(200);
    expect(await one.json()).not.toHaveProperty("members");
    const withMembers = await json(await send("GET", `/scim/v2/Groups/${group.id}`, org.token));
    expect(withMembers.members.map((m: { value: string }) => m.value)).toContain("ghost");
  });

  it("removes a deleted user from every group", async () => {
    const { org, users } = await orgWithUsers(2);
    const a = await json(await createGroup(org.token, "A", { members: users.map((u) => ({ value: u.id })) }));
    const b = await json(await createGroup(org.token, "B", { members: [{ value: users[0]!.id }] }));
    expect((await send("DELETE", `/scim/v2/Users/${users[0]!.id}`, org.token)).status).toBe(204);
    const ga = await json(await send("GET", `/scim/v2/Groups/${a.id}`, org.token));
    const gb = await json(await send("GET", `/scim/v2/Groups/${b.id}`, org.token));
    expect(ga.members.map((m: { value: string }) => m.value)).toEqual([users[1]!.id]);
    expect(gb.members).toEqual([]);
    expect(gb.meta.version).toBe('W/"2"');
    const rows = await env.DB.prepare("SELECT count(*) AS n FROM group_members WHERE member_id = ?").bind(users[0]!.id).first<{ n: number }>();
    expect(rows!.n).toBe(0);
  });

  it("refuses members that are not in the organization, and changes nothing", async () => {
    const { org, users } = await orgWithUsers(1);
    const group = await json(await createGroup(org.token, "Strict"));
    const r = await send("PATCH", `/scim/v2/Groups/${group.id}`, org.token, {
      schemas: [PATCH_OP],
      Operations: [{ op: "add", path: "members", value: [{ value: users[0]!.id }, { value: "no-such-user" }] }],
    });
    expect(r.status).toBe(400);
    expect(await r.json()).toMatchObject({ scimType: "invalidValue", detail: expect.stringContaining("no-such-user") });
    expect((await json(await send("GET", `/scim/v2/Groups/${group.id}`, org.token))).members).toEqual([]);
  });

  it("replaces with PUT, members included, and deletes", async () => {
    const { org, users } = await orgWithUsers(2);
    const group = await json(await createGroup(org.token, "Put", { members: [{ value: users[0]!.id }] }));
    const r = await send("PUT", `/scim/v2/Groups/${group.id}`, org.token, { displayName: "Put 2", members: [{ value: users[1]!.id, type: "User" }] });
    expect(r.status).toBe(200);
    const body = await json(r);
    expect(body.displayName).toBe("Put 2");
    expect(body).not.toHaveProperty("externalId");
    expect(body.members.map((m: { value: string }) => m.value)).toEqual([users[1]!.id]);
    expect((await send("DELETE", `/scim/v2/Groups/${group.id}`, org.token)).status).toBe(204);
    expect((await send("GET", `/scim/v2/Groups/${group.id}`, org.token)).status).toBe(404);
  });

  it("keeps the version of a group a PATCH or PUT does not change, and bumps it for one that does", async () => {
    const { org, users } = await orgWithUsers(3);
    const [u0, u1, u2] = users.map((u) => u.id as string) as [string, string, string];
    const group = await json(await createGroup(org.token, "Steady", { members: [{ value: u0 }, { value: u1 }] }));
    const url = `/scim/v2/Groups/${group.id}`;
    let version = 1;
    const tag = () => `W/"${version}"`;
    /** Sends a write and checks the ETag it answers and the version a read then shows. */
    const expectVersion = async (write: Promise<Response>, changes: boolean, status = 204) => {
      const r = await write;
      expect(r.status).toBe(status);
      if (changes) version++;
      expect(r.headers.get("etag")).toBe(tag());
      const read = await send("GET", url, org.token);
      expect(read.headers.get("etag")).toBe(tag());
      return (await json(read)) as Record<string, any>;
    };
    const patch = (...Operations: unknown[]) => send("PATCH", url, org.token, { schemas: [PATCH_OP], Operations });
    const put = (displayName: string, members: string[]) =>
      send("PUT", url, org.token, { displayName, externalId: "ext-Steady", members: members.map((value) => ({ value })) });

    // No change: members already there (Entra's shape and the newer one), absent ones removed, same values.
    await expectVersion(patch({ op: "Add", path: "members", value: [{ $ref: null, value: u0 }] }), false);
    await expectVersion(patch({ op: "add", path: "members", value: [{ value: u1 }, { value: u0 }] }), false);
    await expectVersion(patch({ op: "remove", path: `members[value eq "${u2}"]` }), false);
    await expectVersion(patch({ op: "Remove", path: "members", value: [{ value: u2 }] }), false);
    await expectVersion(patch({ op: "Replace", path: "displayName", value: "Steady" }), false);
    await expectVersion(patch({ op: "replace", value: { displayName: "Steady", externalId: "ext-Steady" } }), false);
    await expectVersion(patch({ op: "replace", path: "members", value: [{ value: u1 }, { value: u0 }] }), false);
    // Changes that cancel out within one PATCH.
    await expectVersion(patch({ op: "add", path: "members", value: [{ value: u2 }] }, { op: "remove", path: `members[value eq "${u2}"]` }), false);
    await expectVersion(patch({ op: "remove", path: `members[value eq "${u0}"]` }, { op: "add", path: "members", value: [{ value: u0 }] }), false);
    const same = await expectVersion(put("Steady", [u0, u1]), false, 200);
    expect(same.meta.version).toBe('W/"1"');
    // A PATCH that asks for the resource back gets it unchanged too.
    const back = await expectVersion(
      send("PATCH", `${url}?attributes=displayName`, org.token, { Operations: [{ op: "add", path: "members", value: [{ value: u0 }] }] }),
      false,
      200,
    );
    expect(back.meta.version).toBe('W/"1"');

    // Each real change bumps it once.
    await expectVersion(patch({ op: "add", path: "members", value: [{ value: u0 }, { value: u2 }] }), true);
    await expectVersion(patch({ op: "remove", path: `members[value eq "${u2}"]` }), true);
    await expectVersion(patch({ op: "replace", path: "displayName", value: "steady" }), true);
    await expectVersion(patch({ op: "replace", path: "members", value: [{ value: u0 }] }), true);
    await expectVersion(patch({ op: "replace", path: "members", value: [{ value: u0 }, { value: u1 }] }), true);
    await expectVersion(patch({ op: "remove", path: "members" }), true);
    await expectVersion(patch({ op: "remove", path: "members" }), false);
    const last = await expectVersion(put("Steady", [u2]), true, 200);
    expect(last).toMatchObject({ displayName: "Steady", meta: { version: tag() } });
    expect(last.members.map((m: { value: string }) => m.value)).toEqual([u2]);
  });

  it("supports nested groups as members", async () => {
    const org = await newOrganization();
    const child = await json(await createGroup(org.token, "Child"));
    const parent = await json(await createGroup(org.token, "Parent", { members: [{ value: child.id, type: "Group" }] }));
    expect(parent.members).toEqual([{ value: child.id, $ref: `https://scim.test/scim/v2/Groups/${child.id}`, type: "Group", display: "Child" }]);
    const self = await send("PATCH", `/scim/v2/Groups/${parent.id}`, org.token, {
      Operations: [{ op: "add", path: "members", value: [{ value: parent.id }] }],
    });
    expect(self.status).toBe(400);
  });
});
