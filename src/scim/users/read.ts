/** Reads of Users, straight from D1 (writes go through the organization's writer). */
import { and, asc, count, desc, eq, sql } from "drizzle-orm";
import type { DrizzleD1Database } from "drizzle-orm/d1";
import { groupMembers, groups, users, type UserRow } from "../../db/schema";
import { runList, type ListQuery } from "../list";
import type { UserGroupRef } from "./document";

type Db = DrizzleD1Database;

/** One User of an organization, or undefined. */
export async function findUser(db: Db, orgId: string, id: string): Promise<UserRow | undefined> {
  return db.select().from(users).where(and(eq(users.orgId, orgId), eq(users.id, id))).get();
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

/** The statements of a list request: one page and the exact total. */
export function userListQueries(db: Db, orgId: string, query: ListQuery) {
  const where = query.where ? and(eq(users.orgId, orgId), query.where) : eq(users.orgId, orgId);
  const direction = query.descending ? desc : asc;
  // The default order follows the (org_id, user_name_key) index, so paging never sorts.
  const order = query.sortBy ? [direction(query.sortBy), asc(users.id)] : [direction(users.userNameKey)];
  const page = db
    .select()
    .from(users)
    .where(where)
    .orderBy(...order)
    .limit(query.count)
    .offset(query.startIndex - 1);
  const total = db.select({ n: count() }).from(users).where(where);
  return { page, total };
}

/** One page and the exact total, read in one round trip. */
export const listUsers = (db: Db, orgId: string, query: ListQuery) => runList<UserRow>(db, userListQueries(db, orgId, query), query.count);
