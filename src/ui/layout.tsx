/** The frame of every page: head, navigation, a live region for status changes. */
import { raw } from "hono/html";
import type { Child } from "hono/jsx";
import { CSRF_FIELD } from "./csrf";

export interface Viewer {
  email: string;
  orgName: string | null;
}

export function Layout(props: { title: string; viewer?: Viewer; csrf?: string; children: Child }) {
  return (
    <>
      {/* Without it browsers lay the pages out in quirks mode (forms grow a bottom margin, for one). */}
      {raw("<!DOCTYPE html>")}
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <title>{`${props.title} · Organization Center`}</title>
          <link rel="stylesheet" href="/assets/app.css" />
          <script src="/assets/app.js" defer></script>
        </head>
        <body>
          <header>
            <div class="bar">
              <a class="brand" href="/dashboard">
                Organization Center
              </a>
              {props.viewer ? (
                <nav aria-label="Main" class="nav">
                  <a href="/dashboard">Domains</a>
                  {props.viewer.orgName ? <a href="/organization">Organization</a> : null}
                  {props.viewer.orgName ? <a href="/organization/tokens">SCIM tokens</a> : null}
                  {props.viewer.orgName ? <a href="/organization/log">Provisioning log</a> : null}
                  {props.viewer.orgName ? <a href="/organization/sign-ins">Sign-ins</a> : null}
                  {props.viewer.orgName ? <a href="/organization/users">Users</a> : null}
                  {props.viewer.orgName ? <a href="/organization/groups">Groups</a> : null}
                  {props.viewer.orgName ? <a href="/organization/scim">SCIM connection</a> : null}
                  {props.viewer.orgName ? (
                    <a href="/organization/sso" title="Single sign-on">
                      SSO
                    </a>
                  ) : null}
                  {props.viewer.orgName ? (
                    <a href="/organization/apps" title="Connected apps">
                      Apps
                    </a>
                  ) : null}
                  <a href="/account">Account</a>
                  <form method="post" action="/logout" class="inline">
                    <input type="hidden" name={CSRF_FIELD} value={props.csrf ?? ""} />
                    <button type="submit" class="secondary flat">
                      Sign out
                    </button>
                  </form>
                </nav>
              ) : null}
            </div>
          </header>
          <main id="main">
            <p id="live" class="sr-only" role="status" aria-live="polite"></p>
            {props.children}
          </main>
        </body>
      </html>
    </>
  );
}

/** A form that carries the CSRF token. */
export function Form(props: { action: string; csrf: string; class?: string; children: Child }) {
  return (
    <form method="post" action={props.action} class={props.class}>
      <input type="hidden" name={CSRF_FIELD} value={props.csrf} />
      {props.children}
    </form>
  );
}

export const ErrorNote = (props: { message?: string | null }) =>
  props.message ? (
    <p class="error" role="alert">
      {props.message}
    </p>
  ) : null;

/** A status line that confirms what just happened. */
export const Notice = (props: { message?: string | null }) =>
  props.message ? (
    <p class="notice" role="status">
      {props.message}
    </p>
  ) : null;

/** Column headers, with an Action column for admins who may change things. */
export function Columns(props: { names: string[]; action: boolean }) {
  return (
    <thead>
      <tr>
        {props.names.map((name) => (
          <th scope="col">{name}</th>
        ))}
        {props.action ? <th scope="col">Action</th> : null}
      </tr>
    </thead>
  );
}

/** A cell with a one-button form (Remove, Revoke), shown to admins who may change things. */
export function ActionCell(props: { show: boolean; action: string; csrf: string; label: string; name: string }) {
  if (!props.show) return null;
  return (
    <td>
      <Form action={props.action} csrf={props.csrf}>
        <button type="submit" class="danger flat" aria-label={`${props.label} ${props.name}`}>
          {props.label}
        </button>
      </Form>
    </td>
  );
}
