/** An organization's identity provider: its configuration, settings and metadata refreshes (run in the organization's writer). */
import { and, eq } from "drizzle-orm";
import { drizzle, type DrizzleD1Database } from "drizzle-orm/d1";
import { configOf } from "../shared/config";
import { RecentAnswers } from "../shared/recent-answers";
import { audit } from "../db/audit";
import { identityProviders, type IdentityProviderRow } from "../db/schema";
import type { LoadedMetadata } from "./load-metadata";
import type { IdpMetadata } from "./metadata";
import type { ServiceProvider } from "./service-provider";

const DAY_MS = 24 * 60 * 60 * 1000;
const FIRST_RETRY_MS = 15 * 60 * 1000;

export interface IdentityProviderSettings {
  enabled?: boolean;
  allowIdpInitiated?: boolean;
  jit?: boolean;
  allowSha1?: boolean;
}

export const readIdentityProvider = (db: DrizzleD1Database, orgId: string) =>
  db.select().from(identityProviders).where(eq(identityProviders.orgId, orgId)).get();

// Per isolate, as for access tokens: the ACS trusts a read for REVOCATION_CHECK_SECONDS, so a new certificate,
// a removal or a setting takes effect within that time, and a burst of sign-ins spares a D1 round trip each.
const recent = new RecentAnswers<IdentityProviderRow | undefined>(1000);

/** The organization's identity provider as the ACS sees it: read at most once per REVOCATION_CHECK_SECONDS per isolate. */
export const trustedIdentityProvider = (env: Env, orgId: string, now = Date.now()) =>
  recent.answer(orgId, now, configOf(env).revocationCheckSeconds * 1000, async () => {
    const row = await readIdentityProvider(drizzle(env.DB), orgId);
    // Only a configured provider is kept: one set up a moment ago answers at once.
    return { value: row, until: row ? Number.POSITIVE_INFINITY : now };
  });

const fingerprints = (metadata: IdpMetadata) => metadata.certificates.map((c) => c.sha256);

/** What a successful load stores: the metadata, and a clean refresh record. */
const loadedValues = (metadata: IdpMetadata, xml: string, url: string | null, now: Date) => ({
  entityId: metadata.entityId,
  ssoUrl: metadata.ssoUrl,
  ssoBinding: metadata.ssoBinding,
  metadataUrl: url,
  metadataXml: xml,
  certificates: metadata.certificates,
  refreshedAt: now.toISOString(),
  lastError: null,
  refreshFailures: 0,
  nextRefreshAt: url ? new Date(now.getTime() + DAY_MS).toISOString() : null,
  updatedAt: now.toISOString(),
});

/** Stores the metadata (from a URL or pasted), keeping the settings an earlier configuration had. */
export async function configureIdentityProvider(
  db: DrizzleD1Database,
  orgId: string,
  source: { metadata: IdpMetadata; xml: string; url: string | null },
  actor: string,
  now: Date,
): Promise<IdentityProviderRow> {
  const values = loadedValues(source.metadata, source.xml, source.url, now);
  const [rows] = await db.batch([
    db
      .insert(identityProviders)
      .values({ orgId, ...values, createdAt: values.updatedAt })
      .onConflictDoUpdate({ target: identityProviders.orgId, set: values })
      .returning(),
    audit(
      db,
      orgId,
      actor,
      "sso.configure",
      { entityId: values.entityId, metadataUrl: source.url, certificates: fingerprints(source.metadata) },
      values.updatedAt,
    ),
  ]);
  return rows[0]!;
}

/** Changes the settings; undefined when the organization has no identity provider. */
export async function changeIdentityProviderSettings(
  db: DrizzleD1Database,
  orgId: string,
  change: IdentityProviderSettings,
  actor: string,
  now: Date,
): Promise<IdentityProviderRow | undefined> {
  const at = now.toISOString();
  const row = await db
    .update(identityProviders)
    .set({ ...change, updatedAt: at })
    .where(eq(identityProviders.orgId, orgId))
    .returning()
    .get();
  // Audited only when there was something to change (the writer serializes the two statements).
  if (row) await audit(db, orgId, actor, "sso.settings", { ...change }, at);
  return row;
}

/** Removes the identity provider; single sign-on stops at once. */
export async function removeIdentityProvider(db: DrizzleD1Database, orgId: string, actor: string, now: Date): Promise<boolean> {
  const removed = await db.delete(identityProviders).where(eq(identityProviders.orgId, orgId)).returning({ orgId: identityProviders.orgId });
  if (removed.length > 0) await audit(db, orgId, actor, "sso.remove", {}, now.toISOString());
  return removed.length > 0;
}

/** The wait before the next try after `failures` failed refreshes in a row: 15 min, doubling, at most a day. */
export const retryDelayMs = (failures: number) => Math.min(FIRST_RETRY_MS * 2 ** Math.max(0, failures - 1), DAY_MS);

/**
 * Stores the outcome of fetching `url`, if it is still the organization's metadata URL (the admin may
 * have changed it while the fetch ran). A failure keeps the last good metadata and says why.
 */
export async function storeMetadataRefresh(
  db: DrizzleD1Database,
  orgId: string,
  url: string,
  loaded: LoadedMetadata,
  actor: string,
  now: Date,
): Promise<IdentityProviderRow | undefined> {
  const current = await db
    .select()
    .from(identityProviders)
    .where(and(eq(identityProviders.orgId, orgId), eq(identityProviders.metadataUrl, url)))
    .get();
  if (!current) return undefined;
  const at = now.toISOString();
  if (!loaded.ok) {
    const failures = current.refreshFailures + 1;
    return db
      .update(identityProviders)
      .set({ lastError: loaded.reason, refreshFailures: failures, nextRefreshAt: new Date(now.getTime() + retryDelayMs(failures)).toISOString() })
      .where(eq(identityProviders.orgId, orgId))
      .returning()
      .get();
  }
  const before = current.certificates.map((c) => c.sha256).sort();
  const after = fingerprints(loaded.metadata).sort();
  const changed = before.join() !== after.join();
  const update = db
    .update(identityProviders)
    .set(loadedValues(loaded.metadata, loaded.xml, url, now))
    .where(eq(identityProviders.orgId, orgId))
    .returning();
  // A rollover arrives with nobody watching: the audit trail says when the certificates changed.
  if (!changed) return (await update)[0];
  const [rows] = await db.batch([update, audit(db, orgId, actor, "sso.certificates_changed", { before, after }, at)]);
  return rows[0];
}

/** The identity provider as admins see it (contract section 5): what the metadata said, the settings, and what to paste into Entra. */
export const identityProviderView = (row: IdentityProviderRow, sp: ServiceProvider) => ({
  entityId: row.entityId,
  ssoUrl: row.ssoUrl,
  ssoBinding: row.ssoBinding,
  metadataUrl: row.metadataUrl,
  certificates: row.certificates.map(({ subject, notAfter, sha256 }) => ({ subject, notAfter, sha256 })),
  refreshedAt: row.refreshedAt,
  lastError: row.lastError,
  nextRefreshAt: row.nextRefreshAt,
  enabled: row.enabled,
  allowIdpInitiated: row.allowIdpInitiated,
  jit: row.jit,
  allowSha1: row.allowSha1,
  serviceProvider: sp,
});
