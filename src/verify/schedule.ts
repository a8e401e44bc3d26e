/** When claims expire and when a pending claim is checked next. */

export const CLAIM_DAYS = 10;
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** A claim expires 10 days after it was made. */
export const expiryOf = (createdAt: Date) => new Date(createdAt.getTime() + CLAIM_DAYS * 24 * HOUR);

/** Often while DNS propagates (first hour), then less often; never after expiry. */
export function nextCheckAt(createdAt: Date, expiresAt: Date, now: Date): Date {
  const age = now.getTime() - createdAt.getTime();
  const interval = age < HOUR ? 5 * MINUTE : age < 24 * HOUR ? 30 * MINUTE : 2 * HOUR;
  return new Date(Math.min(now.getTime() + interval, expiresAt.getTime()));
}
