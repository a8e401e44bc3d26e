/** The Organization Center's pages: what an admin sees and does, each a thin view over the same API logic. */
import type { DomainRow } from "../db/schema";
import { domainView } from "../org/domain-view";
import type { organizationView } from "../org/view";
import { ActionCell, Columns, ErrorNote, Form, Layout, Notice, type Viewer } from "./layout";
import { leftText, When } from "./when";

type OrganizationView = NonNullable<Awaited<ReturnType<typeof organizationView>>>;

/** Identifier-first sign-in: the e-mail and Next (single sign-on goes to the identity provider from there), then the password. */
export function SignInPage(props: { csrf: string; error?: string; email?: string; service?: string; step?: "identify" | "password" }) {
  const password = props.step !== "identify";
  return (
    <Layout title="Sign in">
      <div class="card narrow">
        <h1>Sign in</h1>
        <ErrorNote message={props.error} />
        <Form action={password ? "/login" : "/login/identify"} csrf={props.csrf}>
          {props.service ? <input type="hidden" name="service" value={props.service} /> : null}
          <label for="email">E-mail</label>
          <input id="email" name="email" type="email" autocomplete="username" required value={props.email ?? ""} autofocus={!password || !props.email} />
          {password ? (
            <>
              <label for="password">Password</label>
              <input id="password" name="password" type="password" autocomplete="current-password" required autofocus={!!props.email} />
              <button type="submit">Sign in</button>
            </>
          ) : (
            <button type="submit">Next</button>
          )}
        </Form>
        <p class="muted">
          New here? <a href="/signup">Create an account</a>
          {password ? null : (
            <>
              {" "}
              · <a href="/login?step=password">Sign in with a password</a>
            </>
          )}
        </p>
      </div>
    </Layout>
  );
}

export function SignUpPage(props: { csrf: string; error?: string; email?: string; name?: string }) {
  return (
    <Layout title="Create an account">
      <div class="card narrow">
        <h1>Create an account</h1>
        <p class="muted">Use your work e-mail: you will verify its domain to become your organization's admin.</p>
        <ErrorNote message={props.error} />
        <Form action="/signup" csrf={props.csrf}>
          <label for="name">Name</label>
          <input id="name" name="name" type="text" autocomplete="name" value={props.name ?? ""} />
          <label for="email">Work e-mail</label>
          <input id="email" name="email" type="email" autocomplete="username" required value={props.email ?? ""} />
          <label for="password">Password (at least 12 characters)</label>
          <input id="password" name="password" type="password" autocomplete="new-password" minlength={12} required />
          <button type="submit">Create account</button>
        </Form>
        <p class="muted">
          Have an account? <a href="/login">Sign in</a>
        </p>
      </div>
    </Layout>
  );
}

export function Copyable(props: { label: string; value: string }) {
  return (
    <>
      <span class="muted">{props.label}</span>
      <code>{props.value}</code>
      <button type="button" class="secondary" data-copy={props.value} aria-label={`Copy ${props.label}`}>
        Copy
      </button>
    </>
  );
}

function DomainCard(props: { row: DomainRow; csrf: string; canWrite: boolean }) {
  const d = domainView(props.row);
  const pending = d.status === "pending";
  return (
    <section class="card" id={`domain-${d.domain}`} data-domain={d.domain} data-status={d.status} aria-labelledby={`h-${d.domain}`}>
      <h2 id={`h-${d.domain}`}>
        {d.domain}{" "}
        <span class={`status status-${d.status}`} data-field="status">
          {d.status}
        </span>
      </h2>
      <p class="notice" data-when-verified hidden>
        Verified. <a href="/organization">Open your organization</a> or <a href="/organization/tokens">create a SCIM token</a>.
      </p>
      {d.status === "verified" ? (
        <p class="muted">
          Verified {d.method === "operator" ? "by the operator" : `by ${d.method === "dns" ? "DNS TXT record" : "HTTP file"}`} on <When at={d.verifiedAt} />.
        </p>
      ) : null}
      {d.txtRecord && d.httpFile && d.status !== "verified" ? (
        <div data-while-pending>
          <p>Publish either of these, at the domain and at each subdomain you add:</p>
          <div class="record">
            <Copyable label="TXT name" value={d.txtRecord.name} />
            <Copyable label="TXT value" value={d.txtRecord.value} />
          </div>
          <p>or a file:</p>
          <div class="record">
            <Copyable label="File URL" value={d.httpFile.url} />
            <Copyable label="Contents" value={d.httpFile.contents} />
          </div>
          {pending && d.expiresAt ? (
            <p class="muted">
              Verify before <When at={d.expiresAt} ago={false} /> (<span data-expires={d.expiresAt}>{leftText(Date.parse(d.expiresAt) - Date.now())}</span>).
              Last check:{" "}
              <span data-field="lastCheckedAt">
                <When at={d.lastCheckedAt} none="not yet" />
              </span>
              ; next:{" "}
              <span data-field="nextCheckAt">
                <When at={d.nextCheckAt} none="none" />
              </span>
              .
            </p>
          ) : null}
          <p class="problem" data-field="lastError" aria-live="polite">
            {d.lastError ?? ""}
          </p>
          {pending && props.canWrite ? (
            <div class="row">
              <Form action={`/dashboard/domains/${encodeURIComponent(d.domain)}/verify`} csrf={props.csrf}>
                <button type="submit">Verify now</button>
              </Form>
              <Form action={`/dashboard/domains/${encodeURIComponent(d.domain)}/withdraw`} csrf={props.csrf}>
                <button type="submit" class="secondary" aria-label={`Withdraw the claim for ${d.domain}`}>
                  Withdraw claim
                </button>
              </Form>
            </div>
          ) : null}
        </div>
      ) : null}
      {d.status === "expired" && props.canWrite ? (
        <Form action="/dashboard/domains" csrf={props.csrf}>
          <input type="hidden" name="domain" value={d.domain} />
          <button type="submit">Claim again</button>
        </Form>
      ) : null}
    </section>
  );
}

export function DashboardPage(props: {
  viewer: Viewer;
  csrf: string;
  domains: DomainRow[];
  canWrite: boolean;
  error?: string;
  emailDomain: string;
  invitations: number;
}) {
  return (
    <Layout title="Domains" viewer={props.viewer} csrf={props.csrf}>
      <h1>Domains</h1>
      {props.invitations > 0 ? (
        <p class="notice">
          You are invited to administer {props.invitations === 1 ? "an organization" : `${props.invitations} organizations`}:{" "}
          <a href="/account">see your invitations</a>.
        </p>
      ) : null}
      {props.viewer.orgName ? (
        <p class="muted">Organization: {props.viewer.orgName}</p>
      ) : (
        <p class="notice">Verify the domain of your e-mail address within 10 days: once it is verified, your organization exists and you are its admin.</p>
      )}
      <ErrorNote message={props.error} />
      {props.domains.map((row) => (
        <DomainCard row={row} csrf={props.csrf} canWrite={props.canWrite} />
      ))}
      {props.canWrite && (props.viewer.orgName || props.domains.every((d) => d.status === "expired")) ? (
        <section class="card" aria-labelledby="add-domain">
          <h2 id="add-domain">Add a domain</h2>
          <Form action="/dashboard/domains" csrf={props.csrf}>
            <label for="domain">Domain</label>
            <input id="domain" name="domain" type="text" placeholder={props.emailDomain} value={props.viewer.orgName ? "" : props.emailDomain} />
            <button type="submit">Add domain</button>
          </Form>
        </section>
      ) : null}
    </Layout>
  );
}

export function OrganizationPage(props: {
  viewer: Viewer;
  csrf: string;
  org: OrganizationView;
  accountId: string;
  invitations: { id: string; email: string; permission: "read" | "read-write"; expiresAt: string }[];
  canWrite: boolean;
  error?: string;
  notice?: string;
}) {
  const { org } = props;
  // The last read & write admin cannot leave, so it is not offered.
  const writers = org.admins.filter((a) => a.permission === "read-write").length;
  const lastWriter = (a: { permission: string }) => a.permission === "read-write" && writers === 1;
  return (
    <Layout title="Organization" viewer={props.viewer} csrf={props.csrf}>
      <h1>{org.name}</h1>
      <ErrorNote message={props.error} />
      <Notice message={props.notice} />
      {!props.canWrite ? <p class="notice">Your admin role has read permission only.</p> : null}
      <section class="card" aria-labelledby="settings">
        <h2 id="settings">Settings</h2>
        {props.canWrite ? (
          <Form action="/organization" csrf={props.csrf}>
            <label for="org-name">Name</label>
            <input id="org-name" name="name" type="text" required value={org.name} />
            <label>
              <input type="checkbox" name="requireVerifiedDomain" value="true" checked={org.settings.requireVerifiedDomain} /> Provisioned user names must be in
              a verified domain
            </label>
            <button type="submit">Save</button>
          </Form>
        ) : (
          <p>Provisioned user names must be in a verified domain: {org.settings.requireVerifiedDomain ? "yes" : "no"}.</p>
        )}
      </section>
      <section class="card" aria-labelledby="admins">
        <h2 id="admins">Admins</h2>
        <table>
          <Columns names={["E-mail", "Permission", "Since"]} action={true} />
          <tbody>
            {org.admins.map((a) => (
              <tr data-admin={a.accountId}>
                <td>{a.email}</td>
                <td>
                  {a.permission === "read-write" ? "Read & write" : "Read"}
                  {props.canWrite && a.accountId !== props.accountId ? (
                    <Form action={`/organization/admins/${a.accountId}/permission`} csrf={props.csrf} class="inline">
                      <input type="hidden" name="permission" value={a.permission === "read-write" ? "read" : "read-write"} />
                      <button
                        type="submit"
                        class="secondary flat"
                        aria-label={`Change ${a.email} to ${a.permission === "read-write" ? "read" : "read & write"}`}
                      >
                        {a.permission === "read-write" ? "Make read only" : "Make read & write"}
                      </button>
                    </Form>
                  ) : null}
                </td>
                <td>
                  <When at={a.since} />
                </td>
                {a.accountId === props.accountId ? (
                  <ActionCell show={!lastWriter(a)} action={`/organization/admins/${a.accountId}/remove`} csrf={props.csrf} label="Leave" name={org.name} />
                ) : (
                  <ActionCell show={props.canWrite} action={`/organization/admins/${a.accountId}/remove`} csrf={props.csrf} label="Remove" name={a.email} />
                )}
                {(a.accountId !== props.accountId && !props.canWrite) || (a.accountId === props.accountId && lastWriter(a)) ? <td></td> : null}
              </tr>
            ))}
          </tbody>
        </table>
        {props.invitations.length > 0 ? (
          <>
            <h3>Invitations not yet accepted</h3>
            <table>
              <Columns names={["E-mail", "Permission", "Expires"]} action={props.canWrite} />
              <tbody>
                {props.invitations.map((i) => (
                  <tr data-invitation={i.id}>
                    <td>{i.email}</td>
                    <td>{i.permission === "read-write" ? "Read & write" : "Read"}</td>
                    <td>
                      <When at={i.expiresAt} />
                    </td>
                    <ActionCell show={props.canWrite} action={`/organization/invitations/${i.id}/revoke`} csrf={props.csrf} label="Withdraw" name={i.email} />
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        ) : null}
        {props.canWrite ? (
          <Form action="/organization/admins" csrf={props.csrf}>
            <div class="row">
              <div>
                <label for="admin-email">Invite an admin (e-mail)</label>
                <input id="admin-email" name="email" type="email" required />
              </div>
              <div>
                <label for="admin-permission">Permission</label>
                <select id="admin-permission" name="permission">
                  <option value="read-write">Read & write</option>
                  <option value="read">Read</option>
                </select>
              </div>
            </div>
            <p class="muted">
              They become an admin once they accept on their Account page (sign up first if they have no account). Invitations expire after 7 days.
            </p>
            <button type="submit">Invite</button>
          </Form>
        ) : null}
      </section>
      <section class="card" aria-labelledby="org-domains">
        <h2 id="org-domains">Domains</h2>
        <ul>
          {org.domains.map((d) => (
            <li>
              {d.domain} <span class={`status status-${d.status}`}>{d.status}</span>
            </li>
          ))}
        </ul>
        <a href="/dashboard">Manage domains</a>
      </section>
    </Layout>
  );
}

export interface TokenListing {
  id: string;
  description: string | null;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
}

export function TokensPage(props: {
  viewer: Viewer;
  csrf: string;
  tokens: TokenListing[];
  canWrite: boolean;
  created?: string;
  error?: string;
  scimUrl: string;
}) {
  return (
    <Layout title="SCIM tokens" viewer={props.viewer} csrf={props.csrf}>
      <h1>SCIM tokens</h1>
      <p>
        In Microsoft Entra ID, set the Tenant URL to <code class="secret">{props.scimUrl}</code> and the Secret Token to a token from this page.
      </p>
      <ErrorNote message={props.error} />
      {props.created ? (
        <section class="card notice" aria-labelledby="new-token">
          <h2 id="new-token">Your new token</h2>
          <p>Copy it now: it is shown only once.</p>
          <div class="record">
            <Copyable label="Token" value={props.created} />
          </div>
        </section>
      ) : null}
      {props.canWrite ? (
        <section class="card" aria-labelledby="create-token">
          <h2 id="create-token">Create a token</h2>
          <Form action="/organization/tokens" csrf={props.csrf}>
            <label for="description">Description</label>
            <input id="description" name="description" type="text" placeholder="Microsoft Entra ID provisioning" />
            <button type="submit">Create token</button>
          </Form>
        </section>
      ) : null}
      <section class="card" aria-labelledby="tokens">
        <h2 id="tokens">Tokens</h2>
        {props.tokens.length === 0 ? <p class="muted">No tokens yet.</p> : null}
        <table>
          <Columns names={["Description", "State", "Created", "Expires"]} action={props.canWrite} />
          <tbody>
            {props.tokens.map((t) => (
              <tr>
                <td>{t.description ?? "(no description)"}</td>
                <td>{t.revokedAt ? "revoked" : "active"}</td>
                <td>
                  <When at={t.createdAt} />
                </td>
                <td>
                  <When at={t.expiresAt} none="never" />
                </td>
                {t.revokedAt && props.canWrite ? <td></td> : null}
                <ActionCell
                  show={props.canWrite && !t.revokedAt}
                  action={`/organization/tokens/${t.id}/revoke`}
                  csrf={props.csrf}
                  label="Revoke"
                  name={t.description ?? "token"}
                />
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </Layout>
  );
}
