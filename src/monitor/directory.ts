/** The organization's users and groups as admins browse them: searched and paged through indexes only. */
import { and, asc, eq, gt, or, sql, type SQL } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import { groupMembers, groups, users } from "../db/schema";
import { groupsOfUsers } from "../scim/users/read";

export const PAGE = 50;

/** A prefix search on an indexed text column: `col >= q AND col < q + U+FFFF`. */
const prefix = (column: SQLiteColumn, q: string) => and(sql`${column} >= ${q}`, sql`${column} < ${`${q}\uffff`}`);

export interface UserQuery {
  q?: string;
  active?: boolean;
  after?: string;
}

/** The query of a page of users: userName prefix, exact externalId or display-name prefix; keyset paging by userName. */
export function userPageQuery(db: D1Database, orgId: string, query: UserQuery) {
  const parts: (SQL | undefined)[] = [eq(users.orgId, orgId)];
  const q = query.q?.trim();
  if (q) parts.push(or(prefix(users.userNameKey, q.toLowerCase()), eq(users.externalId, q), prefix(users.displayName, q)));
  if (query.active !== undefined) parts.push(eq(users.active, query.active));
  if (query.after) parts.push(gt(users.userNameKey, query.after));
  return drizzle(db)
    .select()
    .from(users)
    .where(and(...parts))
    .orderBy(asc(users.userNameKey))
    .limit(PAGE + 1);
}

/** One page of users with their groups, and the key to continue after. */
export async function browseUsers(db: D1Database, orgId: string, query: UserQuery) {
  const rows = await userPageQuery(db, orgId, query);
  const page = rows.slice(0, PAGE);
  const memberships = await groupsOfUsers(
    drizzle(db),
    page.map((u) => u.id),
  );
  return {
    users: page.map((u) => ({ ...u, groups: memberships.get(u.id) ?? [] })),
    next: rows.length > PAGE ? page[page.length - 1]!.userNameKey : null,
  };
}

/** One page of groups with member counts (counted by the membership primary key), keyset by name. */
export async function browseGroups(db: D1Database, orgId: string, after?: string) {
  const d = drizzle(db);
  const rows = await d
    .select()
    .from(groups)
    .where(and(eq(groups.orgId, orgId), after ? gt(groups.displayNameKey, after) : undefined))
    .orderBy(asc(groups.displayNameKey))
    .limit(PAGE + 1);
  const page = rows.slice(0, PAGE);
  const counts = page.length
    ? await d
        .select({ groupId: groupMembers.groupId, n: sql<number>`count(*)` })
        .from(groupMembers)
        .where(sql`${groupMembers.groupId} IN (SELECT value FROM json_each(${JSON.stringify(page.map((g) => g.id))}))`)
        .groupBy(groupMembers.groupId)
    : [];
  const countOf = new Map(counts.map((c) => [c.groupId, c.n]));
  return {
    groups: page.map((g) => ({ ...g, members: countOf.get(g.id) ?? 0 })),
    next: rows.length > PAGE ? page[page.length - 1]!.displayNameKey : null,
  };
}

/** One page of a group's members with names, keyset by member id. */
export async function browseMembers(db: D1Database, orgId: string, groupId: string, after?: string) {
  const d = drizzle(db);
  const group = await d
    .select()
    .from(groups)
    .where(and(eq(groups.orgId, orgId), eq(groups.id, groupId)))
    .get();
  if (!group) return undefined;
  const rows = await d.all<{ member_id: string; member_type: "User" | "Group"; name: string | null }>(sql`
    SELECT gm.member_id, gm.member_type, coalesce(u.user_name, g.display_name) AS name
    FROM ${groupMembers} AS gm
    LEFT JOIN ${users} AS u ON gm.member_type = 'User' AND u.id = gm.member_id
    LEFT JOIN ${groups} AS g ON gm.member_type = 'Group' AND g.id = gm.member_id
    WHERE gm.group_id = ${groupId} AND gm.member_id > ${after ?? ""}
    ORDER BY gm.member_id LIMIT ${PAGE + 1}`);
  const page = rows.slice(0, PAGE);
  return {
    group,
    members: page.map((r) => ({ id: r.member_id, type: r.member_type, name: r.name })),
    next: rows.length > PAGE ? page[page.length - 1]!.member_id : null,
  };
}
