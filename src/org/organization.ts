/** Organization-level writes: creating an organization, issuing and revoking SCIM tokens. Every change is audited. */
import { and, eq, inArray, isNull } from "drizzle-orm";
import { domains, organizations, scimTokens, type OrgSettings } from "../db/schema";
import { newSecret, sha256Hex } from "../shared/secrets";
import { isUniqueViolation } from "../db/errors";
import { audit } from "../db/audit";
import type { WriteContext } from "../scim/writes/context";

export interface NewOrganization {
  name: string;
  domains: string[];
  settings: OrgSettings;
}

export type OrgResult = { ok: true } | { ok: false; status: 409; detail: string };

/** Creates an organization whose domains an operator attests; 409 when another organization verified one. */
export async function createOrganization(ctx: WriteContext, input: NewOrganization, actor: string): Promise<OrgResult> {
  if (input.domains.length > 0) {
    const taken = await ctx.db
      .select({ domain: domains.domain })
      .from(domains)
      .where(and(inArray(domains.domain, input.domains), eq(domains.status, "verified")));
    if (taken.length > 0) {
      return { ok: false, status: 409, detail: `Already verified by another organization: ${taken.map((t) => t.domain).join(", ")}.` };
    }
  }
  const statements = [
    ctx.db.insert(organizations).values({ id: ctx.orgId, name: input.name, settings: input.settings, createdAt: ctx.now, updatedAt: ctx.now }),
    ...input.domains.map((domain) =>
      ctx.db.insert(domains).values({
        id: crypto.randomUUID(),
        orgId: ctx.orgId,
        domain,
        status: "verified",
        method: "operator",
        createdAt: ctx.now,
        verifiedAt: ctx.now,
      }),
    ),
    audit(ctx.db, ctx.orgId, actor, "organization.create", { name: input.name, domains: input.domains, settings: input.settings }, ctx.now),
  ];
  try {
    await ctx.db.batch(statements as [(typeof statements)[number], ...typeof statements]);
  } catch (e) {
    // A claim (or another operator) verified one of the domains between the check above and this batch.
    if (!isUniqueViolation(e, "domains")) throw e;
    return { ok: false, status: 409, detail: `Already verified by another organization: one of ${input.domains.join(", ")}.` };
  }
  return { ok: true };
}

/** Issues a SCIM token: only its hash is stored; the token is returned once. */
export async function createScimToken(
  ctx: WriteContext,
  input: { description: string | null; expiresAt: string | null },
  actor: string,
): Promise<{ id: string; token: string }> {
  const id = crypto.randomUUID();
  const token = newSecret("scim");
  await ctx.db.batch([
    ctx.db.insert(scimTokens).values({
      id,
      orgId: ctx.orgId,
      tokenHash: await sha256Hex(token),
      description: input.description,
      createdBy: actor,
      createdAt: ctx.now,
      expiresAt: input.expiresAt,
    }),
    audit(ctx.db, ctx.orgId, actor, "scim-token.create", { tokenId: id, description: input.description, expiresAt: input.expiresAt }, ctx.now),
  ]);
  return { id, token };
}

/** Revokes a token of this organization; false when there is no such active token. */
export async function revokeScimToken(ctx: WriteContext, tokenId: string, actor: string): Promise<boolean> {
  const active = and(eq(scimTokens.orgId, ctx.orgId), eq(scimTokens.id, tokenId), isNull(scimTokens.revokedAt));
  // The writer serializes this organization's writes, so the token cannot change between the two steps.
  const found = await ctx.db.select({ id: scimTokens.id }).from(scimTokens).where(active).get();
  if (!found) return false;
  await ctx.db.batch([
    ctx.db.update(scimTokens).set({ revokedAt: ctx.now }).where(active),
    audit(ctx.db, ctx.orgId, actor, "scim-token.revoke", { tokenId }, ctx.now),
  ]);
  return true;
}
