/** Where each filterable SCIM attribute lives in D1, for filters and sortBy. */
import { sql, type SQL } from "drizzle-orm";
import { groupMembers, groups, users } from "../../db/schema";
import { resolvePath, type AttributeType, type ResourceKind, type ResolvedPath } from "../schemas";

/** A single value in a row: a column, a JSON field or a sub-select. */
export interface ValueTarget {
  kind: "value";
  expr: SQL;
  type: AttributeType;
  caseExact: boolean;
  // The column holds the value lower-cased (an index key): compare with a lower-cased parameter.
  lowered?: boolean;
}

/** A multi-valued attribute: conditions on its entries are tested with EXISTS. */
export interface CollectionTarget {
  kind: "collection";
  exists: (condition: SQL) => SQL;
  sub: (name: string) => ValueTarget | undefined;
  // The sub-attribute a path such as `emails.value` names; comparisons default to `value`.
  selected?: string;
}

export type Target = ValueTarget | CollectionTarget;

const value = (expr: SQL, type: AttributeType = "string", caseExact = false, lowered = false): ValueTarget => ({
  kind: "value",
  expr,
  type,
  caseExact,
  lowered,
});

/** A multi-valued attribute kept as a JSON array of objects in one column. */
function jsonCollection(column: SQL, path: ResolvedPath): CollectionTarget {
  return {
    kind: "collection",
    exists: (condition) => sql`EXISTS (SELECT 1 FROM json_each(${column}) AS mv WHERE ${condition})`,
    sub: (name) => {
      const sub = path.attribute.subAttributes?.find((a) => a.name.toLowerCase() === name.toLowerCase());
      if (!sub) return undefined;
      // The path is written into the SQL, not bound: D1 allows 100 parameters per statement, and each
      // comparison may bind its value twice (sw, ew). Sub-attribute names come from the schema.
      return value(sql.raw(`json_extract(mv.value, '$."${sub.name}"')`), sub.type, sub.caseExact);
    },
  };
}

const userColumns: Record<string, SQL> = {
  externalid: sql`${users.externalId}`,
  displayname: sql`${users.displayName}`,
  nickname: sql`${users.nickName}`,
  profileurl: sql`${users.profileUrl}`,
  title: sql`${users.title}`,
  usertype: sql`${users.userType}`,
  preferredlanguage: sql`${users.preferredLanguage}`,
  locale: sql`${users.locale}`,
  timezone: sql`${users.timezone}`,
  "name.formatted": sql`${users.nameFormatted}`,
  "name.familyname": sql`${users.nameFamilyName}`,
  "name.givenname": sql`${users.nameGivenName}`,
  "name.middlename": sql`${users.nameMiddleName}`,
  "name.honorificprefix": sql`${users.nameHonorificPrefix}`,
  "name.honorificsuffix": sql`${users.nameHonorificSuffix}`,
  employeenumber: sql`${users.employeeNumber}`,
  costcenter: sql`${users.costCenter}`,
  organization: sql`${users.organization}`,
  division: sql`${users.division}`,
  department: sql`${users.department}`,
  manager: sql`${users.managerId}`,
  "manager.value": sql`${users.managerId}`,
};

const userJsonColumns: Record<string, SQL> = {
  emails: sql`${users.emails}`,
  phonenumbers: sql`${users.phoneNumbers}`,
  ims: sql`${users.ims}`,
  photos: sql`${users.photos}`,
  addresses: sql`${users.addresses}`,
  entitlements: sql`${users.entitlements}`,
  roles: sql`${users.roles}`,
  x509certificates: sql`${users.x509Certificates}`,
};

function metaTarget(kind: ResourceKind, sub: string | undefined): Target | undefined {
  const table = kind === "User" ? users : groups;
  switch (sub?.toLowerCase()) {
    case "created":
      return value(sql`${table.createdAt}`, "dateTime", true);
    case "lastmodified":
      return value(sql`${table.updatedAt}`, "dateTime", true);
    case "resourcetype":
      return value(sql.raw(`'${kind}'`), "string", true);
    default:
      return undefined;
  }
}

function userTarget(path: ResolvedPath): Target | undefined {
  const name = path.attribute.name.toLowerCase();
  const key = path.sub ? `${name}.${path.sub.name.toLowerCase()}` : name;
  if (name === "meta") return metaTarget("User", path.sub?.name);
  if (name === "id") return value(sql`${users.id}`, "string", true);
  if (name === "username") return value(sql`${users.userNameKey}`, "string", false, true);
  if (name === "active") return value(sql`${users.active}`, "boolean");
  if (name === "groups") {
    const groupsOf: CollectionTarget = {
      kind: "collection",
      exists: (condition) => sql`EXISTS (SELECT 1 FROM ${groupMembers} AS ug WHERE ug.member_id = ${users.id} AND ${condition})`,
      sub: (sub) => {
        if (sub.toLowerCase() === "value") return value(sql`ug.group_id`, "string", true);
        if (sub.toLowerCase() === "display") return value(sql`(SELECT g.display_name FROM ${groups} AS g WHERE g.id = ug.group_id)`);
        return undefined;
      },
    };
    return path.sub ? subOf(groupsOf, path.sub.name) : groupsOf;
  }
  const json = userJsonColumns[name];
  if (json) {
    const collection = jsonCollection(json, path);
    return path.sub ? subOf(collection, path.sub.name) : collection;
  }
  const column = userColumns[key];
  return column ? value(column, path.sub?.type ?? path.attribute.type, path.sub?.caseExact ?? path.attribute.caseExact) : undefined;
}

function groupTarget(path: ResolvedPath): Target | undefined {
  const name = path.attribute.name.toLowerCase();
  if (name === "meta") return metaTarget("Group", path.sub?.name);
  if (path.sub && name !== "members") return undefined;
  if (name === "id") return value(sql`${groups.id}`, "string", true);
  if (name === "externalid") return value(sql`${groups.externalId}`, "string", true);
  if (name === "displayname") return value(sql`${groups.displayNameKey}`, "string", false, true);
  if (name === "members") {
    const members: CollectionTarget = {
      kind: "collection",
      exists: (condition) => sql`EXISTS (SELECT 1 FROM ${groupMembers} AS gm WHERE gm.group_id = ${groups.id} AND ${condition})`,
      sub: (sub) => {
        if (sub.toLowerCase() === "value") return value(sql`gm.member_id`, "string", true);
        if (sub.toLowerCase() === "type") return value(sql`gm.member_type`, "string", true);
        return undefined;
      },
    };
    return path.sub ? subOf(members, path.sub.name) : members;
  }
  return undefined;
}

/** `emails.value`: the collection, with comparisons made on one sub-attribute. */
function subOf(collection: CollectionTarget, sub: string): Target | undefined {
  return collection.sub(sub) ? { ...collection, selected: sub } : undefined;
}

/** The SQL target of an attribute path, or undefined when it is unknown or not filterable. */
export function targetOf(kind: ResourceKind, path: string): Target | undefined {
  const resolved = resolvePath(kind, path);
  if (!resolved) return undefined;
  return kind === "User" ? userTarget(resolved) : groupTarget(resolved);
}
