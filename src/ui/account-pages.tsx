/** The account's own page: invitations to accept, sessions to end, the password to change. */
import { ActionCell, Columns, ErrorNote, Form, Layout, Notice, type Viewer } from "./layout";
import { When } from "./when";

export interface InvitationListing {
  id: string;
  orgName: string;
  permission: "read" | "read-write";
  invitedBy: string;
  expiresAt: string;
}

export interface SessionListing {
  id: string;
  userAgent: string | null;
  createdAt: string;
  expiresAt: string;
  current: boolean;
}

const permissionText = (p: "read" | "read-write") => (p === "read-write" ? "Read & write" : "Read");

export function AccountPage(props: {
  viewer: Viewer;
  csrf: string;
  invitations: InvitationListing[];
  sessions: SessionListing[];
  error?: string;
  notice?: string;
}) {
  return (
    <Layout title="Account" viewer={props.viewer} csrf={props.csrf}>
      <h1>Account</h1>
      <p class="muted">Signed in as {props.viewer.email}.</p>
      <ErrorNote message={props.error} />
      <Notice message={props.notice} />
      <section class="card" aria-labelledby="invitations">
        <h2 id="invitations">Invitations</h2>
        {props.invitations.length === 0 ? (
          <p class="muted">No open invitations. An admin of an organization can invite your e-mail to administer it.</p>
        ) : (
          <>
            <p>Accepting makes you an admin of that organization. An account administers one organization at a time.</p>
            <table>
              <Columns names={["Organization", "Permission", "Expires", "Decline"]} action={true} />
              <tbody>
                {props.invitations.map((i) => (
                  <tr data-invitation={i.id}>
                    <td>{i.orgName}</td>
                    <td>{permissionText(i.permission)}</td>
                    <td>
                      <When at={i.expiresAt} />
                    </td>
                    <ActionCell show={true} action={`/account/invitations/${i.id}/decline`} csrf={props.csrf} label="Decline" name={i.orgName} />
                    <td>
                      <Form action={`/account/invitations/${i.id}/accept`} csrf={props.csrf}>
                        <button type="submit" aria-label={`Accept ${i.orgName}`}>
                          Accept
                        </button>
                      </Form>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        )}
      </section>
      <section class="card" aria-labelledby="sessions">
        <h2 id="sessions">Where you are signed in</h2>
        <table>
          <Columns names={["Browser or client", "Signed in", "Expires"]} action={true} />
          <tbody>
            {props.sessions.map((s) => (
              <tr>
                <td>
                  {s.userAgent ?? "(unknown)"} {s.current ? <strong>(this browser)</strong> : null}
                </td>
                <td>
                  <When at={s.createdAt} />
                </td>
                <td>
                  <When at={s.expiresAt} />
                </td>
                <ActionCell show={true} action={`/account/sessions/${s.id}/end`} csrf={props.csrf} label="Sign out" name={s.userAgent ?? "session"} />
              </tr>
            ))}
          </tbody>
        </table>
        <Form action="/account/sessions/end-all" csrf={props.csrf}>
          <button type="submit" class="danger">
            Sign out everywhere
          </button>
        </Form>
      </section>
      <section class="card" aria-labelledby="password">
        <h2 id="password">Change password</h2>
        <p class="muted">Changing it signs you out everywhere else.</p>
        <Form action="/account/password" csrf={props.csrf}>
          <label for="current-password">Current password</label>
          <input id="current-password" name="currentPassword" type="password" autocomplete="current-password" required />
          <label for="new-password">New password (at least 12 characters)</label>
          <input id="new-password" name="newPassword" type="password" autocomplete="new-password" minlength={12} required />
          <button type="submit">Change password</button>
        </Form>
      </section>
    </Layout>
  );
}
