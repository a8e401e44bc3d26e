/** Single sign-on pages: what to paste into Entra, the identity provider and its settings, and the sign-in log. */
import type { IdentityProviderRow } from "../db/schema";
import type { SignInFilter, listSignIns } from "../monitor/sign-ins";
import type { ServiceProvider } from "../sso/service-provider";
import type { SignInReason } from "../sso/sign-in";
import { Columns, ErrorNote, Form, Layout, Notice, type Viewer } from "./layout";
import { Copyable } from "./pages";
import { queryOf, Select } from "./filters";
import { When } from "./when";

type SignIns = Awaited<ReturnType<typeof listSignIns>>;

/** The settings an admin turns on and off, in the words of the page. */
const SETTINGS = [
  ["enabled", "Single sign-on on", "Members sign in through Microsoft Entra ID; until it is on, every single sign-on is refused."],
  [
    "allowIdpInitiated",
    "Allow sign-in from Entra's My Apps",
    "Accept sign-ins started at Entra (My Apps, or Test in Entra) as well as from this service's sign-in page.",
  ],
  ["jit", "Create unknown users at sign-in", "A person Entra signs in who was not provisioned yet is created from the assertion's claims."],
  ["allowSha1", "Accept SHA-1 signatures", "Only for an identity provider that cannot sign with SHA-256; SHA-1 is weak."],
] as const;

/** "HTTP-Redirect" for the binding's URN. */
const bindingName = (urn: string) => urn.slice(urn.lastIndexOf(":") + 1) || urn;

export function SsoPage(props: {
  viewer: Viewer;
  csrf: string;
  sp: ServiceProvider;
  idp: IdentityProviderRow | undefined;
  canWrite: boolean;
  error?: string;
  notice?: string;
  metadataUrl?: string;
}) {
  const { sp, idp } = props;
  return (
    <Layout title="Single sign-on" viewer={props.viewer} csrf={props.csrf}>
      <h1>Single sign-on</h1>
      <p>
        Members sign in with their Microsoft Entra ID account (SAML 2.0). <a href="/organization/sign-ins">Sign-ins</a>
      </p>
      <ErrorNote message={props.error} />
      <Notice message={props.notice} />
      {!props.canWrite ? <p class="notice">Your admin role has read permission only.</p> : null}
      <section class="card" aria-labelledby="basic-saml">
        <h2 id="basic-saml">Basic SAML Configuration in Microsoft Entra ID</h2>
        <p class="muted">
          In the Entra admin center, open the enterprise application, then Single sign-on, SAML, and edit Basic SAML Configuration. Paste these values:
        </p>
        <div class="record wide">
          <Copyable label="Identifier (Entity ID)" value={sp.entityId} />
          <Copyable label="Reply URL (Assertion Consumer Service URL)" value={sp.acsUrl} />
          <Copyable label="Sign on URL" value={sp.signOnUrl} />
        </div>
        <p class="muted">
          Leave Relay State and Logout Url empty. Under Attributes & Claims, map the Unique User Identifier (Name ID) to user.mail: a member is found by the
          user name or the work e-mail that provisioning sent. This service's SAML metadata, for tools that read it:
        </p>
        <div class="record wide">
          <Copyable label="Service provider metadata URL" value={sp.metadataUrl} />
        </div>
      </section>
      {props.canWrite ? (
        <section class="card" aria-labelledby="idp-metadata">
          <h2 id="idp-metadata">Entra's federation metadata</h2>
          <Form action="/organization/sso" csrf={props.csrf}>
            <label for="metadata-url">App Federation Metadata Url</label>
            <input
              id="metadata-url"
              name="metadataUrl"
              type="url"
              inputmode="url"
              required
              placeholder="https://login.microsoftonline.com/…/federationmetadata/2007-06/federationmetadata.xml?appid=…"
              value={props.metadataUrl ?? idp?.metadataUrl ?? ""}
            />
            <p class="muted">
              In Entra, under SAML Certificates, copy the App Federation Metadata Url. It is fetched now and again every day, so a new signing certificate needs
              nobody.
            </p>
            <button type="submit">Save metadata URL</button>
          </Form>
          <details>
            <summary>Or paste the Federation Metadata XML</summary>
            <Form action="/organization/sso" csrf={props.csrf}>
              <label for="metadata-xml">Federation Metadata XML</label>
              <textarea id="metadata-xml" name="metadataXml" rows={8} required></textarea>
              <p class="muted">Pasted metadata is never refreshed: paste it again when Entra's signing certificate changes.</p>
              <button type="submit" class="secondary">
                Save metadata XML
              </button>
            </Form>
          </details>
        </section>
      ) : null}
      {idp ? <IdentityProviderCard idp={idp} csrf={props.csrf} canWrite={props.canWrite} /> : <NotConnected />}
    </Layout>
  );
}

const NotConnected = () => (
  <section class="card" aria-labelledby="idp">
    <h2 id="idp">Identity provider</h2>
    <p class="muted">No identity provider is connected yet.</p>
  </section>
);

function IdentityProviderCard(props: { idp: IdentityProviderRow; csrf: string; canWrite: boolean }) {
  const { idp } = props;
  return (
    <>
      <section class="card" aria-labelledby="idp">
        <h2 id="idp">
          Identity provider{" "}
          <span class={`status ${idp.enabled ? "status-verified" : "status-pending"}`} data-field="enabled">
            {idp.enabled ? "on" : "off"}
          </span>
        </h2>
        <table>
          <tbody>
            <tr>
              <th scope="row">Entity ID (Microsoft Entra Identifier)</th>
              <td>
                <code class="secret">{idp.entityId}</code>
              </td>
            </tr>
            <tr>
              <th scope="row">Single sign-on URL (Login URL)</th>
              <td>
                <code class="secret">{idp.ssoUrl}</code> ({bindingName(idp.ssoBinding)})
              </td>
            </tr>
            <tr>
              <th scope="row">Metadata</th>
              <td>{idp.metadataUrl ? <code class="secret">{idp.metadataUrl}</code> : "pasted XML (not refreshed)"}</td>
            </tr>
            <tr>
              <th scope="row">Last fetched</th>
              <td>
                <When at={idp.refreshedAt} />
              </td>
            </tr>
            {idp.metadataUrl ? (
              <tr>
                <th scope="row">Next refresh</th>
                <td>
                  <When at={idp.nextRefreshAt} none="none" />
                </td>
              </tr>
            ) : null}
            <tr>
              <th scope="row">Last error</th>
              <td class={idp.lastError ? "problem" : ""} data-field="lastError">
                {idp.lastError ?? "none"}
              </td>
            </tr>
          </tbody>
        </table>
        {props.canWrite && idp.metadataUrl ? (
          <Form action="/organization/sso/refresh" csrf={props.csrf}>
            <button type="submit" class="secondary">
              Refresh now
            </button>
          </Form>
        ) : null}
      </section>
      <section class="card" aria-labelledby="certificates">
        <h2 id="certificates">Signing certificates</h2>
        <p class="muted">Responses must be signed by one of these. During a rollover Entra lists both the old and the new one.</p>
        <table>
          <Columns names={["Subject", "Expires", "SHA-256 fingerprint"]} action={false} />
          <tbody>
            {idp.certificates.map((cert) => (
              <tr data-certificate={cert.sha256}>
                <td>{cert.subject}</td>
                <td>
                  <When at={cert.notAfter} />
                </td>
                <td>
                  <code class="secret">{cert.sha256}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section class="card" aria-labelledby="sso-settings">
        <h2 id="sso-settings">Settings</h2>
        {props.canWrite ? (
          <Form action="/organization/sso/settings" csrf={props.csrf}>
            {SETTINGS.map(([name, label, hint]) => (
              <>
                <label>
                  <input type="checkbox" name={name} value="true" checked={idp[name]} /> {label}
                </label>
                <p class="muted">{hint}</p>
              </>
            ))}
            <button type="submit">Save settings</button>
          </Form>
        ) : (
          <ul>
            {SETTINGS.map(([name, label]) => (
              <li data-setting={name}>
                {label}: {idp[name] ? "yes" : "no"}
              </li>
            ))}
          </ul>
        )}
      </section>
      {props.canWrite ? (
        <section class="card" aria-labelledby="remove-idp">
          <h2 id="remove-idp">Remove</h2>
          <p class="muted">Single sign-on stops at once; members sign in with a password again. The sign-in log stays.</p>
          <Form action="/organization/sso/remove" csrf={props.csrf}>
            <button type="submit" class="danger">
              Remove the identity provider
            </button>
          </Form>
        </section>
      ) : null}
    </>
  );
}

/** Every refusal reason, as the sign-in log names it for admins. */
const REASONS: Record<SignInReason, string> = {
  sso_disabled: "Single sign-on off",
  unknown_request: "Unknown or expired request",
  idp_initiated_off: "My Apps sign-in off",
  replayed: "Response used twice",
  not_provisioned: "Not provisioned",
  deactivated: "User inactive",
  jit_refused: "Could not create the user",
  malformed: "Malformed response",
  multiple_assertions: "More than one assertion",
  encrypted_assertion: "Encrypted assertion",
  sha1_signature: "SHA-1 signature",
  bad_signature: "Bad signature",
  wrong_destination: "Wrong Destination",
  wrong_issuer: "Wrong issuer",
  wrong_audience: "Wrong audience (Identifier)",
  wrong_recipient: "Wrong Recipient (Reply URL)",
  expired: "Expired",
  not_yet_valid: "Not yet valid",
  in_response_to_mismatch: "InResponseTo mismatch",
  idp_error: "Error from Entra",
};

const reasonText = (reason: string) => (Object.hasOwn(REASONS, reason) ? REASONS[reason as SignInReason] : reason);
const METHODS = { sp: "This service", idp: "Entra (My Apps)" } as const;

export function SignInsPage(props: { viewer: Viewer; csrf: string; filter: SignInFilter; page: SignIns; error?: string }) {
  const f = props.filter;
  const reasons = Object.entries(REASONS);
  // A reason this page does not know (from a newer version, or typed into the address) stays selectable.
  if (f.reason && !Object.hasOwn(REASONS, f.reason)) reasons.push([f.reason, f.reason]);
  return (
    <Layout title="Sign-ins" viewer={props.viewer} csrf={props.csrf}>
      <h1>Sign-ins</h1>
      <p>
        <a href="/organization/sso">Single sign-on</a> · <a href="/organization/log">Provisioning log</a>
      </p>
      <ErrorNote message={props.error} />
      <form method="get" action="/organization/sign-ins" class="card">
        <div class="row">
          <Select
            id="f-outcome"
            label="Outcome"
            name="outcome"
            value={f.outcome}
            options={[
              ["", "Any"],
              ["accepted", "Accepted"],
              ["refused", "Refused"],
            ]}
          />
          <Select
            id="f-method"
            label="Started from"
            name="method"
            value={f.method}
            options={[
              ["", "Anywhere"],
              ["sp", METHODS.sp],
              ["idp", METHODS.idp],
            ]}
          />
          <Select id="f-reason" label="Reason" name="reason" value={f.reason} options={[["", "Any"], ...reasons]} />
        </div>
        <button type="submit">Filter</button>
      </form>
      <section class="card" aria-labelledby="sign-ins">
        <h2 id="sign-ins">Sign-ins, newest first</h2>
        {props.page.signIns.length === 0 ? <p class="muted">No sign-ins match.</p> : null}
        <table>
          <Columns names={["Time", "User name", "Outcome", "Started from", "Reason", "Detail"]} action={false} />
          <tbody>
            {props.page.signIns.map((s) => (
              <tr data-sign-in={s.outcome} class={s.outcome === "refused" ? "failed" : ""}>
                <td>
                  <When at={s.at} />
                </td>
                <td>{s.userName ?? ""}</td>
                <td>
                  <span class={`status ${s.outcome === "refused" ? "status-expired" : "status-verified"}`}>{s.outcome}</span>
                </td>
                <td>{METHODS[s.method]}</td>
                <td>{s.reason ? <span title={s.reason}>{reasonText(s.reason)}</span> : ""}</td>
                <td class={s.outcome === "refused" && s.detail ? "problem" : ""}>{s.detail ?? ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {props.page.nextCursor ? (
          <a href={`/organization/sign-ins${queryOf({ outcome: f.outcome, method: f.method, reason: f.reason, cursor: props.page.nextCursor })}`}>
            Older sign-ins
          </a>
        ) : null}
      </section>
    </Layout>
  );
}
