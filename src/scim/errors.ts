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

/** How much of an offending value an error detail quotes: enough to recognize it, too little to flood the log. */
export const MAX_QUOTED = 200;
// The provisioning log stores every detail; this bounds what one refused request can write there.
const MAX_DETAIL = 300;

/** `text` cut to at most `max` characters, ending in an ellipsis when cut, never splitting a surrogate pair. */
export function clip(text: string, max = MAX_QUOTED): string {
  if (text.length <= max) return text;
  const end = /[\uD800-\uDBFF]/.test(text[max - 2]!) ? max - 2 : max - 1;
  return `${text.slice(0, end)}…`;
}

/** A value as an error detail quotes it: as JSON, clipped. */
export const quote = (value: unknown, max = MAX_QUOTED): string => clip(JSON.stringify(value) ?? String(value), max);

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = (status: number, detail: string, scimType?: ScimType): { ok: false; error: ScimError } => ({
  ok: false,
  error: scimType ? { status, scimType, detail: clip(detail, MAX_DETAIL) } : { status, detail: clip(detail, MAX_DETAIL) },
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
export const errorResponse = (error: ScimError, headers: Record<string, string> = {}) => scimJson(errorBody(error), error.status, headers);
