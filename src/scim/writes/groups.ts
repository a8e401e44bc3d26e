/**
 * Group writes: membership changes run as set-based SQL, so a group's size never matters. A taken
 * displayName is caught by the unique index when the batch commits (the writer answers 409).
 */
import { and, eq, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { groupMembers, groups, users, type GroupRow } from "../../db/schema";
import type { JsonObject } from "../attributes";
import { badRequest, clip, ok, type Result, type ScimError } from "../errors";
import { groupDocument, readGroupDocument, validateGroupDocument, type GroupDocument, type MemberRef } from "../groups/document";
import { findGroup } from "../groups/read";
import { applyPatch, type MemberChange } from "../patch/apply";
import { readPatchRequest } from "../patch/operations";
import type { ParsedWrite, ScimWrite } from "./commands";
import { checkVersion, notFound, refused, type EventFields, type Outcome, type WriteContext } from "./context";

type Command<K extends ScimWrite["kind"]> = ParsedWrite<Extract<ScimWrite, { kind: K }>>;
type Statement = BatchItem<"sqlite">;

const event = (operation: string, id: string | null, externalId: string | null = null): EventFields => ({
  operation,
  resourceType: "Group",
  resourceId: id,
  externalId,
});

const jsonList = (values: unknown[]) => JSON.stringify(values);

interface ResolvedMember {
  id: string;
  type: "User" | "Group";
}

/** Finds each referenced member in the organization; unknown ids are a 400 naming them. */
async function resolveMembers(ctx: WriteContext, refs: MemberRef[], groupId: string): Promise<Result<ResolvedMember[]>> {
  const ids = [...new Set(refs.map((r) => r.value))];
  if (ids.length === 0) return ok([]);
  // One primary-key search per id. The unary `+` keeps SQLite (which has no statistics) from
  // preferring the organization's index, which would walk every user and group of the organization.
  const [foundUsers, foundGroups] = await ctx.db.batch([
    ctx.db
      .select({ id: users.id })
      .from(users)
      .where(and(sql`+${users.orgId} = ${ctx.orgId}`, sql`${users.id} IN (SELECT value FROM json_each(${jsonList(ids)}))`)),
    ctx.db
      .select({ id: groups.id })
      .from(groups)
      .where(and(sql`+${groups.orgId} = ${ctx.orgId}`, sql`${groups.id} IN (SELECT value FROM json_each(${jsonList(ids)}))`)),
  ]);
  const userIds = new Set(foundUsers.map((u) => u.id));
  const groupIds = new Set(foundGroups.map((g) => g.id));
  const resolved: ResolvedMember[] = [];
  const missing: string[] = [];
  for (const ref of refs) {
    if (resolved.some((r) => r.id === ref.value)) continue;
    const type = ref.type ?? (userIds.has(ref.value) ? "User" : "Group");
    const exists = type === "User" ? userIds.has(ref.value) : groupIds.has(ref.value);
    if (!exists || ref.value === groupId) missing.push(ref.value);
    else resolved.push({ id: ref.value, type });
  }
  if (missing.length > 0) {
    const shown = clip(missing.slice(0, 10).join(", "));
    return badRequest("invalidValue", `No ${missing.length === 1 ? "member" : "members"} with id ${shown} in this organization.`);
  }
  return ok(resolved);
}

function insertMembers(ctx: WriteContext, groupId: string, members: ResolvedMember[]): Statement {
  // One statement and one parameter for any number of members: D1 binds at most 100 per statement.
  // `WHERE true` keeps SQLite from reading the upsert's ON as a join constraint.
  return ctx.db
    .insert(groupMembers)
    .select(
      sql`SELECT ${groupId}, json_extract(value, '$.id'), json_extract(value, '$.type'), ${ctx.orgId}, ${ctx.now}
          FROM json_each(${jsonList(members)}) WHERE true`,
    )
    .onConflictDoNothing();
}

function deleteMembers(ctx: WriteContext, groupId: string, ids?: string[]): Statement {
  const inGroup = eq(groupMembers.groupId, groupId);
  return ctx.db.delete(groupMembers).where(ids ? and(inGroup, sql`${groupMembers.memberId} IN (SELECT value FROM json_each(${jsonList(ids)}))`) : inGroup);
}

/** A member change as ids: what it does to the member set, for telling whether a PATCH changes anything. */
type MemberStep = { kind: "add" | "remove"; ids: string[] } | { kind: "clear" };

/** The statements of a list of member changes, in order, and their steps. */
async function memberStatements(
  ctx: WriteContext,
  groupId: string,
  changes: MemberChange[],
): Promise<Result<{ statements: Statement[]; steps: MemberStep[] }>> {
  const statements: Statement[] = [];
  const steps: MemberStep[] = [];
  for (const change of changes) {
    if (change.kind === "remove") {
      statements.push(deleteMembers(ctx, groupId, change.ids));
      steps.push({ kind: "remove", ids: change.ids });
      continue;
    }
    const members = await resolveMembers(ctx, change.refs, groupId);
    if (!members.ok) return members;
    if (change.kind === "replace") {
      statements.push(deleteMembers(ctx, groupId));
      steps.push({ kind: "clear" });
    }
    if (members.value.length > 0) {
      statements.push(insertMembers(ctx, groupId, members.value));
      steps.push({ kind: "add", ids: members.value.map((m) => m.id) });
    }
  }
  return ok({ statements, steps });
}

/**
 * Whether `steps` would change the group's member set. Only the members they name are read (by
 * primary key), and for a replace whether any other member exists: never the whole member list.
 */
async function membersWouldChange(ctx: WriteContext, groupId: string, steps: MemberStep[]): Promise<boolean> {
  if (steps.length === 0) return false;
  const named = [...new Set(steps.flatMap((s) => (s.kind === "clear" ? [] : s.ids)))];
  const clears = steps.some((s) => s.kind === "clear");
  const inGroup = eq(groupMembers.groupId, groupId);
  const namedList = sql`(SELECT value FROM json_each(${jsonList(named)}))`;
  const namedPresent = ctx.db
    .select({ id: groupMembers.memberId })
    .from(groupMembers)
    .where(and(inGroup, sql`${groupMembers.memberId} IN ${namedList}`));
  // Whether a member the steps do not name exists: only a replace can remove such members.
  const anyOther = ctx.db
    .select({ id: groupMembers.memberId })
    .from(groupMembers)
    .where(and(inGroup, sql`${groupMembers.memberId} NOT IN ${namedList}`))
    .limit(1);
  const [present, others] = clears ? await ctx.db.batch([namedPresent, anyOther]) : [named.length > 0 ? await namedPresent : [], []];
  const before = new Set(present.map((r) => r.id));
  const after = new Set(before);
  let othersRemain = others.length > 0;
  for (const step of steps) {
    if (step.kind === "clear") {
      after.clear();
      othersRemain = false;
    } else if (step.kind === "add") for (const id of step.ids) after.add(id);
    else for (const id of step.ids) after.delete(id);
  }
  if (others.length > 0 && !othersRemain) return true;
  return named.some((id) => before.has(id) !== after.has(id));
}

/** Removes a user or group from every group; those groups get a new version and lastModified. */
export function leaveAllGroups(ctx: WriteContext, memberId: string): Statement[] {
  return [
    ctx.db
      .update(groups)
      .set({ version: sql`${groups.version} + 1`, updatedAt: ctx.now })
      .where(sql`${groups.id} IN (SELECT ${groupMembers.groupId} FROM ${groupMembers} WHERE ${groupMembers.memberId} = ${memberId})`),
    ctx.db.delete(groupMembers).where(eq(groupMembers.memberId, memberId)),
  ];
}

/** How a PATCH reads in the provisioning log. */
function patchKind(docChanged: boolean, changes: MemberChange[]): string {
  if (docChanged || changes.length === 0) return "update";
  if (changes.every((c) => c.kind === "add")) return "add-members";
  if (changes.every((c) => c.kind === "remove")) return "remove-members";
  return "update-members";
}

export async function createGroup(ctx: WriteContext, cmd: Command<"createGroup">): Promise<Outcome> {
  const read = readGroupDocument(cmd.body);
  if (!read.ok) return refused(read.error, event("create", null));
  const { doc, members } = read.value;
  const externalId = doc.externalId ?? null;
  const name = validateGroupDocument(doc);
  if (!name.ok) return refused(name.error, event("create", null, externalId));
  const id = crypto.randomUUID();
  const resolved = await resolveMembers(ctx, members, id);
  if (!resolved.ok) return refused(resolved.error, event("create", null, externalId));
  const row: GroupRow = {
    id,
    orgId: ctx.orgId,
    displayName: name.value,
    displayNameKey: name.value.toLowerCase(),
    externalId,
    version: 1,
    createdAt: ctx.now,
    updatedAt: ctx.now,
  };
  const statements: Statement[] = [ctx.db.insert(groups).values(row)];
  if (resolved.value.length > 0) statements.push(insertMembers(ctx, id, resolved.value));
  return { result: { ok: true, status: 201, group: row }, statements, event: event("create", id, externalId) };
}

/** A new version of the group row with `doc` applied. */
function nextRow(ctx: WriteContext, current: GroupRow, doc: GroupDocument, displayName: string): GroupRow {
  return {
    ...current,
    displayName,
    displayNameKey: displayName.toLowerCase(),
    externalId: doc.externalId ?? null,
    version: current.version + 1,
    updatedAt: ctx.now,
  };
}

function saveRow(ctx: WriteContext, row: GroupRow): Statement {
  const { id, orgId, createdAt, ...changes } = row;
  return ctx.db
    .update(groups)
    .set(changes)
    .where(and(eq(groups.orgId, orgId), eq(groups.id, id)));
}

async function loadForWrite(ctx: WriteContext, id: string, ifMatch: string | undefined, operation: string) {
  const current = await findGroup(ctx.db, ctx.orgId, id);
  if (!current) return { refusal: refused(notFound("Group", clip(id)), event(operation, id)) };
  const version = checkVersion(ifMatch, current.version);
  if (!version.ok) return { refusal: refused(version.error, event(operation, id, current.externalId)) };
  return { current };
}

export async function replaceGroup(ctx: WriteContext, cmd: Command<"replaceGroup">): Promise<Outcome> {
  const { current, refusal } = await loadForWrite(ctx, cmd.id, cmd.ifMatch, "update");
  if (!current) return refusal;
  const read = readGroupDocument(cmd.body);
  if (!read.ok) return refused(read.error, event("update", cmd.id, current.externalId));
  const name = validateGroupDocument(read.value.doc);
  if (!name.ok) return refused(name.error, event("update", cmd.id, current.externalId));
  const members = await memberStatements(ctx, current.id, [{ kind: "replace", refs: read.value.members }]);
  if (!members.ok) return refused(members.error, event("update", cmd.id, current.externalId));
  const docChanged = name.value !== current.displayName || (read.value.doc.externalId ?? null) !== current.externalId;
  // A PUT that changes nothing keeps the version, as for users.
  if (!docChanged && !(await membersWouldChange(ctx, current.id, members.value.steps))) {
    return { result: { ok: true, status: 200, group: current }, statements: [], event: event("update", current.id, current.externalId) };
  }
  const row = nextRow(ctx, current, read.value.doc, name.value);
  return {
    result: { ok: true, status: 200, group: row },
    statements: [saveRow(ctx, row), ...members.value.statements],
    event: event("update", row.id, row.externalId),
  };
}

export async function patchGroup(ctx: WriteContext, cmd: Command<"patchGroup">): Promise<Outcome> {
  const { current, refusal } = await loadForWrite(ctx, cmd.id, cmd.ifMatch, "update");
  if (!current) return refusal;
  const refuse = (failed: { error: ScimError }) => refused(failed.error, event("update", cmd.id, current.externalId));
  const ops = readPatchRequest("Group", cmd.body);
  if (!ops.ok) return refuse(ops);
  const before = groupDocument(current);
  const patched = applyPatch(before as JsonObject, ops.value);
  if (!patched.ok) return refuse(patched);
  const doc = patched.value.doc as GroupDocument;
  const name = validateGroupDocument(doc);
  if (!name.ok) return refuse(name);
  const docChanged = doc.displayName !== before.displayName || doc.externalId !== before.externalId;
  const members = await memberStatements(ctx, current.id, patched.value.members);
  if (!members.ok) return refuse(members);
  const status = cmd.returnResource ? 200 : 204;
  const kind = patchKind(docChanged, patched.value.members);
  // A PATCH that changes nothing (adds a member already there, sets a value it has) keeps the version.
  if (!docChanged && !(await membersWouldChange(ctx, current.id, members.value.steps))) {
    return { result: { ok: true, status, group: current }, statements: [], event: event(kind, current.id, current.externalId) };
  }
  const row = nextRow(ctx, current, doc, name.value);
  return {
    result: { ok: true, status, group: row },
    statements: [saveRow(ctx, row), ...members.value.statements],
    event: event(kind, row.id, row.externalId),
  };
}

export async function deleteGroup(ctx: WriteContext, cmd: Command<"deleteGroup">): Promise<Outcome> {
  const { current, refusal } = await loadForWrite(ctx, cmd.id, cmd.ifMatch, "delete");
  if (!current) return refusal;
  const statements: Statement[] = [
    ...leaveAllGroups(ctx, current.id),
    deleteMembers(ctx, current.id),
    ctx.db.delete(groups).where(and(eq(groups.orgId, ctx.orgId), eq(groups.id, current.id))),
  ];
  return { result: { ok: true, status: 204 }, statements, event: event("delete", current.id, current.externalId) };
}
