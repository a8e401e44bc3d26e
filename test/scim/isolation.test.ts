import { describe, expect, it } from "vitest";
import { entraUser, json, newOrganization, send } from "../support/client";

/** Sends a write and insists on its status, so a test never builds on a write that was refused. */
async function expectStatus(response: Promise<Response>, status: number) {
  const r = await response;
  const body = r.status === 204 ? {} : await json(r);
  expect(r.status, JSON.stringify(body)).toBe(status);
  return body;
}

const ids = (list: Record<string, any>) => list.Resources.map((r: { id: string }) => r.id);

describe("tenant isolation", () => {
  it("never shows or changes organization A's resources with organization B's token", async () => {
    const a = await newOrganization();
    const b = await newOrganization();
    const user = await expectStatus(send("POST", "/scim/v2/Users", a.token, entraUser(`secret@${a.domain}`)), 201);
    const group = await expectStatus(send("POST", "/scim/v2/Groups", a.token, { displayName: "Secret", members: [{ value: user.id }] }), 201);
    const bUser = await expectStatus(send("POST", "/scim/v2/Users", b.token, entraUser(`own@${b.domain}`)), 201);
    const bGroup = await expectStatus(send("POST", "/scim/v2/Groups", b.token, { displayName: "Mine", members: [{ value: bUser.id }] }), 201);

    for (const [kind, id] of [
      ["Users", user.id],
      ["Groups", group.id],
    ]) {
      expect((await send("GET", `/scim/v2/${kind}/${id}`, b.token)).status).toBe(404);
      expect((await send("PUT", `/scim/v2/${kind}/${id}`, b.token, { userName: `x@${b.domain}`, displayName: "x" })).status).toBe(404);
      expect((await send("PATCH", `/scim/v2/${kind}/${id}`, b.token, { Operations: [{ op: "replace", path: "displayName", value: "pwned" }] })).status).toBe(
        404,
      );
      expect((await send("DELETE", `/scim/v2/${kind}/${id}`, b.token)).status).toBe(404);
    }
    // B's lists and filters hold B's resources only, however they are asked for.
    expect(ids(await json(await send("GET", "/scim/v2/Users", b.token)))).toEqual([bUser.id]);
    expect(ids(await json(await send("GET", "/scim/v2/Groups", b.token)))).toEqual([bGroup.id]);
    expect((await json(await send("GET", `/scim/v2/Users?filter=id eq "${user.id}"`, b.token))).totalResults).toBe(0);
    expect((await json(await send("GET", `/scim/v2/Users?filter=userName eq "secret@${a.domain}"`, b.token))).totalResults).toBe(0);
    expect((await json(await send("GET", `/scim/v2/Groups?filter=members[value eq "${user.id}"]`, b.token))).totalResults).toBe(0);
    // B cannot add A's user to B's group, nor make a group of A a member.
    for (const value of [user.id, group.id]) {
      const steal = await send("PATCH", `/scim/v2/Groups/${bGroup.id}`, b.token, { Operations: [{ op: "add", path: "members", value: [{ value }] }] });
      expect(steal.status).toBe(400);
    }
    const bMembers = (await json(await send("GET", `/scim/v2/Groups/${bGroup.id}`, b.token))).members;
    expect(bMembers.map((m: { value: string }) => m.value)).toEqual([bUser.id]);

    const still = await json(await send("GET", `/scim/v2/Groups/${group.id}`, a.token));
    expect(still.displayName).toBe("Secret");
    expect(still.members.map((m: { value: string }) => m.value)).toEqual([user.id]);
    expect(still.meta.version).toBe('W/"1"');
    expect((await json(await send("GET", `/scim/v2/Users/${user.id}`, a.token))).meta.version).toBe('W/"1"');
  });

  it("keeps userName and displayName unique per organization, not across organizations", async () => {
    const a = await newOrganization();
    // B may provision userNames in any domain, so it can take the very userName A holds.
    const b = await newOrganization({ requireVerifiedDomain: false });
    const name = `secret@${a.domain}`;
    const aUser = await expectStatus(send("POST", "/scim/v2/Users", a.token, entraUser(name)), 201);
    const aGroup = await expectStatus(send("POST", "/scim/v2/Groups", a.token, { displayName: "Secret" }), 201);

    // The same names (in another letter case, as the uniqueness is case-insensitive) are free in B.
    const bUser = await expectStatus(send("POST", "/scim/v2/Users", b.token, entraUser(name.toUpperCase())), 201);
    const bGroup = await expectStatus(send("POST", "/scim/v2/Groups", b.token, { displayName: "SECRET" }), 201);
    expect(bUser.id).not.toBe(aUser.id);
    expect(bGroup.id).not.toBe(aGroup.id);

    // A rename into a name another organization holds is free too.
    const aOther = await expectStatus(send("POST", "/scim/v2/Users", a.token, entraUser(`taken@${a.domain}`)), 201);
    const bOther = await expectStatus(send("POST", "/scim/v2/Users", b.token, entraUser(`draft@${a.domain}`)), 201);
    const bDraft = await expectStatus(send("POST", "/scim/v2/Groups", b.token, { displayName: "Draft" }), 201);
    await expectStatus(
      send("PATCH", `/scim/v2/Users/${bOther.id}`, b.token, { Operations: [{ op: "replace", path: "userName", value: aOther.userName }] }),
      204,
    );
    await expectStatus(send("POST", "/scim/v2/Groups", a.token, { displayName: "Renamed" }), 201);
    await expectStatus(send("PATCH", `/scim/v2/Groups/${bDraft.id}`, b.token, { Operations: [{ op: "replace", path: "displayName", value: "Renamed" }] }), 204);

    // Within each organization the names stay taken, in any letter case.
    for (const [org, userName, displayName] of [
      [a, name.toUpperCase(), "secret"],
      [b, name, "Secret"],
    ] as const) {
      expect(await expectStatus(send("POST", "/scim/v2/Users", org.token, entraUser(userName)), 409)).toMatchObject({ scimType: "uniqueness" });
      expect(await expectStatus(send("POST", "/scim/v2/Groups", org.token, { displayName }), 409)).toMatchObject({ scimType: "uniqueness" });
    }

    // Each organization's lookup finds its own resource only.
    const lookUp = async (token: string, kind: string, filter: string) =>
      ids(await json(await send("GET", `/scim/v2/${kind}?filter=${encodeURIComponent(filter)}`, token)));
    expect(await lookUp(a.token, "Users", `userName eq "${name}"`)).toEqual([aUser.id]);
    expect(await lookUp(b.token, "Users", `userName eq "${name}"`)).toEqual([bUser.id]);
    expect(await lookUp(a.token, "Users", `userName eq "taken@${a.domain}"`)).toEqual([aOther.id]);
    expect(await lookUp(b.token, "Users", `userName eq "taken@${a.domain}"`)).toEqual([bOther.id]);
    expect(await lookUp(a.token, "Groups", 'displayName eq "secret"')).toEqual([aGroup.id]);
    expect(await lookUp(b.token, "Groups", 'displayName eq "secret"')).toEqual([bGroup.id]);
    expect(await lookUp(b.token, "Groups", 'displayName eq "Renamed"')).toEqual([bDraft.id]);
  });
});
