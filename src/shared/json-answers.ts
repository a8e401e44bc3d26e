/** JSON answers of the non-SCIM APIs: `{error, message}` with the right status. */

export const jsonError = (status: number, error: string, message: string, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify({ error, message }), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", ...headers },
  });

/** Reads a JSON object body, or says why it cannot; `allowEmpty` reads an empty body as `{}`. */
export async function readJsonObject(
  request: Request,
  options: { allowEmpty?: boolean } = {},
): Promise<{ ok: true; body: Record<string, unknown> } | { ok: false; response: Response }> {
  let body: unknown;
  try {
    const text = await request.text();
    body = options.allowEmpty && text.trim() === "" ? {} : JSON.parse(text);
  } catch {
    return { ok: false, response: jsonError(400, "invalid_json", "The request body is not valid JSON.") };
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    return { ok: false, response: jsonError(400, "invalid_request", "The request body must be a JSON object.") };
  }
  return { ok: true, body: body as Record<string, unknown> };
}
