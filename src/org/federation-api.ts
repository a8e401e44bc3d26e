/** The routes of the organization's federated credentials (workload identity federation), declared (contract section 6). */
import { createRoute } from "@hono/zod-openapi";
import { requireAccount, requireAdmin } from "../account/middleware";
import { jsonObject, Name, Timestamp, z } from "../shared/api-schemas";
import { BODY_REFUSALS, errorAnswers, jsonAnswer, jsonBody, noContent, SESSION_AUTH } from "../shared/openapi";

const tags = ["Workload identity federation"];
const admin = (permission: "read" | "read-write") => ({ security: SESSION_AUTH, middleware: [requireAccount, requireAdmin(permission)] });
const READER = { 401: "No live session: sign in first.", 404: "`no_organization`." };
const WRITER = { ...READER, 403: "`read_only`: this change needs read & write permission." };

const bounded = (what: string, max: number) =>
  z
    .string({ error: "is required and must be a string." })
    .trim()
    .min(1, { error: `${what} must not be empty.` })
    .max(max, { error: `${what} is longer than ${max} characters.` });

export const FederatedCredential = z
  .object({ id: z.string(), name: z.string(), issuer: z.string(), subject: z.string(), audience: z.string(), createdAt: Timestamp })
  .openapi("FederatedCredential");

const NewCredential = jsonObject({
  name: Name,
  issuer: bounded("issuer", 512).openapi({ example: "https://login.microsoftonline.com/<tenant-id>/v2.0" }),
  subject: bounded("subject", 256).openapi({ description: "The object id of Entra's provisioning service principal." }),
  audience: bounded("audience", 512).optional().openapi({ description: "Defaults to this organization's identifier, `api://<host>/<orgId>`." }),
}).openapi("NewFederatedCredential");

export const createCredentialRoute = createRoute({
  method: "post",
  path: "/federated-credentials",
  tags,
  summary: "Trust an issuer's tokens for one subject and audience",
  ...admin("read-write"),
  request: { body: jsonBody(NewCredential) },
  responses: {
    201: jsonAnswer("The credential.", FederatedCredential),
    ...errorAnswers({ ...BODY_REFUSALS, ...WRITER, 409: "`conflict`: this issuer, subject and audience are taken." }),
  },
});

export const listCredentialsRoute = createRoute({
  method: "get",
  path: "/federated-credentials",
  tags,
  summary: "The organization's federated credentials",
  ...admin("read"),
  responses: {
    200: jsonAnswer(
      "Oldest first, with the default audience to copy into Entra.",
      z.object({ credentials: z.array(FederatedCredential), defaultAudience: z.string() }),
    ),
    ...errorAnswers(READER),
  },
});

export const deleteCredentialRoute = createRoute({
  method: "delete",
  path: "/federated-credentials/{id}",
  tags,
  summary: "Remove a federated credential",
  description: "Its access tokens stop working within REVOCATION_CHECK_SECONDS.",
  ...admin("read-write"),
  request: { params: z.object({ id: z.string() }) },
  responses: { ...noContent("Removed."), ...errorAnswers({ ...WRITER, 404: "No such credential." }) },
});
