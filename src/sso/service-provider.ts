/** This service as a SAML service provider of one organization: its entity ID, ACS URL and metadata. */
import { generateServiceProviderMetadata } from "@node-saml/node-saml";
import { configOf } from "../shared/config";

export interface ServiceProvider {
  entityId: string;
  acsUrl: string;
  metadataUrl: string;
  signOnUrl: string;
}

export const serviceProviderOf = (origin: string, orgId: string): ServiceProvider => ({
  entityId: `${origin}/saml/${orgId}`,
  acsUrl: `${origin}/saml/${orgId}/acs`,
  metadataUrl: `${origin}/saml/${orgId}/metadata`,
  signOnUrl: `${origin}/login`,
});

/** The service provider as `url`'s request sees it: on its origin, or on PUBLIC_ORIGIN when one is set. */
export const serviceProviderFor = (env: Env, url: string, orgId: string) => serviceProviderOf(configOf(env).publicOrigin ?? new URL(url).origin, orgId);

/** SAML 2.0 SP metadata: entity ID, the HTTP-POST ACS, signed assertions wanted. */
export const spMetadataXml = (sp: ServiceProvider) =>
  generateServiceProviderMetadata({
    issuer: sp.entityId,
    callbackUrl: sp.acsUrl,
    identifierFormat: "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress",
    wantAssertionsSigned: true,
  });
