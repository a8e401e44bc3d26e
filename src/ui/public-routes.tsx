/** Pages anyone may open: sign in, sign up, the assets; and signing out. */
import { drizzle } from "drizzle-orm/d1";
import { Hono } from "hono";
import type { AccountEnv } from "../account/middleware";
import { clientOf, signIn, signUp, waitMessage } from "../account/sign-in";
import { clearSessionCookie, sessionCookie, setSessionCookie, startSession } from "../account/sessions";
import { endSessionOfToken } from "../account/user-sessions";
import { safeRelayPath } from "../sso/relay";
import { singleSignOnFor, startSignIn } from "../sso/start";
import type { AppEnv } from "../shared/app-env";
import { claim } from "../org/domains";
import { SCRIPT, STYLESHEET } from "./assets";
import { csrfToken } from "./csrf";
import { formFields as fields } from "./forms";
import { SignInPage, SignUpPage } from "./pages";

export const publicPages = new Hono<AppEnv>();

publicPages.get("/assets/app.css", (c) => c.body(STYLESHEET, 200, { "content-type": "text/css; charset=utf-8", "cache-control": "public, max-age=300" }));
publicPages.get("/assets/app.js", (c) => c.body(SCRIPT, 200, { "content-type": "text/javascript; charset=utf-8", "cache-control": "public, max-age=300" }));

publicPages.get("/", (c) => c.redirect(sessionCookie(c) ? "/dashboard" : "/login", 303));

// `service` names where to go after signing in: a path of this service only.
// `step=password` skips single sign-on: an admin whose identity provider is misconfigured is never locked out.
publicPages.get("/login", (c) =>
  c.html(
    <SignInPage csrf={csrfToken(c)} step={c.req.query("step") === "password" ? "password" : "identify"} service={safeRelayPath(c.req.query("service"))} />,
  ),
);
publicPages.post("/login/identify", async (c) => {
  const form = await fields(c);
  const email = (form.email ?? "").trim();
  const service = safeRelayPath(form.service);
  if (email === "") return c.html(<SignInPage csrf={csrfToken(c)} step="identify" service={service} error="Enter your e-mail." />, 400);
  const db = drizzle(c.env.DB);
  const sso = await singleSignOnFor(db, email);
  // A verified domain with single sign-on signs in at its identity provider; any other e-mail gets the password step.
  if (sso) return c.redirect(await startSignIn(c, db, sso, service ?? "/me"), 302);
  return c.html(<SignInPage csrf={csrfToken(c)} step="password" email={email} service={service} />);
});
publicPages.post("/login", async (c) => {
  const form = await fields(c);
  const service = safeRelayPath(form.service);
  const result = await signIn(c.env, form.email ?? "", form.password ?? "", clientOf(c));
  if (!result.ok) {
    const error = result.status === 429 ? waitMessage(result.retryAfter) : "The e-mail or password is not correct.";
    if (result.status === 429) c.header("retry-after", String(result.retryAfter));
    return c.html(<SignInPage csrf={csrfToken(c)} error={error} email={form.email} service={service} />, result.status);
  }
  setSessionCookie(c, result.token);
  return c.redirect(service ?? "/dashboard", 303);
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

// Whichever session the cookie holds (an account's or a single sign-on one) ends.
export const logoutPage = new Hono<AccountEnv>().post("/", async (c) => {
  const token = sessionCookie(c);
  if (token) await endSessionOfToken(drizzle(c.env.DB), token);
  clearSessionCookie(c);
  return c.redirect("/login", 303);
});
