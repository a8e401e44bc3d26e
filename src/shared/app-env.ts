/** The Hono environment every router shares. */
import type { Membership } from "../account/membership";
import type { AccountRow } from "../db/schema";

export interface AppEnv {
  Bindings: Env;
  Variables: {
    // Set by SCIM authentication: the organization the token belongs to.
    orgId: string;
    // When the request arrived, for the provisioning log's latency.
    startedAt: number;
    // Set by session authentication (Organization Center).
    account: AccountRow;
    sessionId: string;
    membership: Membership | null;
  };
}
