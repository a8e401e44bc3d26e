/**
 * The decision on a validated SAML assertion, made in the organization's writer so that one
 * organization's sign-ins, replays and just-in-time creations are decided one at a time.
 */
import { and, eq, inArray, or, sql } from "drizzle-orm";
import type { DrizzleD1Database } from "drizzle-orm/d1";
import { newUserSession } from "../account/user-sessions";
import { accounts, orgAdmins, samlAssertions, signIns, users, userSessions, type UserRow } from "../db/schema";
import { carryOut } from "../scim/writes/commit";
import type { WriteContext } from "../scim/writes/context";
import { safeRelayPath } from "./relay";
import { consumeRequest } from "./requests";
import type { Accepted, Reason } from "./response";

export type SignInReason = Reason | "sso_disabled" | "unknown_request" | "idp_initiated_off" | "replayed" | "not_provisioned" | "deactivated" | "jit_refused";

export type SignInMethod = "sp" | "idp";

/** A validated assertion and what came with it from the browser. */
export interface SignInAttempt extends Omit<Accepted, "ok"> {
  browserHash: string | null;
  postedRelayState: string | undefined;
  userAgent: string | undefined;
  startedAt: number;
}

export type SignInOutcome = { ok: true; token: string; relayPath: string } | { ok: false; reason: SignInReason; detail: string };

const CLAIM = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/";
const DISPLAY_NAME = "http://schemas.microsoft.com/identity/claims/displayname";
const SCIM_USER = "urn:ietf:params:scim:schemas:core:2.0:User";

const claim = (attributes: Accepted["attributes"], name: string): string | undefined => {
  const value = attributes[name];
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === "string" && first.trim() !== "" ? first.trim() : undefined;
};

/** One line of the organization's sign-in log. */
export function signInEntry(
  db: DrizzleD1Database,
  orgId: string,
  entry: {
    userName: string | null;
    userId?: string | null;
    outcome: "accepted" | "refused";
    reason?: SignInReason;
    detail?: string;
    method: SignInMethod;
    assertionId?: string | null;
  },
  now: Date,
) {
  return db.insert(signIns).values({
    orgId,
    at: now.toISOString(),
    userName: entry.userName?.slice(0, 256) ?? null,
    userId: entry.userId ?? null,
    outcome: entry.outcome,
    reason: entry.reason ?? null,
    detail: entry.detail?.slice(0, 300) ?? null,
    method: entry.method,
    assertionId: entry.assertionId?.slice(0, 256) ?? null,
  });
}

/**
 * The organization's users the assertion may name (by userName or work e-mail), each with the account
 * of the same e-mail that administers this organization, if any: one query.
 */
function candidatesQuery(db: DrizzleD1Database, orgId: string, keys: string[]) {
  const list = sql.join(
    keys.map((k) => sql`${k}`),
    sql`, `,
  );
  const adminId = sql<
    string | null
  >`(SELECT ${accounts.id} FROM ${accounts} JOIN ${orgAdmins} ON ${orgAdmins.accountId} = ${accounts.id} AND ${orgAdmins.orgId} = ${orgId}
    WHERE ${accounts.emailKey} IN (${users.userNameKey}, coalesce(${users.workEmailKey}, ''), ${list}) LIMIT 1)`;
  return db
    .select({ user: users, adminId })
    .from(users)
    .where(and(eq(users.orgId, orgId), or(inArray(users.userNameKey, keys), inArray(users.workEmailKey, keys))))
    .limit(8);
}

/** The best match: the NameID before the e-mail claim, the userName before the work e-mail. */
function bestMatch<T extends { user: UserRow }>(found: T[], keys: string[]): T | undefined {
  for (const key of keys) {
    const match = found.find((f) => f.user.userNameKey === key) ?? found.find((f) => f.user.workEmailKey === key);
    if (match) return match;
  }
  return undefined;
}

/** Creates the user from the assertion's claims through the SCIM write path, so the provisioning log shows it. */
async function createJustInTime(ctx: WriteContext, attempt: SignInAttempt, email: string | undefined): Promise<UserRow | string> {
  const givenName = claim(attempt.attributes, `${CLAIM}givenname`);
  const familyName = claim(attempt.attributes, `${CLAIM}surname`);
  const displayName = claim(attempt.attributes, DISPLAY_NAME);
  const body = {
    schemas: [SCIM_USER],
    userName: attempt.nameId,
    active: true,
    ...(displayName ? { displayName } : {}),
    ...(givenName || familyName ? { name: { givenName, familyName } } : {}),
    emails: [{ value: email ?? attempt.nameId, type: "work", primary: true }],
  };
  const request = { method: "POST", path: `/saml/${ctx.orgId}/acs`, startedAt: attempt.startedAt };
  const created = await carryOut(ctx, request, { kind: "createUser", body: JSON.stringify(body) });
  return created.ok && created.user ? created.user : created.ok ? "the user could not be created" : created.error.detail;
}

/** The identity provider's settings the route read with its certificates (changes to them go through this writer too). */
export interface SignInPolicy {
  allowIdpInitiated: boolean;
  jit: boolean;
}

/**
 * Decides a sign-in, records it (accepted or refused, with the reason) and, when accepted, opens the
 * session: two D1 round trips, since an organization's sign-ins are decided one at a time.
 */
export async function completeSignIn(ctx: WriteContext, policy: SignInPolicy, attempt: SignInAttempt, now: Date): Promise<SignInOutcome> {
  const { db, orgId } = ctx;
  const method: SignInMethod = attempt.inResponseTo ? "sp" : "idp";
  const log = { userName: attempt.nameId, method, assertionId: attempt.assertionId };
  const refuse = async (reason: SignInReason, detail: string, userId: string | null = null): Promise<SignInOutcome> => {
    await signInEntry(db, orgId, { ...log, userId, outcome: "refused", reason, detail }, now);
    return { ok: false, reason, detail };
  };
  const email = claim(attempt.attributes, `${CLAIM}emailaddress`)?.toLowerCase();
  const keys = [...new Set([attempt.nameId.toLowerCase(), ...(email ? [email] : [])])];

  // One batch: spend the assertion ID (before anything is judged, so a refused assertion cannot be replayed
  // after a reactivation), use up this browser's pending request, and find the user.
  const spend = db
    .insert(samlAssertions)
    .values({ orgId, assertionId: attempt.assertionId, expiresAt: new Date(attempt.replayableUntil).toISOString() })
    .onConflictDoNothing()
    .returning({ id: samlAssertions.assertionId });
  const lookup = candidatesQuery(db, orgId, keys);
  const consume = attempt.inResponseTo ? consumeRequest(db, orgId, attempt.inResponseTo, attempt.browserHash, now) : undefined;
  const [spent, found, pending] = consume ? await db.batch([spend, lookup, consume]) : [...(await db.batch([spend, lookup])), undefined];
  if (spent.length === 0) return refuse("replayed", "this assertion was used before");

  let relayPath: string | undefined;
  if (attempt.inResponseTo) {
    // The stored RelayState, never the posted one: the browser that asked decides where it lands.
    if (!pending?.[0]) return refuse("unknown_request", "the response answers no pending sign-in of this browser (another browser's, expired or used)");
    relayPath = safeRelayPath(pending[0].relayState);
  } else {
    if (!policy.allowIdpInitiated) return refuse("idp_initiated_off", "sign-in started at the identity provider is turned off for this organization");
    relayPath = safeRelayPath(attempt.postedRelayState);
  }

  let match = bestMatch(found, keys);
  if (!match) {
    if (!policy.jit) return refuse("not_provisioned", "no user with this name was provisioned into this organization");
    const created = await createJustInTime(ctx, attempt, email);
    if (typeof created === "string") return refuse("jit_refused", created);
    match = bestMatch(await candidatesQuery(db, orgId, [created.userNameKey]), [created.userNameKey]);
    if (!match) return refuse("jit_refused", "the user was created but could not be read back");
  }
  const { user, adminId } = match;
  if (!user.active) return refuse("deactivated", "provisioning made this user inactive", user.id);

  const session = await newUserSession({ orgId, userId: user.id, accountId: adminId, method, userAgent: attempt.userAgent }, now);
  await db.batch([db.insert(userSessions).values(session.row), signInEntry(db, orgId, { ...log, userId: user.id, outcome: "accepted" }, now)]);
  return { ok: true, token: session.token, relayPath: relayPath ?? (adminId ? "/dashboard" : "/me") };
}
