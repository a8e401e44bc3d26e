/**
 * The signing keys of the issuers federated credentials trust, found through each issuer's OpenID
 * discovery document, cached in D1 for every organization, refreshed daily by the cron and at once on an
 * unknown key id (at most once a minute per issuer); a failed refresh keeps the last good key set.
 */
import { asc, eq, lte, notInArray } from "drizzle-orm";
import { drizzle, type DrizzleD1Database } from "drizzle-orm/d1";
import type { JWK } from "jose";
import { federatedCredentials, issuerKeys } from "../db/schema";
import { readBounded } from "../shared/bounded-body";

const MAX_BYTES = 64 * 1024;
export const FETCH_TIMEOUT_MS = 5000;
const DAY_MS = 24 * 60 * 60 * 1000;
const RETRY_MS = 15 * 60 * 1000;
/** An unknown key id refetches an issuer's keys at most this often: a stream of forged kids cannot hammer the issuer. */
export const FORCED_REFRESH_MS = 60_000;
const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

/** Why a URL cannot be an issuer or its key set, or null: https, or http on a loopback host (development). */
export function issuerUrlProblem(raw: string): string | null {
  if (!URL.canParse(raw)) return "is not an absolute URL";
  const url = new URL(raw);
  if (url.username || url.password || url.hash) return "must not carry credentials or a fragment";
  if (url.protocol === "https:" || (url.protocol === "http:" && LOOPBACK.test(url.hostname))) return null;
  return "must be https (plain http only on a loopback host, for development)";
}

type Fetched<T> = { ok: true; value: T } | { ok: false; reason: string };

async function fetchJson(url: string, fetcher: typeof fetch, signal: AbortSignal): Promise<Fetched<Record<string, unknown>>> {
  const response = await fetcher(url, { redirect: "manual", signal, headers: { accept: "application/json" } });
  if (response.status !== 200) return { ok: false, reason: `HTTP ${response.status} from ${url}` };
  const text = await readBounded(response, MAX_BYTES);
  if (text === undefined) return { ok: false, reason: `${url} is larger than ${MAX_BYTES / 1024} KB` };
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === "object" && !Array.isArray(value)
      ? { ok: true, value: value as Record<string, unknown> }
      : { ok: false, reason: `${url} is not a JSON object` };
  } catch {
    return { ok: false, reason: `${url} is not JSON` };
  }
}

/** The issuer's discovery document, then its JWKS: the signing keys (RSA and EC, not encryption ones). */
export async function fetchIssuerKeys(issuer: string, fetcher: typeof fetch, timeoutMs = FETCH_TIMEOUT_MS): Promise<Fetched<{ jwksUri: string; keys: JWK[] }>> {
  const problem = issuerUrlProblem(issuer);
  if (problem) return { ok: false, reason: `the issuer ${problem}` };
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(new DOMException(`no answer within ${timeoutMs} ms`, "TimeoutError")), timeoutMs);
  try {
    const discovery = await fetchJson(`${issuer.replace(/\/$/, "")}/.well-known/openid-configuration`, fetcher, deadline.signal);
    if (!discovery.ok) return discovery;
    // OpenID Connect Discovery 1.0 section 4.3: the document must name the issuer it was fetched for.
    if (discovery.value.issuer !== issuer)
      return { ok: false, reason: `the discovery document names the issuer ${String(discovery.value.issuer)}, not ${issuer}` };
    const jwksUri = discovery.value.jwks_uri;
    if (typeof jwksUri !== "string" || issuerUrlProblem(jwksUri)) return { ok: false, reason: "the discovery document has no usable jwks_uri" };
    const jwks = await fetchJson(jwksUri, fetcher, deadline.signal);
    if (!jwks.ok) return jwks;
    const keys = (Array.isArray(jwks.value.keys) ? jwks.value.keys : []).filter(
      (k): k is JWK => !!k && typeof k === "object" && (k.kty === "RSA" || k.kty === "EC") && k.use !== "enc",
    );
    if (keys.length === 0) return { ok: false, reason: `${jwksUri} holds no RSA or EC signing key` };
    return { ok: true, value: { jwksUri, keys } };
  } catch (e) {
    const timedOut = e instanceof DOMException && e.name === "TimeoutError";
    return { ok: false, reason: timedOut ? `no answer from ${issuer} within ${timeoutMs / 1000} s` : `could not connect to ${issuer}` };
  } finally {
    clearTimeout(timer);
  }
}

/** Fetches an issuer's keys now and stores the outcome; a failure keeps the keys it had. */
async function refresh(db: DrizzleD1Database, issuer: string, fetcher: typeof fetch, now: Date) {
  const fetched = await fetchIssuerKeys(issuer, fetcher);
  const at = now.toISOString();
  const values = fetched.ok
    ? {
        jwksUri: fetched.value.jwksUri,
        keys: fetched.value.keys as Record<string, unknown>[],
        fetchedAt: at,
        triedAt: at,
        lastError: null,
        nextRefreshAt: new Date(now.getTime() + DAY_MS).toISOString(),
      }
    : { triedAt: at, lastError: fetched.reason, nextRefreshAt: new Date(now.getTime() + RETRY_MS).toISOString() };
  return db
    .insert(issuerKeys)
    .values({ issuer, ...values })
    .onConflictDoUpdate({ target: issuerKeys.issuer, set: values })
    .returning()
    .get();
}

/**
 * The issuer's keys: the cached set, fetched first when there is none (or it is due), or again when
 * `unknownKid` says the cached set lacks the key an assertion names and the last try is a minute old.
 */
export async function keysOf(env: Env, issuer: string, fetcher: typeof fetch, now: Date, unknownKid = false): Promise<Fetched<JWK[]>> {
  const db = drizzle(env.DB);
  let row = await db.select().from(issuerKeys).where(eq(issuerKeys.issuer, issuer)).get();
  const stale = !row || (!row.keys && Date.parse(row.nextRefreshAt) <= now.getTime());
  const forced = unknownKid && row && now.getTime() - Date.parse(row.triedAt) >= FORCED_REFRESH_MS;
  if (stale || forced) row = await refresh(db, issuer, fetcher, now);
  if (!row?.keys) return { ok: false, reason: `the issuer's keys could not be fetched: ${row?.lastError ?? "unknown error"}` };
  return { ok: true, value: row.keys as JWK[] };
}

/** The cron duty: issuers whose daily refresh (or retry) is due, a bounded number per run. */
export async function refreshDueIssuers(env: Env, fetcher: typeof fetch, now: Date) {
  const db = drizzle(env.DB);
  // Issuers no credential trusts any more are forgotten rather than refreshed forever.
  await db.delete(issuerKeys).where(notInArray(issuerKeys.issuer, db.selectDistinct({ issuer: federatedCredentials.issuer }).from(federatedCredentials)));
  const due = await db
    .select({ issuer: issuerKeys.issuer })
    .from(issuerKeys)
    .where(lte(issuerKeys.nextRefreshAt, now.toISOString()))
    .orderBy(asc(issuerKeys.nextRefreshAt))
    .limit(10);
  let failed = 0;
  for (const { issuer } of due) if ((await refresh(db, issuer, fetcher, now))?.lastError) failed++;
  return { due: due.length, failed };
}
