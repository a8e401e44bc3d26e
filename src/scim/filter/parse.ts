/** Parses RFC 7644 section 3.4.2.2 filters with scim2-parse-filter, after accepting Entra's unquoted values. */
import { parse, type Filter } from "scim2-parse-filter";
import { badRequest, clip, ok, type Result } from "../errors";

export type { Filter } from "scim2-parse-filter";

const MAX_FILTER_LENGTH = 4096;
const MAX_NESTING = 32;
// `not not not ...` needs no parentheses; each operator deepens the SQL, which D1 caps at depth 100.
const MAX_DEPTH = 16;
const COMPARISONS = new Set(["eq", "ne", "co", "sw", "ew", "gt", "ge", "lt", "le"]);
const LITERALS = new Set(["true", "false", "null"]);

/**
 * Quotes the bare comparison values Entra sends (`userName eq john@x.com`), leaving quoted
 * strings untouched, so the grammar library sees RFC syntax. `true`, `false` and `null` stay literals.
 */
export function quoteBareValues(filter: string): string {
  let out = "";
  let previousWord = "";
  let i = 0;
  while (i < filter.length) {
    const ch = filter[i]!;
    if (ch === '"') {
      let j = i + 1;
      while (j < filter.length && filter[j] !== '"') j += filter[j] === "\\" ? 2 : 1;
      out += filter.slice(i, j + 1);
      i = j + 1;
      previousWord = "";
      continue;
    }
    if (/[\s()[\]]/.test(ch)) {
      out += ch;
      i++;
      continue;
    }
    let j = i;
    while (j < filter.length && !/[\s()[\]"]/.test(filter[j]!)) j++;
    const word = filter.slice(i, j);
    if (COMPARISONS.has(previousWord.toLowerCase())) {
      out += LITERALS.has(word.toLowerCase()) ? word.toLowerCase() : JSON.stringify(word);
    } else {
      out += word;
    }
    previousWord = word;
    i = j;
  }
  return out;
}

/** Deepest parenthesis or bracket nesting, checked before parsing so a hostile filter cannot exhaust the stack. */
function nesting(filter: string): number {
  let depth = 0;
  let max = 0;
  let quoted = false;
  for (let i = 0; i < filter.length; i++) {
    const ch = filter[i];
    if (quoted) {
      if (ch === "\\") i++;
      else if (ch === '"') quoted = false;
    } else if (ch === '"') quoted = true;
    else if (ch === "(" || ch === "[") max = Math.max(max, ++depth);
    else if (ch === ")" || ch === "]") depth--;
  }
  return max;
}

/**
 * How many operators deep a parsed filter goes (`not (a and b)` is 3), or undefined when the
 * library built a malformed tree (it reads `a not b` as a "not" with two operands).
 */
function depth(filter: Filter | undefined): number | undefined {
  if (!filter || typeof filter !== "object") return undefined;
  const below = (children: (Filter | undefined)[]) => {
    const depths = children.map(depth);
    return depths.length > 0 && depths.every((d) => d !== undefined) ? 1 + Math.max(...(depths as number[])) : undefined;
  };
  switch (filter.op) {
    case "and":
    case "or":
      return Array.isArray(filter.filters) ? below(filter.filters) : undefined;
    case "not":
      return below([filter.filter]);
    case "[]":
      return below([filter.valFilter]);
    default:
      return COMPARISONS.has(filter.op) || filter.op === "pr" ? 1 : undefined;
  }
}

/** Parses a filter expression, or says why it is not one (400 invalidFilter). */
export function parseFilter(text: string): Result<Filter> {
  if (text.length > MAX_FILTER_LENGTH) return badRequest("invalidFilter", `The filter is longer than ${MAX_FILTER_LENGTH} characters.`);
  if (text.trim() === "") return badRequest("invalidFilter", "The filter is empty.");
  if (nesting(text) > MAX_NESTING) return badRequest("invalidFilter", `The filter nests deeper than ${MAX_NESTING} levels.`);
  let filter: Filter;
  try {
    filter = parse(quoteBareValues(text));
  } catch (e) {
    const reason = e instanceof Error ? e.message : "syntax error";
    return badRequest("invalidFilter", `The filter "${clip(text, 140)}" is not valid SCIM filter syntax (${clip(reason, 60)}).`);
  }
  const levels = depth(filter);
  if (levels === undefined) return badRequest("invalidFilter", `The filter "${clip(text, 140)}" is not valid SCIM filter syntax.`);
  if (levels > MAX_DEPTH) return badRequest("invalidFilter", `The filter nests operators deeper than ${MAX_DEPTH} levels.`);
  return ok(filter);
}
