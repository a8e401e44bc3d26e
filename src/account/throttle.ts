/**
 * Sign-in throttling. Failures of one e-mail from one client address slow that pair down with short,
 * growing delays (never a lock that others could impose on the owner); a client address that fails
 * too often across e-mails is refused for a while.
 */
import { eq, inArray, sql } from "drizzle-orm";
import type { DrizzleD1Database } from "drizzle-orm/d1";
import { loginFailures } from "../db/schema";

/** Failures of an e-mail from one address: free ones, then a delay doubling from 1 s up to the cap. */
export const PAIR_POLICY = { freeFailures: 3, maxDelaySeconds: 60, forgetAfterSeconds: 15 * 60 };
/** Failures from one address, whatever the e-mail: a limit per window, then a pause. */
export const ADDRESS_POLICY = { maxFailures: 20, windowSeconds: 15 * 60, lockSeconds: 15 * 60 };

export interface ThrottleKeys {
  email: string;
  address: string;
}

const pairKey = (k: ThrottleKeys) => `pair:${k.email.toLowerCase()}|${k.address}`;
const addressKey = (k: ThrottleKeys) => `address:${k.address}`;

/** The delay after the `failures`-th failure of a pair, in seconds: 0 while free, then 1, 2, 4 ... up to the cap. */
export function pairDelaySeconds(failures: number): number {
  const over = failures - PAIR_POLICY.freeFailures;
  return over <= 0 ? 0 : Math.min(PAIR_POLICY.maxDelaySeconds, 2 ** (over - 1));
}

/** Seconds until these keys may try again, or 0. */
export async function waitFor(db: DrizzleD1Database, keys: ThrottleKeys, now: Date): Promise<number> {
  const rows = await db
    .select()
    .from(loginFailures)
    .where(inArray(loginFailures.key, [pairKey(keys), addressKey(keys)]));
  const until = Math.max(0, ...rows.map((r) => (r.lockedUntil ? Date.parse(r.lockedUntil) : 0)));
  return until > now.getTime() ? Math.ceil((until - now.getTime()) / 1000) : 0;
}

/** Counts one failure against the pair and the address. */
export async function recordFailure(db: DrizzleD1Database, keys: ThrottleKeys, now: Date): Promise<void> {
  const at = now.toISOString();
  const since = (seconds: number) => new Date(now.getTime() - seconds * 1000).toISOString();

  // The pair's window_start is its last failure: a quiet quarter of an hour forgets the count.
  const pairFailures = sql`CASE WHEN ${loginFailures.windowStart} < ${since(PAIR_POLICY.forgetAfterSeconds)} THEN 1 ELSE ${loginFailures.failures} + 1 END`;
  // pairDelaySeconds in SQL: 2^(n - free - 1) as a shift, capped.
  const over = sql`(${pairFailures} - ${PAIR_POLICY.freeFailures})`;
  const delayMs = sql`CASE WHEN ${over} <= 0 THEN 0 ELSE min(${PAIR_POLICY.maxDelaySeconds}, 1 << min(${over} - 1, 16)) * 1000 END`;
  const pair = db
    .insert(loginFailures)
    .values({
      key: pairKey(keys),
      failures: 1,
      windowStart: at,
      lockedUntil: pairDelaySeconds(1) > 0 ? new Date(now.getTime() + pairDelaySeconds(1) * 1000).toISOString() : null,
    })
    .onConflictDoUpdate({
      target: loginFailures.key,
      set: {
        failures: pairFailures,
        windowStart: at,
        lockedUntil: sql`strftime('%Y-%m-%dT%H:%M:%fZ', ${now.getTime()} / 1000.0 + ${delayMs} / 1000.0, 'unixepoch')`,
      },
    });

  const windowStart = since(ADDRESS_POLICY.windowSeconds);
  const lockUntil = new Date(now.getTime() + ADDRESS_POLICY.lockSeconds * 1000).toISOString();
  const addressFailures = sql`CASE WHEN ${loginFailures.windowStart} < ${windowStart} THEN 1 ELSE ${loginFailures.failures} + 1 END`;
  const address = db
    .insert(loginFailures)
    .values({ key: addressKey(keys), failures: 1, windowStart: at, lockedUntil: null })
    .onConflictDoUpdate({
      target: loginFailures.key,
      set: {
        failures: addressFailures,
        windowStart: sql`CASE WHEN ${loginFailures.windowStart} < ${windowStart} THEN ${at} ELSE ${loginFailures.windowStart} END`,
        lockedUntil: sql`CASE WHEN ${addressFailures} >= ${ADDRESS_POLICY.maxFailures} THEN ${lockUntil} ELSE ${loginFailures.lockedUntil} END`,
      },
    });
  await db.batch([pair, address]);
}

/** A successful sign-in clears the pair's failures (the address keeps its count). */
export async function clearFailures(db: DrizzleD1Database, keys: ThrottleKeys): Promise<void> {
  await db.delete(loginFailures).where(eq(loginFailures.key, pairKey(keys)));
}
