import { env } from "cloudflare:workers";
import { createExecutionContext, createScheduledController } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import worker from "../../src/index";
import { ConfigError, configOf, configProblem, DEFAULT_DOH_RESOLVERS, keyEncryptionSecret } from "../../src/shared/config";

afterEach(() => {
  vi.restoreAllMocks();
});

describe("configOf", () => {
  it("applies the defaults when the variables are absent or empty", () => {
    const defaults = {
      dohResolvers: DEFAULT_DOH_RESOLVERS,
      accessTokenMinutes: 60,
      revocationCheckSeconds: 60,
      refreshGraceSeconds: 30,
      eventRetentionDays: 30,
      operatorToken: undefined,
      keyEncryptionSecret: undefined,
      publicOrigin: undefined,
    };
    expect(configOf({})).toEqual(defaults);
    // .dev.vars.example lists the secrets with no value.
    expect(configOf({ OPERATOR_TOKEN: "", KEY_ENCRYPTION_SECRET: "", ACCESS_TOKEN_MINUTES: " " })).toEqual(defaults);
  });

  it("reads wrangler.toml's values and the test secrets as they are", () => {
    expect(configOf(env)).toEqual({
      dohResolvers: ["https://cloudflare-dns.com/dns-query", "https://dns.google/resolve"],
      accessTokenMinutes: 60,
      revocationCheckSeconds: 0,
      refreshGraceSeconds: 30,
      eventRetentionDays: 30,
      operatorToken: "test-operator-token",
      keyEncryptionSecret: "test-key-encryption-secret",
      publicOrigin: undefined,
    });
  });

  it("reads every valid value", () => {
    const config = configOf({
      DOH_RESOLVERS: " http://127.0.0.1:8053/dns-query , https://dns.example/resolve,",
      ACCESS_TOKEN_MINUTES: "360",
      REVOCATION_CHECK_SECONDS: "0",
      REFRESH_GRACE_SECONDS: "60",
      EVENT_RETENTION_DAYS: "1",
      OPERATOR_TOKEN: "an-operator-token",
      KEY_ENCRYPTION_SECRET: " sixteen chars ok ",
      PUBLIC_ORIGIN: "https://scim.example.com/",
    });
    expect(config).toEqual({
      dohResolvers: ["http://127.0.0.1:8053/dns-query", "https://dns.example/resolve"],
      accessTokenMinutes: 360,
      revocationCheckSeconds: 0,
      refreshGraceSeconds: 60,
      eventRetentionDays: 1,
      operatorToken: "an-operator-token",
      // A secret is used exactly as set: trimmed, it would derive another key.
      keyEncryptionSecret: " sixteen chars ok ",
      publicOrigin: "https://scim.example.com",
    });
  });

  it.each([
    ["ACCESS_TOKEN_MINUTES", "abc", 'ACCESS_TOKEN_MINUTES must be a whole number from 60 to 360, got "abc"'],
    ["ACCESS_TOKEN_MINUTES", "59", 'ACCESS_TOKEN_MINUTES must be a whole number from 60 to 360, got "59"'],
    ["ACCESS_TOKEN_MINUTES", "90.5", 'ACCESS_TOKEN_MINUTES must be a whole number from 60 to 360, got "90.5"'],
    ["REVOCATION_CHECK_SECONDS", "-1", 'REVOCATION_CHECK_SECONDS must be a whole number from 0 to 3600, got "-1"'],
    ["REVOCATION_CHECK_SECONDS", "60s", 'REVOCATION_CHECK_SECONDS must be a whole number from 0 to 3600, got "60s"'],
    ["REFRESH_GRACE_SECONDS", "61", 'REFRESH_GRACE_SECONDS must be a whole number from 0 to 60, got "61"'],
    ["EVENT_RETENTION_DAYS", "0", 'EVENT_RETENTION_DAYS must be a whole number from 1 to 3650, got "0"'],
    ["DOH_RESOLVERS", "dns.google", 'DOH_RESOLVERS must be a comma-separated list of one or more http(s) URLs, got "dns.google"'],
    ["DOH_RESOLVERS", "ftp://dns.example/q", 'DOH_RESOLVERS must be a comma-separated list of one or more http(s) URLs, got "ftp://dns.example/q"'],
    ["DOH_RESOLVERS", " , ", 'DOH_RESOLVERS must be a comma-separated list of one or more http(s) URLs, got " , "'],
    ["KEY_ENCRYPTION_SECRET", "short", "KEY_ENCRYPTION_SECRET must be at least 16 characters when set, got 5"],
    [
      "PUBLIC_ORIGIN",
      "https://scim.example.com/base",
      'PUBLIC_ORIGIN must be an http(s) origin such as https://scim.example.com (no path), got "https://scim.example.com/base"',
    ],
    ["PUBLIC_ORIGIN", "scim.example.com", 'PUBLIC_ORIGIN must be an http(s) origin such as https://scim.example.com (no path), got "scim.example.com"'],
  ] as const)("refuses %s=%j, naming the variable and what it allows", (variable, value, message) => {
    const bad = { ...env, [variable]: value };
    expect(() => configOf(bad)).toThrow(message);
    const problem = configProblem(bad);
    expect(problem).toBeInstanceOf(ConfigError);
    expect(problem?.variable).toBe(variable);
  });

  it("never quotes a secret in its error", () => {
    expect(configProblem({ KEY_ENCRYPTION_SECRET: "hunter2" })?.message).not.toContain("hunter2");
  });

  it("parses an env object once", () => {
    const vars = { ACCESS_TOKEN_MINUTES: "90" };
    const first = configOf(vars);
    vars.ACCESS_TOKEN_MINUTES = "abc";
    expect(configOf(vars)).toBe(first);
  });

  it("requires KEY_ENCRYPTION_SECRET only where keys are used, naming it", () => {
    expect(keyEncryptionSecret(configOf(env))).toBe("test-key-encryption-secret");
    expect(() => keyEncryptionSecret(configOf({}))).toThrow(/^KEY_ENCRYPTION_SECRET must be set/);
  });
});

describe("a Worker with a bad variable", () => {
  const misconfigured = { ...env, ACCESS_TOKEN_MINUTES: "abc" };
  const fetchWith = (vars: Env, path: string) => worker.fetch(new Request(`https://scim.test${path}`), vars, createExecutionContext());

  it("answers every request 503, naming the variable, in the protocol's error format, and logs it", async () => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    const api = await fetchWith(misconfigured, "/healthz");
    expect(api.status).toBe(503);
    expect(await api.json()).toEqual({
      error: "misconfigured",
      message: 'The service is misconfigured: ACCESS_TOKEN_MINUTES must be a whole number from 60 to 360, got "abc"',
    });
    const scim = await fetchWith(misconfigured, "/scim/v2/Users");
    expect(scim.status).toBe(503);
    expect(scim.headers.get("content-type")).toContain("application/scim+json");
    expect(((await scim.json()) as { detail: string }).detail).toContain("ACCESS_TOKEN_MINUTES");
    expect(logged).toHaveBeenCalledWith(expect.stringContaining("ACCESS_TOKEN_MINUTES"));
  });

  it("serves as before once the value is valid", async () => {
    expect((await fetchWith({ ...env }, "/healthz")).status).toBe(200);
  });

  it("fails the cron run before any duty, naming the variable", async () => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    const controller = createScheduledController({ scheduledTime: Date.now(), cron: "*/5 * * * *" });
    await expect(worker.scheduled(controller, { ...env, EVENT_RETENTION_DAYS: "forever" })).rejects.toThrow(/^EVENT_RETENTION_DAYS must be a whole number/);
    expect(logged).toHaveBeenCalledWith(expect.stringContaining("EVENT_RETENTION_DAYS"));
  });
});
