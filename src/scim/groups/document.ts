/** A Group as SCIM JSON and its D1 row; members travel separately so large groups are never loaded whole. */
import type { GroupRow } from "../../db/schema";
import { isObject, normalizeAttributes, normalizeValue, type JsonObject } from "../attributes";
import { badRequest, clip, ok, type Result } from "../errors";
import { metaOf } from "../meta";
import { CORE_GROUP, findAttribute, groupSchema } from "../schemas";

/** The writable single-valued part of a Group. */
export interface GroupDocument {
  displayName?: string;
  externalId?: string;
}

/** A member reference as a client sends it. */
export interface MemberRef {
  value: string;
  type?: "User" | "Group";
}

/** A member as stored and rendered. */
export interface Member {
  id: string;
  type: "User" | "Group";
  display: string | null;
}

const membersAttribute = findAttribute(groupSchema.attributes, "members")!;

/** Reads `members` values: objects with a string `value`, an optional type. */
export function readMemberRefs(raw: unknown): Result<MemberRef[]> {
  const normalized = normalizeValue(membersAttribute, raw);
  if (!normalized.ok) return normalized;
  const refs: MemberRef[] = [];
  for (const entry of (normalized.value ?? []) as JsonObject[]) {
    if (typeof entry.value !== "string" || entry.value === "") {
      return badRequest("invalidValue", 'Each member needs a string "value" holding a User or Group id.');
    }
    const type = typeof entry.type === "string" ? entry.type.toLowerCase() : undefined;
    if (type !== undefined && type !== "user" && type !== "group") {
      return badRequest("invalidValue", `Member type "${clip(String(entry.type))}" is neither User nor Group.`);
    }
    refs.push({ value: entry.value, ...(type ? { type: type === "user" ? "User" : "Group" } : {}) });
  }
  return ok(refs);
}

/** Reads a POST or PUT body: the document and the members it lists. */
export function readGroupDocument(raw: unknown): Result<{ doc: GroupDocument; members: MemberRef[] }> {
  if (!isObject(raw)) return badRequest("invalidSyntax", "The request body must be a JSON object.");
  const { members, ...rest } = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k.toLowerCase() === "members" ? "members" : k, v]));
  const attrs = normalizeAttributes(groupSchema.attributes, rest as JsonObject);
  if (!attrs.ok) return attrs;
  const refs = readMemberRefs(members);
  if (!refs.ok) return refs;
  const doc: GroupDocument = {};
  if (typeof attrs.value.displayName === "string") doc.displayName = attrs.value.displayName;
  if (typeof attrs.value.externalId === "string") doc.externalId = attrs.value.externalId;
  return ok({ doc, members: refs.value });
}

/** Checks what every stored Group must satisfy; returns the displayName. */
export function validateGroupDocument(doc: GroupDocument): Result<string> {
  if (typeof doc.displayName !== "string" || doc.displayName.trim() === "") {
    return badRequest("invalidValue", "displayName is required and must be a non-empty string.");
  }
  return ok(doc.displayName);
}

/** The document of a stored row. */
export function groupDocument(row: GroupRow): GroupDocument {
  return { displayName: row.displayName, ...(row.externalId !== null ? { externalId: row.externalId } : {}) };
}

/** The full SCIM Group resource; `members` is left out when it was not loaded. */
export function renderGroup(row: GroupRow, baseUrl: string, members?: Member[]): JsonObject {
  return {
    schemas: [CORE_GROUP],
    id: row.id,
    ...(row.externalId !== null ? { externalId: row.externalId } : {}),
    displayName: row.displayName,
    ...(members
      ? {
          members: members.map((m) => ({
            value: m.id,
            $ref: `${baseUrl}/${m.type}s/${m.id}`,
            type: m.type,
            ...(m.display !== null ? { display: m.display } : {}),
          })),
        }
      : {}),
    meta: metaOf("Group", row, baseUrl),
  };
}
