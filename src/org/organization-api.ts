/** The routes of the caller's organization, declared: path, who may call, body and answers (contract section 2, Organization). */
import { createRoute } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import { requireAccount, requireAdmin } from "../account/middleware";
import { z } from "../shared/api-schemas";
import { blankBodyIsEmptyObject, BODY_REFUSALS, errorAnswers, jsonAnswer, jsonBody, noContent, optionalJsonBody, SESSION_AUTH } from "../shared/openapi";
import { IssuedScimToken, ScimTokenList, ScimTokenRequest } from "./scim-tokens";
import {
  AdminInvitation,
  ConnectedApps,
  EventFilterQuery,
  EventPageQuery,
  Invitation,
  NewScimClient,
  NewSecret,
  Organization,
  OrganizationChange,
  PermissionChange,
  ProvisioningEvents,
  ProvisioningSummary,
  ScimClientRequest,
  ScimClients,
  SecretRequest,
} from "./schemas";

const tags = ["Organization"];
// The router is typed with the admin variables; these middleware are what set them.
const admin = (permission: "read" | "read-write", ...then: MiddlewareHandler[]) => ({
  security: SESSION_AUTH,
  middleware: [requireAccount, requireAdmin(permission), ...then],
});
const READER = { 401: "No live session: sign in first.", 404: "`no_organization`: the account administers no organization." };
const WRITER = { ...READER, 403: "`read_only`: this change needs read & write permission." };
const param = <K extends string>(name: K) => z.object({ [name]: z.string() } as Record<K, z.ZodString>);

export const getOrganizationRoute = createRoute({
  method: "get",
  path: "/",
  tags,
  summary: "The caller's organization",
  ...admin("read"),
  responses: { 200: jsonAnswer("Its domains, admins and settings.", Organization), ...errorAnswers(READER) },
});

export const changeOrganizationRoute = createRoute({
  method: "patch",
  path: "/",
  tags,
  summary: "Rename the organization or change its settings",
  ...admin("read-write"),
  request: { body: jsonBody(OrganizationChange) },
  responses: { 200: jsonAnswer("The organization after the change.", Organization), ...errorAnswers({ ...BODY_REFUSALS, ...WRITER }) },
});

export const inviteAdminRoute = createRoute({
  method: "post",
  path: "/admins",
  tags,
  summary: "Invite an admin",
  description: "The same answer whether or not the e-mail has an account; nobody becomes an admin without accepting.",
  ...admin("read-write"),
  request: { body: jsonBody(AdminInvitation) },
  responses: {
    202: jsonAnswer("The invitation.", z.object({ invitation: Invitation })),
    ...errorAnswers({ ...BODY_REFUSALS, ...WRITER, 409: "`already_admin`." }),
  },
});

export const changeAdminRoute = createRoute({
  method: "patch",
  path: "/admins/{accountId}",
  tags,
  summary: "Change an admin's permission",
  ...admin("read-write"),
  request: { params: param("accountId"), body: jsonBody(PermissionChange) },
  responses: {
    200: jsonAnswer("The organization after the change.", Organization),
    ...errorAnswers({ ...BODY_REFUSALS, ...WRITER, 404: "`no_organization`, or no such admin.", 409: "The last read & write admin keeps that permission." }),
  },
});

export const removeAdminRoute = createRoute({
  method: "delete",
  path: "/admins/{accountId}",
  tags,
  summary: "Remove an admin, or leave (your own id)",
  ...admin("read"),
  request: { params: param("accountId") },
  responses: {
    ...noContent("Removed."),
    ...errorAnswers({
      ...READER,
      403: "`read_only`: removing another admin needs read & write.",
      404: "`no_organization`, or no such admin.",
      409: "The last read & write admin stays.",
    }),
  },
});

export const listInvitationsRoute = createRoute({
  method: "get",
  path: "/invitations",
  tags,
  summary: "Open admin invitations",
  ...admin("read"),
  responses: { 200: jsonAnswer("Open invitations, oldest first.", z.object({ invitations: z.array(Invitation) })), ...errorAnswers(READER) },
});

export const revokeInvitationRoute = createRoute({
  method: "delete",
  path: "/invitations/{id}",
  tags,
  summary: "Withdraw an invitation",
  ...admin("read-write"),
  request: { params: param("id") },
  responses: { ...noContent("Withdrawn."), ...errorAnswers({ ...WRITER, 404: "`no_organization`, or no open invitation with this id." }) },
});

export const issueScimTokenRoute = createRoute({
  method: "post",
  path: "/scim-tokens",
  tags,
  summary: "Issue a SCIM token",
  ...admin("read-write"),
  request: { body: jsonBody(ScimTokenRequest) },
  responses: { 201: jsonAnswer("The token, shown this once.", IssuedScimToken), ...errorAnswers({ ...BODY_REFUSALS, ...WRITER }) },
});

export const listScimTokensRoute = createRoute({
  method: "get",
  path: "/scim-tokens",
  tags,
  summary: "SCIM tokens (never the token itself)",
  ...admin("read"),
  responses: { 200: jsonAnswer("Tokens, newest first.", ScimTokenList), ...errorAnswers(READER) },
});

export const revokeScimTokenRoute = createRoute({
  method: "delete",
  path: "/scim-tokens/{id}",
  tags,
  summary: "Revoke a SCIM token",
  ...admin("read-write"),
  request: { params: param("id") },
  responses: { ...noContent("Revoked: it stops working at once."), ...errorAnswers({ ...WRITER, 404: "`no_organization`, or no active token with this id." }) },
});

export const createScimClientRoute = createRoute({
  method: "post",
  path: "/scim-clients",
  tags,
  summary: "Create a SCIM client (client credentials for Entra)",
  ...admin("read-write", blankBodyIsEmptyObject),
  request: { body: optionalJsonBody(ScimClientRequest) },
  responses: { 201: jsonAnswer("The client and its first secret, shown this once.", NewScimClient), ...errorAnswers({ ...BODY_REFUSALS, ...WRITER }) },
});

export const listScimClientsRoute = createRoute({
  method: "get",
  path: "/scim-clients",
  tags,
  summary: "SCIM clients and their secrets (never the secret itself)",
  ...admin("read"),
  responses: { 200: jsonAnswer("The organization's SCIM clients.", ScimClients), ...errorAnswers(READER) },
});

export const addClientSecretRoute = createRoute({
  method: "post",
  path: "/scim-clients/{clientId}/secrets",
  tags,
  summary: "Add a secret to a SCIM client, for rotation",
  ...admin("read-write", blankBodyIsEmptyObject),
  request: { params: param("clientId"), body: optionalJsonBody(SecretRequest) },
  responses: {
    201: jsonAnswer("The new secret, shown this once.", NewSecret),
    ...errorAnswers({ ...BODY_REFUSALS, ...WRITER, 404: "`no_organization`, or no such SCIM client." }),
  },
});

export const removeClientSecretRoute = createRoute({
  method: "delete",
  path: "/scim-clients/{clientId}/secrets/{secretId}",
  tags,
  summary: "Remove a SCIM client's secret",
  ...admin("read-write"),
  request: { params: z.object({ clientId: z.string(), secretId: z.string() }) },
  responses: { ...noContent("Removed."), ...errorAnswers({ ...WRITER, 404: "`no_organization`, or no active secret with this id." }) },
});

export const listConnectedAppsRoute = createRoute({
  method: "get",
  path: "/connected-apps",
  tags,
  summary: "Active OAuth grants",
  ...admin("read"),
  responses: { 200: jsonAnswer("Grants, newest first.", ConnectedApps), ...errorAnswers(READER) },
});

export const revokeConnectedAppRoute = createRoute({
  method: "delete",
  path: "/connected-apps/{grantId}",
  tags,
  summary: "Revoke an OAuth grant",
  ...admin("read-write"),
  request: { params: param("grantId") },
  responses: { ...noContent("Revoked."), ...errorAnswers({ ...WRITER, 404: "`no_organization`, or no active grant with this id." }) },
});

export const listEventsRoute = createRoute({
  method: "get",
  path: "/provisioning-events",
  tags,
  summary: "The provisioning log, newest first",
  ...admin("read"),
  request: { query: EventPageQuery },
  responses: { 200: jsonAnswer("One page of events.", ProvisioningEvents), ...errorAnswers({ ...READER, 400: "A filter, limit or cursor is malformed." }) },
});

export const exportEventsRoute = createRoute({
  method: "get",
  path: "/provisioning-events.csv",
  tags,
  summary: "The filtered provisioning log as CSV",
  ...admin("read"),
  request: { query: EventFilterQuery },
  responses: {
    200: { description: "CSV, newest first.", content: { "text/csv": { schema: z.string() } } },
    ...errorAnswers({ ...READER, 400: "A filter is malformed." }),
  },
});

export const summaryRoute = createRoute({
  method: "get",
  path: "/provisioning-summary",
  tags,
  summary: "What Entra did, at a glance",
  ...admin("read"),
  responses: { 200: jsonAnswer("Counts per day and hour, the last sync, top failures.", ProvisioningSummary), ...errorAnswers(READER) },
});
