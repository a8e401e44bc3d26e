/** Compiles a parsed SCIM filter into a parameterized SQL condition for D1. */
import { sql, type SQL } from "drizzle-orm";
import { badRequest, clip, ok, quote, type Result } from "../errors";
import type { ResourceKind } from "../schemas";
import type { Filter } from "./parse";
import { targetOf, type CollectionTarget, type Target, type ValueTarget } from "./targets";

// D1 binds at most 100 parameters per statement. A comparison binds at most two (its value, twice
// for sw and ew), so 40 leave room for the rest of the query.
const MAX_COMPARISONS = 40;

type Comparison = "eq" | "ne" | "co" | "sw" | "ew" | "gt" | "ge" | "lt" | "le" | "pr";
type CompValue = string | number | boolean | null;

interface Scope {
  kind: ResourceKind;
  // Inside `emails[...]`, attribute names are sub-attributes of this collection.
  within?: CollectionTarget;
  // Shared by every scope of one filter, so comparisons inside value filters count too.
  budget: { comparisons: number };
}

const invalid = (detail: string) => badRequest("invalidFilter", detail);

/** Compiles `filter` for a resource kind; unknown attributes and type mismatches are 400 invalidFilter. */
export function compileFilter(kind: ResourceKind, filter: Filter): Result<SQL> {
  return compile(filter, { kind, budget: { comparisons: 0 } });
}

function compile(filter: Filter, scope: Scope): Result<SQL> {
  switch (filter.op) {
    case "and":
    case "or": {
      const parts: SQL[] = [];
      for (const f of filter.filters) {
        const part = compile(f, scope);
        if (!part.ok) return part;
        parts.push(part.value);
      }
      return ok(joinBalanced(parts, filter.op === "and" ? sql` AND ` : sql` OR `));
    }
    case "not": {
      const inner = compile(filter.filter, scope);
      // A comparison with an absent value is NULL in SQL; `not` must see it as false.
      return inner.ok ? ok(sql`NOT coalesce((${inner.value}), 0)`) : inner;
    }
    case "[]": {
      if (scope.within) return invalid("Value filters cannot be nested.");
      const target = targetOf(scope.kind, filter.attrPath);
      if (target?.kind !== "collection" || target.selected)
        return invalid(`"${clip(filter.attrPath)}" is not a multi-valued attribute that a value filter can apply to.`);
      const inner = compile(filter.valFilter, { ...scope, within: target });
      return inner.ok ? ok(target.exists(inner.value)) : inner;
    }
    default: {
      if (++scope.budget.comparisons > MAX_COMPARISONS) return invalid(`The filter has more than ${MAX_COMPARISONS} comparisons.`);
      const compValue = "compValue" in filter ? filter.compValue : null;
      return comparison(filter.attrPath, filter.op as Comparison, compValue, scope);
    }
  }
}

/**
 * Joins conditions as a balanced tree: SQLite reads `a OR b OR c ...` as a chain as deep as it is
 * long, and D1 refuses expressions deeper than 100.
 */
function joinBalanced(parts: SQL[], op: SQL): SQL {
  if (parts.length === 1) return sql`(${parts[0]!})`;
  const half = Math.ceil(parts.length / 2);
  return sql`(${joinBalanced(parts.slice(0, half), op)}${op}${joinBalanced(parts.slice(half), op)})`;
}

function comparison(path: string, op: Comparison, compValue: CompValue, scope: Scope): Result<SQL> {
  const target: Target | undefined = scope.within ? scope.within.sub(path) : targetOf(scope.kind, path);
  if (!target) return invalid(`The filter names "${clip(path)}", which is not a filterable attribute of ${scope.kind}.`);
  if (target.kind === "value") return compare(target, op, compValue, path);
  if (op === "pr" && !target.selected) return ok(target.exists(sql`1`));
  const sub = target.sub(target.selected ?? "value");
  if (!sub) return invalid(`"${clip(path)}" has no value sub-attribute to compare with.`);
  const inner = compare(sub, op, compValue, path);
  return inner.ok ? ok(target.exists(inner.value)) : inner;
}

function compare(target: ValueTarget, op: Comparison, compValue: CompValue, path: string): Result<SQL> {
  const { expr } = target;
  if (op === "pr") {
    return ok(target.type === "boolean" ? sql`${expr} IS NOT NULL` : sql`(${expr} IS NOT NULL AND ${expr} <> '')`);
  }
  if (compValue === null) {
    if (op === "eq") return ok(sql`(${expr} IS NULL OR ${expr} = '')`);
    if (op === "ne") return ok(sql`(${expr} IS NOT NULL AND ${expr} <> '')`);
    return invalid(`"${op}" cannot compare "${clip(path)}" with null.`);
  }
  if (target.type === "boolean") return compareBoolean(expr, op, compValue, path);
  if (typeof compValue !== "string") {
    return invalid(`"${clip(path, 100)}" is a ${target.type} and cannot be compared with ${quote(compValue, 100)}.`);
  }
  let value = compValue;
  if (target.type === "dateTime") {
    const time = Date.parse(compValue);
    if (Number.isNaN(time)) return invalid(`${quote(compValue, 100)} is not a dateTime, which "${clip(path, 100)}" needs.`);
    value = new Date(time).toISOString();
  }
  const exact = target.caseExact || target.type === "dateTime";
  // Index keys are stored lower-cased by JavaScript, so the parameter is too and the index applies.
  const left = exact || target.lowered ? expr : sql`lower(${expr})`;
  const right = exact ? sql`${value}` : target.lowered ? sql`${value.toLowerCase()}` : sql`lower(${value})`;
  switch (op) {
    case "eq":
      return ok(sql`${left} = ${right}`);
    case "ne":
      return ok(sql`(${expr} IS NULL OR ${left} <> ${right})`);
    case "co":
      return ok(value === "" ? sql`${expr} IS NOT NULL` : sql`instr(${left}, ${right}) > 0`);
    case "sw":
      return ok(value === "" ? sql`${expr} IS NOT NULL` : sql`substr(${left}, 1, length(${right})) = ${right}`);
    case "ew":
      return ok(value === "" ? sql`${expr} IS NOT NULL` : sql`substr(${left}, -length(${right})) = ${right}`);
    case "gt":
      return ok(sql`${left} > ${right}`);
    case "ge":
      return ok(sql`${left} >= ${right}`);
    case "lt":
      return ok(sql`${left} < ${right}`);
    case "le":
      return ok(sql`${left} <= ${right}`);
  }
}

function compareBoolean(expr: SQL, op: Comparison, compValue: CompValue, path: string): Result<SQL> {
  const flag = typeof compValue === "string" ? compValue.toLowerCase() : compValue;
  if (flag !== true && flag !== false && flag !== "true" && flag !== "false") {
    return invalid(`"${clip(path, 100)}" is a boolean and cannot be compared with ${quote(compValue, 100)}.`);
  }
  const bit = flag === true || flag === "true" ? 1 : 0;
  if (op === "eq") return ok(sql`${expr} = ${bit}`);
  if (op === "ne") return ok(sql`(${expr} IS NULL OR ${expr} <> ${bit})`);
  return invalid(`"${op}" cannot compare the boolean "${clip(path)}"; use eq or ne.`);
}
