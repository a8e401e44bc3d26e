/** Lenient, schema-driven reading of SCIM JSON: canonical names, nulls and unknowns dropped, types checked. */
import { badRequest, clip, ok, quote, type Result } from "./errors";
import { findAttribute, type Attribute } from "./schemas";

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export const isObject = (v: unknown): v is JsonObject => typeof v === "object" && v !== null && !Array.isArray(v);

/** Reads a boolean the way Entra sends it: true, "True", "false"... */
export function readBoolean(raw: unknown): boolean | undefined {
  if (typeof raw === "boolean") return raw;
  if (typeof raw === "string") {
    const lower = raw.trim().toLowerCase();
    if (lower === "true") return true;
    if (lower === "false") return false;
  }
  return undefined;
}

/**
 * Normalizes one attribute's value. `undefined` means "no value" (null, empty). Read-only
 * sub-attributes are dropped: clients may echo them back.
 */
export function normalizeValue(attribute: Attribute, raw: unknown, where = attribute.name): Result<Json | undefined> {
  if (raw === null || raw === undefined) return ok(undefined);
  if (attribute.multiValued) {
    const list = Array.isArray(raw) ? raw : [raw];
    const out: Json[] = [];
    for (const [i, item] of list.entries()) {
      const one = normalizeSingle(attribute, item, `${where}[${i}]`);
      if (!one.ok) return one;
      if (one.value !== undefined) out.push(one.value);
    }
    const entries = tooManyEntries(attribute, out.length, where);
    if (!entries.ok) return entries;
    if (attribute.type === "complex") {
      const primaries = out.filter((v) => isObject(v) && v.primary === true).length;
      if (primaries > 1) return badRequest("invalidValue", `At most one entry of "${clip(where)}" may be primary.`);
    }
    return ok(out.length > 0 ? out : undefined);
  }
  return normalizeSingle(attribute, raw, where);
}

/** Refuses more entries than a multi-valued attribute may hold. */
export function tooManyEntries(attribute: Attribute, entries: number, where = attribute.name): Result<true> {
  if (attribute.maxEntries === undefined || entries <= attribute.maxEntries) return ok(true);
  return badRequest("invalidValue", `"${clip(where)}" has ${entries} entries; at most ${attribute.maxEntries} are accepted.`);
}

/** Whether `text` has more than `max` characters (code points, so an emoji counts once). */
function longerThan(text: string, max: number): boolean {
  if (text.length <= max) return false;
  let n = 0;
  for (const _ of text) if (++n > max) return true;
  return false;
}

function normalizeSingle(attribute: Attribute, raw: unknown, where: string): Result<Json | undefined> {
  if (raw === null || raw === undefined) return ok(undefined);
  switch (attribute.type) {
    case "complex": {
      // A bare string for a complex attribute with a value (Entra's manager) is that value; "" clears it.
      const valueAttribute = findAttribute(attribute.subAttributes, "value");
      if (typeof raw === "string" && valueAttribute) {
        if (raw === "") return ok(undefined);
        const value = normalizeSingle(valueAttribute, raw, where);
        return value.ok ? ok({ value: raw }) : value;
      }
      if (!isObject(raw)) return badRequest("invalidValue", `"${clip(where)}" must be an object.`);
      const out: JsonObject = {};
      for (const [key, value] of Object.entries(raw)) {
        const sub = findAttribute(attribute.subAttributes, key);
        if (!sub || sub.mutability === "readOnly") continue;
        const one = normalizeSingle(sub, value, `${where}.${sub.name}`);
        if (!one.ok) return one;
        if (one.value !== undefined) out[sub.name] = one.value;
      }
      return ok(Object.keys(out).length > 0 ? out : undefined);
    }
    case "boolean": {
      const flag = readBoolean(raw);
      return flag === undefined ? badRequest("invalidValue", `"${clip(where, 100)}" must be a boolean, not ${describe(raw)}.`) : ok(flag);
    }
    default: {
      // Numbers are accepted for string attributes (employee numbers often arrive unquoted) and kept as text.
      if (typeof raw === "number" && Number.isFinite(raw)) return ok(String(raw));
      if (typeof raw !== "string") return badRequest("invalidValue", `"${clip(where, 100)}" must be a string, not ${describe(raw)}.`);
      if (attribute.maxLength !== undefined && longerThan(raw, attribute.maxLength)) {
        return badRequest("invalidValue", `"${clip(where, 100)}" is longer than ${attribute.maxLength} characters: ${quote(raw, 100)}.`);
      }
      return ok(raw);
    }
  }
}

function describe(raw: unknown): string {
  if (Array.isArray(raw)) return "an array";
  if (isObject(raw)) return "an object";
  return quote(raw, 100);
}

/**
 * Reads the attributes of one schema from an object, case-insensitively. Read-only attributes
 * (id, meta, groups) and unknown ones are ignored, as RFC 7644 asks of POST and PUT.
 */
export function normalizeAttributes(attributes: Attribute[], raw: JsonObject): Result<JsonObject> {
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(raw)) {
    const attribute = findAttribute(attributes, key);
    if (!attribute || attribute.mutability === "readOnly") continue;
    const one = normalizeValue(attribute, value);
    if (!one.ok) return one;
    if (one.value !== undefined) out[attribute.name] = one.value;
  }
  return ok(out);
}
