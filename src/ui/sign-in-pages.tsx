/** The pages of signing in by single sign-on: the refusal, and a provisioned user's own page. */
import type { UserRow } from "../db/schema";
import type { UserGroupRef } from "../scim/users/document";
import type { SignInReason } from "../sso/sign-in";
import { Form, Layout } from "./layout";

const TURNED_OFF = "Your administrator turned off your access to this service. Ask them to assign it to you again in Microsoft Entra ID.";

/** What a refused sign-in tells the person in front of the browser, in words they (or their admin) can act on. */
export function refusalText(reason: SignInReason): string {
  switch (reason) {
    case "deactivated":
    case "not_provisioned":
      return TURNED_OFF;
    case "jit_refused":
      return "Your user could not be created in this organization. Ask your administrator to provision you from Microsoft Entra ID.";
    case "sso_disabled":
      return "Single sign-on is turned off for this organization. Sign in with your password, or ask your administrator.";
    case "unknown_request":
      return "This sign-in was not started in this browser, or it took longer than 15 minutes. Start again from the sign-in page.";
    case "replayed":
      return "This sign-in response was used already. Start again from the sign-in page.";
    case "idp_initiated_off":
      return "Your organization does not accept sign-in started from Microsoft Entra ID's My Apps. Start from this service's sign-in page.";
    case "wrong_audience":
      return "The response was meant for another application: in Entra's Basic SAML Configuration, check the Identifier (Entity ID).";
    case "wrong_destination":
    case "wrong_recipient":
      return "The response was sent for another address: in Entra's Basic SAML Configuration, check the Reply URL (Assertion Consumer Service URL).";
    case "wrong_issuer":
    case "bad_signature":
      return "The response's signature or issuer does not match this organization's identity provider. An administrator can refresh its metadata.";
    case "sha1_signature":
      return "The identity provider signed with SHA-1. In Entra's SAML Certificates, set the signing algorithm to SHA-256.";
    case "expired":
    case "not_yet_valid":
      return "The sign-in response is outside its validity period. Check the clocks, then start again from the sign-in page.";
    default:
      return "The sign-in response could not be accepted. Start again from the sign-in page.";
  }
}

export function RefusedSignInPage(props: { message: string }) {
  return (
    <Layout title="Sign-in refused">
      <div class="card narrow">
        <h1>Sign-in refused</h1>
        <p role="alert">{props.message}</p>
        <p>
          <a href="/login">Back to sign in</a>
        </p>
      </div>
    </Layout>
  );
}

const ENTERPRISE: [keyof UserRow, string][] = [
  ["title", "Job title"],
  ["department", "Department"],
  ["division", "Division"],
  ["organization", "Company"],
  ["employeeNumber", "Employee number"],
  ["costCenter", "Cost center"],
];

/** A provisioned user's own page: what Entra provisioned, their groups, and signing out. */
export function MyAccountPage(props: { user: UserRow; orgName: string; groups: UserGroupRef[]; csrf: string; admin: boolean }) {
  const u = props.user;
  const name = u.displayName ?? ([u.nameGivenName, u.nameFamilyName].filter(Boolean).join(" ") || u.userName);
  const email = u.emails?.find((e) => e.type === "work")?.value ?? u.emails?.[0]?.value ?? u.userName;
  return (
    <Layout title="My account">
      <div class="card">
        <h1>{name}</h1>
        <p class="muted">
          Signed in to {props.orgName} by single sign-on.{" "}
          {props.admin ? (
            <>
              You also administer it: <a href="/dashboard">open the Organization Center</a>.
            </>
          ) : null}
        </p>
        <dl>
          <dt>User name</dt>
          <dd data-field="userName">{u.userName}</dd>
          <dt>E-mail</dt>
          <dd data-field="email">{String(email)}</dd>
          {ENTERPRISE.filter(([column]) => u[column]).map(([column, label]) => (
            <>
              <dt>{label}</dt>
              <dd data-field={column}>{String(u[column])}</dd>
            </>
          ))}
          <dt>Groups</dt>
          <dd data-field="groups">{props.groups.length ? props.groups.map((g) => g.displayName).join(", ") : "None"}</dd>
        </dl>
        <Form action="/logout" csrf={props.csrf}>
          <button type="submit">Sign out</button>
        </Form>
      </div>
    </Layout>
  );
}
