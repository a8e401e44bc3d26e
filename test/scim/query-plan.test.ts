/**
 * The query plans of the statements SCIM really runs: they are recorded off the D1 binding while
 * the Worker answers reads and while the writer's own code (carryOut, as OrgWriter.scim calls it)
 * carries out writes, then planned with EXPLAIN QUERY PLAN and the same parameters.
 */
import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { drizzle } from "drizzle-orm/d1";
import { describe, expect, it } from "vitest";
import { app } from "../../src/app";
import type { FailedRequest, ScimWrite, ScimWriteResult } from "../../src/scim/writes/commands";
import { carryOut, PolicyCache, recordFailure, writeContext } from "../../src/scim/writes/commit";
import { BASE, entraUser, newOrganization } from "../support/client";

interface Statement {
  sql: string;
  params: unknown[];
}

/** A D1 binding that notes every statement run through it, with its parameters. */
function recordingD1(inner: D1Database, log: Statement[]): D1Database {
  const unwrapped = new WeakMap<object, D1PreparedStatement>();
  const prepare = (text: string): D1PreparedStatement => {
    const entry: Statement = { sql: text, params: [] };
    log.push(entry);
    let bound = false;
    const stmt = inner.prepare(text);
    const proxy = new Proxy(stmt, {
      get(target, prop) {
        if (prop === "bind") {
          return (...params: unknown[]) => {
            if (bound) log.push({ sql: text, params });
            else entry.params = params;
            bound = true;
            return target.bind(...params);
          };
        }
        const value = Reflect.get(target, prop, target);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    unwrapped.set(proxy, stmt);
    return proxy;
  };
  return new Proxy(inner, {
    get(target, prop) {
      if (prop === "prepare") return prepare;
      if (prop === "batch") return (statements: D1PreparedStatement[]) => target.batch(statements.map((s) => unwrapped.get(s) ?? s));
      const value = Reflect.get(target, prop, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/** Statements as the recorder saw them, once each. */
function distinct(log: Statement[]): Statement[] {
  const seen = new Map<string, Statement>();
  for (const s of log) if (!seen.has(s.sql)) seen.set(s.sql, s);
  return [...seen.values()];
}

/** The EXPLAIN QUERY PLAN lines of a recorded statement. */
async function plan({ sql, params }: Statement): Promise<string[]> {
  const rows = await env.DB.prepare(`EXPLAIN QUERY PLAN ${sql}`)
    .bind(...params)
    .all<{ detail: string }>();
  return rows.results.map((r) => r.detail);
}

interface Planned extends Statement {
  lines: string[];
}

const planAll = async (log: Statement[]): Promise<Planned[]> => Promise.all(distinct(log).map(async (s) => ({ ...s, lines: await plan(s) })));

/**
 * Every table is reached through an index: the only scans allowed are of a json_each list of
 * parameters or a constant row, never of a table, and never through an index SQLite builds on the
 * fly. A read, update or delete that filters rows finds them by a search.
 */
function expectIndexedOnly(planned: Planned[]) {
  expect(planned.length).toBeGreaterThan(0);
  for (const { sql, lines } of planned) {
    const shown = `${sql}\n${lines.join("\n")}`;
    for (const line of lines) {
      if (line.startsWith("SCAN ")) expect(line, shown).toMatch(/^SCAN (json_each VIRTUAL TABLE|CONSTANT ROW)/);
      expect(line, shown).not.toMatch(/AUTOMATIC/);
    }
    if (/^\s*(select|update|delete)\b/i.test(sql) && /\bwhere\b/i.test(sql)) {
      expect(
        lines.some((l) => /^SEARCH \S+ USING (INTEGER PRIMARY KEY|PRIMARY KEY|(COVERING )?INDEX)/.test(l)),
        shown,
      ).toBe(true);
    }
  }
}

/** The plan lines of the recorded statements whose SQL matches `pattern` (there must be some). */
function linesOf(planned: Planned[], pattern: RegExp): string[] {
  const matching = planned.filter((p) => pattern.test(p.sql));
  expect(matching.length, `no recorded statement matches ${pattern}`).toBeGreaterThan(0);
  return matching.flatMap((p) => p.lines);
}

/** The plan lines that read `table`, by its name or alias. */
const accesses = (planned: Planned[], ...tables: string[]) =>
  planned.flatMap((p) => p.lines).filter((l) => tables.some((t) => new RegExp(`^(SEARCH|SCAN) ${t}\\b`).test(l)));

/** Answers a GET with the Worker's app, its D1 binding recording into a fresh log; the plans of what it ran. */
async function readPlans(path: string, token: string) {
  const log: Statement[] = [];
  const recorded = { ...env, DB: recordingD1(env.DB, log) } as Env;
  const request = new Request(`${BASE}${path}`, { headers: { authorization: `Bearer ${token}` } });
  const response = await app.fetch(request, recorded, createExecutionContext());
  expect(response.status, await response.clone().text()).toBe(200);
  const planned = await planAll(log);
  expectIndexedOnly(planned);
  return { body: (await response.json()) as Record<string, any>, planned };
}

/** A writer for one organization as OrgWriter builds it, on a recording D1 binding. */
function recordingWriter(orgId: string) {
  const log: Statement[] = [];
  const db = drizzle(recordingD1(env.DB, log));
  const policies = new PolicyCache();
  const request = (method: string) => ({ method, path: "/scim/v2", startedAt: Date.now() });
  return {
    log,
    async write(write: ScimWrite, status: number): Promise<Extract<ScimWriteResult, { ok: true }>> {
      const method = { create: "POST", replace: "PUT", patch: "PATCH", delete: "DELETE" }[write.kind.replace(/(User|Group)$/, "")]!;
      const result = await carryOut(writeContext(db, orgId, policies), request(method), write);
      expect(result.ok ? result.status : result.error.status, JSON.stringify(result)).toBe(status);
      return result as Extract<ScimWriteResult, { ok: true }>;
    },
    fail: (failure: FailedRequest) => recordFailure(writeContext(db, orgId, policies), request("GET"), failure),
  };
}

/** An organization with two users in a group, written through the writer. */
async function provisioned() {
  const org = await newOrganization();
  const writer = recordingWriter(org.id);
  const body = (value: unknown) => JSON.stringify(value);
  const user = (await writer.write({ kind: "createUser", body: body(entraUser(`plan@${org.domain}`, { externalId: "plan-x" })) }, 201)).user!;
  const other = (await writer.write({ kind: "createUser", body: body(entraUser(`other@${org.domain}`)) }, 201)).user!;
  const members = [{ value: user.id }, { value: other.id }];
  const group = (await writer.write({ kind: "createGroup", body: body({ displayName: "Sales", externalId: "g-x", members }) }, 201)).group!;
  return { org, writer, user, other, group, body };
}

const SEARCH_USER_BY_ID = /^SEARCH users USING INDEX sqlite_autoindex_users_1 \(id=\?\)/m;
const SEARCH_GROUP_BY_ID = /^SEARCH (groups|g) USING INDEX sqlite_autoindex_groups_1 \(id=\?\)/m;
const SEARCH_MEMBERS_OF_GROUP = /^SEARCH (group_members|gm) USING (COVERING )?INDEX sqlite_autoindex_group_members_1 \(group_id=\?/m;
const SEARCH_GROUPS_OF_MEMBER = /^SEARCH group_members USING COVERING INDEX group_members_member \(member_id=\?/m;

describe("the statements SCIM runs search indexes", () => {
  it("Test Connection and Entra's matching by userName and displayName search the unique name indexes", async () => {
    const { org, user, group } = await provisioned();
    const connection = await readPlans(`/scim/v2/Users?filter=userName+eq+%22${crypto.randomUUID()}%22`, org.token);
    expect(connection.body.totalResults).toBe(0);
    const match = await readPlans(`/scim/v2/Users?filter=userName eq "PLAN@${org.domain}"`, org.token);
    expect(match.body.Resources.map((u: { id: string }) => u.id)).toEqual([user.id]);
    for (const { planned } of [connection, match]) {
      const users = accesses(planned, "users");
      expect(users.length).toBeGreaterThan(0);
      for (const line of users) expect(line).toMatch(/^SEARCH users USING (COVERING )?INDEX users_org_user_name \(org_id=\? AND user_name_key=\?\)/);
      // The matched users' groups: one search per user.
      expect(accesses(planned, "group_members").join("\n")).toMatch(SEARCH_GROUPS_OF_MEMBER);
    }
    const groupMatch = await readPlans(`/scim/v2/Groups?excludedAttributes=members&filter=displayName eq "sales"`, org.token);
    expect(groupMatch.body.Resources.map((g: { id: string }) => g.id)).toEqual([group.id]);
    const groups = accesses(groupMatch.planned, "groups");
    expect(groups.length).toBeGreaterThan(0);
    for (const line of groups) expect(line).toMatch(/^SEARCH groups USING (COVERING )?INDEX groups_org_display_name \(org_id=\? AND display_name_key=\?\)/);
    // excludedAttributes=members does not pay for loading members.
    expect(accesses(groupMatch.planned, "group_members", "gm")).toEqual([]);
  });

  // With no statistics (D1 does not ANALYZE on its own) SQLite prefers an index that spares the ORDER BY:
  // the externalId indexes carry the sort key, so they win over walking every user of the organization.
  it("Entra's matching by externalId searches the externalId indexes", async () => {
    const { org, user, group } = await provisioned();
    const users = await readPlans(`/scim/v2/Users?filter=externalId eq "plan-x"`, org.token);
    expect(users.body.Resources.map((u: { id: string }) => u.id)).toEqual([user.id]);
    for (const line of accesses(users.planned, "users")) expect(line).toMatch(/users_org_external_id \(org_id=\? AND external_id=\?\)/);
    const groups = await readPlans(`/scim/v2/Groups?excludedAttributes=members&filter=externalId eq "g-x"`, org.token);
    expect(groups.body.Resources.map((g: { id: string }) => g.id)).toEqual([group.id]);
    for (const line of accesses(groups.planned, "groups")) expect(line).toMatch(/groups_org_external_id \(org_id=\? AND external_id=\?\)/);
  });

  it("reads by id, with and without members, search by primary key", async () => {
    const { org, user, group } = await provisioned();
    const oneUser = await readPlans(`/scim/v2/Users/${user.id}`, org.token);
    expect(oneUser.body.groups).toHaveLength(1);
    expect(accesses(oneUser.planned, "users").join("\n")).toMatch(SEARCH_USER_BY_ID);
    expect(accesses(oneUser.planned, "group_members").join("\n")).toMatch(SEARCH_GROUPS_OF_MEMBER);

    const oneGroup = await readPlans(`/scim/v2/Groups/${group.id}`, org.token);
    expect(oneGroup.body.members).toHaveLength(2);
    expect(accesses(oneGroup.planned, "groups").join("\n")).toMatch(SEARCH_GROUP_BY_ID);
    expect(accesses(oneGroup.planned, "gm").join("\n")).toMatch(SEARCH_MEMBERS_OF_GROUP);
    // Each member's name: by primary key.
    expect(accesses(oneGroup.planned, "u").join("\n")).toMatch(/^SEARCH u USING INDEX sqlite_autoindex_users_1 \(id=\?\)/);

    const bare = await readPlans(`/scim/v2/Groups/${group.id}?excludedAttributes=members`, org.token);
    expect(bare.body).not.toHaveProperty("members");
    expect(accesses(bare.planned, "group_members", "gm")).toEqual([]);
  });

  it("list pages follow an index in the default order, so paging never sorts the organization", async () => {
    const { org, user } = await provisioned();
    const users = await readPlans(`/scim/v2/Users?startIndex=1&count=50`, org.token);
    expect(users.body.totalResults).toBe(2);
    const userPage = linesOf(users.planned, /^select "id", .* from "users" where .* order by .* limit/);
    expect(userPage.join("\n")).toMatch(/^SEARCH users USING INDEX users_org_user_name \(org_id=\?\)/);
    expect(userPage.join("\n")).not.toMatch(/TEMP B-TREE/);
    expect(accesses(users.planned, "group_members").join("\n")).toMatch(SEARCH_GROUPS_OF_MEMBER);

    const groups = await readPlans(`/scim/v2/Groups?count=50`, org.token);
    expect(groups.body.totalResults).toBe(1);
    const groupPage = linesOf(groups.planned, /^select "id", .* from "groups" where .* order by .* limit/);
    expect(groupPage.join("\n")).toMatch(/^SEARCH groups USING INDEX groups_org_display_name \(org_id=\?\)/);
    expect(groupPage.join("\n")).not.toMatch(/TEMP B-TREE/);
    expect(accesses(groups.planned, "gm").join("\n")).toMatch(SEARCH_MEMBERS_OF_GROUP);

    // The groups a user belongs to: each group of the organization is checked by primary key.
    const ofMember = await readPlans(`/scim/v2/Groups?excludedAttributes=members&filter=members[value eq "${user.id}"]`, org.token);
    expect(ofMember.body.totalResults).toBe(1);
    expect(accesses(ofMember.planned, "gm").join("\n")).toMatch(
      /^SEARCH gm USING COVERING INDEX sqlite_autoindex_group_members_1 \(group_id=\? AND member_id=\?\)/,
    );
  });

  // The policy reads the organization's own domains, never every verified domain of every organization.
  it("the userName policy a write checks reads only the organization's domains", async () => {
    const { writer } = await provisioned();
    const planned = await planAll(writer.log);
    expect(linesOf(planned, /from "domains" where/).join("\n")).toMatch(/^SEARCH domains USING (COVERING )?INDEX domains_org \(org_id=\?/m);
  });

  it("every statement the writer commits or reads while deciding a SCIM write", async () => {
    const { org, writer, user, other, group, body } = await provisioned();
    const patch = (Operations: unknown[]) => body({ schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], Operations });
    const child = (await writer.write({ kind: "createGroup", body: body({ displayName: "Child" }) }, 201)).group!;
    // A taken userName: refused by the unique index, logged by itself.
    await writer.write({ kind: "createUser", body: body(entraUser(`PLAN@${org.domain}`)) }, 409);
    await writer.write({ kind: "patchUser", id: user.id, body: patch([{ op: "replace", path: "displayName", value: "P" }]), returnResource: false }, 204);
    await writer.write({ kind: "replaceUser", id: other.id, body: body(entraUser(`other@${org.domain}`, { displayName: "O" })) }, 200);
    const memberOps: unknown[][] = [
      [{ op: "add", path: "members", value: [{ value: child.id, type: "Group" }] }],
      [{ op: "remove", path: `members[value eq "${other.id}"]` }],
      [{ op: "remove", path: "members", value: [{ value: other.id }] }],
      [{ op: "add", path: "members", value: [{ value: user.id }] }],
      [{ op: "replace", path: "members", value: [{ value: user.id }, { value: child.id }] }],
      [{ op: "replace", path: "displayName", value: "Sales 2" }],
    ];
    for (const ops of memberOps) await writer.write({ kind: "patchGroup", id: group.id, body: patch(ops), returnResource: false }, 204);
    await writer.write({ kind: "replaceGroup", id: group.id, body: body({ displayName: "Sales", members: [{ value: other.id }] }) }, 200);
    await writer.write(
      { kind: "patchGroup", id: group.id, body: patch([{ op: "add", path: "members", value: [{ value: user.id }] }]), returnResource: false },
      204,
    );
    await writer.write({ kind: "deleteUser", id: user.id }, 204);
    await writer.write({ kind: "deleteGroup", id: child.id }, 204);
    await writer.write({ kind: "deleteGroup", id: group.id }, 204);
    await writer.write({ kind: "patchUser", id: "missing", body: patch([]), returnResource: false }, 404);
    await writer.fail({ operation: "read", resourceType: "User", resourceId: "missing", status: 404, detail: "User missing not found." });

    const planned = await planAll(writer.log);
    expectIndexedOnly(planned);
    const expectations: [RegExp, RegExp][] = [
      // Deciding: the resource, the members named.
      [/^select .* from "users" where \("users"\."org_id" = \? and "users"\."id" = \?\)/, SEARCH_USER_BY_ID],
      [/^select .* from "groups" where \("groups"\."org_id" = \? and "groups"\."id" = \?\)/, SEARCH_GROUP_BY_ID],
      [/^select "id" from "users" where .* IN \(SELECT value FROM json_each/, SEARCH_USER_BY_ID],
      [/^select "id" from "groups" where .* IN \(SELECT value FROM json_each/, SEARCH_GROUP_BY_ID],
      // Whether a group PATCH changes its members: the named members, and any other.
      [/^select "member_id" from "group_members" where .* NOT IN/, SEARCH_MEMBERS_OF_GROUP],
      [/^select "member_id" from "group_members" where .*"member_id" IN/, SEARCH_MEMBERS_OF_GROUP],
      // Committing: rows by primary key, members by group or by member.
      [/^update "users" set .* where/, SEARCH_USER_BY_ID],
      [/^update "groups" set .* where \("groups"\."org_id"/, SEARCH_GROUP_BY_ID],
      [/^update "groups" set .* where "groups"\."id" IN \(SELECT/, SEARCH_GROUPS_OF_MEMBER],
      [/^delete from "group_members" where "group_members"\."member_id" = \?/, SEARCH_GROUPS_OF_MEMBER],
      [/^delete from "group_members" where "group_members"\."group_id" = \?$/, SEARCH_MEMBERS_OF_GROUP],
      [/^delete from "group_members" where \("group_members"\."group_id" = \? and .* IN/, SEARCH_MEMBERS_OF_GROUP],
      [/^delete from "users" where/, SEARCH_USER_BY_ID],
      [/^delete from "groups" where/, SEARCH_GROUP_BY_ID],
    ];
    for (const [statement, search] of expectations) {
      const lines = linesOf(planned, statement);
      expect(lines.join("\n"), String(statement)).toMatch(search);
    }
    // Inserts (rows, members from a json_each list, log entries) read no table.
    for (const table of ["users", "groups", "group_members", "provisioning_events"]) {
      for (const line of linesOf(planned, new RegExp(`^insert into "${table}"`))) expect(line).toMatch(/^SCAN json_each VIRTUAL TABLE/);
    }
  });
});
