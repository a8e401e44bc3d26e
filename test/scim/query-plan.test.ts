import { env } from "cloudflare:workers";
import { and, eq, sql, type SQL } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { SQLiteAsyncDialect } from "drizzle-orm/sqlite-core";
import { describe, expect, it } from "vitest";
import { groupMembers, groups, scimTokens, users } from "../../src/db/schema";
import { groupListQueries, memberRowsQuery } from "../../src/scim/groups/read";
import { readListQuery } from "../../src/scim/list";
import { groupsOfUsersQuery, userListQueries } from "../../src/scim/users/read";

const db = drizzle(env.DB);
const dialect = new SQLiteAsyncDialect();

interface Query {
  toSQL(): { sql: string; params: unknown[] };
}

/** The EXPLAIN QUERY PLAN lines of a statement. */
async function plan(query: Query | SQL): Promise<string[]> {
  const { sql: text, params } = "toSQL" in query ? query.toSQL() : dialect.sqlToQuery(query);
  const rows = await env.DB.prepare(`EXPLAIN QUERY PLAN ${text}`).bind(...params).all<{ detail: string }>();
  return rows.results.map((r) => r.detail);
}

/** Every access to an organization's tables is an index search, never a scan. */
function expectIndexedOnly(lines: string[]) {
  expect(lines.length).toBeGreaterThan(0);
  for (const line of lines) {
    expect(line, lines.join("\n")).not.toMatch(/^SCAN (users|groups|group_members|gm|u|g)\b/);
  }
}

function listQuery(kind: "User" | "Group", filter: string) {
  const q = readListQuery(kind, { filter });
  if (!q.ok) throw new Error(q.error.detail);
  return q.value;
}

describe("Entra's lookups use indexes", () => {
  it("userName eq (Test Connection and matching), page, total and the page's groups", async () => {
    const { page, total, groupsOfPage } = userListQueries(db, "org", listQuery("User", 'userName eq "a@b.c"'));
    const lines = [...(await plan(page)), ...(await plan(total)), ...(await plan(groupsOfPage))];
    expectIndexedOnly(lines);
    expect(lines.join("\n")).toContain("users_org_user_name");
  });

  it("externalId eq", async () => {
    const { page, total } = userListQueries(db, "org", listQuery("User", 'externalId eq "x"'));
    const lines = [...(await plan(page)), ...(await plan(total))];
    expectIndexedOnly(lines);
    expect(lines.join("\n")).toContain("users_org_external_id");
  });

  it("group displayName eq and externalId eq", async () => {
    for (const [filter, index] of [['displayName eq "Sales"', "groups_org_display_name"], ['externalId eq "x"', "groups_org_external_id"]]) {
      const { page, total } = groupListQueries(db, "org", listQuery("Group", filter!));
      const lines = [...(await plan(page)), ...(await plan(total))];
      expectIndexedOnly(lines);
      expect(lines.join("\n")).toContain(index);
    }
  });

  it("reads by id, members by group, groups by user, tokens by hash", async () => {
    expectIndexedOnly(await plan(db.select().from(users).where(and(eq(users.orgId, "o"), eq(users.id, "i")))));
    expectIndexedOnly(await plan(db.select().from(groups).where(and(eq(groups.orgId, "o"), eq(groups.id, "i")))));
    const members = await plan(memberRowsQuery(["g1"]));
    expectIndexedOnly(members);
    expect(members.join("\n")).toMatch(/SEARCH gm USING (COVERING )?INDEX sqlite_autoindex_group_members_1/);
    const ofUser = await plan(groupsOfUsersQuery(db, ["u1"]));
    expectIndexedOnly(ofUser);
    expect(ofUser.join("\n")).toContain("group_members_member");
    expectIndexedOnly(await plan(db.select().from(scimTokens).where(eq(scimTokens.tokenHash, "h"))));
    // The member check of a PATCH: by primary key.
    expectIndexedOnly(await plan(db.select().from(groupMembers).where(and(eq(groupMembers.groupId, "g"), eq(groupMembers.memberId, "m")))));
    expectIndexedOnly(await plan(sql`SELECT 1 FROM ${groupMembers} WHERE ${groupMembers.memberId} = ${"m"}`));
  });
});
