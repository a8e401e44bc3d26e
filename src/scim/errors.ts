/** SCIM errors as values (RFC 7644 section 3.12), turned into responses in one place. */
import { ERROR_SCHEMA } from "./schemas";

export type ScimType =
  | "invalidFilter"
  | "tooMany"
  | "uniqueness"
  | "mutability"
  | "invalidSyntax"
  | "invalidPath"
  | "noTarget"
  | "invalidValue"
  | "invalidVers"
  | "sensitive";

export interface ScimError {
  status: number;
  scimType?: ScimType;
  detail: string;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: ScimError };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = (status: number, detail: string, scimType?: ScimType): { ok: false; error: ScimError } => ({
  ok: false,
  error: scimType ? { status, scimType, detail } : { status, detail },
});

export const badRequest = (scimType: ScimType, detail: string) => fail(400, detail, scimType);

export const SCIM_CONTENT_TYPE = "application/scim+json; charset=utf-8";

/** The SCIM Error body, with `status` as a string as RFC 7644 asks. */
export function errorBody(error: ScimError) {
  return {
    schemas: [ERROR_SCHEMA],
    status: String(error.status),
    ...(error.scimType ? { scimType: error.scimType } : {}),
    detail: error.detail,
  };
}

/** A SCIM JSON response. */
export const scimJson = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": SCIM_CONTENT_TYPE, ...headers } });

/** A SCIM Error response. */
export const errorResponse = (error: ScimError, headers: Record<string, string> = {}) =>
  scimJson(errorBody(error), error.status, headers);
