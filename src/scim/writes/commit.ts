/** Carrying out a SCIM write inside the organization's writer: decide, then commit it with its log entry in one batch. */
import type { BatchItem } from "drizzle-orm/batch";
import type { DrizzleD1Database } from "drizzle-orm/d1";
import { isUniqueViolation } from "../../db/errors";
import { provisioningEvents } from "../../db/schema";
import type { ScimError } from "../errors";
import type { FailedRequest, ParsedWrite, RequestInfo, ScimWrite, ScimWriteResult } from "./commands";
import { loadPolicy, refused, type EventFields, type OrgPolicy, type Outcome, type WriteContext } from "./context";
import { createGroup, deleteGroup, patchGroup, replaceGroup } from "./groups";
import { createUser, deleteUser, patchUser, replaceUser } from "./users";

const handlers: { [K in ScimWrite["kind"]]: (ctx: WriteContext, cmd: ParsedWrite<Extract<ScimWrite, { kind: K }>>) => Promise<Outcome> } = {
  createUser,
  replaceUser,
  patchUser,
  deleteUser,
  createGroup,
  replaceGroup,
  patchGroup,
  deleteGroup,
};

/** Organizations' userName policies, read once and dropped whenever anything could change them. */
export class PolicyCache {
  private policies = new Map<string, Promise<OrgPolicy>>();

  /** The policy of `orgId`, read on first use. */
  get(db: DrizzleD1Database, orgId: string): Promise<OrgPolicy> {
    let cached = this.policies.get(orgId);
    if (!cached) {
      cached = loadPolicy(db, orgId);
      cached.catch(() => this.policies.delete(orgId));
      this.policies.set(orgId, cached);
    }
    return cached;
  }

  /** Forgets every policy (settings or domains changed). */
  clear(): void {
    this.policies.clear();
  }
}

/** A write context at this moment for `orgId`. */
export const writeContext = (db: DrizzleD1Database, orgId: string, policies: PolicyCache): WriteContext => ({
  db,
  orgId,
  now: new Date().toISOString(),
  policy: () => policies.get(db, orgId),
});

/** Which uniqueness a refused write ran into, in words the admin can act on. */
function conflictDetail(outcome: Outcome): string {
  const { result } = outcome;
  if (result.ok && result.user) return `userName "${result.user.userName}" is already taken in this organization.`;
  if (result.ok && result.group) return `A group named "${result.group.displayName}" already exists in this organization.`;
  return "The write conflicts with an existing resource.";
}

/** Parses the body and lets the write's handler decide; unparseable JSON is a 400 like any other refusal. */
async function decide(ctx: WriteContext, write: ScimWrite): Promise<Outcome> {
  const handler = handlers[write.kind] as (ctx: WriteContext, cmd: ParsedWrite) => Promise<Outcome>;
  if (!("body" in write)) return handler(ctx, write);
  let body: unknown;
  try {
    body = JSON.parse(write.body);
  } catch {
    const resourceType = write.kind.endsWith("User") ? "User" : "Group";
    const operation = write.kind.startsWith("create") ? "create" : "update";
    const id = "id" in write ? write.id : null;
    return refused(
      { status: 400, scimType: "invalidSyntax", detail: "The request body is not valid JSON." },
      { operation, resourceType, resourceId: id, externalId: null },
    );
  }
  return handler(ctx, { ...write, body });
}

/** What one log entry says; a refused token request concerns no resource type. */
type LoggedFields = Omit<EventFields, "resourceType"> & { resourceType: EventFields["resourceType"] | null };

/** The provisioning-log entry of a request. */
function logEntry(ctx: WriteContext, request: RequestInfo, fields: LoggedFields, status: number, detail: string | null) {
  return ctx.db.insert(provisioningEvents).values({
    orgId: ctx.orgId,
    at: ctx.now,
    method: request.method,
    path: request.path,
    operation: fields.operation,
    resourceType: fields.resourceType,
    resourceId: fields.resourceId,
    externalId: fields.externalId,
    status,
    latencyMs: Math.max(0, Date.now() - request.startedAt),
    errorDetail: detail,
  });
}

/** Carries out one SCIM write and logs it, atomically; a taken name is a 409, a failed commit a 503 that changed nothing. */
export async function carryOut(ctx: WriteContext, request: RequestInfo, write: ScimWrite): Promise<ScimWriteResult> {
  const outcome = await decide(ctx, write);
  const status = outcome.result.ok ? outcome.result.status : outcome.result.error.status;
  const detail = outcome.result.ok ? null : outcome.result.error.detail;
  try {
    await ctx.db.batch([logEntry(ctx, request, outcome.event, status, detail), ...outcome.statements] as unknown as [
      BatchItem<"sqlite">,
      ...BatchItem<"sqlite">[],
    ]);
    return outcome.result;
  } catch (e) {
    if (!isUniqueViolation(e)) console.error(`write ${write.kind} for ${ctx.orgId} failed`, e);
    const error: ScimError = isUniqueViolation(e)
      ? { status: 409, scimType: "uniqueness", detail: conflictDetail(outcome) }
      : { status: 503, detail: "The write could not be stored; nothing was changed. Retry later." };
    // A create that did not happen has no resource to point at.
    const event = write.kind.startsWith("create") ? { ...outcome.event, resourceId: null } : outcome.event;
    await ctx.db.batch([logEntry(ctx, request, event, error.status, error.detail)]).catch(() => undefined);
    return { ok: false, error, ...(error.status === 503 ? { retryAfterSeconds: 5 } : {}) };
  }
}

/** Logs a SCIM request the Worker refused on its own. */
export async function recordFailure(ctx: WriteContext, request: RequestInfo, failure: FailedRequest): Promise<void> {
  const { operation, resourceType, resourceId } = failure;
  await ctx.db.batch([logEntry(ctx, request, { operation, resourceType, resourceId, externalId: null }, failure.status, failure.detail)]);
}
