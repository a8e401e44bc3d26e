// Property-based stress: at least 10,000 generated filters, PATCH documents, JSON bodies and query
// strings through the same code the routes run, against real D1; plus random requests over HTTP.
import fc from "fast-check";
import { sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { isObject, type JsonObject } from "../../src/scim/attributes";
import { readGroupDocument } from "../../src/scim/groups/document";
import { MAX_RESULTS, readListQuery } from "../../src/scim/list";
import { applyPatch } from "../../src/scim/patch/apply";
import { readPatchRequest } from "../../src/scim/patch/operations";
import { readUserDocument, userDocument, userFields, validateUserDocument } from "../../src/scim/users/document";
import { groupListQueries } from "../../src/scim/groups/read";
import { userListQueries } from "../../src/scim/users/read";
import { ENTERPRISE_USER, enterpriseUserSchema, findAttribute, groupSchema, userSchema, type Attribute } from "../../src/scim/schemas";
import type { UserRow } from "../../src/db/schema";
import { entraUser, json, newOrganization, send } from "../support/client";

const RUNS = 10_000;
const db = drizzle(env.DB);
let org: Awaited<ReturnType<typeof newOrganization>>;
let stored: UserRow;

beforeAll(async () => {
  org = await newOrganization({ requireVerifiedDomain: false });
  const user = await json(await send("POST", "/scim/v2/Users", org.token, entraUser(`fuzz@${org.domain}`)));
  stored = (await db
    .select()
    .from((await import("../../src/db/schema")).users)
    .where(sql`id = ${user.id}`)
    .get())!;
});

const isClientError = (status: number) => status >= 400 && status < 500;

const attrs = fc.constantFrom(
  "userName",
  "USERNAME",
  "displayName",
  "emails",
  "emails.value",
  "emails.type",
  "emails.primary",
  "name.givenName",
  "active",
  "externalId",
  "meta.created",
  "meta.lastModified",
  "groups",
  "groups.value",
  "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department",
  "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value",
  "members",
  "members.value",
  "bogus",
  "id",
  "title",
);
const ops = fc.constantFrom("eq", "ne", "co", "sw", "ew", "gt", "ge", "lt", "le", "EQ", "Co");
const values = fc.oneof(
  fc.string({ maxLength: 12 }).map((s) => JSON.stringify(s)),
  fc.constantFrom("true", "false", "null", "42", "2026-01-01T00:00:00Z", '"2026-01-01T00:00:00Z"', "bare@value"),
);
const leaf = fc.oneof(
  fc.tuple(attrs, ops, values).map(([a, o, v]) => `${a} ${o} ${v}`),
  attrs.map((a) => `${a} pr`),
  fc.tuple(fc.constantFrom("emails", "members", "groups", "addresses"), attrs, ops, values).map(([m, a, o, v]) => `${m}[${a} ${o} ${v}]`),
);
const filter: fc.Arbitrary<string> = fc.letrec((tie) => ({
  expr: fc.oneof(
    { depthSize: "small" },
    leaf,
    fc.tuple(tie("expr"), fc.constantFrom(" and ", " or ", " AND "), tie("expr")).map(([a, j, b]) => `${a}${j}${b}`),
    tie("expr").map((e) => `not (${e})`),
    tie("expr").map((e) => `(${e})`),
  ),
})).expr as fc.Arbitrary<string>;
// Shapes that probe the bounds: many comparisons (inside one value filter or spread over several),
// long chains of `not` with and without parentheses, and nesting around the depth limit.
// Well-typed comparisons of sub-attributes, so the budget, not a type error, decides.
const comparisons = (n: number) =>
  fc
    .array(
      fc.tuple(
        fc.constantFrom("value", "type", "display"),
        ops,
        fc.string({ maxLength: 6 }).map((v) => JSON.stringify(v)),
      ),
      { minLength: n, maxLength: n },
    )
    .map((list) => list.map(([a, o, v]) => `${a} ${o} ${v}`));
const wide = fc.oneof(
  fc.tuple(fc.integer({ min: 30, max: 60 }), fc.constantFrom(" or ", " and ")).chain(([n, j]) => comparisons(n).map((c) => `emails[${c.join(j)}]`)),
  fc.tuple(fc.integer({ min: 2, max: 6 }), fc.integer({ min: 5, max: 15 })).chain(([k, n]) =>
    fc
      .array(
        comparisons(n).map((c) => `emails[${c.join(" or ")}]`),
        { minLength: k, maxLength: k },
      )
      .map((vf) => vf.join(" or ")),
  ),
  fc
    .tuple(fc.integer({ min: 30, max: 50 }), fc.constantFrom(" or ", " and "))
    .chain(([n, j]) => fc.array(leaf, { minLength: n, maxLength: n }).map((l) => l.join(j))),
);
const deep = fc.oneof(
  fc.tuple(fc.integer({ min: 1, max: 40 }), leaf).map(([n, l]) => `${"not ".repeat(n)}${l}`),
  fc.tuple(fc.integer({ min: 1, max: 40 }), leaf).map(([n, l]) => `${"not (".repeat(n)}${l}${")".repeat(n)}`),
  fc.tuple(fc.integer({ min: 1, max: 12 }), leaf, leaf).map(([n, a, b]) => {
    let f = a;
    for (let i = 0; i < n; i++) f = `not (${b} ${i % 2 ? "and" : "or"} ${f})`;
    return f;
  }),
  fc.tuple(fc.integer({ min: 700, max: 1100 }), leaf).map(([n, l]) => `${"not ".repeat(n)}${l}`),
);
const noise = fc.oneof(filter, wide, deep, fc.string({ maxLength: 60 }), fc.string({ unit: "binary", maxLength: 30 }));

// Characters, as the caps count them.
const characters = (text: string) => [...text].length;

/** Where a read document breaks a cap of its schema (a string too long, too many entries), if anywhere. */
function capViolation(attribute: Attribute, value: unknown, where: string): string | undefined {
  if (Array.isArray(value)) {
    if (attribute.maxEntries !== undefined && value.length > attribute.maxEntries) return `${where} has ${value.length} entries`;
    for (const entry of value) {
      const problem = capViolation(attribute, entry, where);
      if (problem) return problem;
    }
    return undefined;
  }
  if (typeof value === "string") {
    return attribute.maxLength !== undefined && characters(value) > attribute.maxLength ? `${where} has ${characters(value)} characters` : undefined;
  }
  if (!isObject(value)) return undefined;
  for (const [key, v] of Object.entries(value)) {
    const sub = findAttribute(attribute.subAttributes, key);
    const problem = sub && capViolation(sub, v, `${where}.${key}`);
    if (problem) return problem;
  }
  return undefined;
}

function documentViolation(attributes: Attribute[], doc: JsonObject): string | undefined {
  for (const [key, value] of Object.entries(doc)) {
    if (key === ENTERPRISE_USER && isObject(value)) {
      const problem = documentViolation(enterpriseUserSchema.attributes, value);
      if (problem) return problem;
      continue;
    }
    const attribute = findAttribute(attributes, key);
    const problem = attribute && capViolation(attribute, value, key);
    if (problem) return problem;
  }
  return undefined;
}

/** A refusal: a 4xx whose detail is short enough for the provisioning log. */
function expectRefusal(error: { status: number; detail: string }) {
  expect(isClientError(error.status)).toBe(true);
  expect(error.detail.length).toBeLessThanOrEqual(300);
}

// Strings around and far past the caps, and lists around the entry cap.
const longText = fc
  .oneof(
    fc.integer({ min: 250, max: 260 }),
    fc.integer({ min: 1020, max: 1030 }),
    fc.integer({ min: 2040, max: 2060 }),
    fc.integer({ min: 5_000, max: 60_000 }),
  )
  .chain((n) => fc.constantFrom("x", "é", "😀").map((c) => c.repeat(n)));
const manyEntries = fc.integer({ min: 95, max: 130 }).map((n) => Array.from({ length: n }, (_, i) => ({ type: "other", value: `e${i}@example.com` })));

describe(`${RUNS} generated inputs never crash and never write on refusal`, () => {
  it("filters: every accepted filter compiles to statements that D1 runs; every refused one is invalidFilter", async () => {
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(noise, fc.constantFrom("User" as const, "Group" as const), async (text, kind) => {
        const query = readListQuery(kind, { filter: text });
        if (!query.ok) {
          expect(query.error.scimType).toBe("invalidFilter");
          expectRefusal(query.error);
          return;
        }
        accepted++;
        // The statements a list request runs, the page's groups included: the deepest of them.
        if (kind === "User") {
          const { page, total, groupsOfPage } = userListQueries(db, org.id, query.value);
          await db.batch([page, total, groupsOfPage]);
        } else {
          const { page, total } = groupListQueries(db, org.id, query.value);
          await db.batch([page, total]);
        }
      }),
      { numRuns: RUNS },
    );
    // The generator reaches deep into the accepted grammar, not only into syntax errors.
    expect(accepted).toBeGreaterThan(RUNS / 20);
  });

  it("query strings: list parameters are read or refused with a 4xx, and accepted ones run", async () => {
    const param = fc.oneof(
      fc.string({ maxLength: 10 }),
      fc.integer().map(String),
      fc.constantFrom("0", "-1", "1e3", "ascending", "descending", "userName", "emails", "members"),
      // Numbers past what SQLite's OFFSET and LIMIT take, negative, fractional or not numbers at all.
      fc.constantFrom(
        "1e30",
        "-1e30",
        "1e400",
        "99999999999999999999",
        "-99999999999999999999",
        "9007199254740993",
        "1.5",
        "-0.5",
        ".5",
        " 3 ",
        "+7",
        "Infinity",
        "NaN",
        "0x10",
        "1_000",
      ),
      fc.bigInt({ min: -(10n ** 40n), max: 10n ** 40n }).map(String),
      fc.double().map(String),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          filter: fc.option(noise, { nil: undefined }),
          startIndex: fc.option(param, { nil: undefined }),
          count: fc.option(param, { nil: undefined }),
          sortBy: fc.option(param, { nil: undefined }),
          sortOrder: fc.option(param, { nil: undefined }),
          attributes: fc.option(param, { nil: undefined }),
          excludedAttributes: fc.option(param, { nil: undefined }),
        }),
        fc.constantFrom("User" as const, "Group" as const),
        async (params, kind) => {
          const query = readListQuery(kind, params);
          if (!query.ok) {
            expectRefusal(query.error);
            return;
          }
          const { startIndex, count } = query.value;
          expect(Number.isSafeInteger(startIndex) && startIndex >= 1).toBe(true);
          expect(Number.isSafeInteger(count) && count >= 0 && count <= MAX_RESULTS).toBe(true);
          const { page, total } = kind === "User" ? userListQueries(db, org.id, query.value) : groupListQueries(db, org.id, query.value);
          await db.batch([page, total]);
        },
      ),
      { numRuns: RUNS / 4 },
    );
  });

  it("PATCH documents: applied or refused with a 4xx, never thrown", () => {
    const value = fc.oneof(fc.string({ maxLength: 10 }), fc.boolean(), fc.integer(), fc.constant(null), fc.jsonValue({ maxDepth: 3 }), longText, manyEntries);
    const path = fc.oneof(
      attrs,
      fc.string({ maxLength: 20 }),
      fc.constantFrom(
        'emails[type eq "work"].value',
        'addresses[type eq "home"].formatted',
        'members[value eq "x"]',
        "name",
        "emails[bogus",
        "emails",
        "roles",
      ),
      longText.map((t) => `emails[type eq "${t.slice(0, 1030)}"].value`),
      longText,
    );
    const op = fc.record(
      {
        op: fc.constantFrom("add", "Replace", "remove", "REMOVE", "copy", 7),
        path: fc.option(path, { nil: undefined }),
        value: fc.option(value, { nil: undefined }),
      },
      { requiredKeys: [] },
    );
    const body = fc.oneof(fc.record({ Operations: fc.array(op, { maxLength: 5 }) }), fc.jsonValue({ maxDepth: 4 }));
    fc.assert(
      fc.property(body, (raw) => {
        const ops = readPatchRequest("User", raw);
        if (!ops.ok) {
          expectRefusal(ops.error);
          return;
        }
        const patched = applyPatch(userDocument(stored), ops.value);
        if (!patched.ok) {
          expectRefusal(patched.error);
          return;
        }
        expect(documentViolation(userSchema.attributes, patched.value.doc)).toBeUndefined();
        const valid = validateUserDocument(patched.value.doc);
        if (valid.ok) userFields(patched.value.doc, valid.value);
      }),
      { numRuns: RUNS },
    );
  });

  it("JSON bodies: Users and Groups are read or refused with a 4xx, never thrown", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.jsonValue({ maxDepth: 5 }),
          fc.record(
            { userName: fc.jsonValue(), emails: fc.jsonValue(), name: fc.jsonValue(), members: fc.jsonValue(), displayName: fc.jsonValue() },
            { requiredKeys: [] },
          ),
          fc.record(
            {
              userName: longText,
              displayName: longText,
              externalId: longText,
              title: longText,
              profileUrl: longText,
              emails: fc.oneof(
                manyEntries,
                longText.map((t) => [{ value: t }]),
              ),
              roles: manyEntries,
              x509Certificates: longText.map((t) => [{ value: t }]),
              name: longText.map((t) => ({ givenName: t })),
              members: longText.map((t) => [{ value: t }]),
              [ENTERPRISE_USER]: longText.map((t) => ({ department: t, manager: t })),
            },
            { requiredKeys: [] },
          ),
        ),
        (raw) => {
          const user = readUserDocument(raw);
          if (user.ok) expect(documentViolation(userSchema.attributes, user.value)).toBeUndefined();
          else expectRefusal(user.error);
          const group = readGroupDocument(raw);
          if (group.ok) expect(documentViolation(groupSchema.attributes, group.value.doc as JsonObject)).toBeUndefined();
          else expectRefusal(group.error);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it("random requests over HTTP: never a 5xx, and a refused request changes no row", async () => {
    const snapshot = async () => JSON.stringify((await env.DB.prepare("SELECT * FROM users WHERE org_id = ? ORDER BY id").bind(org.id).all()).results);
    const method = fc.constantFrom("GET", "POST", "PUT", "PATCH", "DELETE");
    const target = fc.constantFrom(`/scim/v2/Users/${stored.id}`, "/scim/v2/Users", "/scim/v2/Groups", `/scim/v2/Users?filter=`, "/scim/v2/users/x");
    const body = fc.oneof(
      fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
      fc.string({ maxLength: 40 }),
    );
    await fc.assert(
      fc.asyncProperty(method, target, noise, body, async (m, t, q, b) => {
        const before = await snapshot();
        const path = t.endsWith("filter=") ? `${t}${encodeURIComponent(q)}` : t;
        const r = await send(m, path, org.token, m === "GET" || m === "DELETE" ? undefined : b);
        expect(r.status, `${m} ${path} ${b}`).toBeLessThan(500);
        await r.arrayBuffer();
        if (r.status >= 400) expect(await snapshot()).toBe(before);
      }),
      { numRuns: 1000 },
    );
  });
});
