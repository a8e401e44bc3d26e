/** OAuth client authentication (client_secret_basic and client_secret_post) and platform client registration. */
import { and, eq, gt, isNull, or } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { newSecret, sha256Hex } from "../shared/secrets";
import { oauthClients, oauthClientSecrets, type OAuthClientRow } from "../db/schema";

export type ClientAuth =
  | { ok: true; client: OAuthClientRow; secretId: string }
  | { ok: false; error: "invalid_client" | "invalid_request"; description: string; basic: boolean };

/** Reads the client's credentials from the Authorization header or the form, never both. */
function presentedCredentials(header: string | undefined, form: Record<string, string>) {
  const basic = header?.match(/^\s*Basic\s+(\S+)\s*$/i);
  if (basic) {
    let decoded: string;
    try {
      decoded = atob(basic[1]!);
    } catch {
      return { error: "The Basic credentials are not base64." } as const;
    }
    const colon = decoded.indexOf(":");
    if (colon < 0) return { error: "The Basic credentials lack a colon." } as const;
    // RFC 6749 section 2.3.1: both parts are form-url-encoded before base64.
    const formDecode = (s: string) => decodeURIComponent(s.replace(/\+/g, " "));
    try {
      return {
        id: formDecode(decoded.slice(0, colon)),
        secret: formDecode(decoded.slice(colon + 1)),
        basic: true,
        both: form.client_secret !== undefined,
      } as const;
    } catch {
      return { error: "The Basic credentials are not form-url-encoded." } as const;
    }
  }
  if (form.client_id !== undefined && form.client_secret !== undefined) {
    return { id: form.client_id, secret: form.client_secret, basic: false, both: false } as const;
  }
  return { error: "Client authentication is required (HTTP Basic or client_id and client_secret)." } as const;
}

/** Authenticates a client by one of its active, unexpired secrets (found by hash). */
export async function authenticateClient(env: Env, header: string | undefined, form: Record<string, string>): Promise<ClientAuth> {
  const presented = presentedCredentials(header, form);
  if ("error" in presented) return { ok: false, error: "invalid_client", description: presented.error ?? "", basic: /^\s*Basic/i.test(header ?? "") };
  if (presented.both) return { ok: false, error: "invalid_request", description: "Use one client authentication method, not two.", basic: true };
  const now = new Date().toISOString();
  const db = drizzle(env.DB);
  const row = await db
    .select({ client: oauthClients, secretId: oauthClientSecrets.id })
    .from(oauthClientSecrets)
    .innerJoin(oauthClients, eq(oauthClients.id, oauthClientSecrets.clientId))
    .where(
      and(
        eq(oauthClientSecrets.secretHash, await sha256Hex(presented.secret)),
        isNull(oauthClientSecrets.revokedAt),
        or(isNull(oauthClientSecrets.expiresAt), gt(oauthClientSecrets.expiresAt, now)),
      ),
    )
    .get();
  if (!row || row.client.id !== presented.id) {
    return { ok: false, error: "invalid_client", description: "The client credentials are not valid, expired or removed.", basic: presented.basic };
  }
  return { ok: true, client: row.client, secretId: row.secretId };
}

/** A platform client (authorization-code grant), the way Entra's gallery app is registered. */
export async function registerPlatformClient(env: Env, name: string, redirectUris: string[], actor: string) {
  const clientId = crypto.randomUUID();
  const clientSecret = newSecret("cs");
  const at = new Date().toISOString();
  const db = drizzle(env.DB);
  await db.batch([
    db.insert(oauthClients).values({ id: clientId, kind: "platform", orgId: null, name, redirectUris, createdBy: actor, createdAt: at }),
    db.insert(oauthClientSecrets).values({ id: crypto.randomUUID(), clientId, secretHash: await sha256Hex(clientSecret), createdAt: at, expiresAt: null }),
  ]);
  return { clientId, clientSecret };
}

/** A platform client by id. */
export async function platformClient(env: Env, clientId: string): Promise<OAuthClientRow | undefined> {
  return drizzle(env.DB)
    .select()
    .from(oauthClients)
    .where(and(eq(oauthClients.id, clientId), eq(oauthClients.kind, "platform")))
    .get();
}

/** Whether a redirect URI may be registered: absolute https, or http on localhost, no fragment. */
export function isRegistrableRedirect(uri: unknown): uri is string {
  if (typeof uri !== "string") return false;
  try {
    const url = new URL(uri);
    const local = url.hostname === "localhost" || url.hostname === "127.0.0.1";
    return url.hash === "" && (url.protocol === "https:" || (url.protocol === "http:" && local));
  } catch {
    return false;
  }
}
