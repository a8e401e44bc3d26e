/** Base64 (RFC 4648 section 4) and its URL-safe, unpadded form (section 5), for bytes. */

/** Bytes as a binary string, one character per byte (what btoa takes); a loop, so large arrays never overflow the stack. */
function binaryOf(bytes: Uint8Array): string {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return binary;
}

/** A binary string's bytes; a plain loop, several times faster than a mapping callback on large inputs. */
function bytesOf(binary: string): Uint8Array {
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Bytes as padded base64. */
export const toBase64 = (bytes: Uint8Array | ArrayBuffer): string => btoa(binaryOf(new Uint8Array(bytes)));

/** The bytes of a base64 text; undefined when it is not base64. */
export function fromBase64(text: string): Uint8Array | undefined {
  try {
    return bytesOf(atob(text));
  } catch {
    return undefined;
  }
}

/** Bytes as base64url without padding, as JWTs, PKCE and URLs carry them. */
export const toBase64url = (bytes: Uint8Array | ArrayBuffer): string => toBase64(bytes).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");

/** The bytes of a base64url text (padding optional); undefined when it is not base64url. */
export const fromBase64url = (text: string): Uint8Array | undefined => (/[+/]/.test(text) ? undefined : fromBase64(text.replace(/-/g, "+").replace(/_/g, "/")));
