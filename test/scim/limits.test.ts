// Bad input gets a 400 and a bounded footprint: filters, paging, string lengths, entry counts, and
// error details short enough that a refused request cannot fill the provisioning log.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { entraUser, json, newOrganization, send } from "../support/client";

const ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
const PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
// What an error detail may hold: a sentence around at most ~200 characters of the offending value.
const DETAIL_BUDGET = 300;

let org: Awaited<ReturnType<typeof newOrganization>>;
let userId: string;
let groupId: string;

beforeAll(async () => {
  org = await newOrganization();
  userId = (await json(await send("POST", "/scim/v2/Users", org.token, entraUser(`kept@${org.domain}`)))).id;
  groupId = (await json(await send("POST", "/scim/v2/Groups", org.token, { displayName: "Kept" }))).id;
});

/** The error detail of the organization's newest provisioning event. */
async function lastLoggedDetail(): Promise<string | null> {
  const row = await env.DB.prepare("SELECT error_detail FROM provisioning_events WHERE org_id = ? ORDER BY seq DESC LIMIT 1")
    .bind(org.id)
    .first<{ error_detail: string | null }>();
  return row?.error_detail ?? null;
}

/** A 400 of the given scimType whose detail (answered and logged) is short and mentions `mentions`. */
async function expectRefused(r: Response, scimType: string, mentions?: string) {
  const body = await json(r);
  expect(r.status, JSON.stringify(body).slice(0, 400)).toBe(400);
  expect(body.scimType).toBe(scimType);
  expect(body.detail.length).toBeLessThanOrEqual(DETAIL_BUDGET);
  if (mentions) expect(body.detail).toContain(mentions);
  const logged = await lastLoggedDetail();
  expect(logged).toBe(body.detail);
}

const list = (resource: string, query: string) => send("GET", `/scim/v2/${resource}?${query}`, org.token);
const filtered = (filter: string) => list("Users", `filter=${encodeURIComponent(filter)}`);
const patch = (resource: string, id: string, ...ops: unknown[]) =>
  send("PATCH", `/scim/v2/${resource}/${id}`, org.token, { schemas: [PATCH_OP], Operations: ops });
const userRow = () => env.DB.prepare("SELECT * FROM users WHERE id = ?").bind(userId).first();
const groupRow = () => env.DB.prepare("SELECT * FROM groups WHERE id = ?").bind(groupId).first();

describe("list queries", () => {
  it("counts every comparison of the filter against one budget, value filters included", async () => {
    const comparisons = (n: number) => Array(n).fill('value eq "a"').join(" or ");
    await expectRefused(await filtered(`emails[${comparisons(200)}]`), "invalidFilter", "comparisons");
    // Five value filters of 30 comparisons each: 150 in all.
    const spread = Array(5)
      .fill(`emails[${comparisons(30)}]`)
      .join(" or ");
    await expectRefused(await filtered(spread), "invalidFilter", "comparisons");
    const within = Array(4)
      .fill(`emails[${comparisons(10)}]`)
      .join(" or ");
    expect((await filtered(within)).status).toBe(200);
  });

  it("runs every filter within the budget, whichever comparisons it makes", async () => {
    const forty = (comparison: string) => Array(40).fill(comparison).join(" or ");
    const filters = [
      forty('emails.value ne "a"'),
      `emails[${forty('value sw "a"')}]`,
      forty('emails[type ew "k"]'),
      forty('meta.resourceType sw "U"'),
      forty("emails.value eq null"),
      forty('name.givenName ew "x"'),
      forty(`${ENTERPRISE}:manager.value ne "m"`),
      forty('groups.display co "x"'),
    ];
    for (const filter of filters) {
      const r = await filtered(filter);
      expect(r.status, `${filter.slice(0, 60)}: ${(await r.clone().text()).slice(0, 200)}`).toBe(200);
      expect((await json(r)).totalResults).toBeGreaterThanOrEqual(0);
    }
  });

  it("bounds the nesting of not, with or without parentheses", async () => {
    await expectRefused(await filtered(`${"not ".repeat(1000)}userName pr`), "invalidFilter", "nests");
    await expectRefused(await filtered(`${"not (".repeat(1000)}userName pr${")".repeat(1000)}`), "invalidFilter");
    await expectRefused(await filtered(`${"not ".repeat(40)}userName pr`), "invalidFilter", "nests");
    const fine = await json(await filtered(`not (not (not (userName eq "nobody@${org.domain}")))`));
    expect(fine.totalResults).toBe(1);
    // The deepest filters accepted (16 operators) run; one level more is refused.
    const deepest = `${"not ".repeat(12)}emails[value ne "a" and not (type sw "w")]`;
    expect((await filtered(deepest)).status).toBe(200);
    await expectRefused(await filtered(`not ${deepest}`), "invalidFilter", "nests");
    const nest = (n: number): string => (n === 0 ? 'emails[value ne "a"]' : `not (userName sw "a" or ${nest(n - 1)})`);
    expect((await filtered(nest(7))).status).toBe(200);
    await expectRefused(await filtered(nest(8)), "invalidFilter", "nests");
  });

  it("clamps startIndex and count to what RFC 7644 and SQLite allow", async () => {
    const page = async (query: string) => {
      const r = await list("Users", query);
      const body = await json(r);
      expect(r.status, `${query}: ${JSON.stringify(body)}`).toBe(200);
      expect(Number.isSafeInteger(body.startIndex), query).toBe(true);
      expect(body.startIndex, query).toBeGreaterThanOrEqual(1);
      expect(body.itemsPerPage, query).toBe(body.Resources.length);
      expect(body.totalResults, query).toBe(1);
      return body;
    };
    for (const query of ["startIndex=1e30&count=1e30", "startIndex=99999999999999999999&count=99999999999999999999", "startIndex=9007199254740993"]) {
      expect(await page(query), query).toMatchObject({ itemsPerPage: 0, Resources: [] });
    }
    // A negative count is 0 and a startIndex below 1 is 1 (RFC 7644 section 3.4.2.4).
    expect(await page("startIndex=-99999999999999999999&count=-99999999999999999999")).toMatchObject({ startIndex: 1, itemsPerPage: 0 });
    expect(await page("startIndex=-1e30&count=1e30")).toMatchObject({ startIndex: 1, itemsPerPage: 1 });
    expect(await page("startIndex=abc&count=xyz")).toMatchObject({ startIndex: 1, itemsPerPage: 1 });
    expect(await page("startIndex=1.9&count=0.5")).toMatchObject({ startIndex: 1, itemsPerPage: 0 });
    expect((await list("Groups", "startIndex=99999999999999999999&count=1e30")).status).toBe(200);
  });
});

describe("string and entry caps", () => {
  const local = (length: number) => "u".repeat(length - org.domain.length - 1);

  it("takes a userName of 256 characters and refuses 257, on POST and PUT", async () => {
    const longest = `${local(256)}@${org.domain}`;
    expect(longest).toHaveLength(256);
    expect((await send("POST", "/scim/v2/Users", org.token, entraUser(longest))).status).toBe(201);
    await expectRefused(await send("POST", "/scim/v2/Users", org.token, entraUser(`${local(257)}@${org.domain}`)), "invalidValue", "userName");
    await expectRefused(await send("PUT", `/scim/v2/Users/${userId}`, org.token, entraUser(`${local(257)}@${org.domain}`)), "invalidValue", "userName");
  });

  it("refuses a userName of most of a megabyte and logs a short reason", async () => {
    // Just under the 1 MiB body limit.
    const huge = `${"x".repeat(1000 * 1000)}@${org.domain}`;
    await expectRefused(await send("POST", "/scim/v2/Users", org.token, { userName: huge }), "invalidValue", "userName");
    await expectRefused(await send("PUT", `/scim/v2/Users/${userId}`, org.token, { userName: huge }), "invalidValue", "userName");
    await expectRefused(await patch("Users", userId, { op: "replace", path: "userName", value: huge }), "invalidValue", "userName");
  });

  it("caps displayName and externalId at 256 characters and other strings at 1,024", async () => {
    const user = (extra: Record<string, unknown>) =>
      send("POST", "/scim/v2/Users", org.token, entraUser(`capped${crypto.randomUUID().slice(0, 6)}@${org.domain}`, extra));
    expect((await user({ displayName: "d".repeat(256), externalId: "e".repeat(256), title: "t".repeat(1024) })).status).toBe(201);
    await expectRefused(await user({ displayName: "d".repeat(257) }), "invalidValue", "displayName");
    await expectRefused(await user({ externalId: "e".repeat(257) }), "invalidValue", "externalId");
    await expectRefused(await user({ title: "t".repeat(1025) }), "invalidValue", "title");
    await expectRefused(await user({ name: { givenName: "g".repeat(1025) } }), "invalidValue", "name.givenName");
    await expectRefused(await user({ [ENTERPRISE]: { department: "s".repeat(1025) } }), "invalidValue", "department");
    await expectRefused(await user({ [ENTERPRISE]: { manager: "m".repeat(1025) } }), "invalidValue", "manager");
    await expectRefused(await user({ emails: [{ type: "work", value: `${"v".repeat(1025)}` }] }), "invalidValue", "emails[0].value");
    // Characters, not UTF-16 units: 256 emoji are 512 units and still fit.
    expect((await user({ displayName: "😀".repeat(256) })).status).toBe(201);
  });

  it("takes at most 100 entries per multi-valued attribute", async () => {
    const emails = (n: number, tag = "") => Array.from({ length: n }, (_, i) => ({ type: "other", value: `${tag}${i}@example.com` }));
    const user = (extra: Record<string, unknown>) =>
      send("POST", "/scim/v2/Users", org.token, entraUser(`many${crypto.randomUUID().slice(0, 6)}@${org.domain}`, extra));
    expect((await user({ emails: emails(100) })).status).toBe(201);
    await expectRefused(await user({ emails: emails(101) }), "invalidValue", "emails");
    await expectRefused(await user({ roles: Array.from({ length: 101 }, (_, i) => ({ value: `r${i}` })) }), "invalidValue", "roles");
  });

  it("enforces the caps on PATCH, leaving the user as it was", async () => {
    const before = await userRow();
    await expectRefused(await patch("Users", userId, { op: "replace", path: "displayName", value: "d".repeat(257) }), "invalidValue", "displayName");
    await expectRefused(await patch("Users", userId, { op: "replace", value: { title: "t".repeat(1025) } }), "invalidValue", "title");
    await expectRefused(await patch("Users", userId, { op: "add", path: "userName", value: `${local(257)}@${org.domain}` }), "invalidValue", "userName");
    await expectRefused(
      await patch("Users", userId, { op: "replace", path: `${ENTERPRISE}:department`, value: "s".repeat(1025) }),
      "invalidValue",
      "department",
    );
    // A value path that creates the entry takes its type from the filter, so the filter's value is capped too.
    await expectRefused(
      await patch("Users", userId, { op: "replace", path: `emails[type eq "${"w".repeat(1025)}"].value`, value: "a@example.com" }),
      "invalidValue",
      "emails",
    );
    // Two adds of 60 each: the second would make 120.
    const sixty = (tag: string) => Array.from({ length: 60 }, (_, i) => ({ type: "other", value: `${tag}${i}@example.com` }));
    await expectRefused(
      await patch("Users", userId, { op: "add", path: "emails", value: sixty("a") }, { op: "add", path: "emails", value: sixty("b") }),
      "invalidValue",
      "emails",
    );
    expect(await userRow()).toEqual(before);
    expect((await patch("Users", userId, { op: "add", path: "emails", value: sixty("a") })).status).toBe(204);
    await expectRefused(await patch("Users", userId, { op: "add", path: "emails", value: sixty("b") }), "invalidValue", "emails");
  });

  it("caps group displayName and externalId on POST, PUT and PATCH, and member values", async () => {
    const before = await groupRow();
    await expectRefused(await send("POST", "/scim/v2/Groups", org.token, { displayName: "g".repeat(257) }), "invalidValue", "displayName");
    await expectRefused(await send("POST", "/scim/v2/Groups", org.token, { displayName: "G", externalId: "x".repeat(257) }), "invalidValue", "externalId");
    await expectRefused(await send("PUT", `/scim/v2/Groups/${groupId}`, org.token, { displayName: "g".repeat(257) }), "invalidValue", "displayName");
    await expectRefused(await patch("Groups", groupId, { op: "replace", path: "displayName", value: "g".repeat(257) }), "invalidValue", "displayName");
    await expectRefused(await patch("Groups", groupId, { op: "replace", value: { externalId: "x".repeat(257) } }), "invalidValue", "externalId");
    await expectRefused(await patch("Groups", groupId, { op: "add", path: "members", value: [{ value: "m".repeat(1025) }] }), "invalidValue", "members");
    expect(await groupRow()).toEqual(before);
    expect((await send("POST", "/scim/v2/Groups", org.token, { displayName: "g".repeat(256) })).status).toBe(201);
  });

  it("documents the caps in /Schemas", async () => {
    const schemas = await json(await send("GET", "/scim/v2/Schemas", org.token));
    const [user, enterprise, group] = schemas.Resources;
    const attribute = (s: { attributes: { name: string }[] }, name: string) => s.attributes.find((a) => a.name === name) as Record<string, any>;
    expect(attribute(user, "userName").description).toContain("At most 256 characters");
    expect(attribute(user, "displayName").description).toContain("At most 256 characters");
    expect(attribute(user, "title").description).toContain("At most 1,024 characters");
    expect(attribute(user, "emails").description).toContain("At most 100 entries");
    expect(attribute(user, "emails").subAttributes[0].description).toContain("At most 1,024 characters");
    expect(attribute(enterprise, "department").description).toContain("At most 1,024 characters");
    expect(attribute(group, "displayName").description).toContain("At most 256 characters");
    expect(attribute(group, "members").description).not.toContain("entries");
  });
});

describe("error details quote at most ~200 characters of a value", () => {
  const long = "z".repeat(5000);

  it("in list queries", async () => {
    await expectRefused(await filtered(`userName eq "${"q".repeat(4000)}`), "invalidFilter");
    await expectRefused(await filtered(`${"a".repeat(4000)} eq "x"`), "invalidFilter");
    await expectRefused(await filtered(`meta.created gt "${"n".repeat(4000)}"`), "invalidFilter");
    await expectRefused(await list("Users", `sortBy=${long}`), "invalidValue", "sortBy");
  });

  it("in bodies and PATCH documents", async () => {
    await expectRefused(await send("POST", "/scim/v2/Users", org.token, entraUser(`b@${org.domain}`, { active: long })), "invalidValue", "active");
    await expectRefused(await patch("Users", userId, { op: long, path: "title", value: "x" }), "invalidSyntax");
    await expectRefused(await patch("Users", userId, { op: "replace", path: long, value: "x" }), "invalidPath");
    await expectRefused(await patch("Users", userId, { op: "replace", path: `emails[type eq "work"].${long}`, value: "x" }), "invalidPath");
    await expectRefused(await send("POST", "/scim/v2/Groups", org.token, { displayName: "T", members: [{ value: "a", type: long }] }), "invalidValue");
    // Ten unknown member ids of 1,000 characters each.
    const strangers = Array.from({ length: 10 }, (_, i) => ({ value: `${i}${"s".repeat(999)}` }));
    await expectRefused(await patch("Groups", groupId, { op: "add", path: "members", value: strangers }), "invalidValue", "member");
  });

  it("for ids that name nothing", async () => {
    for (const resource of ["Users", "Groups"]) {
      for (const method of ["GET", "PUT", "PATCH", "DELETE"]) {
        const body =
          method === "PUT"
            ? { userName: `n@${org.domain}`, displayName: "N" }
            : method === "PATCH"
              ? { Operations: [{ op: "add", path: "title", value: "x" }] }
              : undefined;
        const r = await send(method, `/scim/v2/${resource}/${long}`, org.token, body);
        const answer = await json(r);
        expect(r.status, `${method} ${resource}`).toBe(404);
        expect(answer.detail.length, `${method} ${resource}`).toBeLessThanOrEqual(DETAIL_BUDGET);
        expect(await lastLoggedDetail()).toBe(answer.detail);
      }
    }
  });
});
