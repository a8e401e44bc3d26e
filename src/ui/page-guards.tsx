/** What signed-in pages share: the guards in front of them and what they read of the viewer. */
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { authenticate, type AccountEnv, type AccountVariables, type AdminEnv } from "../account/middleware";
import { sessionCookie } from "../account/sessions";
import type { AppEnv } from "../shared/app-env";
import type { Viewer } from "./layout";

type Ctx = Context<AppEnv>;

/** Requires a signed-in account (session cookie) for a page; otherwise to the sign-in page. */
export const signedIn = createMiddleware<AccountEnv>(async (c, next) => {
  const token = sessionCookie(c);
  // A provisioned user signed in by single sign-on has their own page, not the Organization Center.
  if (!token || !(await authenticate(c, token))) return c.redirect(c.var.user ? "/me" : "/login", 303);
  await next();
});

export const viewerOf = (c: { var: AccountVariables }): Viewer => ({ email: c.var.account.email, orgName: c.var.membership?.orgName ?? null });
export const canWrite = (c: { var: AccountVariables }) => !c.var.membership || c.var.membership.permission === "read-write";
export const actorOf = (c: { var: AccountVariables }) => `account:${c.var.account.id}`;
const readOnlyPage = (c: { html: Ctx["html"] }) => c.html("<!doctype html><title>Read only</title><p>Your admin role has read permission only.</p>", 403);

/** Pages of the caller's organization: admins only; changes need read & write. */
export const adminOnly = createMiddleware<AdminEnv>(async (c, next) => {
  const membership = c.var.membership;
  if (!membership) return c.redirect("/dashboard", 303);
  // Leaving is the one change a read-only admin may make.
  const leaving = new URL(c.req.url).pathname === `/organization/admins/${c.var.account.id}/remove`;
  if (c.req.method === "POST" && membership.permission !== "read-write" && !leaving) return readOnlyPage(c);
  c.set("admin", membership);
  await next();
});
