/** Signing up, signing in and changing a password: the account rules shared by the API and the pages. */
import { eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import type { Context } from "hono";
import { isUniqueViolation } from "../db/errors";
import { accounts } from "../db/schema";
import { normalizeDomain } from "../verify/domain-name";
import { DECOY_HASH, hashPassword, verifyPassword } from "./passwords";
import { endOtherSessions, startSession } from "./sessions";
import { clearFailures, recordFailure, waitFor, type ThrottleKeys } from "./throttle";

export const MIN_PASSWORD = 12;
export const MAX_PASSWORD = 1024;

/** A plausible e-mail address whose domain is a real domain name. */
export function isEmail(value: unknown): value is string {
  if (typeof value !== "string" || value.length > 254) return false;
  const match = value.match(/^[^\s@]+@([^\s@]+)$/);
  return !!match && normalizeDomain(match[1]).ok;
}

/** Who is signing in from where: the address throttling counts against, and the client for the session list. */
export interface Client {
  address: string;
  userAgent: string | undefined;
}

export const clientOf = (c: Context): Client => ({
  address: c.req.header("cf-connecting-ip") ?? "unknown",
  userAgent: c.req.header("user-agent"),
});

export type PasswordCheck = { ok: true; accountId: string } | { ok: false; status: 401 | 429; retryAfter?: number };

/** Checks an e-mail and password under throttling; unknown e-mail and wrong password look (and take) the same. */
async function checkPassword(env: Env, email: string, password: string, address: string, now: Date): Promise<PasswordCheck> {
  const db = drizzle(env.DB);
  const keys: ThrottleKeys = { email, address };
  const wait = await waitFor(db, keys, now);
  if (wait > 0) return { ok: false, status: 429, retryAfter: wait };
  const account = await db.select().from(accounts).where(eq(accounts.emailKey, email.toLowerCase())).get();
  const valid = await verifyPassword(password.slice(0, MAX_PASSWORD), account?.passwordHash ?? DECOY_HASH);
  if (!account || !valid) {
    await recordFailure(db, keys, now);
    return { ok: false, status: 401 };
  }
  await clearFailures(db, keys);
  return { ok: true, accountId: account.id };
}

/** What a sign-in page says when the pair or the address must wait. */
export const waitMessage = (seconds: number | undefined) =>
  `Too many failed sign-ins from here. Try again in ${seconds ?? 60} second${seconds === 1 ? "" : "s"}.`;

export type SignIn =
  | { ok: true; accountId: string; sessionId: string; token: string; expiresAt: string }
  | { ok: false; status: 401 | 429; retryAfter?: number };

/** Signs in: a new session for the right password. */
export async function signIn(env: Env, email: string, password: string, client: Client): Promise<SignIn> {
  const now = new Date();
  const checked = await checkPassword(env, email, password, client.address, now);
  if (!checked.ok) return checked;
  const session = await startSession(drizzle(env.DB), checked.accountId, now, client.userAgent);
  return { ok: true, accountId: checked.accountId, sessionId: session.id, token: session.token, expiresAt: session.expiresAt };
}

export type SignUp = { ok: true; id: string; email: string } | { ok: false; status: 400 | 409; error: string; message: string };

/** Why a new password is refused, or undefined when it is acceptable. */
export function passwordProblem(password: unknown): string | undefined {
  if (typeof password !== "string" || password.length < MIN_PASSWORD) return `The password needs at least ${MIN_PASSWORD} characters.`;
  if (password.length > MAX_PASSWORD) return `The password may have at most ${MAX_PASSWORD} characters.`;
  return undefined;
}

/** Creates an account; the password is kept only as a PBKDF2 hash. */
export async function signUp(env: Env, email: unknown, password: unknown, name: unknown): Promise<SignUp> {
  if (!isEmail(email)) return { ok: false, status: 400, error: "invalid_email", message: "Enter a valid e-mail address." };
  const problem = passwordProblem(password);
  if (problem) return { ok: false, status: 400, error: "invalid_password", message: problem };
  if (name !== undefined && name !== null && (typeof name !== "string" || name.length > 200)) {
    return { ok: false, status: 400, error: "invalid_request", message: "name must be a string of at most 200 characters." };
  }
  const db = drizzle(env.DB);
  const id = crypto.randomUUID();
  try {
    await db.insert(accounts).values({
      id,
      email,
      emailKey: email.toLowerCase(),
      name: (name as string | undefined) ?? null,
      passwordHash: await hashPassword(password as string),
      createdAt: new Date().toISOString(),
    });
  } catch (e) {
    if (isUniqueViolation(e)) {
      return { ok: false, status: 409, error: "email_taken", message: "An account with this e-mail already exists." };
    }
    throw e;
  }
  return { ok: true, id, email };
}

export type PasswordChange = { ok: true; endedSessions: number } | { ok: false; status: 400 | 401 | 429; error: string; message: string; retryAfter?: number };

/**
 * Changes a signed-in account's password after checking the current one (throttled like sign-in),
 * and ends every other session of the account: whoever knew the old password is signed out.
 */
export async function changePassword(
  env: Env,
  account: { id: string; email: string },
  sessionId: string,
  current: unknown,
  next: unknown,
  client: Client,
): Promise<PasswordChange> {
  if (typeof current !== "string") return { ok: false, status: 400, error: "invalid_request", message: "currentPassword is required." };
  const problem = passwordProblem(next);
  if (problem) return { ok: false, status: 400, error: "invalid_password", message: problem };
  const checked = await checkPassword(env, account.email, current, client.address, new Date());
  if (!checked.ok) {
    return checked.status === 429
      ? { ok: false, status: 429, error: "too_many_attempts", message: "Too many wrong passwords; try again later.", retryAfter: checked.retryAfter! }
      : { ok: false, status: 401, error: "invalid_credentials", message: "The current password is not correct." };
  }
  const db = drizzle(env.DB);
  await db
    .update(accounts)
    .set({ passwordHash: await hashPassword(next as string) })
    .where(eq(accounts.id, account.id));
  return { ok: true, endedSessions: await endOtherSessions(db, account.id, sessionId) };
}
