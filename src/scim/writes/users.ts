/** User writes: validation against stored state, then the statements that carry them out. */
import { and, eq } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { users, type UserRow } from "../../db/schema";
import type { Result } from "../errors";
import { applyPatch } from "../patch/apply";
import { readPatchRequest } from "../patch/operations";
import { findUser } from "../users/read";
import { readUserDocument, userDocument, userFields, validateUserDocument, type UserDocument, type UserFields } from "../users/document";
import type { ParsedWrite, ScimWrite } from "./commands";
import { leaveAllGroups } from "./groups";
import { checkUserNameDomain, loadForWrite, refused, type EventFields, type Outcome, type WriteContext } from "./context";

type Command<K extends ScimWrite["kind"]> = ParsedWrite<Extract<ScimWrite, { kind: K }>>;

const event = (operation: string, id: string | null, externalId: string | null = null): EventFields => ({
  operation,
  resourceType: "User",
  resourceId: id,
  externalId,
});

/**
 * Validates a document about to be stored: required attributes and a verified domain. A taken
 * userName is caught by the unique index when the batch commits (the writer answers 409).
 */
async function admissible(ctx: WriteContext, doc: UserDocument, current?: UserRow): Promise<Result<UserFields>> {
  const valid = validateUserDocument(doc);
  if (!valid.ok) return valid;
  const fields = userFields(doc, valid.value);
  if (current?.userNameKey !== fields.userNameKey) {
    const domain = await checkUserNameDomain(ctx, fields.userName);
    if (!domain.ok) return domain;
  }
  return { ok: true, value: fields };
}

/** How a change of `active` reads in the provisioning log. */
function updateKind(before: UserRow, after: UserFields): string {
  if (before.active && !after.active) return "deactivate";
  if (!before.active && after.active) return "reactivate";
  return "update";
}

export async function createUser(ctx: WriteContext, cmd: Command<"createUser">): Promise<Outcome> {
  const doc = readUserDocument(cmd.body);
  if (!doc.ok) return refused(doc.error, event("create", null));
  const fields = await admissible(ctx, doc.value);
  const externalId = typeof doc.value.externalId === "string" ? doc.value.externalId : null;
  if (!fields.ok) return refused(fields.error, event("create", null, externalId));
  const row: UserRow = { id: crypto.randomUUID(), orgId: ctx.orgId, ...fields.value, version: 1, createdAt: ctx.now, updatedAt: ctx.now };
  return {
    result: { ok: true, status: 201, user: row },
    statements: [ctx.db.insert(users).values(row)],
    event: event("create", row.id, row.externalId),
  };
}

/** Stores new fields for an existing user; an unchanged user keeps its version. */
function update(ctx: WriteContext, current: UserRow, fields: UserFields, status: 200 | 204 = 200): Outcome {
  const operation = updateKind(current, fields);
  const changed = (Object.keys(fields) as (keyof UserFields)[]).some((k) => JSON.stringify(fields[k]) !== JSON.stringify(current[k]));
  if (!changed) {
    return { result: { ok: true, status, user: current }, statements: [], event: event(operation, current.id, current.externalId) };
  }
  const row: UserRow = { ...current, ...fields, version: current.version + 1, updatedAt: ctx.now };
  return {
    result: { ok: true, status, user: row },
    statements: [
      ctx.db
        .update(users)
        .set({ ...fields, version: row.version, updatedAt: row.updatedAt })
        .where(and(eq(users.orgId, ctx.orgId), eq(users.id, current.id))),
    ],
    event: event(operation, row.id, row.externalId),
  };
}

export async function replaceUser(ctx: WriteContext, cmd: Command<"replaceUser">): Promise<Outcome> {
  const { current, refuse, refusal } = await loadForWrite(ctx, "User", findUser, cmd, "update");
  if (!current) return refusal;
  const doc = readUserDocument(cmd.body);
  if (!doc.ok) return refuse(doc);
  const fields = await admissible(ctx, doc.value, current);
  if (!fields.ok) return refuse(fields);
  return update(ctx, current, fields.value);
}

export async function patchUser(ctx: WriteContext, cmd: Command<"patchUser">): Promise<Outcome> {
  const { current, refuse, refusal } = await loadForWrite(ctx, "User", findUser, cmd, "update");
  if (!current) return refusal;
  const ops = readPatchRequest("User", cmd.body);
  if (!ops.ok) return refuse(ops);
  const patched = applyPatch(userDocument(current), ops.value);
  if (!patched.ok) return refuse(patched);
  const fields = await admissible(ctx, patched.value.doc, current);
  if (!fields.ok) return refuse(fields);
  return update(ctx, current, fields.value, cmd.returnResource ? 200 : 204);
}

export async function deleteUser(ctx: WriteContext, cmd: Command<"deleteUser">): Promise<Outcome> {
  const { current, refusal } = await loadForWrite(ctx, "User", findUser, cmd, "delete");
  if (!current) return refusal;
  const statements: BatchItem<"sqlite">[] = [
    ...leaveAllGroups(ctx, current.id),
    ctx.db.delete(users).where(and(eq(users.orgId, ctx.orgId), eq(users.id, current.id))),
  ];
  return { result: { ok: true, status: 204 }, statements, event: event("delete", current.id, current.externalId) };
}
