/** The SP-initiated AuthnRequest over the HTTP-Redirect binding (deflate-raw, base64, RelayState), built by node-saml. */
import { SAML, ValidateInResponseTo } from "@node-saml/node-saml";
import type { ServiceProvider } from "./service-provider";

/** The IdP URL to send the browser to, and the request ID the response must answer. */
export async function authnRedirect(sp: ServiceProvider, ssoUrl: string, relayState: string): Promise<{ url: string; requestId: string }> {
  const requestId = `_${crypto.randomUUID()}`;
  const saml = new SAML({
    entryPoint: ssoUrl,
    issuer: sp.entityId,
    callbackUrl: sp.acsUrl,
    idpCert: "unused-for-requests",
    generateUniqueId: () => requestId,
    // The binding to this browser is ours (saml_requests + a cookie); node-saml keeps no state.
    validateInResponseTo: ValidateInResponseTo.never,
    // No RequestedAuthnContext: Entra answers AADSTS75011 when the user signed in another way (MFA, Windows).
    disableRequestedAuthnContext: true,
    // No NameIDPolicy Format: Entra issues the NameID the admin mapped (user.mail).
    identifierFormat: null,
  });
  return { url: await saml.getAuthorizeUrlAsync(relayState, undefined, {}), requestId };
}
