/** Keeping identity providers' metadata current: the cron refreshes each metadata URL daily, so certificate rollovers need nobody. */
import { and, asc, isNotNull, lte } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { identityProviders } from "../db/schema";
import { orgWriter } from "../writer/address";
import { loadMetadata } from "./load-metadata";

const PER_RUN = 10;

/** Fetches `url` now and stores the outcome in the organization's writer (a failure keeps the last good metadata). */
export async function refreshIdentityProvider(env: Env, orgId: string, url: string, fetcher: typeof fetch, actor: string, now: Date) {
  const loaded = await loadMetadata(url, fetcher);
  return orgWriter(env, orgId).storeMetadataRefresh(orgId, url, loaded, actor, now.getTime());
}

/** The cron duty: the providers whose refresh is due, oldest first, a bounded number per run. */
export async function refreshDueIdentityProviders(env: Env, fetcher: typeof fetch, now: Date) {
  const due = await drizzle(env.DB)
    .select({ orgId: identityProviders.orgId, url: identityProviders.metadataUrl })
    .from(identityProviders)
    .where(and(isNotNull(identityProviders.metadataUrl), lte(identityProviders.nextRefreshAt, now.toISOString())))
    .orderBy(asc(identityProviders.nextRefreshAt))
    .limit(PER_RUN);
  let refreshed = 0;
  let failed = 0;
  for (const { orgId, url } of due) {
    const row = await refreshIdentityProvider(env, orgId, url!, fetcher, "system:cron", now);
    if (row?.lastError) failed++;
    else refreshed++;
  }
  return { due: due.length, refreshed, failed };
}
