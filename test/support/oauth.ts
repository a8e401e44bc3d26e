/** Test helpers for the OAuth flows, driven over HTTP like Entra and an admin's browser. */
import { browser } from "./browser-session";
import { call, OPERATOR, send } from "./client";
import { verifiedAdmin } from "./world";

export const ENTRA_REDIRECT = "https://portal.azure.com/TokenAuthorize";

/** Registers a platform client as an operator would. */
export async function registerClient(redirectUris = [ENTRA_REDIRECT]) {
  const r = await send("POST", "/api/operator/oauth-clients", OPERATOR, { name: "Microsoft Entra ID", redirectUris });
  if (r.status !== 201) throw new Error(`client not registered: ${r.status}`);
  return (await r.json()) as { clientId: string; clientSecret: string };
}

const unescapeHtml = (s: string) =>
  s
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");

/** The hidden `request` field of a page. */
export const requestField = (html: string) => unescapeHtml(html.match(/name="request" value="([^"]*)"/)?.[1] ?? "");

/** Authorization query parameters for a client. */
export function authorizeQuery(clientId: string, extra: Record<string, string> = {}) {
  return new URLSearchParams({ response_type: "code", client_id: clientId, redirect_uri: ENTRA_REDIRECT, state: "entra-state-42", ...extra }).toString();
}

/**
 * Walks the Authorize flow as an admin: identifier, password, consent, decision.
 * Returns the final answer (a 303 to the client, or a page) and the browser session.
 */
export async function authorize(account: { email: string; password: string }, query: string, decision: "allow" | "deny" = "allow") {
  const b = browser();
  const start = await b.get(`/oauth/authorize?${query}`);
  const startHtml = await start.text();
  if (start.status !== 200) return { answer: start, b, html: startHtml };
  const csrf = b.csrfOf(startHtml);
  const identified = await b.post("/oauth/authorize/identify", { request: requestField(startHtml), username: account.email }, csrf);
  const passwordHtml = await identified.text();
  const signedIn = await b.post(
    "/oauth/authorize/password",
    { request: requestField(passwordHtml), username: account.email, password: account.password },
    csrf,
  );
  if (signedIn.status !== 303) return { answer: signedIn, b, html: await signedIn.text() };
  const consent = await b.get(signedIn.headers.get("location")!);
  const consentHtml = await consent.text();
  if (consent.status !== 200 || !consentHtml.includes('name="decision"')) return { answer: consent, b, html: consentHtml };
  const answer = await b.post("/oauth/authorize/decision", { request: requestField(consentHtml), decision }, csrf);
  return { answer, b, html: consentHtml };
}

/** The code from a redirect to the client. */
export function codeOf(answer: Response): string {
  const location = new URL(answer.headers.get("location")!);
  return location.searchParams.get("code")!;
}

/** POSTs to /oauth/token with client_secret_basic or client_secret_post. */
export async function token(client: { clientId: string; clientSecret: string }, params: Record<string, string>, auth: "basic" | "post" = "basic") {
  const body = new URLSearchParams(auth === "post" ? { ...params, client_id: client.clientId, client_secret: client.clientSecret } : params);
  const headers: Record<string, string> = { "content-type": "application/x-www-form-urlencoded" };
  if (auth === "basic") headers.authorization = `Basic ${btoa(`${encodeURIComponent(client.clientId)}:${encodeURIComponent(client.clientSecret)}`)}`;
  const r = await call("/oauth/token", { method: "POST", headers, body: body.toString() });
  return { status: r.status, headers: r.headers, body: (await r.json()) as Record<string, any> };
}

/** S256 code challenge of a verifier. */
export async function challengeOf(verifier: string) {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier)));
  return btoa(String.fromCharCode(...digest))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
}

/** A code grant through the public flow, as Entra's Authorize makes it: the code used, its first tokens issued. */
export async function codeGrant() {
  const admin = await verifiedAdmin();
  const client = await registerClient();
  const code = codeOf((await authorize(admin, authorizeQuery(client.clientId))).answer);
  const first = await token(client, { grant_type: "authorization_code", code, redirect_uri: ENTRA_REDIRECT });
  if (first.status !== 200) throw new Error(`code not redeemed: ${first.status} ${JSON.stringify(first.body)}`);
  return { admin, client, code, tokens: first.body };
}
