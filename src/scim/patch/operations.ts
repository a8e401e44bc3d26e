/** Reads a PatchOp request (RFC 7644 section 3.5.2) in both of Entra's shapes into typed operations. */
import { isObject, type Json, type JsonObject } from "../attributes";
import { badRequest, clip, ok, quote, type Result } from "../errors";
import { parseFilter, type Filter } from "../filter/parse";
import { ENTERPRISE_USER, findAttribute, resolvePath, type Attribute, type ResourceKind, type ResourceSchema } from "../schemas";

export type PatchVerb = "add" | "replace" | "remove";

/** Where an operation applies: an attribute, optionally a value filter on its entries and a sub-attribute. */
export interface PatchPath {
  text: string;
  schema: ResourceSchema;
  attribute: Attribute;
  filter?: Filter;
  sub?: Attribute;
}

export interface PatchOperation {
  op: PatchVerb;
  path?: PatchPath;
  value?: Json;
}

const MAX_OPERATIONS = 1000;

/** Looks up a key of an object ignoring letter case (Entra sends `Operations` and `operations`). */
export function getKey(raw: JsonObject, key: string): Json | undefined {
  const lower = key.toLowerCase();
  for (const [k, v] of Object.entries(raw)) if (k.toLowerCase() === lower) return v;
  return undefined;
}

/** Parses `attr`, `attr.sub`, `urn:...:attr.sub`, `attr[filter]` and `attr[filter].sub`. */
export function parsePatchPath(kind: ResourceKind, text: string): Result<PatchPath> {
  const invalidPath = (why: string) => badRequest("invalidPath", `The path "${clip(text)}" ${why}.`);
  const open = text.indexOf("[");
  if (open === -1) {
    const resolved = resolvePath(kind, text.trim());
    if (!resolved) return invalidPath(`names no attribute of ${kind}`);
    return ok({ text, ...resolved });
  }
  const close = text.lastIndexOf("]");
  if (close < open) return invalidPath("has an unclosed value filter");
  const resolved = resolvePath(kind, text.slice(0, open).trim());
  if (!resolved || resolved.sub) return invalidPath(`names no attribute of ${kind}`);
  if (!resolved.attribute.multiValued) return invalidPath("filters an attribute that is not multi-valued");
  const filter = parseFilter(text.slice(open + 1, close));
  if (!filter.ok) return filter;
  const after = text.slice(close + 1).trim();
  let sub: Attribute | undefined;
  if (after !== "") {
    if (!after.startsWith(".")) return invalidPath("has text after the value filter that is not a sub-attribute");
    sub = findAttribute(resolved.attribute.subAttributes, after.slice(1));
    if (!sub) return invalidPath(`names no sub-attribute "${clip(after.slice(1))}"`);
  }
  return ok({ text, schema: resolved.schema, attribute: resolved.attribute, filter: filter.value, ...(sub ? { sub } : {}) });
}

/** Reads the body of a PATCH request. Unknown ops and bad paths are 400s; nothing is applied yet. */
export function readPatchRequest(kind: ResourceKind, body: unknown): Result<PatchOperation[]> {
  if (!isObject(body)) return badRequest("invalidSyntax", "The request body must be a JSON object.");
  const list = getKey(body, "Operations");
  if (!Array.isArray(list) || list.length === 0) {
    return badRequest("invalidSyntax", 'A PatchOp request needs a non-empty "Operations" array.');
  }
  if (list.length > MAX_OPERATIONS) return badRequest("tooMany", `At most ${MAX_OPERATIONS} operations per request.`);
  const ops: PatchOperation[] = [];
  for (const [i, raw] of list.entries()) {
    if (!isObject(raw)) return badRequest("invalidSyntax", `Operations[${i}] must be an object.`);
    const opName = getKey(raw, "op");
    const op = typeof opName === "string" ? opName.toLowerCase() : undefined;
    if (op !== "add" && op !== "replace" && op !== "remove") {
      return badRequest("invalidSyntax", `Operations[${i}].op must be add, replace or remove, not ${quote(opName ?? null)}.`);
    }
    const pathText = getKey(raw, "path");
    const value = getKey(raw, "value");
    if (pathText !== undefined && pathText !== null && typeof pathText !== "string") {
      return badRequest("invalidPath", `Operations[${i}].path must be a string.`);
    }
    if (typeof pathText === "string" && pathText.trim() !== "") {
      const path = parsePatchPath(kind, pathText);
      if (!path.ok) return path;
      if (path.value.attribute.mutability === "readOnly" || path.value.sub?.mutability === "readOnly") {
        return badRequest("mutability", `"${clip(pathText)}" is read-only.`);
      }
      ops.push({ op, path: path.value, ...(value !== undefined ? { value } : {}) });
      continue;
    }
    if (op === "remove") return badRequest("noTarget", `Operations[${i}] is a remove without a path.`);
    if (!isObject(value)) {
      return badRequest("invalidValue", `Operations[${i}] has no path, so its value must be an object of attributes.`);
    }
    const expanded = expandPathless(kind, op, value);
    if (!expanded.ok) return expanded;
    ops.push(...expanded.value);
  }
  return ok(ops);
}

/**
 * Turns a path-less value into one operation per attribute: plain keys, dotted keys
 * (`name.givenName`), URN-qualified keys, and an extension object under its URN. Unknown keys are ignored.
 */
function expandPathless(kind: ResourceKind, op: PatchVerb, value: JsonObject): Result<PatchOperation[]> {
  const ops: PatchOperation[] = [];
  for (const [key, v] of Object.entries(value)) {
    if (key.toLowerCase() === "schemas") continue;
    const resolved = resolvePath(kind, key);
    if (resolved) {
      if (resolved.attribute.mutability === "readOnly" || resolved.sub?.mutability === "readOnly") {
        if (key.toLowerCase() === "id" || key.toLowerCase() === "meta") continue;
        return badRequest("mutability", `"${clip(key)}" is read-only.`);
      }
      ops.push({ op, path: { text: key, ...resolved }, value: v });
      continue;
    }
    // An extension object under its URN: each of its attributes becomes an operation.
    const urn = key.replace(/:$/, "").toLowerCase();
    const extension = kind === "User" && urn === ENTERPRISE_USER.toLowerCase();
    if (extension && isObject(v)) {
      const nested: JsonObject = {};
      for (const [k, inner] of Object.entries(v)) nested[`${ENTERPRISE_USER}:${k}`] = inner;
      const expanded = expandPathless(kind, op, nested);
      if (!expanded.ok) return expanded;
      ops.push(...expanded.value);
    }
  }
  return ok(ops);
}
