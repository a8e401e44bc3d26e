/**
 * Client authentication by a client assertion (RFC 7523 section 2.2): a token an outside issuer (Entra's
 * tenant) signed for a subject and an audience that match one federated credential exactly.
 */
import { and, eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, errors, jwtVerify, type JWTPayload } from "jose";
import { clientAssertions, federatedCredentials, type FederatedCredentialRow } from "../db/schema";
import { keysOf } from "./issuer-keys";

export const JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
export const CLOCK_SKEW_SECONDS = 5 * 60;
const ALGORITHMS = ["RS256", "ES256"];
const MAX_ASSERTION_CHARS = 16 * 1024;
const MAX_LIFETIME_MS = 24 * 60 * 60 * 1000;

/** A refusal names the organizations whose credentials the assertion came close to, so their logs can say why. */
export type AssertionCheck = { ok: true; credential: FederatedCredentialRow } | { ok: false; reason: string; orgIds: string[] };

const refuse = (reason: string, orgIds: string[] = []): AssertionCheck => ({ ok: false, reason, orgIds });

/** Why jose refused a token, in words for the admin. */
function reasonOf(e: unknown): string {
  if (e instanceof errors.JWTExpired) return "the assertion has expired";
  if (e instanceof errors.JWTClaimValidationFailed) return `the assertion's ${e.claim} claim is not acceptable (${e.reason})`;
  if (e instanceof errors.JWSSignatureVerificationFailed) return "the assertion's signature does not verify with the issuer's key";
  if (e instanceof errors.JOSEAlgNotAllowed) return "the assertion is not signed with RS256 or ES256";
  if (e instanceof errors.JWKSNoMatchingKey || e instanceof errors.JWKSMultipleMatchingKeys) return "the assertion names a key the issuer does not publish";
  return "the assertion is not a valid signed JWT";
}

/** Checks a client assertion and spends it; the credential it matches, or why not. */
export async function checkClientAssertion(
  env: Env,
  assertion: string,
  clientId: string | undefined,
  fetcher: typeof fetch,
  now: Date,
): Promise<AssertionCheck> {
  if (assertion.length > MAX_ASSERTION_CHARS) return refuse("the assertion is larger than 16 KB");
  let claims: JWTPayload;
  let alg: string | undefined;
  try {
    claims = decodeJwt(assertion);
    alg = decodeProtectedHeader(assertion).alg;
  } catch {
    return refuse("the assertion is not a JWT");
  }
  // Never `none`, never HMAC (a public key used as a shared secret): checked before any key is fetched.
  if (!alg || !ALGORITHMS.includes(alg)) return refuse(`the assertion is signed with ${alg ?? "no algorithm"}; only RS256 and ES256 are accepted`);
  const { iss, sub } = claims;
  if (typeof iss !== "string" || typeof sub !== "string") return refuse("the assertion lacks iss or sub");

  const db = drizzle(env.DB);
  // Only issuers and subjects some credential trusts are looked at: nobody can make the service fetch other keys.
  const candidates = await db
    .select()
    .from(federatedCredentials)
    .where(and(eq(federatedCredentials.issuer, iss), eq(federatedCredentials.subject, sub), clientId ? eq(federatedCredentials.id, clientId) : undefined));
  if (candidates.length === 0) {
    // Named by client_id, the credential's organization learns which part was wrong (Entra's Test Connection).
    const named = clientId ? await db.select().from(federatedCredentials).where(eq(federatedCredentials.id, clientId)).get() : undefined;
    if (named)
      return refuse(named.issuer !== iss ? `the assertion's issuer ${iss} is not the credential's` : `the assertion's subject ${sub} is not the credential's`, [
        named.orgId,
      ]);
    return refuse(`no federated credential trusts issuer ${iss} for subject ${sub}`);
  }
  const orgIds = [...new Set(candidates.map((c) => c.orgId))];

  // The signature first (the keys are the issuer's, whatever the audience): only a genuine token is judged further.
  const verify = async (unknownKid: boolean) => {
    const keys = await keysOf(env, iss, fetcher, now, unknownKid);
    if (!keys.ok) return { failed: keys.reason };
    return jwtVerify(assertion, createLocalJWKSet({ keys: keys.value }), {
      issuer: iss,
      subject: sub,
      algorithms: ALGORITHMS,
      clockTolerance: CLOCK_SKEW_SECONDS,
      requiredClaims: ["exp"],
      currentDate: now,
    });
  };
  let payload: JWTPayload;
  try {
    const verified = await verify(false).catch(async (e) => {
      // A key the cached set lacks: the issuer may have rotated; look again (at most once a minute).
      if (e instanceof errors.JWKSNoMatchingKey) return verify(true);
      throw e;
    });
    if ("failed" in verified) return refuse(verified.failed as string, orgIds);
    payload = verified.payload;
  } catch (e) {
    return refuse(reasonOf(e), orgIds);
  }
  const audiences = typeof payload.aud === "string" ? [payload.aud] : Array.isArray(payload.aud) ? payload.aud : [];
  const credential = candidates.find((c) => audiences.includes(c.audience));
  // The expected audience is not echoed: it names an organization.
  if (!credential)
    return refuse(`the assertion's audience ${audiences.join(", ") || "(none)"} matches no federated credential of this issuer and subject`, orgIds);
  const mine = [credential.orgId];
  if (typeof payload.iat === "number" && payload.iat * 1000 > now.getTime() + CLOCK_SKEW_SECONDS * 1000)
    return refuse("the assertion was issued in the future", mine);

  // Single use: Entra names its token's unique id `uti`; other issuers `jti`. Kept until the assertion expires.
  const jti = typeof payload.jti === "string" ? payload.jti : typeof payload.uti === "string" ? payload.uti : undefined;
  if (!jti) return refuse("the assertion has no jti (or uti) to make it single-use", mine);
  // Its id is kept until it expires: an assertion valid for longer than a day is no workload token.
  if (payload.exp! * 1000 > now.getTime() + MAX_LIFETIME_MS) return refuse("the assertion expires more than a day from now", mine);
  const expiresAt = new Date((payload.exp! + CLOCK_SKEW_SECONDS) * 1000).toISOString();
  const first = await db
    .insert(clientAssertions)
    .values({ issuer: iss, jti: jti.slice(0, 200), expiresAt })
    .onConflictDoNothing()
    .returning({ jti: clientAssertions.jti });
  if (first.length === 0) return refuse("the assertion was used before (replayed)", mine);
  return { ok: true, credential };
}
