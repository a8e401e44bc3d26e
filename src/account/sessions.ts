/** Sessions: random tokens stored hashed, usable as a Bearer token on /api and as an HttpOnly cookie. */
import { and, eq, gt } from "drizzle-orm";
import type { DrizzleD1Database } from "drizzle-orm/d1";
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { newSecret, sha256Hex } from "../auth/secrets";
import { bearerToken } from "../scim/auth";
import { accounts, sessions, type AccountRow } from "../db/schema";

export const SESSION_COOKIE = "edge_scim_session";
const SESSION_SECONDS = 12 * 60 * 60;

/** Starts a session; the token is returned once and only its hash is kept. */
export async function startSession(db: DrizzleD1Database, accountId: string, now: Date) {
  const token = newSecret("sess");
  const expiresAt = new Date(now.getTime() + SESSION_SECONDS * 1000).toISOString();
  await db.insert(sessions).values({
    id: crypto.randomUUID(),
    accountId,
    tokenHash: await sha256Hex(token),
    createdAt: now.toISOString(),
    expiresAt,
  });
  return { token, expiresAt };
}

/** Sets the session cookie: HttpOnly, SameSite=Lax, Secure except on localhost. */
export function setSessionCookie(c: Context, token: string) {
  const host = new URL(c.req.url).hostname;
  const local = host === "localhost" || host === "127.0.0.1" || host === "[::1]";
  setCookie(c, SESSION_COOKIE, token, { httpOnly: true, sameSite: "Lax", secure: !local, path: "/", maxAge: SESSION_SECONDS });
}

export function clearSessionCookie(c: Context) {
  deleteCookie(c, SESSION_COOKIE, { path: "/" });
}

/** Where a request's session token came from: cookies need CSRF protection, Bearer tokens do not. */
export interface PresentedSession {
  token: string;
  via: "bearer" | "cookie";
}

export function presentedSession(c: Context): PresentedSession | undefined {
  const bearer = bearerToken(c.req.header("authorization"));
  if (bearer) return { token: bearer, via: "bearer" };
  const cookie = getCookie(c, SESSION_COOKIE);
  return cookie ? { token: cookie, via: "cookie" } : undefined;
}

/** The account of a live session token, with the session's id. */
export async function accountOfSession(db: DrizzleD1Database, token: string, now: Date): Promise<{ account: AccountRow; sessionId: string } | undefined> {
  const row = await db
    .select({ account: accounts, sessionId: sessions.id })
    .from(sessions)
    .innerJoin(accounts, eq(accounts.id, sessions.accountId))
    .where(and(eq(sessions.tokenHash, await sha256Hex(token)), gt(sessions.expiresAt, now.toISOString())))
    .get();
  return row ?? undefined;
}

export async function endSession(db: DrizzleD1Database, sessionId: string) {
  await db.delete(sessions).where(eq(sessions.id, sessionId));
}
