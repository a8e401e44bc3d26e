/** Sessions: random tokens stored hashed, usable as a Bearer token on /api and as an HttpOnly cookie. */
import { and, desc, eq, gt, ne } from "drizzle-orm";
import type { DrizzleD1Database } from "drizzle-orm/d1";
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { newSecret, sha256Hex } from "../shared/secrets";
import { bearerToken } from "../shared/bearer-token";
import { accounts, sessions, type AccountRow } from "../db/schema";

const SESSION_SECONDS = 12 * 60 * 60;

/** The session cookie's name: `__Host-` over https, so no subdomain or plain-http page can plant or overwrite it. */
export const sessionCookieName = (url: string) => (new URL(url).protocol === "https:" ? "__Host-edge_scim_session" : "edge_scim_session");

/** Starts a session; the token is returned once and only its hash is kept. */
export async function startSession(db: DrizzleD1Database, accountId: string, now: Date, userAgent: string | undefined) {
  const token = newSecret("sess");
  const id = crypto.randomUUID();
  const expiresAt = new Date(now.getTime() + SESSION_SECONDS * 1000).toISOString();
  await db.insert(sessions).values({
    id,
    accountId,
    tokenHash: await sha256Hex(token),
    userAgent: userAgent?.slice(0, 200) ?? null,
    createdAt: now.toISOString(),
    expiresAt,
  });
  return { id, token, expiresAt };
}

/** Sets the session cookie (pages only): HttpOnly, SameSite=Lax, Secure and `__Host-` except on plain-http development hosts. */
export function setSessionCookie(c: Context, token: string, maxAge = SESSION_SECONDS) {
  const secure = new URL(c.req.url).protocol === "https:";
  setCookie(c, sessionCookieName(c.req.url), token, { httpOnly: true, sameSite: "Lax", secure, path: "/", maxAge });
}

export function clearSessionCookie(c: Context) {
  const secure = new URL(c.req.url).protocol === "https:";
  deleteCookie(c, sessionCookieName(c.req.url), { path: "/", secure });
}

/** The session token of the page cookie, if any. */
export const sessionCookie = (c: Context) => getCookie(c, sessionCookieName(c.req.url));

/** Where a request's session token came from: cookies need CSRF protection, Bearer tokens do not. */
export interface PresentedSession {
  token: string;
  via: "bearer" | "cookie";
}

export function presentedSession(c: Context): PresentedSession | undefined {
  const bearer = bearerToken(c.req.header("authorization"));
  if (bearer) return { token: bearer, via: "bearer" };
  const cookie = sessionCookie(c);
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

/** Ends one session of an account; false when it has no such live session. */
export async function endSession(db: DrizzleD1Database, accountId: string, sessionId: string): Promise<boolean> {
  const ended = await db
    .delete(sessions)
    .where(and(eq(sessions.id, sessionId), eq(sessions.accountId, accountId)))
    .returning({ id: sessions.id });
  return ended.length > 0;
}

/** Ends every session of an account but `keep` (sign out everywhere else, or everywhere with none). */
export async function endOtherSessions(db: DrizzleD1Database, accountId: string, keep: string | null): Promise<number> {
  const ended = await db
    .delete(sessions)
    .where(and(eq(sessions.accountId, accountId), keep ? ne(sessions.id, keep) : undefined))
    .returning({ id: sessions.id });
  return ended.length;
}

/** An account's live sessions, newest first, marking the one this request uses. */
export async function listSessions(db: DrizzleD1Database, accountId: string, current: string, now: Date) {
  const rows = await db
    .select({ id: sessions.id, userAgent: sessions.userAgent, createdAt: sessions.createdAt, expiresAt: sessions.expiresAt })
    .from(sessions)
    .where(and(eq(sessions.accountId, accountId), gt(sessions.expiresAt, now.toISOString())))
    .orderBy(desc(sessions.createdAt));
  return rows.map((r) => ({ ...r, current: r.id === current }));
}
