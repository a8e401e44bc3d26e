/** The JSON API's routers: bodies checked against declared schemas, refusals answered `{error, message}`, every route documented. */
import { OpenAPIHono } from "@hono/zod-openapi";
import type { Context, Env as HonoEnv, MiddlewareHandler } from "hono";
import { ErrorBody, type z } from "./api-schemas";

/** Fields ("email", "domains.*" for any item) whose refusal has its own error code instead of `invalid_request`. */
export type FieldCodes = Record<string, string>;

const fieldOf = (path: readonly PropertyKey[]) => path.map((p) => (typeof p === "number" ? "*" : String(p))).join(".");

/** One problem as a sentence, led by the field it concerns. */
const sentence = (issue: z.core.$ZodIssue) => {
  const message = /[.!?]$/.test(issue.message) ? issue.message : `${issue.message}.`;
  return issue.path.length ? `${issue.path.map(String).join(".")}: ${message}` : message;
};

/** Why a request was refused: the first refused field's own code (or `invalid_request`) and every problem, in order. */
export function refusal(error: z.ZodError, codes: FieldCodes = {}): { error: string; message: string } {
  const first = error.issues[0];
  return { error: (first && codes[fieldOf(first.path)]) || "invalid_request", message: error.issues.map(sentence).join(" ") };
}

/** The validation hook: a refused body, query or path parameter is a 400 `{error, message}`. */
export const answerRefusal =
  (codes: FieldCodes = {}) =>
  (result: { success: true } | { success: false; error: z.ZodError }, c: Context) =>
    result.success ? undefined : c.json(refusal(result.error, codes), 400);

/** A router of the JSON API; its routes are declared with `createRoute` and land in the OpenAPI document. */
export const apiRouter = <E extends HonoEnv>() => new OpenAPIHono<E>({ defaultHook: answerRefusal() });

/** The `{error, message}` answer, typed for the routes that declare its status. */
export const fail = <S extends ErrorStatus>(c: Context, status: S, error: string, message: string, headers?: Record<string, string>) =>
  c.json({ error, message }, status, headers);

export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429;

type ErrorAnswer = { description: string; content: { "application/json": { schema: typeof ErrorBody } } };

/** Declared error answers, status -> when it is given, and `default` for any other (a 503 when storage fails); each carries the Error body. */
export const errorAnswers = <W extends Partial<Record<ErrorStatus, string>>>(when: W) =>
  Object.fromEntries(
    [...Object.entries(when), ["default", "Any other refusal, or 503 `unavailable` with Retry-After when the service cannot complete the request."]].map(
      ([status, description]) => [status, { description, content: { "application/json": { schema: ErrorBody } } }],
    ),
  ) as { [K in keyof W | "default"]: ErrorAnswer };

/** A JSON answer with this body. */
export const jsonAnswer = <T extends z.ZodType>(description: string, schema: T) => ({ description, content: { "application/json": { schema } } });

/** An answer without a body. */
export const noContent = (description: string) => ({ 204: { description } });

/** The answers every route with a body may give before its handler runs (src/app.ts and the validator). */
export const BODY_REFUSALS = {
  400: "The body is not valid JSON or does not match the schema (`invalid_json`, `invalid_request`, or the field's own code).",
  413: "The body is larger than 64 KB.",
  415: "The body is not `application/json`.",
} as const;

/** A JSON body the route requires, declared by `schema`. */
export const jsonBody = <T extends z.ZodType>(schema: T) => ({ required: true as const, content: { "application/json": { schema } } });

/**
 * A JSON body the route may go without. An absent body skips the schema and reads as `{}`, so its
 * fields are optional and carry no defaults; an empty one sent as JSON needs `blankBodyIsEmptyObject`.
 */
export const optionalJsonBody = <T extends z.ZodType>(schema: T) => ({ required: false as const, content: { "application/json": { schema } } });

/** Reads an empty body sent as `application/json` as `{}`, on routes whose body is optional (the validator would call it malformed). */
export const blankBodyIsEmptyObject: MiddlewareHandler = async (c, next) => {
  if (/^application\/json\b/i.test(c.req.header("content-type") ?? "") && (await c.req.text()).trim() === "") {
    // The validator reads the body through this cache.
    (c.req.bodyCache as { text?: Promise<string> }).text = Promise.resolve("{}");
  }
  await next();
};

/** Who may call a route: a session (Bearer token or the pages' cookie), or the operator token. */
export const SESSION_AUTH = [{ session: [] }];
export const OPERATOR_AUTH = [{ operatorToken: [] }];

/** Publishes the OpenAPI 3.1 document of every route declared on `api`, at `path`. */
export function publishDocument(api: OpenAPIHono<any, any, any>, path: string) {
  api.openAPIRegistry.registerComponent("securitySchemes", "session", {
    type: "http",
    scheme: "bearer",
    description: "A session token from `POST /api/sessions`; the pages' session cookie is accepted too.",
  });
  api.openAPIRegistry.registerComponent("securitySchemes", "operatorToken", {
    type: "http",
    scheme: "bearer",
    description: "The platform's `OPERATOR_TOKEN` secret.",
  });
  api.openAPIRegistry.registerPath({
    method: "get",
    path,
    summary: "This document",
    responses: { 200: { description: "The OpenAPI 3.1 document of the JSON API.", content: { "application/json": { schema: { type: "object" } } } } },
  });
  api.doc31(path, {
    openapi: "3.1.0",
    info: {
      title: "edge-scim API",
      version: "2",
      description:
        "The Organization Center API (accounts, sessions, domains, the caller's organization) and the operator API. SCIM 2.0 lives at /scim/v2 and OAuth 2.0 at /oauth; neither is described here.",
    },
  });
}
