/** Bodies and answers of the operator API, declared once: the validator and the OpenAPI document read them. */
import { Domain, DomainName } from "../org/schemas";
import { Settings, SettingsChange } from "../org/settings";
import { isRegistrableRedirect } from "../oauth/clients";
import { jsonObject, Name, z } from "../shared/api-schemas";

export const MAX_DOMAINS = 50;

const REDIRECT_URIS = "must list 1 to 10 absolute https URIs (http only on localhost), without fragments.";

export const NewOrganizationRequest = jsonObject({
  name: Name,
  domains: z
    .array(DomainName, { error: `must be an array of at most ${MAX_DOMAINS} domain names.` })
    .max(MAX_DOMAINS, { error: `must be an array of at most ${MAX_DOMAINS} domain names.` })
    .optional()
    .openapi({ description: "Domains the operator attests: verified at once." }),
  settings: SettingsChange.nullish(),
}).openapi("NewOrganizationRequest");

export const CreatedOrganization = z.object({ id: z.string(), name: z.string(), domains: z.array(Domain), settings: Settings });

export const OAuthClientRequest = jsonObject({
  name: Name,
  redirectUris: z
    .array(z.string({ error: REDIRECT_URIS }).refine(isRegistrableRedirect, { error: REDIRECT_URIS }), { error: REDIRECT_URIS })
    .min(1, { error: REDIRECT_URIS })
    .max(10, { error: REDIRECT_URIS })
    .openapi({ example: ["https://portal.azure.com/TokenAuthorize"] }),
}).openapi("OAuthClientRequest");

export const NewOAuthClient = z.object({ clientId: z.string(), clientSecret: z.string() });
