/** `attributes` and `excludedAttributes` (RFC 7644 section 3.4.2.5) applied to rendered resources. */
import { isObject, type Json, type JsonObject } from "./attributes";
import { ENTERPRISE_USER, resolvePath, type ResourceKind } from "./schemas";

/** Which attributes a response carries. */
export interface Projection {
  attributes?: string[];
  excluded?: string[];
}

const split = (v: string | undefined) =>
  v === undefined
    ? undefined
    : v
        .split(",")
        .map((s) => s.trim())
        .filter((s) => s !== "");

/** Reads the two query parameters; an empty value means "not given". */
export function readProjection(attributes: string | undefined, excluded: string | undefined): Projection {
  const a = split(attributes);
  const e = split(excluded);
  return { ...(a && a.length > 0 ? { attributes: a } : {}), ...(e && e.length > 0 ? { excluded: e } : {}) };
}

interface Selector {
  // The key in the resource object: an attribute name, or the extension URN for extension attributes.
  key: string;
  // For extension attributes: the attribute inside the extension object.
  inner?: string;
  sub?: string;
}

function selectorOf(kind: ResourceKind, path: string): Selector | "whole-extension" | undefined {
  const resolved = resolvePath(kind, path);
  if (!resolved) {
    const urn = path.replace(/:$/, "").toLowerCase();
    return kind === "User" && urn === ENTERPRISE_USER.toLowerCase() ? "whole-extension" : undefined;
  }
  const core = resolved.schema.id.includes(":core:");
  const sub = resolved.sub?.name;
  return core
    ? { key: resolved.attribute.name, ...(sub ? { sub } : {}) }
    : { key: resolved.schema.id, inner: resolved.attribute.name, ...(sub ? { sub } : {}) };
}

const EXTENSION = ENTERPRISE_USER;

/** Whether a resource's response needs attribute `name` (for example, whether to load members). */
export function wants(kind: ResourceKind, projection: Projection, name: string): boolean {
  const lower = name.toLowerCase();
  const hits = (paths: string[]) =>
    paths.some((p) => {
      const s = selectorOf(kind, p);
      return typeof s === "object" && s.key.toLowerCase() === lower;
    });
  if (projection.attributes) return hits(projection.attributes);
  if (projection.excluded)
    return !projection.excluded.some((p) => {
      const s = selectorOf(kind, p);
      return typeof s === "object" && s.key.toLowerCase() === lower && !s.sub;
    });
  return true;
}

function pick(value: Json | undefined, sub: string | undefined): Json | undefined {
  if (value === undefined || sub === undefined) return value;
  if (Array.isArray(value)) {
    const out = value
      .filter(isObject)
      .map((e) => (e[sub] !== undefined ? { [sub]: e[sub] } : {}))
      .filter((e) => Object.keys(e).length > 0);
    return out.length > 0 ? out : undefined;
  }
  return isObject(value) && value[sub] !== undefined ? { [sub]: value[sub] } : undefined;
}

function merge(target: JsonObject, key: string, value: Json) {
  const current = target[key];
  if (isObject(current) && isObject(value)) Object.assign(current, value);
  else target[key] = value;
}

/** Applies a projection to a full resource. `id` and `schemas` are always returned. */
export function project(kind: ResourceKind, resource: JsonObject, projection: Projection): JsonObject {
  if (projection.attributes) {
    const out: JsonObject = { schemas: resource.schemas ?? [], id: resource.id ?? null };
    for (const path of projection.attributes) {
      const s = selectorOf(kind, path);
      if (s === "whole-extension") {
        if (resource[EXTENSION] !== undefined) out[EXTENSION] = resource[EXTENSION];
      } else if (s) {
        const source = s.inner ? (isObject(resource[s.key]) ? (resource[s.key] as JsonObject)[s.inner] : undefined) : resource[s.key];
        const picked = pick(source, s.sub);
        if (picked === undefined) continue;
        if (s.inner) merge(out, s.key, { [s.inner]: picked });
        else merge(out, s.key, picked);
      }
    }
    return out;
  }
  if (projection.excluded) {
    const out = structuredClone(resource);
    for (const path of projection.excluded) {
      const s = selectorOf(kind, path);
      if (s === "whole-extension") delete out[EXTENSION];
      else if (s && s.key !== "id") {
        const holder = s.inner ? out[s.key] : out;
        const name = s.inner ?? s.key;
        if (!isObject(holder)) continue;
        if (s.sub) {
          const v = holder[name];
          if (Array.isArray(v)) {
            for (const e of v) if (isObject(e)) delete e[s.sub];
          } else if (isObject(v)) delete v[s.sub];
        } else delete holder[name];
        if (s.inner && Object.keys(holder).length === 0) delete out[s.key];
      }
    }
    return out;
  }
  return resource;
}
