/** Admin pages for OAuth: the apps connected to the organization, and how to connect Entra. */
import { scimBaseOf } from "../shared/scim-base";
import type { credentialView } from "../oauth/federated-credentials";
import type { connectedApps, scimClients } from "../org/oauth-views";
import { ActionCell, Columns, ErrorNote, Form, Layout, type Viewer } from "./layout";
import { Copyable } from "./pages";
import { When } from "./when";

type Apps = Awaited<ReturnType<typeof connectedApps>>;
type Clients = Awaited<ReturnType<typeof scimClients>>;

/** A federated credential as typed into the form (kept when it is refused, so nothing is typed twice). */
export interface CredentialDraft {
  name: string;
  issuer: string;
  subject: string;
  audience: string;
}

/** The organization's federated credentials and the audience they default to. */
export interface Federation {
  defaultAudience: string;
  credentials: ReturnType<typeof credentialView>[];
  draft?: CredentialDraft;
}

export function ConnectedAppsPage(props: { viewer: Viewer; csrf: string; apps: Apps; canWrite: boolean }) {
  return (
    <Layout title="Connected apps" viewer={props.viewer} csrf={props.csrf}>
      <h1>Connected apps</h1>
      <p class="muted">Applications that may provision users and groups into this organization. Revoking one ends its tokens within a minute.</p>
      <section class="card" aria-labelledby="apps">
        <h2 id="apps">Grants</h2>
        {props.apps.length === 0 ? <p class="muted">No app is connected.</p> : null}
        <table>
          <Columns names={["App", "Authorized by", "When", "Last used"]} action={props.canWrite} />
          <tbody>
            {props.apps.map((a) => (
              <tr>
                <td>{a.client}</td>
                <td>{a.authorizedBy ?? "client credentials"}</td>
                <td>
                  <When at={a.createdAt} />
                </td>
                <td>
                  <When at={a.lastUsedAt} none="never" />
                </td>
                <ActionCell show={props.canWrite} action={`/organization/apps/${a.grantId}/revoke`} csrf={props.csrf} label="Revoke" name={a.client} />
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </Layout>
  );
}

export function ScimConnectionPage(props: {
  viewer: Viewer;
  csrf: string;
  origin: string;
  clients: Clients;
  federation: Federation;
  canWrite: boolean;
  shown?: { clientId: string; clientSecret: string; expiresAt: string };
  error?: string;
}) {
  return (
    <Layout title="SCIM connection" viewer={props.viewer} csrf={props.csrf}>
      <h1>SCIM connection</h1>
      <ErrorNote message={props.error} />
      {!props.canWrite ? <p class="notice">Your admin role has read permission only.</p> : null}
      <section class="card" aria-labelledby="endpoints">
        <h2 id="endpoints">Endpoints for Microsoft Entra ID</h2>
        <div class="record">
          <Copyable label="Tenant URL" value={scimBaseOf(props.origin)} />
          <Copyable label="Token endpoint" value={`${props.origin}/oauth/token`} />
        </div>
        <p class="muted">
          With OAuth client credentials, give Entra the client ID and a secret below. Or use a <a href="/organization/tokens">SCIM token</a> as the Secret
          Token.
        </p>
      </section>
      {props.shown ? (
        <section class="card notice" aria-labelledby="new-secret">
          <h2 id="new-secret">New client secret</h2>
          <p>
            Copy it now: it is shown only once. It expires on <When at={props.shown.expiresAt} />.
          </p>
          <div class="record">
            <Copyable label="Client ID" value={props.shown.clientId} />
            <Copyable label="Client secret" value={props.shown.clientSecret} />
          </div>
        </section>
      ) : null}
      {props.clients.map((client) => (
        <section class="card" aria-labelledby={`client-${client.clientId}`}>
          <h2 id={`client-${client.clientId}`}>{client.name}</h2>
          <div class="record">
            <Copyable label="Client ID" value={client.clientId} />
          </div>
          <table>
            <Columns names={["Secret", "Expires", "Created"]} action={props.canWrite} />
            <tbody>
              {client.secrets.map((s) => (
                <tr>
                  <td>{s.id.slice(0, 8)}…</td>
                  <td>
                    <When at={s.expiresAt} />
                  </td>
                  <td>
                    <When at={s.createdAt} />
                  </td>
                  <ActionCell
                    show={props.canWrite}
                    action={`/organization/scim/${client.clientId}/secrets/${s.id}/remove`}
                    csrf={props.csrf}
                    label="Remove"
                    name={`secret ${s.id.slice(0, 8)}`}
                  />
                </tr>
              ))}
            </tbody>
          </table>
          {props.canWrite ? (
            <Form action={`/organization/scim/${client.clientId}/secrets`} csrf={props.csrf}>
              <label for={`days-${client.clientId}`}>New secret valid for</label>
              <select id={`days-${client.clientId}`} name="expiresInDays">
                <option value="365">1 year</option>
                <option value="730">2 years</option>
                <option value="1095">3 years</option>
              </select>
              <button type="submit">Add a secret (rotate)</button>
            </Form>
          ) : null}
        </section>
      ))}
      {props.canWrite ? (
        <section class="card" aria-labelledby="create-client">
          <h2 id="create-client">Create a client</h2>
          <Form action="/organization/scim" csrf={props.csrf}>
            <label for="client-name">Name</label>
            <input id="client-name" name="name" type="text" placeholder="Microsoft Entra ID" />
            <button type="submit">Create client</button>
          </Form>
        </section>
      ) : null}
      <FederationSection federation={props.federation} origin={props.origin} csrf={props.csrf} canWrite={props.canWrite} />
    </Layout>
  );
}

/** Workload identity federation: Entra signs in with a token its tenant issued instead of a client secret. */
function FederationSection(props: { federation: Federation; origin: string; csrf: string; canWrite: boolean }) {
  const { defaultAudience, credentials, draft } = props.federation;
  return (
    <section class="card" id="workload-identity-federation" aria-labelledby="federation">
      <h2 id="federation">Workload identity federation</h2>
      <p class="muted">
        Instead of a client secret, Entra can present a token its tenant signed. Add a federated credential with that token's issuer, subject and audience: the
        token endpoint exchanges a matching token for an access token, and refuses any other (the reason is in the{" "}
        <a href="/organization/log?operation=authenticate">provisioning log</a>).
      </p>
      <div class="record wide">
        <Copyable label="Audience" value={defaultAudience} />
        <Copyable label="Token endpoint" value={`${props.origin}/oauth/token`} />
      </div>
      <h3>Federated credentials</h3>
      {credentials.length === 0 ? <p class="muted">No federated credential yet.</p> : null}
      <table>
        <Columns names={["Name", "Issuer", "Subject", "Audience", "Created"]} action={props.canWrite} />
        <tbody>
          {credentials.map((c) => (
            <tr data-credential={c.id}>
              <td>{c.name}</td>
              <td>
                <code class="secret">{c.issuer}</code>
              </td>
              <td>
                <code class="secret">{c.subject}</code>
              </td>
              <td>
                <code class="secret">{c.audience}</code>
              </td>
              <td>
                <When at={c.createdAt} />
              </td>
              <ActionCell
                show={props.canWrite}
                action={`/organization/scim/federated-credentials/${c.id}/remove`}
                csrf={props.csrf}
                label="Remove"
                name={`federated credential ${c.name}`}
              />
            </tr>
          ))}
        </tbody>
      </table>
      {props.canWrite ? (
        <>
          <h3>Add a federated credential</h3>
          <Form action="/organization/scim/federated-credentials" csrf={props.csrf}>
            <label for="fc-name">Name</label>
            <input id="fc-name" name="name" type="text" required maxlength={200} placeholder="Microsoft Entra ID provisioning" value={draft?.name ?? ""} />
            <label for="fc-issuer">Issuer</label>
            <input
              id="fc-issuer"
              name="issuer"
              type="url"
              inputmode="url"
              required
              maxlength={512}
              placeholder="https://login.microsoftonline.com/<tenant-id>/v2.0"
              value={draft?.issuer ?? ""}
            />
            <label for="fc-subject">Subject</label>
            <input id="fc-subject" name="subject" type="text" required maxlength={256} value={draft?.subject ?? ""} />
            <p class="muted">The object id of Entra's provisioning service principal.</p>
            <label for="fc-audience">Audience</label>
            <input id="fc-audience" name="audience" type="text" maxlength={512} value={draft?.audience ?? defaultAudience} />
            <p class="muted">The token's aud claim: this organization's audience above (also when left empty), unless Entra's token names another.</p>
            <button type="submit">Add federated credential</button>
          </Form>
        </>
      ) : null}
    </section>
  );
}
