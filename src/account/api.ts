/** The account API's routes, declared: path, who may call, body and answers (contract section 2). */
import { createRoute } from "@hono/zod-openapi";
import { z } from "../shared/api-schemas";
import { BODY_REFUSALS, errorAnswers, jsonAnswer, jsonBody, noContent, SESSION_AUTH } from "../shared/openapi";
import { requireAccount, requireSignedIn } from "./middleware";
import { Accepted, EndedSessions, Me, NewAccount, PasswordChange, ReceivedInvitations, Sessions, SessionToken, SignIn, SignUp } from "./schemas";

const tags = ["Account"];
// The router is typed with the account variables; this middleware is what sets them.
const signedIn = { security: SESSION_AUTH, middleware: [requireAccount] };
const SIGNED_OUT = { 401: "No live session: sign in first." };
const idParam = z.object({ id: z.string() });

export const signUpRoute = createRoute({
  method: "post",
  path: "/accounts",
  tags,
  summary: "Create an account",
  request: { body: jsonBody(SignUp) },
  responses: {
    201: jsonAnswer("The account.", NewAccount),
    ...errorAnswers({
      ...BODY_REFUSALS,
      400: "`invalid_email`, `invalid_password` (fewer than 12 characters), or another malformed field.",
      409: "`email_taken`.",
    }),
  },
});

export const signInRoute = createRoute({
  method: "post",
  path: "/sessions",
  tags,
  summary: "Sign in: a session token (no cookie)",
  request: { body: jsonBody(SignIn) },
  responses: {
    201: jsonAnswer("A session token.", SessionToken),
    ...errorAnswers({
      ...BODY_REFUSALS,
      401: "`invalid_credentials`: the same for an unknown e-mail and a wrong password.",
      429: "`too_many_attempts`, with Retry-After.",
    }),
  },
});

export const listSessionsRoute = createRoute({
  method: "get",
  path: "/sessions",
  tags,
  summary: "The account's live sessions",
  ...signedIn,
  responses: { 200: jsonAnswer("Live sessions, newest first; `current` marks this one.", Sessions), ...errorAnswers(SIGNED_OUT) },
});

export const endCurrentSessionRoute = createRoute({
  method: "delete",
  path: "/sessions/current",
  tags,
  summary: "Sign out",
  ...signedIn,
  responses: { ...noContent("The session is ended."), ...errorAnswers(SIGNED_OUT) },
});

export const endAllSessionsRoute = createRoute({
  method: "delete",
  path: "/sessions",
  tags,
  summary: "Sign out everywhere",
  ...signedIn,
  responses: { ...noContent("Every session of the account is ended, this one included."), ...errorAnswers(SIGNED_OUT) },
});

export const endSessionRoute = createRoute({
  method: "delete",
  path: "/sessions/{id}",
  tags,
  summary: "End one session",
  ...signedIn,
  request: { params: idParam },
  responses: { ...noContent("The session is ended."), ...errorAnswers({ ...SIGNED_OUT, 404: "No such session of the account." }) },
});

export const changePasswordRoute = createRoute({
  method: "post",
  path: "/me/password",
  tags,
  summary: "Change the password; every other session ends",
  ...signedIn,
  request: { body: jsonBody(PasswordChange) },
  responses: {
    200: jsonAnswer("How many other sessions were ended.", EndedSessions),
    ...errorAnswers({
      ...BODY_REFUSALS,
      400: "`invalid_password` for the new one, or `invalid_request`.",
      401: "No live session, or the current password is wrong.",
      429: "`too_many_attempts`, with Retry-After.",
    }),
  },
});

export const meRoute = createRoute({
  method: "get",
  path: "/me",
  tags,
  summary: "The signed-in account, or the user signed in by single sign-on",
  security: SESSION_AUTH,
  middleware: [requireSignedIn],
  responses: { 200: jsonAnswer("The account and the organization it administers, if any.", Me), ...errorAnswers(SIGNED_OUT) },
});

export const receivedInvitationsRoute = createRoute({
  method: "get",
  path: "/invitations",
  tags,
  summary: "Open invitations to administer an organization",
  ...signedIn,
  responses: { 200: jsonAnswer("Invitations addressed to the account's e-mail.", ReceivedInvitations), ...errorAnswers(SIGNED_OUT) },
});

export const acceptInvitationRoute = createRoute({
  method: "post",
  path: "/invitations/{id}/accept",
  tags,
  summary: "Accept an invitation",
  ...signedIn,
  request: { params: idParam },
  responses: {
    200: jsonAnswer("The organization the account now administers.", Accepted),
    ...errorAnswers({
      ...SIGNED_OUT,
      404: "No open invitation with this id for the account.",
      409: "The account administers an organization or has a claim of its own.",
    }),
  },
});

export const declineInvitationRoute = createRoute({
  method: "post",
  path: "/invitations/{id}/decline",
  tags,
  summary: "Decline an invitation",
  ...signedIn,
  request: { params: idParam },
  responses: { ...noContent("Declined."), ...errorAnswers({ ...SIGNED_OUT, 404: "No open invitation with this id for the account." }) },
});
