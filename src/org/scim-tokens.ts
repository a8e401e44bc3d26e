/** SCIM tokens as operators and admins manage them: requested with checks, issued one way, listed without the token. */
import { desc, eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { organizations, scimTokens } from "../db/schema";
import { jsonObject, text, Timestamp, z } from "../shared/api-schemas";
import { refusal } from "../shared/openapi";
import { orgWriter } from "../writer/address";

/** An organization's tokens, newest first; the token itself is never stored, so never listed. */
export function listScimTokens(db: D1Database, orgId: string) {
  return drizzle(db)
    .select({
      id: scimTokens.id,
      description: scimTokens.description,
      createdBy: scimTokens.createdBy,
      createdAt: scimTokens.createdAt,
      expiresAt: scimTokens.expiresAt,
      revokedAt: scimTokens.revokedAt,
    })
    .from(scimTokens)
    .where(eq(scimTokens.orgId, orgId))
    .orderBy(desc(scimTokens.createdAt));
}

const FUTURE_DATE = "must be an ISO 8601 date in the future.";

/** A token's expiry: none (absent, null or empty), or a date in the future, answered in ISO 8601. */
const Expiry = z
  .string({ error: FUTURE_DATE })
  .nullish()
  .transform((value, ctx) => {
    if (value === undefined || value === null || value === "") return null;
    const time = Date.parse(value);
    if (Number.isNaN(time) || time <= Date.now()) {
      ctx.addIssue({ code: "custom", message: FUTURE_DATE, input: value });
      return z.NEVER;
    }
    return new Date(time).toISOString();
  })
  .openapi({ type: ["string", "null"], format: "date-time", description: "When the token stops working; never when absent." });

/** `{description?, expiresAt?}`: a short description, a date in the future. */
export const ScimTokenRequest = jsonObject({
  description: text(200)
    .nullish()
    .transform((value) => value || null),
  expiresAt: Expiry,
}).openapi("ScimTokenRequest");

export type ScimTokenInput = z.output<typeof ScimTokenRequest>;

/** A new token, shown this once. */
export const IssuedScimToken = z.object({ id: z.string(), token: z.string().openapi({ example: "scim_…" }) }).openapi("IssuedScimToken");

export const ScimTokenList = z.object({
  tokens: z.array(
    z.object({
      id: z.string(),
      description: z.string().nullable(),
      createdBy: z.string(),
      createdAt: Timestamp,
      expiresAt: Timestamp.nullable(),
      revokedAt: Timestamp.nullable(),
    }),
  ),
});

export type TokenRequest = ({ ok: true } & ScimTokenInput) | { ok: false; message: string };

/** Reads a token request outside the JSON API (the pages' form) with the same rules. */
export function readTokenRequest(body: Record<string, unknown>): TokenRequest {
  const parsed = ScimTokenRequest.safeParse(body);
  return parsed.success ? { ok: true, ...parsed.data } : { ok: false, message: refusal(parsed.error).message };
}

/** Issues a SCIM token to an organization, for operators and admins alike; undefined when there is no such organization. */
export async function issueScimToken(env: Env, orgId: string, request: ScimTokenInput, actor: string): Promise<{ id: string; token: string } | undefined> {
  const exists = await drizzle(env.DB).select({ id: organizations.id }).from(organizations).where(eq(organizations.id, orgId)).get();
  if (!exists) return undefined;
  const { id, token } = await orgWriter(env, orgId).createScimToken(orgId, request, actor);
  return { id, token };
}
