// Property-based stress: at least 10,000 generated filters, PATCH documents, JSON bodies and query
// strings through the same code the routes run, against real D1; plus random requests over HTTP.
import fc from "fast-check";
import { sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { readGroupDocument } from "../../src/scim/groups/document";
import { readListQuery } from "../../src/scim/list";
import { parseFilter } from "../../src/scim/filter/parse";
import { compileFilter } from "../../src/scim/filter/sql";
import { applyPatch } from "../../src/scim/patch/apply";
import { readPatchRequest } from "../../src/scim/patch/operations";
import { readUserDocument, userDocument, userFields, validateUserDocument } from "../../src/scim/users/document";
import { groupListQueries } from "../../src/scim/groups/read";
import { userListQueries } from "../../src/scim/users/read";
import type { UserRow } from "../../src/db/schema";
import { entraUser, json, newOrganization, send } from "../support/client";

const RUNS = 10_000;
const db = drizzle(env.DB);
let org: Awaited<ReturnType<typeof newOrganization>>;
let stored: UserRow;

beforeAll(async () => {
  org = await newOrganization({ requireVerifiedDomain: false });
  const user = await json(await send("POST", "/scim/v2/Users", org.token, entraUser(`fuzz@${org.domain}`)));
  stored = (await db.select().from((await import("../../src/db/schema")).users).where(sql`id = ${user.id}`).get())!;
});

const isClientError = (status: number) => status >= 400 && status < 500;

const attrs = fc.constantFrom(
  "userName", "USERNAME", "displayName", "emails", "emails.value", "emails.type", "emails.primary", "name.givenName", "active", "externalId",
  "meta.created", "meta.lastModified", "groups", "groups.value", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department",
  "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value", "members", "members.value", "bogus", "id", "title",
);
const ops = fc.constantFrom("eq", "ne", "co", "sw", "ew", "gt", "ge", "lt", "le", "EQ", "Co");
const values = fc.oneof(fc.string({ maxLength: 12 }).map((s) => JSON.stringify(s)), fc.constantFrom("true", "false", "null", "42", "2026-01-01T00:00:00Z", '"2026-01-01T00:00:00Z"', "bare@value"));
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
const noise = fc.oneof(filter, fc.string({ maxLength: 60 }), fc.string({ unit: "binary", maxLength: 30 }));

describe(`${RUNS} generated inputs never crash and never write on refusal`, () => {
  it("filters: every accepted filter compiles to SQL that D1 runs; every refused one is invalidFilter", async () => {
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(noise, fc.constantFrom("User" as const, "Group" as const), async (text, kind) => {
        const parsed = parseFilter(text);
        if (!parsed.ok) {
          expect(parsed.error.scimType).toBe("invalidFilter");
          return;
        }
        const compiled = compileFilter(kind, parsed.value);
        if (!compiled.ok) {
          expect(compiled.error.scimType).toBe("invalidFilter");
          return;
        }
        accepted++;
        const table = kind === "User" ? sql`users` : sql`groups`;
        await db.all(sql`SELECT count(*) FROM ${table} WHERE org_id = ${org.id} AND (${compiled.value})`);
      }),
      { numRuns: RUNS },
    );
    // The generator reaches deep into the accepted grammar, not only into syntax errors.
    expect(accepted).toBeGreaterThan(RUNS / 20);
  });

  it("query strings: list parameters are read or refused with a 4xx, and accepted ones run", async () => {
    const param = fc.oneof(fc.string({ maxLength: 10 }), fc.integer().map(String), fc.constantFrom("0", "-1", "1e3", "ascending", "descending", "userName", "emails", "members"));
    await fc.assert(
      fc.asyncProperty(
        fc.record({ filter: fc.option(noise, { nil: undefined }), startIndex: fc.option(param, { nil: undefined }), count: fc.option(param, { nil: undefined }), sortBy: fc.option(param, { nil: undefined }), sortOrder: fc.option(param, { nil: undefined }), attributes: fc.option(param, { nil: undefined }), excludedAttributes: fc.option(param, { nil: undefined }) }),
        fc.constantFrom("User" as const, "Group" as const),
        async (params, kind) => {
          const query = readListQuery(kind, params);
          if (!query.ok) {
          expect(isClientError(query.error.status)).toBe(true);
          return;
        }
          const { page } = kind === "User" ? userListQueries(db, org.id, query.value) : groupListQueries(db, org.id, query.value);
          await page;
        },
      ),
      { numRuns: RUNS / 4 },
    );
  });

  it("PATCH documents: applied or refused with a 4xx, never thrown", () => {
    const value = fc.oneof(fc.string({ maxLength: 10 }), fc.boolean(), fc.integer(), fc.constant(null), fc.jsonValue({ maxDepth: 3 }));
    const path = fc.oneof(attrs, fc.string({ maxLength: 20 }), fc.constantFrom('emails[type eq "work"].value', 'addresses[type eq "home"].formatted', 'members[value eq "x"]', "name", "emails[bogus"));
    const op = fc.record({ op: fc.constantFrom("add", "Replace", "remove", "REMOVE", "copy", 7), path: fc.option(path, { nil: undefined }), value: fc.option(value, { nil: undefined }) }, { requiredKeys: [] });
    const body = fc.oneof(fc.record({ Operations: fc.array(op, { maxLength: 5 }) }), fc.jsonValue({ maxDepth: 4 }));
    fc.assert(
      fc.property(body, (raw) => {
        const ops = readPatchRequest("User", raw);
        if (!ops.ok) {
          expect(isClientError(ops.error.status)).toBe(true);
          return;
        }
        const patched = applyPatch(userDocument(stored), ops.value);
        if (!patched.ok) {
          expect(isClientError(patched.error.status)).toBe(true);
          return;
        }
        const valid = validateUserDocument(patched.value.doc);
        if (valid.ok) userFields(patched.value.doc, valid.value);
      }),
      { numRuns: RUNS },
    );
  });

  it("JSON bodies: Users and Groups are read or refused with a 4xx, never thrown", () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue({ maxDepth: 5 }), fc.record({ userName: fc.jsonValue(), emails: fc.jsonValue(), name: fc.jsonValue(), members: fc.jsonValue(), displayName: fc.jsonValue() }, { requiredKeys: [] })), (raw) => {
        for (const result of [readUserDocument(raw), readGroupDocument(raw)]) {
          if (!result.ok) expect(isClientError(result.error.status)).toBe(true);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it("random requests over HTTP: never a 5xx, and a refused request changes no row", async () => {
    const snapshot = async () => JSON.stringify((await env.DB.prepare("SELECT * FROM users WHERE org_id = ? ORDER BY id").bind(org.id).all()).results);
    const method = fc.constantFrom("GET", "POST", "PUT", "PATCH", "DELETE");
    const target = fc.constantFrom(`/scim/v2/Users/${stored.id}`, "/scim/v2/Users", "/scim/v2/Groups", `/scim/v2/Users?filter=`, "/scim/v2/users/x");
    const body = fc.oneof(fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)), fc.string({ maxLength: 40 }));
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
