/** JSON answers of the non-SCIM APIs: `{error, message}` with the right status. */
import type { HTTPException } from "hono/http-exception";

export const jsonError = (status: number, error: string, message: string, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify({ error, message }), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", ...headers },
  });

/** The answer to a body the JSON API's validator could not read: it throws before any route answers. */
export function unreadableBody(err: HTTPException): Response {
  if (err.status === 400) return jsonError(400, "invalid_json", "The request body is not valid JSON.");
  if (err.status === 415) return jsonError(415, "unsupported_media_type", "Send the request body as JSON with Content-Type: application/json.");
  return jsonError(err.status, "invalid_request", err.message);
}
