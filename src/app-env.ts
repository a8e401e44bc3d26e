/** The Hono environment every router shares. */
export interface AppEnv {
  Bindings: Env;
  Variables: {
    // Set by SCIM authentication: the organization the token belongs to.
    orgId: string;
    // When the request arrived, for the provisioning log's latency.
    startedAt: number;
  };
}
