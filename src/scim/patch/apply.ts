/** Applies PATCH operations to a resource document, the way Entra expects (RFC 7644 section 3.5.2, leniently). */
import { isObject, normalizeValue, tooManyEntries, type Json, type JsonObject } from "../attributes";
import { badRequest, clip, ok, type Result } from "../errors";
import { readMemberRefs, type MemberRef } from "../groups/document";
import type { Filter } from "../filter/parse";
import { ENTERPRISE_USER } from "../schemas";
import { entryFromFilter, matchesEntry } from "./match";
import type { PatchOperation, PatchPath } from "./operations";

/** A change to a group's members, carried out in SQL without loading the member list. */
export type MemberChange = { kind: "add"; refs: MemberRef[] } | { kind: "remove"; ids: string[] } | { kind: "replace"; refs: MemberRef[] };

/** Applies `ops` to a copy of `doc`; operations on `members` become member changes. */
export function applyPatch(doc: JsonObject, ops: PatchOperation[]): Result<{ doc: JsonObject; members: MemberChange[] }> {
  const next = structuredClone(doc);
  const members: MemberChange[] = [];
  for (const op of ops) {
    const path = op.path!;
    const result = path.attribute.name === "members" ? memberChange(op, path) : applyOne(next, op.op, path, op.value);
    if (!result.ok) return result;
    if (result.value) members.push(result.value);
  }
  const ext = next[ENTERPRISE_USER];
  if (isObject(ext) && Object.keys(ext).length === 0) delete next[ENTERPRISE_USER];
  return ok({ doc: next, members });
}

function containerOf(doc: JsonObject, path: PatchPath, create: boolean): JsonObject | undefined {
  if (path.schema.id !== ENTERPRISE_USER) return doc;
  const ext = doc[ENTERPRISE_USER];
  if (isObject(ext)) return ext;
  if (!create) return undefined;
  const fresh: JsonObject = {};
  doc[ENTERPRISE_USER] = fresh;
  return fresh;
}

const entriesOf = (v: Json | undefined): Json[] => (Array.isArray(v) ? v : []);

function setOrDelete(target: JsonObject, key: string, value: Json | undefined) {
  if (value === undefined) delete target[key];
  else target[key] = value;
}

function applyOne(doc: JsonObject, verb: PatchOperation["op"], path: PatchPath, value: Json | undefined): Result<undefined> {
  const { attribute, sub, filter } = path;
  if (verb === "remove" || value === null) return remove(doc, path, verb === "remove" ? value : undefined);
  const container = containerOf(doc, path, true)!;
  if (!attribute.multiValued) {
    if (sub) {
      const part = normalizeValue(sub, value, path.text);
      if (!part.ok) return part;
      const current = isObject(container[attribute.name]) ? (container[attribute.name] as JsonObject) : {};
      setOrDelete(current, sub.name, part.value);
      setOrDelete(container, attribute.name, Object.keys(current).length > 0 ? current : undefined);
      return ok(undefined);
    }
    const whole = normalizeValue(attribute, value, path.text);
    if (!whole.ok) return whole;
    // Complex attributes merge: sub-attributes not named are left as they were (RFC 7644 3.5.2.3).
    const merged =
      attribute.type === "complex" && isObject(whole.value) && isObject(container[attribute.name])
        ? { ...(container[attribute.name] as JsonObject), ...whole.value }
        : whole.value;
    setOrDelete(container, attribute.name, merged);
    return ok(undefined);
  }
  const list = entriesOf(container[attribute.name]).map((e) => (isObject(e) ? { ...e } : e));
  const touched = new Set<Json>();
  if (filter || sub) {
    const part = sub ? normalizeValue(sub, value, path.text) : normalizeValue({ ...attribute, multiValued: false }, value, path.text);
    if (!part.ok) return part;
    const matches = list.filter((e) => !filter || matchesEntry(e, filter, attribute));
    if (matches.length === 0) {
      // Entra writes `emails[type eq "work"].value` to users without such an entry and expects it created.
      const seed = filter ? entryFromFilter(filter, attribute) : {};
      if (!seed) return badRequest("noTarget", `No entry of "${attribute.name}" matches "${clip(path.text)}".`);
      // The filter's values become stored values, so they meet the same caps.
      const seedChecked = normalizeValue({ ...attribute, multiValued: false }, seed, attribute.name);
      if (!seedChecked.ok) return seedChecked;
      const entry: JsonObject = sub ? { ...seed } : { ...seed, ...(isObject(part.value) ? part.value : {}) };
      if (sub) setOrDelete(entry, sub.name, part.value);
      list.push(entry);
      touched.add(entry);
    }
    for (const entry of matches) {
      if (!isObject(entry)) continue;
      if (sub) setOrDelete(entry, sub.name, part.value);
      else if (isObject(part.value)) Object.assign(entry, part.value);
      touched.add(entry);
    }
    container[attribute.name] = list;
  } else {
    const incoming = normalizeValue(attribute, value, path.text);
    if (!incoming.ok) return incoming;
    const added = entriesOf(incoming.value);
    const next = verb === "replace" ? [] : list;
    for (const entry of added) {
      if (!next.some((e) => sameEntry(e, entry))) next.push(entry);
      touched.add(entry);
    }
    container[attribute.name] = next;
  }
  const entries = entriesOf(container[attribute.name]);
  // Adds accumulate: the cap applies to the list they leave behind.
  const capped = tooManyEntries(attribute, entries.length);
  if (!capped.ok) return capped;
  keepOnePrimary(entries, touched);
  if (entries.length === 0) delete container[attribute.name];
  return ok(undefined);
}

/** A newly written primary entry takes the flag from the others (RFC 7643 section 2.4). */
function keepOnePrimary(list: Json[], touched: Set<Json>) {
  const newest = [...touched].reverse().find((e) => isObject(e) && e.primary === true);
  if (!newest) return;
  for (const entry of list) if (entry !== newest && isObject(entry) && entry.primary === true) entry.primary = false;
}

function sameEntry(a: Json, b: Json): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function remove(doc: JsonObject, path: PatchPath, value: Json | undefined): Result<undefined> {
  const { attribute, sub, filter } = path;
  const container = containerOf(doc, path, false);
  if (!container || container[attribute.name] === undefined) return ok(undefined);
  if (!attribute.multiValued) {
    const current = container[attribute.name];
    if (sub && isObject(current)) {
      delete current[sub.name];
      if (Object.keys(current).length === 0) delete container[attribute.name];
    } else if (!sub) delete container[attribute.name];
    return ok(undefined);
  }
  let list = entriesOf(container[attribute.name]);
  if (filter) {
    if (sub) list = list.map((e) => (isObject(e) && matchesEntry(e, filter, attribute) ? withoutKey(e, sub.name) : e));
    else list = list.filter((e) => !matchesEntry(e, filter, attribute));
  } else if (value !== undefined) {
    // Entra's shape: `{"op":"Remove","path":"emails","value":[{...}]}` removes the listed entries.
    const doomed = entriesOf(Array.isArray(value) ? value : [value]);
    list = list.filter((e) => !doomed.some((d) => isObject(d) && isObject(e) && d.value !== undefined && d.value === e.value));
  } else if (sub) {
    list = list.map((e) => (isObject(e) ? withoutKey(e, sub.name) : e));
  } else {
    list = [];
  }
  list = list.filter((e) => !isObject(e) || Object.keys(e).length > 0);
  setOrDelete(container, attribute.name, list.length > 0 ? list : undefined);
  return ok(undefined);
}

function withoutKey(entry: JsonObject, key: string): JsonObject {
  const { [key]: _, ...rest } = entry;
  return rest;
}

/** Member ids named by `members[value eq "a" or value eq "b"]`. */
function memberIdsOf(filter: Filter): string[] | undefined {
  if (filter.op === "or") {
    const ids: string[] = [];
    for (const f of filter.filters) {
      const part = memberIdsOf(f);
      if (!part) return undefined;
      ids.push(...part);
    }
    return ids;
  }
  if (filter.op === "eq" && filter.attrPath.toLowerCase() === "value" && typeof filter.compValue === "string") {
    return [filter.compValue];
  }
  return undefined;
}

function memberChange(op: PatchOperation, path: PatchPath): Result<MemberChange | undefined> {
  if (path.sub) return badRequest("invalidPath", `"${clip(path.text)}": member sub-attributes cannot be changed; remove and add the member.`);
  if (path.filter) {
    if (op.op !== "remove") return badRequest("invalidPath", `"${clip(path.text)}": members can only be removed by a value filter.`);
    const ids = memberIdsOf(path.filter);
    if (!ids) return badRequest("invalidFilter", `"${clip(path.text)}": member filters take the form value eq "<id>".`);
    return ok({ kind: "remove", ids });
  }
  if (op.op === "remove") {
    if (op.value === undefined || op.value === null) return ok({ kind: "replace", refs: [] });
    const refs = readMemberRefs(op.value);
    return refs.ok ? ok({ kind: "remove", ids: refs.value.map((r) => r.value) }) : refs;
  }
  const refs = readMemberRefs(op.value);
  if (!refs.ok) return refs;
  return ok(op.op === "add" ? { kind: "add", refs: refs.value } : { kind: "replace", refs: refs.value });
}
