/** Building blocks of the JSON API's declared bodies and answers; the OpenAPI document is generated from them. */
import { z } from "@hono/zod-openapi";

// workerd refuses code generated from strings: zod validates without compiling its checks.
z.config({ jitless: true });

export { z };

/** The error answer of every JSON API (`{error, message}`), a component of the OpenAPI document. */
export const ErrorBody = z
  .object({
    error: z.string().openapi({ description: "A machine-readable code.", example: "invalid_request" }),
    message: z.string().openapi({ description: "What was wrong, for a person to read." }),
  })
  .openapi("Error");

/** A JSON object body with these fields; any other JSON value is refused in one sentence. Unknown fields are ignored. */
export const jsonObject = <S extends z.ZodRawShape>(shape: S) => z.object(shape, { error: "The request body must be a JSON object." });

const NAME_RULE = "must be a non-empty string of at most 200 characters.";

/** A display name (organizations, OAuth clients): 1 to 200 characters, trimmed. */
export const Name = z.string({ error: NAME_RULE }).max(200, { error: NAME_RULE }).trim().min(1, { error: NAME_RULE });

/** Free text of at most `max` characters. */
export const text = (max: number) => {
  const rule = `must be a string of at most ${max} characters.`;
  return z.string({ error: rule }).max(max, { error: rule });
};

/** A string the request must carry. */
export const requiredString = () => z.string({ error: (issue) => (issue.input === undefined ? "is required." : "must be a string.") });

/** An ISO 8601 timestamp in an answer. */
export const Timestamp = z.string().openapi({ format: "date-time", example: "2026-01-01T00:00:00.000Z" });

/** An admin's permission in an organization. */
export const Permission = z.enum(["read", "read-write"], { error: 'must be "read" or "read-write".' });
