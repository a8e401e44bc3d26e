/** The routes of the organization's identity provider and its sign-in log, declared (contract section 5). */
import { createRoute } from "@hono/zod-openapi";
import { requireAccount, requireAdmin } from "../account/middleware";
import { jsonObject, Timestamp, z } from "../shared/api-schemas";
import { BODY_REFUSALS, errorAnswers, jsonAnswer, jsonBody, noContent, SESSION_AUTH } from "../shared/openapi";

const tags = ["Single sign-on"];
const admin = (permission: "read" | "read-write") => ({ security: SESSION_AUTH, middleware: [requireAccount, requireAdmin(permission)] });
const READER = { 401: "No live session: sign in first.", 404: "`no_organization`, or `not_found`: no identity provider is configured." };
const WRITER = { ...READER, 403: "`read_only`: this change needs read & write permission." };

export const IdentityProvider = z
  .object({
    entityId: z.string(),
    ssoUrl: z.string(),
    ssoBinding: z.string(),
    metadataUrl: z.string().nullable(),
    certificates: z.array(
      z.object({ subject: z.string(), notAfter: Timestamp, sha256: z.string().openapi({ description: "Lowercase hex SHA-256 of the DER." }) }),
    ),
    refreshedAt: Timestamp,
    lastError: z.string().nullable(),
    nextRefreshAt: Timestamp.nullable(),
    enabled: z.boolean(),
    allowIdpInitiated: z.boolean(),
    jit: z.boolean(),
    allowSha1: z.boolean(),
    serviceProvider: z.object({ entityId: z.string(), acsUrl: z.string(), metadataUrl: z.string(), signOnUrl: z.string() }),
  })
  .openapi("IdentityProvider");

const MetadataSource = jsonObject({
  metadataUrl: z.string({ error: "must be a string." }).max(2048, { error: "is longer than 2048 characters." }).optional(),
  metadataXml: z
    .string({ error: "must be a string." })
    .max(256 * 1024, { error: "is larger than 256 KB." })
    .optional(),
})
  .refine((b) => (b.metadataUrl === undefined) !== (b.metadataXml === undefined), { error: "Give exactly one of metadataUrl and metadataXml." })
  .openapi("IdentityProviderSource");

const Flag = (what: string) => z.boolean({ error: "must be true or false." }).optional().openapi({ description: what });
const SettingsChange = jsonObject({
  enabled: Flag("Single sign-on on or off (off until turned on)."),
  allowIdpInitiated: Flag("Accept sign-ins started at the identity provider (Entra's My Apps); default true."),
  jit: Flag("Create an unknown user from the assertion's claims; default false."),
  allowSha1: Flag("Accept SHA-1 signatures; default false."),
})
  .strict()
  .openapi("IdentityProviderSettings");

export const putIdentityProviderRoute = createRoute({
  method: "put",
  path: "/identity-provider",
  tags,
  summary: "Configure the identity provider from its metadata URL or XML",
  description: "A URL is fetched now (https, or http on a loopback host) and then refreshed daily; the settings of an earlier configuration are kept.",
  ...admin("read-write"),
  request: { body: jsonBody(MetadataSource) },
  responses: {
    200: jsonAnswer("What the metadata said, the settings, and what to paste into Entra.", IdentityProvider),
    ...errorAnswers({
      ...BODY_REFUSALS,
      ...WRITER,
      422: "`invalid_metadata`: the URL could not be fetched or is not SAML 2.0 IdP metadata; nothing was stored.",
    }),
  },
});

export const getIdentityProviderRoute = createRoute({
  method: "get",
  path: "/identity-provider",
  tags,
  summary: "The identity provider",
  ...admin("read"),
  responses: { 200: jsonAnswer("The identity provider.", IdentityProvider), ...errorAnswers(READER) },
});

export const patchIdentityProviderRoute = createRoute({
  method: "patch",
  path: "/identity-provider",
  tags,
  summary: "Change the single sign-on settings",
  ...admin("read-write"),
  request: { body: jsonBody(SettingsChange) },
  responses: { 200: jsonAnswer("The identity provider after the change.", IdentityProvider), ...errorAnswers({ ...BODY_REFUSALS, ...WRITER }) },
});

export const deleteIdentityProviderRoute = createRoute({
  method: "delete",
  path: "/identity-provider",
  tags,
  summary: "Remove the identity provider",
  ...admin("read-write"),
  responses: { ...noContent("Removed; single sign-on stops at once."), ...errorAnswers(WRITER) },
});

export const refreshIdentityProviderRoute = createRoute({
  method: "post",
  path: "/identity-provider/refresh",
  tags,
  summary: "Fetch the metadata URL now",
  description: "On failure the last good metadata is kept and `lastError` says why.",
  ...admin("read-write"),
  responses: {
    200: jsonAnswer("The identity provider after the refresh.", IdentityProvider),
    ...errorAnswers({ ...WRITER, 409: "`no_metadata_url`: the metadata was pasted, there is no URL to fetch." }),
  },
});

export const SignInQuery = z.object({
  outcome: z.enum(["accepted", "refused"]).optional(),
  method: z.enum(["sp", "idp"]).optional(),
  reason: z.string().max(40).optional(),
  limit: z.string().optional().openapi({ description: "1 to 200; default 50." }),
  cursor: z.string().optional(),
});

const SignIns = z
  .object({
    signIns: z.array(
      z.object({
        at: Timestamp,
        userName: z.string().nullable(),
        outcome: z.enum(["accepted", "refused"]),
        reason: z.string().nullable(),
        detail: z.string().nullable(),
        method: z.enum(["sp", "idp"]),
      }),
    ),
    nextCursor: z.string().nullable(),
  })
  .openapi("SignIns");

export const listSignInsRoute = createRoute({
  method: "get",
  path: "/sign-ins",
  tags,
  summary: "Single sign-on attempts, newest first",
  ...admin("read"),
  request: { query: SignInQuery },
  responses: { 200: jsonAnswer("One page of sign-ins.", SignIns), ...errorAnswers({ ...READER, 400: "A limit or cursor is malformed." }) },
});
