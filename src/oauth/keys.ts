/** Access-token signing keys: ES256 pairs, private halves sealed with a Worker secret, rotated by the cron. */
import { and, desc, eq, gt, lt } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { exportJWK, generateKeyPair, importJWK, type CryptoKey as JoseKey, type JWK } from "jose";
import { signingKeys } from "../db/schema";
import { fromBase64, toBase64 } from "../shared/base64";
import { MAX_ACCESS_TOKEN_MINUTES } from "../shared/config";

const DAY = 24 * 3600 * 1000;
// A key signs for 30 days; its public key stays published until every token it signed has expired.
export const KEY_SIGNING_DAYS = 30;
const encoder = new TextEncoder();

/** The AES key derived from KEY_ENCRYPTION_SECRET (the config checks its length). */
async function sealingKey(secret: string): Promise<CryptoKey> {
  const material = await crypto.subtle.digest("SHA-256", encoder.encode(`edge-scim signing keys\u0000${secret}`));
  return crypto.subtle.importKey("raw", material, "AES-GCM", false, ["encrypt", "decrypt"]);
}

/** AES-GCM encrypts a private JWK: `<iv>.<ciphertext>`, both base64. */
export async function seal(jwk: JWK, secret: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const sealed = await crypto.subtle.encrypt({ name: "AES-GCM", iv }, await sealingKey(secret), encoder.encode(JSON.stringify(jwk)));
  return `${toBase64(iv)}.${toBase64(sealed)}`;
}

async function unseal(sealed: string, secret: string): Promise<JWK> {
  const [iv, data] = sealed.split(".").map((part) => fromBase64(part));
  if (!iv || !data) throw new Error("A sealed signing key is not `<iv>.<ciphertext>` in base64.");
  const plain = await crypto.subtle.decrypt({ name: "AES-GCM", iv }, await sealingKey(secret), data);
  return JSON.parse(new TextDecoder().decode(plain)) as JWK;
}

/**
 * Makes sure a key signs now (creating one when none does) and drops keys whose tokens have all
 * expired. Runs serialized (the key writer), from the cron and on first use.
 */
export async function rotateSigningKeys(db: D1Database, secret: string, now: Date): Promise<void> {
  const d = drizzle(db);
  await d.delete(signingKeys).where(lt(signingKeys.dropAfter, now.toISOString()));
  const active = await d.select({ kid: signingKeys.kid }).from(signingKeys).where(gt(signingKeys.retiresAt, now.toISOString())).get();
  if (active) return;
  const { publicKey, privateKey } = await generateKeyPair("ES256", { extractable: true });
  const kid = crypto.randomUUID();
  const retires = new Date(now.getTime() + KEY_SIGNING_DAYS * DAY);
  await d.insert(signingKeys).values({
    kid,
    publicJwk: { ...(await exportJWK(publicKey)), kid, alg: "ES256", use: "sig" },
    privateJwkSealed: await seal(await exportJWK(privateKey), secret),
    createdAt: now.toISOString(),
    retiresAt: retires.toISOString(),
    dropAfter: new Date(retires.getTime() + (MAX_ACCESS_TOKEN_MINUTES + 5) * 60_000).toISOString(),
  });
}

export interface SigningKey {
  kid: string;
  key: JoseKey;
}

/** The newest key that signs now, unsealed; undefined when rotation has not made one yet. */
export async function currentSigningKey(db: D1Database, secret: string, now: Date): Promise<SigningKey | undefined> {
  const row = await drizzle(db).select().from(signingKeys).where(gt(signingKeys.retiresAt, now.toISOString())).orderBy(desc(signingKeys.createdAt)).get();
  if (!row) return undefined;
  return { kid: row.kid, key: (await importJWK(await unseal(row.privateJwkSealed, secret), "ES256")) as JoseKey };
}

/** The public keys clients may verify with (`/.well-known/jwks.json`): never a private part. */
export async function publicKeys(db: D1Database, now: Date): Promise<JWK[]> {
  const rows = await drizzle(db)
    .select({ jwk: signingKeys.publicJwk })
    .from(signingKeys)
    .where(gt(signingKeys.dropAfter, now.toISOString()))
    .orderBy(desc(signingKeys.createdAt));
  return rows.map((r) => r.jwk as JWK);
}

/** One published public key by kid. */
export async function publicKey(db: D1Database, kid: string, now: Date): Promise<JWK | undefined> {
  const row = await drizzle(db)
    .select({ jwk: signingKeys.publicJwk })
    .from(signingKeys)
    .where(and(eq(signingKeys.kid, kid), gt(signingKeys.dropAfter, now.toISOString())))
    .get();
  return row?.jwk as JWK | undefined;
}
