/** This service as a SAML service provider of one organization: its entity ID, ACS URL and metadata. */
import { generateServiceProviderMetadata } from "@node-saml/node-saml";

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

/** SAML 2.0 SP metadata: entity ID, the HTTP-POST ACS, signed assertions wanted. */
export const spMetadataXml = (sp: ServiceProvider) =>
  generateServiceProviderMetadata({
    issuer: sp.entityId,
    callbackUrl: sp.acsUrl,
    identifierFormat: "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress",
    wantAssertionsSigned: true,
  });
