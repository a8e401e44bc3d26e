/** SCIM tokens as operators and admins manage them: listed without the token, requested with checks. */
import { desc, eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { scimTokens } from "../db/schema";

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

export type TokenRequest = { ok: true; description: string | null; expiresAt: string | null } | { ok: false; message: string };

/** Reads `{description?, expiresAt?}`: a short description, an ISO date in the future. */
export function readTokenRequest(body: Record<string, unknown>): TokenRequest {
  const { description, expiresAt } = body;
  if (description !== undefined && description !== null && (typeof description !== "string" || description.length > 200)) {
    return { ok: false, message: "description must be a string of at most 200 characters." };
  }
  let expiry: string | null = null;
  if (expiresAt !== undefined && expiresAt !== null && expiresAt !== "") {
    if (typeof expiresAt !== "string" || Number.isNaN(Date.parse(expiresAt)) || Date.parse(expiresAt) <= Date.now()) {
      return { ok: false, message: "expiresAt must be an ISO 8601 date in the future." };
    }
    expiry = new Date(expiresAt).toISOString();
  }
  return { ok: true, description: typeof description === "string" && description !== "" ? description : null, expiresAt: expiry };
}
