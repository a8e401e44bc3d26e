import { describe, expect, it } from "vitest";
import { entraUser, json, newOrganization, send } from "../support/client";

const ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
const PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

async function userWith(extra: Record<string, unknown> = {}) {
  const org = await newOrganization();
  const user = await json(await send("POST", "/scim/v2/Users", org.token, entraUser(`pat@${org.domain}`, extra)));
  const patch = (...Operations: unknown[]) => send("PATCH", `/scim/v2/Users/${user.id}`, org.token, { schemas: [PATCH_OP], Operations });
  const get = async () => json(await send("GET", `/scim/v2/Users/${user.id}`, org.token));
  return { org, user, patch, get };
}

describe("PATCH Users, Entra's default shape", () => {
  it("replaces simple, sub-attribute, value-path and URN paths, with op in any case", async () => {
    const { patch, get } = await userWith();
    const r = await patch(
      { op: "Replace", path: "name.familyName", value: "Doe" },
      { op: "Replace", path: 'emails[type eq "work"].value', value: "new@x.example" },
      { op: "Replace", path: `${ENTERPRISE}:department`, value: "Sales" },
      { op: "Add", path: "nickName", value: "Babs" },
      { op: "replace", path: "DisplayName", value: "Babs Doe" },
    );
    expect(r.status).toBe(204);
    const user = await get();
    expect(user.name.familyName).toBe("Doe");
    expect(user.name.givenName).toBe("Test");
    expect(user.emails).toEqual([{ primary: true, type: "work", value: "new@x.example" }]);
    expect(user[ENTERPRISE]).toEqual({ department: "Sales", employeeNumber: "42" });
    expect(user.nickName).toBe("Babs");
    expect(user.displayName).toBe("Babs Doe");
    expect(user.meta.version).toBe('W/"2"');
  });

  it('reads booleans as true, false, "True", "False", "true", "false"', async () => {
    const { patch, get } = await userWith();
    for (const [value, expected] of [
      ["False", false],
      ["True", true],
      [false, false],
      [true, true],
      ["false", false],
      ["true", true],
    ] as const) {
      expect((await patch({ op: "Replace", path: "active", value })).status).toBe(204);
      expect((await get()).active, String(value)).toBe(expected);
    }
    const bad = await patch({ op: "Replace", path: "active", value: "maybe" });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ scimType: "invalidValue" });
  });

  it("creates a missing entry from a value-path filter, with its type", async () => {
    const { patch, get } = await userWith({ emails: [] });
    expect(
      (
        await patch(
          { op: "Add", path: 'emails[type eq "work"].value', value: "w@x.example" },
          { op: "Replace", path: 'addresses[type eq "work"].formatted', value: "1 Main St" },
          { op: "Replace", path: 'phoneNumbers[type eq "mobile"].value', value: "+1 555" },
        )
      ).status,
    ).toBe(204);
    const user = await get();
    expect(user.emails).toEqual([{ type: "work", value: "w@x.example" }]);
    expect(user.addresses).toEqual([{ type: "work", formatted: "1 Main St" }]);
    expect(user.phoneNumbers).toEqual([{ type: "mobile", value: "+1 555" }]);
    // A second write to the same filter updates the entry instead of adding another.
    await patch({ op: "Replace", path: 'phoneNumbers[type eq "mobile"].value', value: "+1 556" });
    expect((await get()).phoneNumbers).toEqual([{ type: "mobile", value: "+1 556" }]);
  });

  it("treats Add on a single-valued attribute that has a value as replace", async () => {
    const { patch, get } = await userWith();
    await patch({ op: "Add", path: "displayName", value: "Second" });
    expect((await get()).displayName).toBe("Second");
  });

  it("sets the manager from a bare id and clears it with an empty one", async () => {
    const { patch, get } = await userWith();
    await patch({ op: "Add", path: `${ENTERPRISE}:manager`, value: "mgr-1" });
    expect((await get())[ENTERPRISE].manager).toEqual({ value: "mgr-1", $ref: "https://scim.test/scim/v2/Users/mgr-1" });
    // Entra clears the manager with an empty string.
    await patch({ op: "Replace", path: `${ENTERPRISE}:manager`, value: "" });
    expect((await get())[ENTERPRISE]).not.toHaveProperty("manager");
  });

  it("removes attributes, entries by filter and by value", async () => {
    const { patch, get } = await userWith({
      emails: [
        { type: "work", value: "a@x.example", primary: true },
        { type: "home", value: "b@x.example" },
      ],
      phoneNumbers: [
        { type: "work", value: "1" },
        { type: "fax", value: "2" },
      ],
    });
    expect(
      (
        await patch(
          { op: "Remove", path: "displayName" },
          { op: "remove", path: 'emails[type eq "home"]' },
          { op: "Remove", path: "phoneNumbers", value: [{ value: "2" }] },
          { op: "Remove", path: `${ENTERPRISE}:department` },
          { op: "Remove", path: "title" },
        )
      ).status,
    ).toBe(204);
    const user = await get();
    expect(user).not.toHaveProperty("displayName");
    expect(user.emails).toEqual([{ type: "work", value: "a@x.example", primary: true }]);
    expect(user.phoneNumbers).toEqual([{ type: "work", value: "1" }]);
    expect(user[ENTERPRISE]).toEqual({ employeeNumber: "42" });
  });

  it("keeps one primary entry when a new primary is added", async () => {
    const { patch, get } = await userWith();
    await patch({ op: "add", path: "emails", value: [{ type: "home", value: "h@x.example", primary: true }] });
    const emails = (await get()).emails;
    expect(emails).toHaveLength(2);
    expect(emails.filter((e: { primary?: boolean }) => e.primary === true)).toEqual([{ type: "home", value: "h@x.example", primary: true }]);
    const twoPrimaries = await patch({
      op: "replace",
      path: "emails",
      value: [
        { value: "a", primary: true },
        { value: "b", primary: true },
      ],
    });
    expect(twoPrimaries.status).toBe(400);
  });
});

describe("PATCH Users, Entra's newer path-less shape", () => {
  it("applies dotted and URN keys of a path-less value", async () => {
    const { patch, get } = await userWith();
    const r = await patch(
      { op: "replace", value: { displayName: "X", "name.givenName": "A", [`${ENTERPRISE}:employeeNumber`]: "7" } },
      { op: "replace", path: "active", value: false },
    );
    expect(r.status).toBe(204);
    const user = await get();
    expect(user.displayName).toBe("X");
    expect(user.name.givenName).toBe("A");
    expect(user.name.familyName).toBe("User");
    expect(user[ENTERPRISE].employeeNumber).toBe("7");
    expect(user.active).toBe(false);
  });

  it("applies an extension object under its URN and ignores unknown keys", async () => {
    const { patch, get } = await userWith();
    expect((await patch({ op: "add", value: { [ENTERPRISE]: { costCenter: "cc" }, notAnAttribute: 1 } })).status).toBe(204);
    expect((await get())[ENTERPRISE].costCenter).toBe("cc");
  });

  it("answers 200 with the resource when the request names attributes", async () => {
    const { user, org } = await userWith();
    const r = await send("PATCH", `/scim/v2/Users/${user.id}?attributes=displayName`, org.token, {
      schemas: [PATCH_OP],
      Operations: [{ op: "replace", path: "displayName", value: "Shown" }],
    });
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ schemas: user.schemas, id: user.id, displayName: "Shown" });
  });

  it("changes userName only to a free one in a verified domain", async () => {
    const { patch, org, get } = await userWith();
    await send("POST", "/scim/v2/Users", org.token, entraUser(`taken@${org.domain}`));
    const taken = await patch({ op: "replace", path: "userName", value: `TAKEN@${org.domain}` });
    expect(taken.status).toBe(409);
    const outside = await patch({ op: "replace", path: "userName", value: "x@outside.example.org" });
    expect(outside.status).toBe(400);
    expect((await patch({ op: "replace", path: "userName", value: `renamed@${org.domain}` })).status).toBe(204);
    expect((await get()).userName).toBe(`renamed@${org.domain}`);
  });
});

describe("PATCH errors", () => {
  it("answers bad operations with the right scimType and changes nothing", async () => {
    const { patch, get, user } = await userWith();
    const cases: [unknown[], string][] = [
      [[{ op: "Frobnicate", path: "title", value: "x" }], "invalidSyntax"],
      [[{ op: "remove" }], "noTarget"],
      [[{ op: "replace", path: "noSuchAttribute", value: "x" }], "invalidPath"],
      [[{ op: "replace", path: "emails[type eq]", value: "x" }], "invalidFilter"],
      [[{ op: "replace", path: "id", value: "x" }], "mutability"],
      [[{ op: "replace", path: "title", value: { nested: true } }], "invalidValue"],
      [[{ op: "replace", value: "not an object" }], "invalidValue"],
      [
        [
          { op: "replace", path: "title", value: "ok" },
          { op: "remove", path: "userName" },
        ],
        "invalidValue",
      ],
    ];
    for (const [ops, scimType] of cases) {
      const r = await patch(...ops);
      expect(r.status, JSON.stringify(ops)).toBe(400);
      expect(await r.json(), JSON.stringify(ops)).toMatchObject({ status: "400", scimType });
    }
    const after = await get();
    expect(after.meta.version).toBe(user.meta.version);
    expect(after).not.toHaveProperty("title");
  });
});
