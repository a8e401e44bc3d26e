/** Recognizes D1 errors worth answering precisely. */

/**
 * Whether a unique index refused a write (drizzle wraps D1's error, so the cause chain is searched);
 * with `table`, only one on that table (SQLite names it: "UNIQUE constraint failed: org_admins.account_id").
 */
export function isUniqueViolation(e: unknown, table?: string): boolean {
  const pattern = new RegExp(`UNIQUE constraint failed${table ? `: ${table}\\.` : ""}`, "i");
  for (let err: unknown = e, depth = 0; err instanceof Error && depth < 5; err = err.cause, depth++) {
    if (pattern.test(err.message)) return true;
  }
  return false;
}
