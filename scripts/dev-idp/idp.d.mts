export interface SigningIdentity {
  privateKeyPem: string;
  certPem: string;
}
export const ALG: Record<string, string>;
export function createSigningIdentity(o?: { commonName?: string; days?: number; notBefore?: Date }): Promise<SigningIdentity>;
export function metadataXml(o: { entityId: string; ssoUrl: string; certs: string[] }): string;
export function responseXml(o: Record<string, unknown>): string;
export function sign(xml: string, id: SigningIdentity, how?: { what?: string; sha1?: boolean }): string;
export function toBase64(xml: string): string;
export function newId(): string;
