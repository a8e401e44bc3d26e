/** OAuth access tokens: ES256 JWTs signed with the current key, verified locally against published keys. */
import { errors, importJWK, jwtVerify, SignJWT, type CryptoKey as JoseKey, type JWTPayload } from "jose";
import { configOf, keyEncryptionSecret } from "../shared/config";
import { scimBaseOf } from "../shared/scim-base";
import { signingKeyWriter } from "../writer/address";
import { currentSigningKey, publicKey } from "./keys";

export const SCOPE = "scim";

/** The claims edge-scim puts in an access token beyond the registered ones. */
export interface AccessClaims {
  org: string;
  client_id: string;
  gid: string;
  scope: string;
  // The client secret a client-credentials token was obtained with: removing it ends the token.
  sid?: string;
}

/** The issuer of our tokens and metadata: the origin the request came to. */
export const issuerOf = (url: string) => new URL(url).origin;
/** The audience of our tokens: the SCIM service they are for. */
export const audienceOf = scimBaseOf;

/** Signs an access token; creates the first signing key when there is none. */
export async function issueAccessToken(env: Env, url: string, subject: string, claims: AccessClaims): Promise<{ token: string; expiresIn: number }> {
  const now = new Date();
  const config = configOf(env);
  let key = await currentSigningKey(env.DB, keyEncryptionSecret(config), now);
  if (!key) {
    await signingKeyWriter(env).rotateSigningKeys(now.getTime());
    key = await currentSigningKey(env.DB, keyEncryptionSecret(config), now);
  }
  const expiresIn = config.accessTokenMinutes * 60;
  const token = await new SignJWT({ ...claims })
    .setProtectedHeader({ alg: "ES256", kid: key!.kid, typ: "at+jwt" })
    .setIssuer(issuerOf(url))
    .setSubject(subject)
    .setAudience(audienceOf(url))
    .setJti(crypto.randomUUID())
    // One clock read for both, so a token lives exactly its lifetime whatever the machine's load.
    .setIssuedAt(Math.floor(now.getTime() / 1000))
    .setExpirationTime(Math.floor(now.getTime() / 1000) + expiresIn)
    .sign(key!.key);
  return { token, expiresIn };
}

// Public keys by kid, per isolate: a key is immutable once published.
const verificationKeys = new Map<string, JoseKey>();

/** Whether a Bearer token has the shape of a JWT (SCIM tokens do not). */
export const looksLikeJwt = (token: string) => /^[\w-]+\.[\w-]+\.[\w-]+$/.test(token);

export type Verified = { ok: true; claims: JWTPayload & AccessClaims } | { ok: false; reason: string };

/** Verifies signature, issuer, audience and expiry locally. */
export async function verifyAccessToken(env: Env, url: string, token: string): Promise<Verified> {
  try {
    const { payload } = await jwtVerify(
      token,
      async (header) => {
        const kid = header.kid ?? "";
        let key = verificationKeys.get(kid);
        if (!key) {
          const jwk = await publicKey(env.DB, kid, new Date());
          if (!jwk) throw new errors.JWKSNoMatchingKey();
          key = (await importJWK(jwk, "ES256")) as JoseKey;
          verificationKeys.set(kid, key);
        }
        return key;
      },
      { issuer: issuerOf(url), audience: audienceOf(url), algorithms: ["ES256"] },
    );
    const claims = payload as JWTPayload & Partial<AccessClaims>;
    if (typeof claims.org !== "string" || typeof claims.gid !== "string" || typeof claims.client_id !== "string") {
      return { ok: false, reason: "The access token lacks edge-scim's claims." };
    }
    return { ok: true, claims: claims as JWTPayload & AccessClaims };
  } catch (e) {
    return { ok: false, reason: e instanceof errors.JWTExpired ? "The access token has expired." : "The access token is not valid." };
  }
}
