/** The Hono environment every router shares; each middleware declares the variables it adds (`With<...>`). */

export interface AppEnv {
  Bindings: Env;
  Variables: {
    // When the request arrived, for the provisioning log's latency.
    startedAt: number;
  };
}

/** The environment of routes behind middleware that set `V`. */
export type With<V extends object> = { Bindings: Env; Variables: AppEnv["Variables"] & V };
