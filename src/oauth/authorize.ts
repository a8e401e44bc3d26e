/** Validation of an authorization request (RFC 6749 section 4.1.1, RFC 7636, RFC 9700). */
import type { OAuthClientRow } from "../db/schema";
import { platformClient } from "./clients";

/** A request that may be answered by redirecting to the client. */
export interface AuthorizationRequest {
  client: OAuthClientRow;
  redirectUri: string;
  // Whether the request named redirect_uri (then the token request must repeat it).
  redirectUriGiven: boolean;
  state: string | null;
  codeChallenge: string | null;
  // The original query, carried through the sign-in pages.
  query: string;
}

export type RequestCheck =
  // Not even the client or redirect URI is trustworthy: show a page, never redirect.
  | { kind: "page"; message: string }
  // The client is known and the redirect URI exact: errors go back to it.
  | { kind: "redirect-error"; request: AuthorizationRequest; error: string; description: string }
  | { kind: "ok"; request: AuthorizationRequest };

/** Checks client and redirect URI first, then the rest. */
export async function checkAuthorizationRequest(env: Env, query: string): Promise<RequestCheck> {
  const params = new URLSearchParams(query);
  const clientId = params.get("client_id");
  const client = clientId ? await platformClient(env, clientId) : undefined;
  if (!client) return { kind: "page", message: "The application that sent you here is not registered with this service." };
  const given = params.get("redirect_uri");
  const redirectUri = given ?? (client.redirectUris.length === 1 ? client.redirectUris[0]! : null);
  if (!redirectUri || !client.redirectUris.includes(redirectUri)) {
    return { kind: "page", message: "The address to return to is not registered for this application, so you were not sent back." };
  }
  const codeChallenge = params.get("code_challenge");
  const request: AuthorizationRequest = { client, redirectUri, redirectUriGiven: given !== null, state: params.get("state"), codeChallenge, query };
  const fail = (error: string, description: string): RequestCheck => ({ kind: "redirect-error", request, error, description });
  if (params.get("response_type") !== "code") return fail("unsupported_response_type", "Only response_type=code is supported.");
  const method = params.get("code_challenge_method");
  if (codeChallenge !== null) {
    // Without a method RFC 7636 means plain, which RFC 9700 forbids.
    if (method !== "S256") return fail("invalid_request", "code_challenge_method must be S256; plain is not accepted.");
    if (!/^[A-Za-z0-9_-]{43}$/.test(codeChallenge)) return fail("invalid_request", "code_challenge must be a base64url SHA-256 digest.");
  } else if (method !== null) {
    return fail("invalid_request", "code_challenge_method was sent without a code_challenge.");
  }
  return { kind: "ok", request };
}

/** The client's redirect URI with the answer's parameters (and `iss`, RFC 9207). */
export function redirectTo(request: AuthorizationRequest, issuer: string, params: Record<string, string>): string {
  const url = new URL(request.redirectUri);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  if (request.state !== null) url.searchParams.set("state", request.state);
  url.searchParams.set("iss", issuer);
  return url.toString();
}
