/** Reading the fields of a posted page form. */
import type { HonoRequest } from "hono";

/** Form fields as strings (missing ones empty, files ignored). */
export async function formFields(c: { req: HonoRequest }): Promise<Record<string, string>> {
  const body = await c.req.parseBody();
  return Object.fromEntries(Object.entries(body).map(([k, v]) => [k, typeof v === "string" ? v : ""]));
}
