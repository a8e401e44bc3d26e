/** The query of a list request (RFC 7644 section 3.4.2): filter, paging, sorting, projection. */
import type { SQL } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { DrizzleD1Database } from "drizzle-orm/d1";
import { badRequest, clip, ok, type Result } from "./errors";
import { parseFilter } from "./filter/parse";
import { compileFilter } from "./filter/sql";
import { targetOf } from "./filter/targets";
import { readProjection, type Projection } from "./projection";
import type { ResourceKind } from "./schemas";

/** The most resources one page returns, as /ServiceProviderConfig advertises. */
export const MAX_RESULTS = 200;

export interface ListQuery {
  where?: SQL;
  startIndex: number;
  count: number;
  sortBy?: SQL;
  descending: boolean;
  projection: Projection;
}

// SQLite's OFFSET is a 64-bit integer; JavaScript counts exactly up to 2^53, and no page lies beyond.
const MAX_START_INDEX = Number.MAX_SAFE_INTEGER;

/** A numeric query parameter (`7`, `-3`, `1e30`, `2.5`) truncated to an integer; anything else falls back to the default, as RFC 7644 allows. */
function integerParam(raw: string | undefined, fallback: number): number {
  if (raw === undefined || !/^\s*[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?\s*$/i.test(raw)) return fallback;
  return Math.trunc(Number(raw));
}

const clamp = (n: number, min: number, max: number) => Math.min(max, Math.max(min, n));

/**
 * Reads list parameters; a bad filter or sortBy is a 400. startIndex and count are clamped: below 1
 * is 1 and a negative count is 0 (RFC 7644 section 3.4.2.4), and neither goes past what SQLite takes.
 */
export function readListQuery(kind: ResourceKind, params: Record<string, string | undefined>): Result<ListQuery> {
  const startIndex = clamp(integerParam(params.startIndex, 1), 1, MAX_START_INDEX);
  const count = clamp(integerParam(params.count, MAX_RESULTS), 0, MAX_RESULTS);
  const projection = readProjection(params.attributes, params.excludedAttributes);
  let where: SQL | undefined;
  if (params.filter !== undefined) {
    const parsed = parseFilter(params.filter);
    if (!parsed.ok) return parsed;
    const compiled = compileFilter(kind, parsed.value);
    if (!compiled.ok) return compiled;
    where = compiled.value;
  }
  let sortBy: SQL | undefined;
  if (params.sortBy !== undefined && params.sortBy.trim() !== "") {
    const target = targetOf(kind, params.sortBy.trim());
    if (target?.kind !== "value") return badRequest("invalidValue", `sortBy "${clip(params.sortBy)}" is not a single-valued attribute of ${kind}.`);
    sortBy = target.expr;
  }
  const order = params.sortOrder?.toLowerCase();
  if (order !== undefined && order !== "ascending" && order !== "descending") {
    return badRequest("invalidValue", `sortOrder must be "ascending" or "descending".`);
  }
  return ok({
    ...(where ? { where } : {}),
    startIndex,
    count,
    ...(sortBy ? { sortBy } : {}),
    descending: order === "descending",
    projection,
  });
}

/** The two statements of a list request: one page of rows and the exact total. */
export interface PageQueries<R> {
  page: BatchItem<"sqlite"> & PromiseLike<R[]>;
  total: BatchItem<"sqlite"> & { get(): Promise<{ n: number } | undefined> };
}

/** Runs a page and its total in one round trip (just the total when count is 0). */
export async function runList<R>(db: DrizzleD1Database, { page, total }: PageQueries<R>, count: number) {
  if (count === 0) return { rows: [] as R[], total: (await total.get())?.n ?? 0 };
  const [rows, totals] = (await db.batch([page, total])) as [R[], { n: number }[]];
  return { rows, total: totals[0]?.n ?? 0 };
}
