/** GET /oauth/authorize and its identifier-first sign-in, consent and decision steps. */
import { drizzle } from "drizzle-orm/d1";
import { Hono, type Context } from "hono";
import { singleSignOnFor, startSignIn } from "../sso/start";
import { authenticate, type AccountEnv } from "../account/middleware";
import { clientOf, signIn, waitMessage } from "../account/sign-in";
import { sessionCookie, setSessionCookie } from "../account/sessions";
import { csrfToken } from "./csrf";
import { formFields } from "./forms";
import { ConsentPage, IdentifierPage, PasswordPage, StopPage } from "./oauth-pages";
import { orgWriter } from "../writer/address";
import { issuerOf } from "../oauth/access-tokens";
import { checkAuthorizationRequest, redirectTo, type AuthorizationRequest } from "../oauth/authorize";

// Authentication here is optional: `authenticate` sets the account variables when a session is live.
type Ctx = Context<AccountEnv>;

/** Checks the request; answers with a page or a redirect when it cannot go on. */
async function checked(c: Ctx, query: string): Promise<{ request: AuthorizationRequest } | { response: Response }> {
  const check = await checkAuthorizationRequest(c.env, query);
  if (check.kind === "page") return { response: await c.html(<StopPage title="Cannot continue" message={check.message} />, 400) };
  if (check.kind === "redirect-error") {
    const to = redirectTo(check.request, issuerOf(c.req.url), { error: check.error, error_description: check.description });
    return { response: c.redirect(to, 303) };
  }
  return { request: check.request };
}

/** A posted step of the flow: the form, with the authorization request it carries checked again first. */
const step = (handle: (c: Ctx, request: AuthorizationRequest, form: Record<string, string>) => Promise<Response>) => async (c: Ctx) => {
  const form = await formFields(c);
  const result = await checked(c, form.request ?? "");
  return "response" in result ? result.response : handle(c, result.request, form);
};

/** With a session: consent, or the page that says an admin role is needed. Without: the identifier page. */
async function nextStep(c: Ctx, request: AuthorizationRequest): Promise<Response> {
  const token = sessionCookie(c);
  const signedIn = token ? await authenticate(c, token) : false;
  // A user signed in by single sign-on who is not an admin of that organization is told so, not asked again.
  if (!signedIn && !c.var.user) {
    return c.html(<IdentifierPage csrf={csrfToken(c)} query={request.query} client={request.client.name} />);
  }
  const membership = signedIn ? c.var.membership : null;
  if (!membership) {
    return c.html(
      <StopPage
        title="Organization admin role needed"
        message="To connect provisioning, your account needs the organization admin role with read & write permission. Verify your organization's domain in the Organization Center, or ask an admin of your organization to add you."
      />,
      403,
    );
  }
  return c.html(
    <ConsentPage
      csrf={csrfToken(c)}
      query={request.query}
      client={request.client.name}
      org={membership.orgName}
      email={c.var.account.email}
      readOnly={membership.permission === "read"}
    />,
  );
}

export const authorizeRoutes = new Hono<AccountEnv>()
  .get("/oauth/authorize", async (c) => {
    const result = await checked(c, new URL(c.req.url).search.replace(/^\?/, ""));
    return "response" in result ? result.response : nextStep(c, result.request);
  })
  .post(
    "/oauth/authorize/identify",
    step(async (c, request, form) => {
      const username = (form.username ?? "").trim();
      if (username === "") {
        return c.html(<IdentifierPage csrf={csrfToken(c)} query={request.query} client={request.client.name} error="Enter your user name." />, 400);
      }
      // An organization with single sign-on signs its admins in at its identity provider, then back here.
      const db = drizzle(c.env.DB);
      const sso = await singleSignOnFor(db, username);
      if (sso) return c.redirect(await startSignIn(c, db, sso, `/oauth/authorize?${request.query}`), 302);
      // The next page is the same whether or not the account exists.
      return c.html(<PasswordPage csrf={csrfToken(c)} query={request.query} client={request.client.name} username={username} />);
    }),
  )
  .post(
    "/oauth/authorize/password",
    step(async (c, request, form) => {
      const username = form.username ?? "";
      const outcome = await signIn(c.env, username, form.password ?? "", clientOf(c));
      if (!outcome.ok) {
        const error = outcome.status === 429 ? waitMessage(outcome.retryAfter) : "The user name or password is not correct.";
        if (outcome.status === 429) c.header("retry-after", String(outcome.retryAfter));
        return c.html(
          <PasswordPage csrf={csrfToken(c)} query={request.query} client={request.client.name} username={username} error={error} />,
          outcome.status,
        );
      }
      setSessionCookie(c, outcome.token);
      return c.redirect(`/oauth/authorize?${request.query}`, 303);
    }),
  )
  .post(
    "/oauth/authorize/decision",
    step(async (c, request, form) => {
      const issuer = issuerOf(c.req.url);
      if (form.decision !== "allow")
        return c.redirect(redirectTo(request, issuer, { error: "access_denied", error_description: "The admin denied access." }), 303);
      const token = sessionCookie(c);
      if (!token || !(await authenticate(c, token)) || !c.var.membership) return nextStep(c, request);
      const orgId = c.var.membership.orgId;
      const code = await orgWriter(c.env, orgId).authorizeCode(orgId, {
        clientId: request.client.id,
        accountId: c.var.account.id,
        redirectUri: request.redirectUriGiven ? request.redirectUri : null,
        codeChallenge: request.codeChallenge,
      });
      return c.redirect(redirectTo(request, issuer, { code }), 303);
    }),
  );
