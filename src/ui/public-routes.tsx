/** Pages anyone may open: sign in, sign up, the assets; and signing out. */
import { drizzle } from "drizzle-orm/d1";
import { Hono } from "hono";
import type { AccountEnv } from "../account/middleware";
import { clientOf, signIn, signUp, waitMessage } from "../account/sign-in";
import { clearSessionCookie, endSession, sessionCookie, setSessionCookie, startSession } from "../account/sessions";
import type { AppEnv } from "../shared/app-env";
import { claim } from "../org/domains";
import { SCRIPT, STYLESHEET } from "./assets";
import { csrfToken } from "./csrf";
import { formFields as fields } from "./forms";
import { SignInPage, SignUpPage } from "./pages";
import { signedIn } from "./page-guards";

export const publicPages = new Hono<AppEnv>();

publicPages.get("/assets/app.css", (c) => c.body(STYLESHEET, 200, { "content-type": "text/css; charset=utf-8", "cache-control": "public, max-age=300" }));
publicPages.get("/assets/app.js", (c) => c.body(SCRIPT, 200, { "content-type": "text/javascript; charset=utf-8", "cache-control": "public, max-age=300" }));

publicPages.get("/", (c) => c.redirect(sessionCookie(c) ? "/dashboard" : "/login", 303));

publicPages.get("/login", (c) => c.html(<SignInPage csrf={csrfToken(c)} />));
publicPages.post("/login", async (c) => {
  const form = await fields(c);
  const result = await signIn(c.env, form.email ?? "", form.password ?? "", clientOf(c));
  if (!result.ok) {
    const error = result.status === 429 ? waitMessage(result.retryAfter) : "The e-mail or password is not correct.";
    if (result.status === 429) c.header("retry-after", String(result.retryAfter));
    return c.html(<SignInPage csrf={csrfToken(c)} error={error} email={form.email} />, result.status);
  }
  setSessionCookie(c, result.token);
  return c.redirect("/dashboard", 303);
});

publicPages.get("/signup", (c) => c.html(<SignUpPage csrf={csrfToken(c)} />));
publicPages.post("/signup", async (c) => {
  const form = await fields(c);
  const created = await signUp(c.env, form.email, form.password, form.name || undefined);
  if (!created.ok) {
    return c.html(<SignUpPage csrf={csrfToken(c)} error={created.message} email={form.email} name={form.name} />, created.status);
  }
  const session = await startSession(drizzle(c.env.DB), created.id, new Date(), clientOf(c).userAgent);
  setSessionCookie(c, session.token);
  // GoTo's flow: the new account is asked to verify its e-mail domain straight away.
  await claim(c.env, { id: created.id, email: created.email }, null, undefined);
  return c.redirect("/dashboard", 303);
});

export const logoutPage = new Hono<AccountEnv>().use(signedIn).post("/", async (c) => {
  await endSession(drizzle(c.env.DB), c.var.account.id, c.var.sessionId);
  clearSessionCookie(c);
  return c.redirect("/login", 303);
});
