/** Evaluates a value filter (`type eq "work"`) against one entry of a multi-valued attribute, in memory. */
import { isObject, readBoolean, type Json, type JsonObject } from "../attributes";
import type { Filter } from "../filter/parse";
import { findAttribute, type Attribute } from "../schemas";

/** Whether `entry` satisfies `filter`, whose attribute names are sub-attributes of `attribute`. */
export function matchesEntry(entry: Json, filter: Filter, attribute: Attribute): boolean {
  switch (filter.op) {
    case "and":
      return filter.filters.every((f) => matchesEntry(entry, f, attribute));
    case "or":
      return filter.filters.some((f) => matchesEntry(entry, f, attribute));
    case "not":
      return !matchesEntry(entry, filter.filter, attribute);
    case "[]":
      return false;
    default: {
      const sub = findAttribute(attribute.subAttributes, filter.attrPath);
      // A simple multi-valued attribute's entries are compared as `value`.
      const actual = isObject(entry) ? (sub ? entry[sub.name] : undefined) : filter.attrPath.toLowerCase() === "value" ? entry : undefined;
      if (filter.op === "pr") return actual !== undefined && actual !== null && actual !== "";
      return compareValue(actual, filter.op, filter.compValue, sub?.type === "boolean", sub?.caseExact ?? false);
    }
  }
}

function compareValue(actual: Json | undefined, op: string, expected: unknown, boolean: boolean, caseExact: boolean): boolean {
  if (actual === undefined || actual === null) return op === "ne";
  if (boolean) {
    const a = readBoolean(actual);
    const e = readBoolean(expected);
    return op === "eq" ? a === e : op === "ne" ? a !== e : false;
  }
  if (typeof actual !== "string" || (typeof expected !== "string" && typeof expected !== "number")) return false;
  const fold = (s: string) => (caseExact ? s : s.toLowerCase());
  const a = fold(actual);
  const e = fold(String(expected));
  switch (op) {
    case "eq":
      return a === e;
    case "ne":
      return a !== e;
    case "co":
      return a.includes(e);
    case "sw":
      return a.startsWith(e);
    case "ew":
      return a.endsWith(e);
    case "gt":
      return a > e;
    case "ge":
      return a >= e;
    case "lt":
      return a < e;
    case "le":
      return a <= e;
    default:
      return false;
  }
}

/**
 * The entry a value filter describes, for Entra's writes to an entry that does not exist yet:
 * `emails[type eq "work"].value` creates `{type: "work", value}`. Only `eq` joined by `and` qualifies.
 */
export function entryFromFilter(filter: Filter, attribute: Attribute): JsonObject | undefined {
  if (filter.op === "and") {
    const out: JsonObject = {};
    for (const f of filter.filters) {
      const part = entryFromFilter(f, attribute);
      if (!part) return undefined;
      Object.assign(out, part);
    }
    return out;
  }
  if (filter.op !== "eq") return undefined;
  const sub = findAttribute(attribute.subAttributes, filter.attrPath);
  if (!sub || filter.compValue === null) return undefined;
  const value = sub.type === "boolean" ? readBoolean(filter.compValue) : String(filter.compValue);
  return value === undefined ? undefined : { [sub.name]: value };
}
