/** Login throttling: repeated failures for one e-mail or one client address lock sign-in for a while. */
import { eq, inArray, sql } from "drizzle-orm";
import type { DrizzleD1Database } from "drizzle-orm/d1";
import { loginFailures } from "../db/schema";

export interface ThrottlePolicy {
  // Failures allowed in the window before a lock.
  maxFailures: number;
  windowSeconds: number;
  lockSeconds: number;
}

export const EMAIL_POLICY: ThrottlePolicy = { maxFailures: 5, windowSeconds: 15 * 60, lockSeconds: 15 * 60 };
export const ADDRESS_POLICY: ThrottlePolicy = { maxFailures: 20, windowSeconds: 15 * 60, lockSeconds: 15 * 60 };

export interface ThrottleKeys {
  email: string;
  address: string;
}

const keysOf = (k: ThrottleKeys) => [`email:${k.email.toLowerCase()}`, `address:${k.address}`];

/** Seconds until sign-in is allowed again for these keys, or 0. */
export async function lockedFor(db: DrizzleD1Database, keys: ThrottleKeys, now: Date): Promise<number> {
  const rows = await db.select().from(loginFailures).where(inArray(loginFailures.key, keysOf(keys)));
  const until = Math.max(0, ...rows.map((r) => (r.lockedUntil ? Date.parse(r.lockedUntil) : 0)));
  return until > now.getTime() ? Math.ceil((until - now.getTime()) / 1000) : 0;
}

/** Counts one failure against both keys, locking a key that reaches its limit. */
export async function recordFailure(db: DrizzleD1Database, keys: ThrottleKeys, now: Date): Promise<void> {
  const [emailKey, addressKey] = keysOf(keys);
  const at = now.toISOString();
  await db.batch([
    upsertFailure(db, emailKey!, EMAIL_POLICY, now, at),
    upsertFailure(db, addressKey!, ADDRESS_POLICY, now, at),
  ]);
}

function upsertFailure(db: DrizzleD1Database, key: string, policy: ThrottlePolicy, now: Date, at: string) {
  const windowStart = new Date(now.getTime() - policy.windowSeconds * 1000).toISOString();
  const lockUntil = new Date(now.getTime() + policy.lockSeconds * 1000).toISOString();
  // One statement: a failure in an expired window starts a new one; reaching the limit sets the lock.
  const failures = sql`CASE WHEN ${loginFailures.windowStart} < ${windowStart} THEN 1 ELSE ${loginFailures.failures} + 1 END`;
  return db
    .insert(loginFailures)
    .values({ key, failures: 1, windowStart: at, lockedUntil: policy.maxFailures <= 1 ? lockUntil : null })
    .onConflictDoUpdate({
      target: loginFailures.key,
      set: {
        failures,
        windowStart: sql`CASE WHEN ${loginFailures.windowStart} < ${windowStart} THEN ${at} ELSE ${loginFailures.windowStart} END`,
        lockedUntil: sql`CASE WHEN ${failures} >= ${policy.maxFailures} THEN ${lockUntil} ELSE ${loginFailures.lockedUntil} END`,
      },
    });
}

/** A successful sign-in clears the e-mail's failures (the address keeps its count). */
export async function clearFailures(db: DrizzleD1Database, keys: ThrottleKeys): Promise<void> {
  await db.delete(loginFailures).where(eq(loginFailures.key, keysOf(keys)[0]!));
}
