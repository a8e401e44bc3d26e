/** Reads of Users, straight from D1 (writes go through the organization's writer). */
import { and, asc, count, desc, eq, inArray, sql } from "drizzle-orm";
import type { DrizzleD1Database } from "drizzle-orm/d1";
import { groupMembers, groups, users, type UserRow } from "../../db/schema";
import { runList, type ListQuery } from "../list";
import type { UserGroupRef } from "./document";

type Db = DrizzleD1Database;

/** One User of an organization, or undefined. */
export async function findUser(db: Db, orgId: string, id: string): Promise<UserRow | undefined> {
  return db
    .select()
    .from(users)
    .where(and(eq(users.orgId, orgId), eq(users.id, id)))
    .get();
}

/** The direct groups of `userIds`: one indexed search per user. */
export function groupsOfUsersQuery(db: Db, userIds: string[]) {
  return db
    .select({ userId: groupMembers.memberId, id: groups.id, displayName: groups.displayName })
    .from(groupMembers)
    .innerJoin(groups, eq(groups.id, groupMembers.groupId))
    .where(sql`${groupMembers.memberId} IN (SELECT value FROM json_each(${JSON.stringify(userIds)}))`)
    .orderBy(groups.displayNameKey);
}

/** The direct groups of each of `userIds`, in one query. */
export async function groupsOfUsers(db: Db, userIds: string[]): Promise<Map<string, UserGroupRef[]>> {
  const out = new Map<string, UserGroupRef[]>(userIds.map((id) => [id, []]));
  if (userIds.length === 0) return out;
  for (const row of await groupsOfUsersQuery(db, userIds)) out.get(row.userId)?.push({ id: row.id, displayName: row.displayName });
  return out;
}

/** The statements of a list request: one page, the exact total, and the page's groups. */
export function userListQueries(db: Db, orgId: string, query: ListQuery) {
  const where = query.where ? and(eq(users.orgId, orgId), query.where) : eq(users.orgId, orgId);
  const direction = query.descending ? desc : asc;
  // The default order follows the (org_id, user_name_key) index, so paging never sorts.
  const order = query.sortBy ? [direction(query.sortBy), asc(users.id)] : [direction(users.userNameKey)];
  const offset = query.startIndex - 1;
  const page = db
    .select()
    .from(users)
    .where(where)
    .orderBy(...order)
    .limit(query.count)
    .offset(offset);
  const total = db.select({ n: count() }).from(users).where(where);
  const pageIds = db
    .select({ id: users.id })
    .from(users)
    .where(where)
    .orderBy(...order)
    .limit(query.count)
    .offset(offset);
  const groupsOfPage = db
    .select({ userId: groupMembers.memberId, id: groups.id, displayName: groups.displayName })
    .from(groupMembers)
    .innerJoin(groups, eq(groups.id, groupMembers.groupId))
    .where(inArray(groupMembers.memberId, pageIds))
    .orderBy(groups.displayNameKey);
  return { page, total, groupsOfPage };
}

/** One page, the exact total and (when wanted) each user's groups, read in one round trip. */
export async function listUsers(db: Db, orgId: string, query: ListQuery, withGroups: boolean) {
  const { page, total, groupsOfPage } = userListQueries(db, orgId, query);
  if (query.count === 0) return { rows: [] as UserRow[], total: (await total.get())?.n ?? 0 };
  if (!withGroups) return runList<UserRow>(db, { page, total }, query.count);
  const [rows, totals, memberships] = await db.batch([page, total, groupsOfPage]);
  const byUser = new Map<string, UserGroupRef[]>(rows.map((r) => [r.id, []]));
  for (const m of memberships) byUser.get(m.userId)?.push({ id: m.id, displayName: m.displayName });
  return { rows, total: totals[0]?.n ?? 0, groups: byUser };
}
