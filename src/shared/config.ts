/** The Worker's variables (wrangler.toml [vars] and secrets), parsed and checked once per env into a typed config. */

/** Access tokens live 60 minutes to 6 hours: Entra's range. */
export const MIN_ACCESS_TOKEN_MINUTES = 60;
export const MAX_ACCESS_TOKEN_MINUTES = 360;
// The sealing key is derived from the secret; a short one is guessable.
export const MIN_KEY_ENCRYPTION_SECRET_LENGTH = 16;

/** The resolvers wrangler.toml names, used when DOH_RESOLVERS is absent. */
export const DEFAULT_DOH_RESOLVERS = ["https://cloudflare-dns.com/dns-query", "https://dns.google/resolve"];

export interface Config {
  /** DNS-over-HTTPS resolvers a domain check asks (DOH_RESOLVERS). */
  dohResolvers: string[];
  /** Access-token lifetime (ACCESS_TOKEN_MINUTES). */
  accessTokenMinutes: number;
  /** How long a checked token, grant or secret is trusted per isolate; 0 checks every request (REVOCATION_CHECK_SECONDS). */
  revocationCheckSeconds: number;
  /** How long after a rotation a client that lost the answer may present its previous refresh token again, as Okta allows (REFRESH_GRACE_SECONDS). */
  refreshGraceSeconds: number;
  /** Days of provisioning events kept (EVENT_RETENTION_DAYS). */
  eventRetentionDays: number;
  /** The operator API's Bearer token; absent, the operator API refuses everyone (OPERATOR_TOKEN). */
  operatorToken: string | undefined;
  /** Seals the signing keys; required only where keys are sealed or unsealed (KEY_ENCRYPTION_SECRET). */
  keyEncryptionSecret: string | undefined;
  /** The origin single sign-on names in its URLs, when requests may arrive on another one (PUBLIC_ORIGIN). */
  publicOrigin: string | undefined;
}

/** The variables the config reads; each may be absent at run time whatever the generated types say. */
export type ConfigVar =
  | "DOH_RESOLVERS"
  | "ACCESS_TOKEN_MINUTES"
  | "REVOCATION_CHECK_SECONDS"
  | "REFRESH_GRACE_SECONDS"
  | "EVENT_RETENTION_DAYS"
  | "OPERATOR_TOKEN"
  | "KEY_ENCRYPTION_SECRET"
  | "PUBLIC_ORIGIN";
export type ConfigVars = Partial<Record<ConfigVar, string | undefined>>;

/** A variable with a value the Worker cannot run with; the message names the variable and what it allows. */
export class ConfigError extends Error {
  constructor(
    readonly variable: ConfigVar,
    message: string,
  ) {
    super(message);
    this.name = "ConfigError";
  }
}

// Per env object: the variables never change while it lives, so they are parsed once.
const parsed = new WeakMap<object, Config | ConfigError>();

/** The typed config of `env`; throws a ConfigError naming the first variable with a bad value. */
export function configOf(env: ConfigVars): Config {
  let outcome = parsed.get(env);
  if (!outcome) {
    outcome = parse(env);
    parsed.set(env, outcome);
  }
  if (outcome instanceof ConfigError) throw outcome;
  return outcome;
}

/** Why `env` cannot run, or undefined when its config is valid. */
export function configProblem(env: ConfigVars): ConfigError | undefined {
  try {
    configOf(env);
    return undefined;
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
}

/** The signing keys' sealing secret, where keys are used; its absence is an error naming the variable. */
export function keyEncryptionSecret(config: Config): string {
  if (config.keyEncryptionSecret === undefined) {
    throw new ConfigError(
      "KEY_ENCRYPTION_SECRET",
      `KEY_ENCRYPTION_SECRET must be set, to at least ${MIN_KEY_ENCRYPTION_SECRET_LENGTH} characters, to sign access tokens`,
    );
  }
  return config.keyEncryptionSecret;
}

function parse(env: ConfigVars): Config | ConfigError {
  try {
    return {
      dohResolvers: urlList(env, "DOH_RESOLVERS", DEFAULT_DOH_RESOLVERS),
      accessTokenMinutes: wholeNumber(env, "ACCESS_TOKEN_MINUTES", 60, MIN_ACCESS_TOKEN_MINUTES, MAX_ACCESS_TOKEN_MINUTES),
      revocationCheckSeconds: wholeNumber(env, "REVOCATION_CHECK_SECONDS", 60, 0, 3600),
      refreshGraceSeconds: wholeNumber(env, "REFRESH_GRACE_SECONDS", 30, 0, 60),
      eventRetentionDays: wholeNumber(env, "EVENT_RETENTION_DAYS", 30, 1, 3650),
      operatorToken: presentValue(env, "OPERATOR_TOKEN"),
      keyEncryptionSecret: secret(env, "KEY_ENCRYPTION_SECRET", MIN_KEY_ENCRYPTION_SECRET_LENGTH),
      publicOrigin: origin(env, "PUBLIC_ORIGIN"),
    };
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
}

// Absent and empty are the same: .dev.vars.example lists every secret with no value.
const presentValue = (env: ConfigVars, name: ConfigVar): string | undefined => {
  const value = env[name];
  return typeof value === "string" && value.trim() !== "" ? value : undefined;
};

const shown = (value: string) => JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);

function wholeNumber(env: ConfigVars, name: ConfigVar, fallback: number, min: number, max: number): number {
  const value = presentValue(env, name)?.trim();
  if (value === undefined) return fallback;
  const n = /^\d{1,9}$/.test(value) ? Number(value) : NaN;
  if (!(n >= min && n <= max)) throw new ConfigError(name, `${name} must be a whole number from ${min} to ${max}, got ${shown(value)}`);
  return n;
}

function urlList(env: ConfigVars, name: ConfigVar, fallback: string[]): string[] {
  const value = presentValue(env, name);
  if (value === undefined) return fallback;
  const items = value
    .split(",")
    .map((r) => r.trim())
    .filter((r) => r !== "");
  const bad = items.find((item) => !URL.canParse(item) || !/^https?:$/.test(new URL(item).protocol));
  if (items.length === 0 || bad !== undefined) {
    throw new ConfigError(name, `${name} must be a comma-separated list of one or more http(s) URLs, got ${shown(bad ?? value)}`);
  }
  return items;
}

/** An http(s) origin (scheme, host, port; no path), without a trailing slash. */
function origin(env: ConfigVars, name: ConfigVar): string | undefined {
  const value = presentValue(env, name)?.trim().replace(/\/$/, "");
  if (value === undefined) return undefined;
  if (!URL.canParse(value) || new URL(value).origin !== value || !/^https?:$/.test(new URL(value).protocol)) {
    throw new ConfigError(name, `${name} must be an http(s) origin such as https://scim.example.com (no path), got ${shown(value)}`);
  }
  return value;
}

/** A secret, used exactly as set (a trimmed one would derive another key). */
function secret(env: ConfigVars, name: ConfigVar, minLength: number): string | undefined {
  const value = presentValue(env, name);
  if (value !== undefined && value.length < minLength) {
    // Never quote a secret, not even a wrong one.
    throw new ConfigError(name, `${name} must be at least ${minLength} characters when set, got ${value.length}`);
  }
  return value;
}
