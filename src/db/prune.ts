/** The cron's pruning of spent credentials and sign-in records, a bounded batch per table per run. */
import { sql, type SQL } from "drizzle-orm";
import { SQLiteAsyncDialect, type SQLiteTable } from "drizzle-orm/sqlite-core";
import { clientAssertions, invitations, loginFailures, oauthCodes, refreshTokens, samlAssertions, samlRequests, sessions, userSessions } from "./schema";

const DAY = 86400_000;
// Rows per table per run; the cron runs every five minutes, so a backlog drains within hours.
export const PRUNE_BATCH = 500;
// A code is kept a day past its expiry, so a replay within (or just after) its life still revokes its grant.
export const CODE_KEEP_DAYS = 1;
// A rotated refresh token is kept long past the grace period: presenting it again is what reveals a theft.
export const ROTATED_REFRESH_KEEP_DAYS = 30;
// Throttling looks back 15 minutes at most; a day leaves room for any longer policy.
export const LOGIN_FAILURE_KEEP_DAYS = 1;
// Answered or expired invitations stay visible to the organization for a month.
export const INVITATION_KEEP_DAYS = 30;

// A pending single sign-on request is kept a day past its expiry, so a late response is refused as expired, not unknown.
export const SAML_REQUEST_KEEP_DAYS = 1;

export type PruneReport = {
  sessions: number;
  codes: number;
  refreshTokens: number;
  loginFailures: number;
  invitations: number;
  userSessions: number;
  samlRequests: number;
  samlAssertions: number;
  clientAssertions: number;
};

const dialect = new SQLiteAsyncDialect();

/** Deletes at most `batch` rows of `table` matching `where` (an indexed condition). */
const deleteSome = (table: SQLiteTable, where: SQL, batch: number) =>
  dialect.sqlToQuery(sql`DELETE FROM ${table} WHERE rowid IN (SELECT rowid FROM ${table} WHERE ${where} LIMIT ${batch})`);

/** The pruning statements at `now`, one per table, each named for what it prunes. */
export function pruneQueries(now: Date, batch = PRUNE_BATCH): { prunes: keyof PruneReport; sql: string; params: unknown[] }[] {
  const at = now.toISOString();
  const before = (days: number) => new Date(now.getTime() - days * DAY).toISOString();
  const invitationCutoff = before(INVITATION_KEEP_DAYS);
  return [
    { prunes: "sessions" as const, ...deleteSome(sessions, sql`${sessions.expiresAt} < ${at}`, batch) },
    { prunes: "codes" as const, ...deleteSome(oauthCodes, sql`${oauthCodes.expiresAt} < ${before(CODE_KEEP_DAYS)}`, batch) },
    {
      prunes: "refreshTokens" as const,
      ...deleteSome(refreshTokens, sql`${refreshTokens.rotatedAt} < ${before(ROTATED_REFRESH_KEEP_DAYS)} OR ${refreshTokens.expiresAt} < ${at}`, batch),
    },
    { prunes: "loginFailures" as const, ...deleteSome(loginFailures, sql`${loginFailures.windowStart} < ${before(LOGIN_FAILURE_KEEP_DAYS)}`, batch) },
    {
      prunes: "invitations" as const,
      ...deleteSome(
        invitations,
        sql`(${invitations.status} <> 'pending' AND coalesce(${invitations.respondedAt}, ${invitations.createdAt}) < ${invitationCutoff}) OR ${invitations.expiresAt} < ${invitationCutoff}`,
        batch,
      ),
    },
    { prunes: "userSessions" as const, ...deleteSome(userSessions, sql`${userSessions.expiresAt} < ${at}`, batch) },
    { prunes: "samlRequests" as const, ...deleteSome(samlRequests, sql`${samlRequests.expiresAt} < ${before(SAML_REQUEST_KEEP_DAYS)}`, batch) },
    // An assertion ID is kept until the assertion itself could no longer be accepted: then a replay fails on its times.
    { prunes: "samlAssertions" as const, ...deleteSome(samlAssertions, sql`${samlAssertions.expiresAt} < ${at}`, batch) },
    { prunes: "clientAssertions" as const, ...deleteSome(clientAssertions, sql`${clientAssertions.expiresAt} < ${at}`, batch) },
  ];
}

/** Deletes expired sessions, spent codes and refresh tokens, old sign-in failures and invitations, and spent single sign-on state. */
export async function pruneCredentials(env: Env, now: Date, batch = PRUNE_BATCH): Promise<PruneReport> {
  const queries = pruneQueries(now, batch);
  const results = await env.DB.batch(queries.map((q) => env.DB.prepare(q.sql).bind(...q.params)));
  return Object.fromEntries(queries.map((q, i) => [q.prunes, results[i]?.meta.changes ?? 0])) as PruneReport;
}
