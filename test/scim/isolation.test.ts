import { describe, expect, it } from "vitest";
import { entraUser, json, newOrganization, send } from "../support/client";

describe("tenant isolation", () => {
  it("never shows or changes organization A's resources with organization B's token", async () => {
    const a = await newOrganization();
    const b = await newOrganization();
    const user = await json(await send("POST", "/scim/v2/Users", a.token, entraUser(`secret@${a.domain}`)));
    const group = await json(await send("POST", "/scim/v2/Groups", a.token, { displayName: "Secret", members: [{ value: user.id }] }));
    // B may even use the same userName and displayName: uniqueness is per organization.
    await send("POST", "/scim/v2/Users", b.token, entraUser(`secret@${a.domain}`, {}));
    const bGroup = await json(await send("POST", "/scim/v2/Groups", b.token, { displayName: "Secret" }));
    expect(bGroup.id).toBeDefined();

    for (const [kind, id] of [["Users", user.id], ["Groups", group.id]]) {
      expect((await send("GET", `/scim/v2/${kind}/${id}`, b.token)).status).toBe(404);
      expect((await send("PUT", `/scim/v2/${kind}/${id}`, b.token, { userName: "x", displayName: "x" })).status).toBe(404);
      expect((await send("PATCH", `/scim/v2/${kind}/${id}`, b.token, { Operations: [{ op: "replace", path: "displayName", value: "pwned" }] })).status).toBe(404);
      expect((await send("DELETE", `/scim/v2/${kind}/${id}`, b.token)).status).toBe(404);
    }
    const listed = await json(await send("GET", "/scim/v2/Users", b.token));
    expect(listed.Resources.map((u: { id: string }) => u.id)).not.toContain(user.id);
    expect((await json(await send("GET", `/scim/v2/Users?filter=id eq "${user.id}"`, b.token))).totalResults).toBe(0);
    expect((await json(await send("GET", `/scim/v2/Groups?filter=members[value eq "${user.id}"]`, b.token))).totalResults).toBe(0);
    // B cannot add A's user to B's group.
    const steal = await send("PATCH", `/scim/v2/Groups/${bGroup.id}`, b.token, { Operations: [{ op: "add", path: "members", value: [{ value: user.id }] }] });
    expect(steal.status).toBe(400);

    const still = await json(await send("GET", `/scim/v2/Groups/${group.id}`, a.token));
    expect(still.displayName).toBe("Secret");
    expect(still.members.map((m: { value: string }) => m.value)).toEqual([user.id]);
    expect((await json(await send("GET", `/scim/v2/Users/${user.id}`, a.token))).meta.version).toBe('W/"1"');
  });
});
