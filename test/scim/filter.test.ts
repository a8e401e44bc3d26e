import { beforeAll, describe, expect, it } from "vitest";
import { entraUser, json, newOrganization, send } from "../support/client";

const ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
let org: Awaited<ReturnType<typeof newOrganization>>;
const ids: Record<string, string> = {};

beforeAll(async () => {
  org = await newOrganization();
  const people = [
    {
      name: "ann",
      title: "Engineer",
      active: true,
      dept: "R&D",
      emails: [
        { type: "work", value: "ann@work.example", primary: true },
        { type: "home", value: "ann@home.example" },
      ],
    },
    { name: "bob", title: "Manager", active: false, dept: "Sales", emails: [{ type: "work", value: "bob@work.example" }] },
    { name: "cyd", title: null, active: true, dept: "R&D", emails: [] },
    { name: "Dee", title: "engineer", active: true, dept: null, emails: [{ type: "home", value: "dee@home.example" }] },
  ];
  for (const p of people) {
    const body = entraUser(`${p.name}@${org.domain}`, {
      externalId: `ext-${p.name}`,
      title: p.title,
      active: p.active,
      emails: p.emails,
      [ENTERPRISE]: p.dept ? { department: p.dept } : null,
    });
    const user = await json(await send("POST", "/scim/v2/Users", org.token, body));
    ids[p.name.toLowerCase()] = user.id;
  }
});

async function names(filter: string, extra = ""): Promise<string[]> {
  const r = await send("GET", `/scim/v2/Users?filter=${encodeURIComponent(filter)}${extra}`, org.token);
  const body = await json(r);
  expect(r.status, `${filter}: ${JSON.stringify(body)}`).toBe(200);
  expect(body.totalResults).toBe(body.Resources.length);
  return body.Resources.map((u: { userName: string }) => u.userName.split("@")[0]).sort();
}

describe("filters", () => {
  it("compares with every operator, userName case-insensitively", async () => {
    expect(await names(`userName eq "ANN@${org.domain.toUpperCase()}"`)).toEqual(["ann"]);
    expect(await names(`userName ne "ann@${org.domain}"`)).toEqual(["Dee", "bob", "cyd"]);
    expect(await names(`userName co "NN@"`)).toEqual(["ann"]);
    expect(await names(`userName sw "B"`)).toEqual(["bob"]);
    expect(await names(`userName ew "${org.domain}"`)).toEqual(["Dee", "ann", "bob", "cyd"]);
    expect(await names(`userName gt "bob@${org.domain}"`)).toEqual(["Dee", "cyd"]);
    expect(await names(`userName ge "bob@${org.domain}"`)).toEqual(["Dee", "bob", "cyd"]);
    expect(await names(`userName lt "bob@${org.domain}"`)).toEqual(["ann"]);
    expect(await names(`userName le "bob@${org.domain}"`)).toEqual(["ann", "bob"]);
    expect(await names(`title pr`)).toEqual(["Dee", "ann", "bob"]);
    expect(await names(`title eq "ENGINEER"`)).toEqual(["Dee", "ann"]);
  });

  it("combines with and, or, not and parentheses, with RFC precedence", async () => {
    expect(await names(`title eq "engineer" and active eq true`)).toEqual(["Dee", "ann"]);
    expect(await names(`userName sw "a" or userName sw "b" and active eq true`)).toEqual(["ann"]);
    expect(await names(`(userName sw "a" or userName sw "b") and active eq false`)).toEqual(["bob"]);
    expect(await names(`not (title pr)`)).toEqual(["cyd"]);
    // Users without a title are "not equal to Manager".
    expect(await names(`not (title eq "Manager")`)).toEqual(["Dee", "ann", "cyd"]);
  });

  it("filters multi-valued attributes, value paths and URN-qualified names", async () => {
    expect(await names(`emails[type eq "work" and value co "@work"]`)).toEqual(["ann", "bob"]);
    expect(await names(`emails.value ew "home.example"`)).toEqual(["Dee", "ann"]);
    expect(await names(`emails co "bob@"`)).toEqual(["bob"]);
    expect(await names(`emails pr`)).toEqual(["Dee", "ann", "bob"]);
    expect(await names(`emails[primary eq true]`)).toEqual(["ann"]);
    expect(await names(`${ENTERPRISE}:department eq "R&D"`)).toEqual(["ann", "cyd"]);
    expect(await names(`EMAILS.VALUE eq "BOB@WORK.EXAMPLE"`)).toEqual(["bob"]);
    expect(await names(`meta.resourceType eq "User"`)).toEqual(["Dee", "ann", "bob", "cyd"]);
    expect(await names(`meta.created gt "2000-01-01T00:00:00Z"`)).toEqual(["Dee", "ann", "bob", "cyd"]);
    expect(await names(`meta.lastModified lt "2000-01-01T00:00:00Z"`)).toEqual([]);
  });

  it("reads `+` as a space, and attribute names and operators in any case", async () => {
    const r = await send("GET", `/scim/v2/Users?filter=UserName+EQ+%22bob%40${org.domain}%22`, org.token);
    expect((await json(r)).Resources[0].id).toBe(ids.bob);
    expect(await names(`ExternalID Eq "ext-cyd"`)).toEqual(["cyd"]);
  });

  it("answers 400 invalidFilter for bad syntax, unknown attributes and type mismatches", async () => {
    for (const filter of [
      `userName eq`,
      `userName xx "a"`,
      `(userName eq "a"`,
      `noSuchAttr eq "a"`,
      `urn:example:bogus:attr eq "a"`,
      `active gt true`,
      `active eq "perhaps"`,
      `meta.created gt "not a date"`,
      `emails[type eq "work"`,
      `name[givenName eq "x"]`,
      `"just a string"`,
      ``,
      // "not" between two comparisons: the grammar library builds a malformed tree for these.
      `userName eq "a" not userName eq "b"`,
      `type eq "work"not type eq "work"`,
      `emails[type eq "work" not value eq "x"]`,
    ]) {
      const r = await send("GET", `/scim/v2/Users?filter=${encodeURIComponent(filter)}`, org.token);
      expect(r.status, filter).toBe(400);
      expect(await r.json(), filter).toMatchObject({ status: "400", scimType: "invalidFilter" });
    }
  });

  it("filters groups by displayName, externalId and member", async () => {
    const g = await json(await send("POST", "/scim/v2/Groups", org.token, { displayName: "Filter Group", externalId: "fg", members: [{ value: ids.ann }] }));
    const find = async (filter: string) =>
      (await json(await send("GET", `/scim/v2/Groups?filter=${encodeURIComponent(filter)}`, org.token))).Resources.map((x: { id: string }) => x.id);
    expect(await find(`displayName eq "filter group"`)).toEqual([g.id]);
    expect(await find(`externalId eq "fg"`)).toEqual([g.id]);
    expect(await find(`members[value eq "${ids.ann}"]`)).toEqual([g.id]);
    expect(await find(`members.value eq "${ids.bob}"`)).toEqual([]);
    expect(await names(`groups.value eq "${g.id}"`)).toEqual(["ann"]);
  });
});

describe("paging, sorting and projection", () => {
  it("pages with startIndex and count, exact totals, stable order", async () => {
    const page = async (q: string) => json(await send("GET", `/scim/v2/Users?${q}`, org.token));
    const all = await page("");
    expect(all.totalResults).toBe(4);
    const first = await page("startIndex=1&count=2");
    const second = await page("startIndex=3&count=2");
    expect(first).toMatchObject({ totalResults: 4, itemsPerPage: 2, startIndex: 1 });
    expect(second).toMatchObject({ totalResults: 4, itemsPerPage: 2, startIndex: 3 });
    expect([...first.Resources, ...second.Resources].map((u: { id: string }) => u.id)).toEqual(all.Resources.map((u: { id: string }) => u.id));
    expect((await page("count=0")).Resources).toEqual([]);
    expect((await page("count=0")).totalResults).toBe(4);
    // Out-of-range values are clamped, never an error.
    expect((await page("count=100000")).itemsPerPage).toBe(4);
    expect((await page("startIndex=0&count=-5")).startIndex).toBe(1);
    expect((await page("startIndex=99")).Resources).toEqual([]);
  });

  it("sorts by sortBy and sortOrder", async () => {
    const sorted = async (q: string) =>
      (await json(await send("GET", `/scim/v2/Users?${q}`, org.token))).Resources.map((u: { externalId: string }) => u.externalId);
    expect(await sorted("sortBy=externalId")).toEqual(["ext-Dee", "ext-ann", "ext-bob", "ext-cyd"]);
    expect(await sorted("sortBy=externalId&sortOrder=descending")).toEqual(["ext-cyd", "ext-bob", "ext-ann", "ext-Dee"]);
    expect((await send("GET", "/scim/v2/Users?sortBy=emails", org.token)).status).toBe(400);
  });

  it("returns only requested attributes, or all but the excluded ones", async () => {
    const r = await json(await send("GET", `/scim/v2/Users/${ids.ann}?attributes=userName,name.givenName,emails.value,${ENTERPRISE}:department`, org.token));
    expect(r).toEqual({
      schemas: ["urn:ietf:params:scim:schemas:core:2.0:User", ENTERPRISE],
      id: ids.ann,
      userName: `ann@${org.domain}`,
      name: { givenName: "Test" },
      emails: [{ value: "ann@work.example" }, { value: "ann@home.example" }],
      [ENTERPRISE]: { department: "R&D" },
    });
    const ex = await json(await send("GET", `/scim/v2/Users/${ids.ann}?excludedAttributes=emails,meta,groups,name.formatted,${ENTERPRISE}`, org.token));
    expect(ex).not.toHaveProperty("emails");
    expect(ex).not.toHaveProperty("meta");
    expect(ex).not.toHaveProperty("groups");
    expect(ex).not.toHaveProperty(ENTERPRISE);
    expect(ex.name).toEqual({ familyName: "User", givenName: "Test" });
    expect(ex.id).toBe(ids.ann);
    const list = await json(await send("GET", `/scim/v2/Users?attributes=externalId&filter=userName eq "ann@${org.domain}"`, org.token));
    expect(list.Resources).toEqual([{ schemas: expect.any(Array), id: ids.ann, externalId: "ext-ann" }]);
  });
});
