import { describe, expect, it } from "vitest";
import { call, entraUser, json, newOrganization, send } from "../support/client";

const ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

describe("Users", () => {
  it("answers Entra's Test Connection with an empty ListResponse", async () => {
    const org = await newOrganization();
    const r = await send("GET", `/scim/v2/Users?filter=userName+eq+%22${crypto.randomUUID()}%22`, org.token);
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toContain("application/scim+json");
    expect(await r.json()).toEqual({
      schemas: ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
      totalResults: 0,
      itemsPerPage: 0,
      startIndex: 1,
      Resources: [],
    });
  });

  it("creates a user from Entra's body: 201, Location, ETag, values as sent, nulls and unknowns ignored", async () => {
    const org = await newOrganization();
    const userName = `Babs.Jensen@${org.domain}`;
    const r = await send("POST", "/scim/v2/Users", org.token, entraUser(userName, { unknownThing: { a: 1 }, nickName: null }));
    expect(r.status).toBe(201);
    const user = await json(r);
    expect(r.headers.get("location")).toBe(`https://scim.test/scim/v2/Users/${user.id}`);
    expect(r.headers.get("etag")).toBe('W/"1"');
    expect(user).toMatchObject({
      schemas: ["urn:ietf:params:scim:schemas:core:2.0:User", ENTERPRISE],
      userName,
      externalId: "Babs.Jensen",
      active: true,
      displayName: "Test User",
      emails: [{ primary: true, type: "work", value: userName }],
      name: { formatted: "Test User", familyName: "User", givenName: "Test" },
      groups: [],
      [ENTERPRISE]: { department: "Engineering", employeeNumber: "42" },
      meta: { resourceType: "User", location: `https://scim.test/scim/v2/Users/${user.id}`, version: 'W/"1"' },
    });
    expect(user.meta.created).toBe(user.meta.lastModified);
    expect(user).not.toHaveProperty("unknownThing");
    expect(user).not.toHaveProperty("nickName");
    expect(user).not.toHaveProperty("addresses");
    expect(user).not.toHaveProperty("roles");

    const got = await send("GET", `/scim/v2/Users/${user.id}`, org.token);
    expect(got.status).toBe(200);
    expect(await got.json()).toEqual(user);
  });

  it("accepts every core attribute and the whole enterprise extension", async () => {
    const org = await newOrganization();
    const body = {
      schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"],
      userName: `full@${org.domain}`,
      nickName: "Fully",
      title: "Tester",
      userType: "Employee",
      preferredLanguage: "en-US",
      locale: "en-US",
      timezone: "Europe/Berlin",
      profileUrl: "https://example.com/full",
      name: { givenName: "Full", familyName: "User", middleName: "M", honorificPrefix: "Dr.", honorificSuffix: "III" },
      phoneNumbers: [{ type: "mobile", value: "+1 555 0100" }],
      addresses: [{ type: "work", formatted: "1 Main St", locality: "Springfield", country: "US", primary: true }],
      roles: [{ value: "admin", primary: "True" }],
      [ENTERPRISE]: {
        employeeNumber: 701984,
        costCenter: "4130",
        organization: "Universal Studios",
        division: "Theme Park",
        department: "Tour Operations",
        manager: { value: "26118915-6090-4610-87e4-49d8ca9f808d", displayName: "ignored" },
      },
    };
    const r = await send("POST", "/scim/v2/Users", org.token, body);
    expect(r.status).toBe(201);
    const user = await json(r);
    expect(user).toMatchObject({
      nickName: "Fully",
      title: "Tester",
      userType: "Employee",
      preferredLanguage: "en-US",
      locale: "en-US",
      timezone: "Europe/Berlin",
      profileUrl: "https://example.com/full",
      name: body.name,
      phoneNumbers: body.phoneNumbers,
      addresses: body.addresses,
      roles: [{ value: "admin", primary: true }],
      [ENTERPRISE]: {
        employeeNumber: "701984",
        costCenter: "4130",
        organization: "Universal Studios",
        division: "Theme Park",
        department: "Tour Operations",
        manager: {
          value: "26118915-6090-4610-87e4-49d8ca9f808d",
          $ref: "https://scim.test/scim/v2/Users/26118915-6090-4610-87e4-49d8ca9f808d",
        },
      },
    });
  });

  it("accepts the extension under a malformed URN key and application/json bodies", async () => {
    const org = await newOrganization();
    const r = await call("/scim/v2/Users", {
      method: "POST",
      headers: { authorization: `Bearer ${org.token}`, "content-type": "application/json" },
      body: JSON.stringify({ userName: `urn@${org.domain}`, "URN:ietf:params:scim:schemas:extension:enterprise:2.0:User:": { Department: "Ops" } }),
    });
    expect(r.status).toBe(201);
    expect((await json(r))[ENTERPRISE]).toEqual({ department: "Ops" });
  });

  it("refuses a taken userName in any letter case with 409 uniqueness", async () => {
    const org = await newOrganization();
    expect((await send("POST", "/scim/v2/Users", org.token, entraUser(`dup@${org.domain}`))).status).toBe(201);
    const r = await send("POST", "/scim/v2/Users", org.token, entraUser(`DUP@${org.domain.toUpperCase()}`));
    expect(r.status).toBe(409);
    expect(await r.json()).toMatchObject({
      schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"],
      status: "409",
      scimType: "uniqueness",
    });
  });

  it("requires userName", async () => {
    const org = await newOrganization();
    const r = await send("POST", "/scim/v2/Users", org.token, { schemas: [], displayName: "x" });
    expect(r.status).toBe(400);
    expect(await r.json()).toMatchObject({ status: "400", scimType: "invalidValue" });
  });

  it("replaces with PUT: readOnly attributes ignored, id immutable, version advances", async () => {
    const org = await newOrganization();
    const created = await json(await send("POST", "/scim/v2/Users", org.token, entraUser(`put@${org.domain}`)));
    const r = await send("PUT", `/scim/v2/Users/${created.id}`, org.token, {
      id: "someone-else",
      userName: `put@${org.domain}`,
      displayName: "Replaced",
      meta: { created: "2000-01-01T00:00:00Z" },
      groups: [{ value: "x" }],
    });
    expect(r.status).toBe(200);
    const user = await json(r);
    expect(user.id).toBe(created.id);
    expect(user.displayName).toBe("Replaced");
    expect(user.meta.created).toBe(created.meta.created);
    expect(user.meta.version).toBe('W/"2"');
    expect(user).not.toHaveProperty("emails");
    expect(user).not.toHaveProperty(ENTERPRISE);
    expect(user.groups).toEqual([]);
  });

  it("soft-deletes with active=false and still returns the user; DELETE then 404", async () => {
    const org = await newOrganization();
    const created = await json(await send("POST", "/scim/v2/Users", org.token, entraUser(`gone@${org.domain}`)));
    const patch = await send("PATCH", `/scim/v2/Users/${created.id}`, org.token, {
      schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
      Operations: [{ op: "Replace", path: "active", value: "False" }],
    });
    expect(patch.status).toBe(204);
    const still = await json(await send("GET", `/scim/v2/Users?filter=userName eq "gone@${org.domain}"`, org.token));
    expect(still.Resources[0].active).toBe(false);
    expect((await send("DELETE", `/scim/v2/Users/${created.id}`, org.token)).status).toBe(204);
    const after = await send("GET", `/scim/v2/Users/${created.id}`, org.token);
    expect(after.status).toBe(404);
    expect(await after.json()).toMatchObject({ status: "404", schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"] });
    expect((await send("DELETE", `/scim/v2/Users/${created.id}`, org.token)).status).toBe(404);
    expect((await send("PUT", `/scim/v2/Users/${created.id}`, org.token, entraUser(`gone@${org.domain}`))).status).toBe(404);
  });

  it("honours If-Match on PUT, PATCH and DELETE with 412 on mismatch", async () => {
    const org = await newOrganization();
    const created = await send("POST", "/scim/v2/Users", org.token, entraUser(`etag@${org.domain}`));
    const { id } = await json(created);
    const stale = { "if-match": 'W/"7"' };
    const patchBody = { Operations: [{ op: "replace", path: "title", value: "x" }] };
    for (const [method, body] of [
      ["PUT", entraUser(`etag@${org.domain}`)],
      ["PATCH", patchBody],
      ["DELETE", undefined],
    ] as const) {
      const r = await send(method, `/scim/v2/Users/${id}`, org.token, body, stale);
      expect(r.status, method).toBe(412);
      expect((await json(r)).status).toBe("412");
    }
    const ok = await send("PATCH", `/scim/v2/Users/${id}`, org.token, patchBody, { "if-match": created.headers.get("etag")! });
    expect(ok.status).toBe(204);
    expect(ok.headers.get("etag")).toBe('W/"2"');
    expect((await send("DELETE", `/scim/v2/Users/${id}`, org.token, undefined, { "if-match": "*" })).status).toBe(204);
  });

  it("keeps userNames inside the organization's verified domains unless the setting is off", async () => {
    const org = await newOrganization();
    const outside = await send("POST", "/scim/v2/Users", org.token, entraUser("someone@elsewhere.example.org"));
    expect(outside.status).toBe(400);
    expect(await outside.json()).toMatchObject({ scimType: "invalidValue", detail: expect.stringContaining("elsewhere.example.org") });
    // A subdomain counts only once it is verified itself.
    const sub = await send("POST", "/scim/v2/Users", org.token, entraUser(`a@eu.${org.domain}`));
    expect(sub.status).toBe(400);
    const notEmail = await send("POST", "/scim/v2/Users", org.token, entraUser("plainname"));
    expect(notEmail.status).toBe(400);

    // International domain names match their punycode form.
    const idn = await newOrganization({ domain: `bücher${Date.now().toString(36)}.de` });
    expect((await send("POST", "/scim/v2/Users", idn.token, entraUser(`anna@${idn.domain.toUpperCase()}`))).status).toBe(201);

    const open = await newOrganization({ requireVerifiedDomain: false });
    expect((await send("POST", "/scim/v2/Users", open.token, entraUser("plainname"))).status).toBe(201);
  });

  it("finds users by externalId, unquoted values included", async () => {
    const org = await newOrganization();
    await send("POST", "/scim/v2/Users", org.token, entraUser(`ext@${org.domain}`, { externalId: "00042" }));
    const quoted = await json(await send("GET", `/scim/v2/Users?filter=externalId+eq+%2200042%22`, org.token));
    expect(quoted.totalResults).toBe(1);
    const bare = await json(await send("GET", `/scim/v2/Users?filter=externalId+eq+00042`, org.token));
    expect(bare.totalResults).toBe(1);
    const bareUserName = await json(await send("GET", `/scim/v2/Users?filter=userName eq ext@${org.domain}`, org.token));
    expect(bareUserName.Resources[0].externalId).toBe("00042");
    // externalId is caseExact.
    await send("POST", "/scim/v2/Users", org.token, entraUser(`ext2@${org.domain}`, { externalId: "AbC" }));
    expect((await json(await send("GET", `/scim/v2/Users?filter=externalId eq "abc"`, org.token))).totalResults).toBe(0);
  });
});
