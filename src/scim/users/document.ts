/** A User as SCIM JSON (the document PATCH edits) and its D1 row, in both directions. */
import type { MultiValue, UserRow } from "../../db/schema";
import { isObject, normalizeAttributes, type Json, type JsonObject } from "../attributes";
import { badRequest, ok, type Result } from "../errors";
import { metaOf } from "../meta";
import { CORE_USER, ENTERPRISE_USER, enterpriseUserSchema, userSchema } from "../schemas";

/** The writable part of a User: core attributes at the top, the enterprise extension under its URN. */
export type UserDocument = JsonObject;

/** The row columns a document decides (everything but id, org, version and timestamps). */
export type UserFields = Omit<UserRow, "id" | "orgId" | "version" | "createdAt" | "updatedAt">;

type TextColumn = {
  [K in keyof UserFields]: null extends UserFields[K] ? (UserFields[K] extends string | null ? K : never) : never;
}[keyof UserFields];
type ListColumn = {
  [K in keyof UserFields]: UserFields[K] extends MultiValue[] | null ? K : never;
}[keyof UserFields];

const coreText: [TextColumn, string][] = [
  ["externalId", "externalId"],
  ["displayName", "displayName"],
  ["nickName", "nickName"],
  ["profileUrl", "profileUrl"],
  ["title", "title"],
  ["userType", "userType"],
  ["preferredLanguage", "preferredLanguage"],
  ["locale", "locale"],
  ["timezone", "timezone"],
];
const nameText: [TextColumn, string][] = [
  ["nameFormatted", "formatted"],
  ["nameFamilyName", "familyName"],
  ["nameGivenName", "givenName"],
  ["nameMiddleName", "middleName"],
  ["nameHonorificPrefix", "honorificPrefix"],
  ["nameHonorificSuffix", "honorificSuffix"],
];
const lists: [ListColumn, string][] = [
  ["emails", "emails"],
  ["phoneNumbers", "phoneNumbers"],
  ["ims", "ims"],
  ["photos", "photos"],
  ["addresses", "addresses"],
  ["entitlements", "entitlements"],
  ["roles", "roles"],
  ["x509Certificates", "x509Certificates"],
];
const enterpriseText: [TextColumn, string][] = [
  ["employeeNumber", "employeeNumber"],
  ["costCenter", "costCenter"],
  ["organization", "organization"],
  ["division", "division"],
  ["department", "department"],
];

const text = (v: Json | undefined): string | null => (typeof v === "string" ? v : null);
const list = (v: Json | undefined): MultiValue[] | null => (Array.isArray(v) && v.length > 0 ? (v.filter(isObject) as MultiValue[]) : null);

/** Finds the enterprise extension object under its URN, forgiving letter case and a trailing colon. */
function enterprisePart(raw: JsonObject): JsonObject | undefined {
  const urn = ENTERPRISE_USER.toLowerCase();
  for (const [key, value] of Object.entries(raw)) {
    const k = key.toLowerCase().replace(/:$/, "");
    if (k === urn && isObject(value)) return value;
  }
  return undefined;
}

/** Reads a POST or PUT body into a document: lenient about nulls, unknowns and letter case. */
export function readUserDocument(raw: unknown): Result<UserDocument> {
  if (!isObject(raw)) return badRequest("invalidSyntax", "The request body must be a JSON object.");
  const core = normalizeAttributes(userSchema.attributes, raw);
  if (!core.ok) return core;
  const doc = core.value;
  const extension = enterprisePart(raw);
  if (extension) {
    const ext = normalizeAttributes(enterpriseUserSchema.attributes, extension);
    if (!ext.ok) return ext;
    if (Object.keys(ext.value).length > 0) doc[ENTERPRISE_USER] = ext.value;
  }
  return ok(doc);
}

/** Checks what every stored User must satisfy; returns the userName. */
export function validateUserDocument(doc: UserDocument): Result<string> {
  const userName = doc.userName;
  if (typeof userName !== "string" || userName.trim() === "") {
    return badRequest("invalidValue", "userName is required and must be a non-empty string.");
  }
  return ok(userName);
}

/** The work e-mail (Entra maps `mail` there), else the primary one, else the first: single sign-on matches on it. */
export function workEmailOf(emails: unknown): string | null {
  if (!Array.isArray(emails)) return null;
  const values = emails.filter(isObject).filter((e) => typeof e.value === "string" && e.value !== "");
  const chosen = values.find((e) => e.type === "work") ?? values.find((e) => e.primary === true) ?? values[0];
  return chosen ? (chosen.value as string) : null;
}

/** The row columns of a validated document. */
export function userFields(doc: UserDocument, userName: string): UserFields {
  const name = isObject(doc.name) ? doc.name : {};
  const ext = isObject(doc[ENTERPRISE_USER]) ? (doc[ENTERPRISE_USER] as JsonObject) : {};
  const manager = isObject(ext.manager) ? ext.manager : {};
  const fields = {
    userName,
    userNameKey: userName.toLowerCase(),
    active: doc.active !== false,
    managerId: text(manager.value),
    workEmailKey: workEmailOf(doc.emails)?.toLowerCase() ?? null,
  } as UserFields;
  for (const [column, key] of coreText) fields[column] = text(doc[key]);
  for (const [column, key] of nameText) fields[column] = text(name[key]);
  for (const [column, key] of enterpriseText) fields[column] = text(ext[key]);
  for (const [column, key] of lists) fields[column] = list(doc[key]);
  return fields;
}

/** The document of a stored row: what PATCH starts from. */
export function userDocument(row: UserRow): UserDocument {
  const doc: UserDocument = { userName: row.userName, active: row.active };
  for (const [column, key] of coreText) if (row[column] !== null) doc[key] = row[column];
  const name: JsonObject = {};
  for (const [column, key] of nameText) if (row[column] !== null) name[key] = row[column];
  if (Object.keys(name).length > 0) doc.name = name;
  for (const [column, key] of lists) if (row[column] !== null) doc[key] = row[column];
  const ext: JsonObject = {};
  for (const [column, key] of enterpriseText) if (row[column] !== null) ext[key] = row[column];
  if (row.managerId !== null) ext.manager = { value: row.managerId };
  if (Object.keys(ext).length > 0) doc[ENTERPRISE_USER] = ext;
  return doc;
}

/** A group a user belongs to, as the User's `groups` attribute lists it. */
export interface UserGroupRef {
  id: string;
  displayName: string;
}

/** The full SCIM User resource. `groups` is left out when it was not loaded. */
export function renderUser(row: UserRow, baseUrl: string, groups?: UserGroupRef[]): JsonObject {
  const doc = userDocument(row);
  const ext = doc[ENTERPRISE_USER];
  if (isObject(ext) && isObject(ext.manager) && typeof ext.manager.value === "string") {
    ext.manager.$ref = `${baseUrl}/Users/${ext.manager.value}`;
  }
  const { [ENTERPRISE_USER]: _, ...core } = doc;
  return {
    schemas: ext ? [CORE_USER, ENTERPRISE_USER] : [CORE_USER],
    id: row.id,
    ...core,
    ...(groups
      ? {
          groups: groups.map((g) => ({
            value: g.id,
            $ref: `${baseUrl}/Groups/${g.id}`,
            display: g.displayName,
            type: "direct",
          })),
        }
      : {}),
    ...(ext ? { [ENTERPRISE_USER]: ext } : {}),
    meta: metaOf("User", row, baseUrl),
  };
}
