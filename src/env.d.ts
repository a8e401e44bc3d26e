// Secrets are not in wrangler.toml, so `wrangler types` cannot see them: declared here.
declare namespace Cloudflare {
  interface Env {
    /** Bearer token of the operator API (`wrangler secret put OPERATOR_TOKEN`; `.dev.vars` locally). */
    OPERATOR_TOKEN?: string;
  }
}
