/** The pages of the Authorize flow: identifier, password, consent, and the ones that stop it. */
import { ErrorNote, Form, Layout } from "./layout";

const RequestField = (props: { query: string }) => <input type="hidden" name="request" value={props.query} />;

export function IdentifierPage(props: { csrf: string; query: string; client: string; error?: string }) {
  return (
    <Layout title="Sign in">
      <div class="card narrow">
        <h1>Sign in</h1>
        <p class="muted">to connect {props.client} to your organization</p>
        <ErrorNote message={props.error} />
        <Form action="/oauth/authorize/identify" csrf={props.csrf}>
          <RequestField query={props.query} />
          <label for="username">User name</label>
          <input id="username" name="username" type="email" autocomplete="username" required autofocus />
          <button type="submit">Next</button>
        </Form>
      </div>
    </Layout>
  );
}

export function PasswordPage(props: { csrf: string; query: string; client: string; username: string; error?: string }) {
  return (
    <Layout title="Enter password">
      <div class="card narrow">
        <h1>Enter password</h1>
        <p class="muted">{props.username}</p>
        <ErrorNote message={props.error} />
        <Form action="/oauth/authorize/password" csrf={props.csrf}>
          <RequestField query={props.query} />
          <input type="hidden" name="username" value={props.username} />
          <label for="password">Password</label>
          <input id="password" name="password" type="password" autocomplete="current-password" required autofocus />
          <button type="submit">Sign In</button>
        </Form>
        <p class="muted">
          Not you? <a href={`/oauth/authorize?${props.query}`}>Use another account</a>
        </p>
      </div>
    </Layout>
  );
}

export function ConsentPage(props: { csrf: string; query: string; client: string; org: string; email: string; readOnly: boolean }) {
  return (
    <Layout title="Allow access">
      <div class="card narrow">
        <h1>Allow access?</h1>
        <p>
          <strong>{props.client}</strong> wants to manage users and groups of <strong>{props.org}</strong>.
        </p>
        <p class="muted">Signed in as {props.email}.</p>
        {props.readOnly ? (
          <p class="notice">Your admin role has read permission only: the application will be able to read users and groups, not change them.</p>
        ) : null}
        <Form action="/oauth/authorize/decision" csrf={props.csrf}>
          <RequestField query={props.query} />
          <div class="row">
            <button type="submit" name="decision" value="allow">
              Allow
            </button>
            <button type="submit" name="decision" value="deny" class="secondary">
              Deny
            </button>
          </div>
        </Form>
      </div>
    </Layout>
  );
}

export function StopPage(props: { title: string; message: string; status?: string }) {
  return (
    <Layout title={props.title}>
      <div class="card narrow">
        <h1>{props.title}</h1>
        <p role="alert">{props.message}</p>
      </div>
    </Layout>
  );
}
