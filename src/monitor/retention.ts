/** The cron's pruning of old provisioning events, in bounded batches. */
import { sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { provisioningEvents, signIns } from "../db/schema";
import { configOf } from "../shared/config";

const BATCH = 1000;
const MAX_BATCHES = 20;

/** Deletes events older than EVENT_RETENTION_DAYS, oldest first, at most MAX_BATCHES x BATCH per run. */
export async function pruneEvents(env: Env, now: Date, batch = BATCH): Promise<number> {
  const cutoff = new Date(now.getTime() - configOf(env).eventRetentionDays * 86400_000).toISOString();
  const e = provisioningEvents;
  let deleted = 0;
  for (let i = 0; i < MAX_BATCHES; i++) {
    // seq and at grow together, so the oldest events by seq are the expired ones.
    const result = await drizzle(env.DB).run(
      sql`DELETE FROM ${e} WHERE ${e.seq} IN (SELECT ${e.seq} FROM ${e} WHERE ${e.at} < ${cutoff} ORDER BY ${e.seq} LIMIT ${batch})`,
    );
    const changes = result.meta.changes ?? 0;
    deleted += changes;
    if (changes < batch) break;
  }
  // The sign-in log is kept as long as the provisioning log.
  const s = signIns;
  const signInsDeleted = await drizzle(env.DB).run(
    sql`DELETE FROM ${s} WHERE ${s.seq} IN (SELECT ${s.seq} FROM ${s} WHERE ${s.at} < ${cutoff} ORDER BY ${s.at} LIMIT ${batch * MAX_BATCHES})`,
  );
  return deleted + (signInsDeleted.meta.changes ?? 0);
}
