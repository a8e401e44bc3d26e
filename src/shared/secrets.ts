/** Random secrets, their SHA-256 hashes (the only form stored) and constant-time comparison. */
import { toBase64url } from "./base64";

const encoder = new TextEncoder();

/** A new secret of 256 random bits with a readable prefix, e.g. `scim_...`. */
export function newSecret(prefix: string): string {
  return `${prefix}_${toBase64url(crypto.getRandomValues(new Uint8Array(32)))}`;
}

/** The SHA-256 of a secret, hex encoded. */
export async function sha256Hex(secret: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(secret)));
  return [...digest].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** Compares two secrets in constant time (hashing first makes the lengths equal). */
export async function secretsEqual(a: string, b: string): Promise<boolean> {
  const [ha, hb] = await Promise.all([crypto.subtle.digest("SHA-256", encoder.encode(a)), crypto.subtle.digest("SHA-256", encoder.encode(b))]);
  return crypto.subtle.timingSafeEqual(ha, hb);
}
