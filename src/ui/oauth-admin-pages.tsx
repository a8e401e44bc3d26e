/** Admin pages for OAuth: the apps connected to the organization, and how to connect Entra. */
import { scimBaseOf } from "../shared/scim-base";
import type { connectedApps, scimClients } from "../org/oauth-views";
import { ActionCell, Columns, ErrorNote, Form, Layout, type Viewer } from "./layout";
import { Copyable } from "./pages";
import { When } from "./when";

type Apps = Awaited<ReturnType<typeof connectedApps>>;
type Clients = Awaited<ReturnType<typeof scimClients>>;

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
  canWrite: boolean;
  shown?: { clientId: string; clientSecret: string; expiresAt: string };
  error?: string;
}) {
  return (
    <Layout title="SCIM connection" viewer={props.viewer} csrf={props.csrf}>
      <h1>SCIM connection</h1>
      <ErrorNote message={props.error} />
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
    </Layout>
  );
}
