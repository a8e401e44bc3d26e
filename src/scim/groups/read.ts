/** Reads of Groups and their members, straight from D1. */
import { and, asc, count, desc, eq, sql } from "drizzle-orm";
import type { DrizzleD1Database } from "drizzle-orm/d1";
import { groups, type GroupRow } from "../../db/schema";
import { runList, type ListQuery } from "../list";
import type { Member } from "./document";

type Db = DrizzleD1Database;

/** One Group of an organization, or undefined. */
export async function findGroup(db: Db, orgId: string, id: string): Promise<GroupRow | undefined> {
  return db
    .select()
    .from(groups)
    .where(and(eq(groups.orgId, orgId), eq(groups.id, id)))
    .get();
}

/** The members of `groupIds` with display names: one indexed search per group. */
export function memberRowsQuery(groupIds: string[]) {
  return sql`
    SELECT gm.group_id, gm.member_id, gm.member_type,
           coalesce(u.display_name, u.user_name, g.display_name) AS display
    FROM group_members AS gm
    LEFT JOIN users AS u ON gm.member_type = 'User' AND u.id = gm.member_id
    LEFT JOIN groups AS g ON gm.member_type = 'Group' AND g.id = gm.member_id
    WHERE gm.group_id IN (SELECT value FROM json_each(${JSON.stringify(groupIds)}))
    ORDER BY gm.group_id, gm.member_id`;
}

/** The members of each of `groupIds` with display names, in one query. */
export async function membersOfGroups(db: Db, groupIds: string[]): Promise<Map<string, Member[]>> {
  const out = new Map<string, Member[]>(groupIds.map((id) => [id, []]));
  if (groupIds.length === 0) return out;
  const rows = await db.all<{ group_id: string; member_id: string; member_type: "User" | "Group"; display: string | null }>(memberRowsQuery(groupIds));
  for (const r of rows) out.get(r.group_id)?.push({ id: r.member_id, type: r.member_type, display: r.display });
  return out;
}

/** The statements of a list request: one page and the exact total. */
export function groupListQueries(db: Db, orgId: string, query: ListQuery) {
  const where = query.where ? and(eq(groups.orgId, orgId), query.where) : eq(groups.orgId, orgId);
  const direction = query.descending ? desc : asc;
  const order = query.sortBy ? [direction(query.sortBy), asc(groups.id)] : [direction(groups.displayNameKey)];
  const page = db
    .select()
    .from(groups)
    .where(where)
    .orderBy(...order)
    .limit(query.count)
    .offset(query.startIndex - 1);
  const total = db.select({ n: count() }).from(groups).where(where);
  return { page, total };
}

/** One page and the exact total, read in one round trip. */
export const listGroups = (db: Db, orgId: string, query: ListQuery) => runList<GroupRow>(db, groupListQueries(db, orgId, query), query.count);
