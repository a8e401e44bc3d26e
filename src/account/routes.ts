/** Accounts and sessions of the Organization Center (contract section 2). */
import { eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { Hono, type Context } from "hono";
import type { AppEnv } from "../app-env";
import { isUniqueViolation } from "../db/errors";
import { accounts } from "../db/schema";
import { jsonError, readJsonObject } from "../http";
import { normalizeDomain } from "../verify/domain-name";
import { requireAccount } from "./middleware";
import { DECOY_HASH, hashPassword, verifyPassword } from "./passwords";
import { clearSessionCookie, endSession, setSessionCookie, startSession } from "./sessions";
import { clearFailures, lockedFor, recordFailure } from "./throttle";

export const MIN_PASSWORD = 12;

/** A plausible e-mail address whose domain is a real domain name. */
export function isEmail(value: unknown): value is string {
  if (typeof value !== "string" || value.length > 254) return false;
  const match = value.match(/^[^\s@]+@([^\s@]+)$/);
  return !!match && normalizeDomain(match[1]).ok;
}

/** The address sign-in throttling counts failures against. */
export const clientAddress = (c: Context) => c.req.header("cf-connecting-ip") ?? "unknown";

export type SignIn =
  | { ok: true; accountId: string; token: string; expiresAt: string }
  | { ok: false; status: 401 | 429; retryAfter?: number };

/** Checks credentials under throttling; unknown e-mail and wrong password look (and take) the same. */
export async function signIn(env: Env, email: string, password: string, address: string): Promise<SignIn> {
  const db = drizzle(env.DB);
  const now = new Date();
  const keys = { email, address };
  const lock = await lockedFor(db, keys, now);
  if (lock > 0) return { ok: false, status: 429, retryAfter: lock };
  const account = await db.select().from(accounts).where(eq(accounts.emailKey, email.toLowerCase())).get();
  const valid = await verifyPassword(password, account?.passwordHash ?? DECOY_HASH);
  if (!account || !valid) {
    await recordFailure(db, keys, now);
    return { ok: false, status: 401 };
  }
  await clearFailures(db, keys);
  return { ok: true, accountId: account.id, ...(await startSession(db, account.id, now)) };
}

export type SignUp = { ok: true; id: string; email: string } | { ok: false; status: 400 | 409; error: string; message: string };

/** Creates an account; the password is kept only as a PBKDF2 hash. */
export async function signUp(env: Env, email: unknown, password: unknown, name: unknown): Promise<SignUp> {
  if (!isEmail(email)) return { ok: false, status: 400, error: "invalid_email", message: "Enter a valid e-mail address." };
  if (typeof password !== "string" || password.length < MIN_PASSWORD) {
    return { ok: false, status: 400, error: "invalid_password", message: `The password needs at least ${MIN_PASSWORD} characters.` };
  }
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
      passwordHash: await hashPassword(password),
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

export const accountRoutes = new Hono<AppEnv>()
  .post("/accounts", async (c) => {
    const read = await readJsonObject(c.req.raw);
    if (!read.ok) return read.response;
    const result = await signUp(c.env, read.body.email, read.body.password, read.body.name);
    return result.ok ? c.json({ id: result.id, email: result.email }, 201) : jsonError(result.status, result.error, result.message);
  })
  .post("/sessions", async (c) => {
    const read = await readJsonObject(c.req.raw);
    if (!read.ok) return read.response;
    const { email, password } = read.body;
    if (typeof email !== "string" || typeof password !== "string") {
      return jsonError(400, "invalid_request", "email and password are required.");
    }
    const result = await signIn(c.env, email, password, clientAddress(c));
    if (!result.ok) {
      return result.status === 429
        ? jsonError(429, "too_many_attempts", "Too many failed sign-ins; try again later.", { "retry-after": String(result.retryAfter) })
        : jsonError(401, "invalid_credentials", "The e-mail or password is not correct.");
    }
    setSessionCookie(c, result.token);
    return c.json({ token: result.token, expiresAt: result.expiresAt }, 201);
  })
  .delete("/sessions/current", requireAccount, async (c) => {
    await endSession(drizzle(c.env.DB), c.var.sessionId);
    clearSessionCookie(c);
    return c.body(null, 204);
  })
  .get("/me", requireAccount, (c) => {
    const { account, membership } = c.var;
    return c.json({
      id: account.id,
      email: account.email,
      name: account.name,
      organization: membership
        ? { id: membership.orgId, name: membership.orgName, role: "admin", permission: membership.permission }
        : null,
    });
  });
