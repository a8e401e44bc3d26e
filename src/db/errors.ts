/** Recognizes D1 errors worth answering precisely. */

/** Whether a unique index refused a write (drizzle wraps D1's error, so the cause chain is searched). */
export function isUniqueViolation(e: unknown): boolean {
  for (let err: unknown = e, depth = 0; err instanceof Error && depth < 5; err = err.cause, depth++) {
    if (/UNIQUE constraint failed/i.test(err.message)) return true;
  }
  return false;
}
