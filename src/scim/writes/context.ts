/** What a write handler works with, and what it hands back to the writer to commit. */
import { and, eq, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { DrizzleD1Database } from "drizzle-orm/d1";
import { domains, organizations } from "../../db/schema";
import { badRequest, clip, fail, ok, type Result, type ScimError } from "../errors";
import { ifMatchAllows } from "../meta";
import { emailDomain } from "../../shared/email";
import { normalizeDomain } from "../../verify/domain-name";
import type { ScimWriteResult } from "./commands";

export interface WriteContext {
  db: DrizzleD1Database;
  orgId: string;
  now: string;
  /** The organization's userName policy, cached by the writer between changes to it. */
  policy: () => Promise<OrgPolicy>;
}

/** What a userName must satisfy in an organization. */
export interface OrgPolicy {
  requireVerifiedDomain: boolean;
  verifiedDomains: Set<string>;
}

/** Reads an organization's policy: its setting and its verified domains. */
export async function loadPolicy(db: DrizzleD1Database, orgId: string): Promise<OrgPolicy> {
  const [orgRows, verified] = await db.batch([
    db.select({ settings: organizations.settings }).from(organizations).where(eq(organizations.id, orgId)),
    // `+status` keeps SQLite on the organization's index rather than every verified domain of every organization.
    db
      .select({ domain: domains.domain })
      .from(domains)
      .where(and(eq(domains.orgId, orgId), sql`+${domains.status} = 'verified'`)),
  ]);
  return {
    requireVerifiedDomain: orgRows[0]?.settings.requireVerifiedDomain !== false,
    verifiedDomains: new Set(verified.map((d) => d.domain)),
  };
}

/** The provisioning-log fields a handler knows. */
export interface EventFields {
  operation: string;
  resourceType: "User" | "Group";
  resourceId: string | null;
  externalId: string | null;
}

/** A handler's decision: statements to commit atomically with the log entry, and the answer. */
export interface Outcome {
  result: ScimWriteResult;
  statements: BatchItem<"sqlite">[];
  event: EventFields;
}

/** An outcome that writes nothing but the log entry. */
export function refused(error: ScimError, event: EventFields): Outcome {
  return { result: { ok: false, error }, statements: [], event };
}

/** 404 for an id the organization does not have. */
export const notFound = (kind: "User" | "Group", id: string) => fail(404, `${kind} ${id} not found.`).error;

/** 412 when If-Match names another version (RFC 7644 section 3.14). */
export function checkVersion(ifMatch: string | undefined, version: number): Result<true> {
  return ifMatchAllows(ifMatch, version) ? ok(true) : fail(412, `The resource has changed: its version is W/"${version}", the request names ${ifMatch}.`);
}

/** A stored resource as a write finds it: what the version check and the log entry read. */
type Stored = { version: number; externalId: string | null };

/** The resource to change and how to refuse the change, or the refusal when there is nothing to change. */
export type Loaded<Row> =
  | { current: Row; refuse: (failed: { error: ScimError }) => Outcome; refusal?: undefined }
  | { current?: undefined; refuse?: undefined; refusal: Outcome };

/**
 * The resource a write changes, found in the organization at the version the request names, with
 * `refuse` for the write's later refusals; otherwise the refusal to log: 404 unknown id, 412 other version.
 */
export async function loadForWrite<Row extends Stored>(
  ctx: WriteContext,
  resourceType: EventFields["resourceType"],
  find: (db: DrizzleD1Database, orgId: string, id: string) => Promise<Row | undefined>,
  request: { id: string; ifMatch?: string },
  operation: string,
): Promise<Loaded<Row>> {
  const event = (externalId: string | null = null): EventFields => ({ operation, resourceType, resourceId: request.id, externalId });
  const current = await find(ctx.db, ctx.orgId, request.id);
  if (!current) return { refusal: refused(notFound(resourceType, clip(request.id)), event()) };
  const version = checkVersion(request.ifMatch, current.version);
  if (!version.ok) return { refusal: refused(version.error, event(current.externalId)) };
  return { current, refuse: (failed) => refused(failed.error, event(current.externalId)) };
}

/**
 * With `requireVerifiedDomain` (the default), a userName must be an e-mail address in a verified
 * domain of the organization; a subdomain counts only once it is verified itself.
 */
export async function checkUserNameDomain(ctx: WriteContext, userName: string): Promise<Result<true>> {
  const policy = await ctx.policy();
  if (!policy.requireVerifiedDomain) return ok(true);
  const domainPart = emailDomain(userName);
  const normalized = domainPart !== undefined ? normalizeDomain(domainPart) : undefined;
  if (!normalized?.ok) {
    return badRequest("invalidValue", `userName "${userName}" must be an e-mail address in a verified domain of this organization.`);
  }
  const domain = normalized.domain;
  if (!policy.verifiedDomains.has(domain)) {
    return badRequest("invalidValue", `userName "${userName}": the domain "${domain}" is not a verified domain of this organization.`);
  }
  return ok(true);
}
