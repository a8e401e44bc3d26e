/** An organization with single sign-on through a stand-in for Entra: its signing key, its metadata, and responses it signs. */
import { createSigningIdentity, metadataXml, responseXml, type SigningIdentity, sign, toBase64 } from "../../scripts/dev-idp/idp.mjs";
import { BASE, call, entraUser, json, send } from "./client";
import { verifiedAdmin } from "./world";

export const EMAIL_CLAIM = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress";

let identity: Promise<SigningIdentity> | undefined;
/** One key for the whole file: making RSA keys is the slow part. */
export const sharedIdentity = () => {
  identity ??= createSigningIdentity();
  return identity;
};

export interface SsoOrganization {
  admin: Awaited<ReturnType<typeof verifiedAdmin>>;
  scimToken: string;
  entityId: string;
  ssoUrl: string;
  sp: { entityId: string; acsUrl: string; metadataUrl: string; signOnUrl: string };
  signer: SigningIdentity;
  /** Provisions a user through SCIM, as Entra does; its id. */
  provision(userName: string, extra?: Record<string, unknown>): Promise<string>;
  /** A base64 SAMLResponse signed by the organization's identity provider, for `nameId`. */
  respond(nameId: string, o?: Record<string, unknown>, by?: SigningIdentity): string;
  /** Posts a SAMLResponse to the organization's ACS, as the identity provider's page does (cross-site). */
  post(samlResponse: string, extra?: { cookie?: string; relayState?: string }): Promise<Response>;
}

/** A verified admin's organization with an identity provider configured from pasted metadata, single sign-on turned on. */
export async function ssoOrganization(settings: Record<string, boolean> = {}): Promise<SsoOrganization> {
  const admin = await verifiedAdmin();
  const signer = await sharedIdentity();
  const tenant = crypto.randomUUID();
  const entityId = `https://sts.windows.net/${tenant}/`;
  const ssoUrl = `https://login.microsoftonline.test/${tenant}/saml2`;
  const put = await send("PUT", "/api/organization/identity-provider", admin.token, {
    metadataXml: metadataXml({ entityId, ssoUrl, certs: [signer.certPem] }),
  });
  if (put.status !== 200) throw new Error(`identity provider not configured: ${put.status} ${await put.text()}`);
  const sp = (await json(put)).serviceProvider;
  const patched = await send("PATCH", "/api/organization/identity-provider", admin.token, { enabled: true, ...settings });
  if (patched.status !== 200) throw new Error(`settings not changed: ${patched.status}`);
  const scimToken = (await json(await send("POST", "/api/organization/scim-tokens", admin.token, { description: "Entra" }))).token as string;
  return {
    admin,
    scimToken,
    entityId,
    ssoUrl,
    sp,
    signer,
    async provision(userName, extra = {}) {
      const created = await send("POST", "/scim/v2/Users", scimToken, entraUser(userName, extra));
      if (created.status !== 201) throw new Error(`user not provisioned: ${created.status} ${await created.text()}`);
      return (await json(created)).id as string;
    },
    respond: (nameId, o = {}, by = signer) =>
      toBase64(sign(responseXml({ issuer: entityId, acsUrl: sp.acsUrl, audience: sp.entityId, nameId, attributes: { [EMAIL_CLAIM]: nameId }, ...o }), by)),
    post: (samlResponse, extra = {}) =>
      call(new URL(sp.acsUrl).pathname, {
        method: "POST",
        redirect: "manual",
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          origin: "https://login.microsoftonline.test",
          "sec-fetch-site": "cross-site",
          ...(extra.cookie ? { cookie: extra.cookie } : {}),
        },
        body: new URLSearchParams({ SAMLResponse: samlResponse, ...(extra.relayState ? { RelayState: extra.relayState } : {}) }).toString(),
      }),
  };
}

/** The session cookie an ACS answer set, as a Cookie header. */
export const sessionOf = (r: Response) =>
  r.headers
    .getSetCookie()
    .find((c) => c.startsWith("edge_scim_session=") || c.startsWith("__Host-edge_scim_session="))
    ?.split(";")[0];

export { BASE };
