import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { sha256Hex } from "../../src/shared/secrets";
import { configOf } from "../../src/shared/config";
import { REFRESH_IDLE_DAYS } from "../../src/oauth/grants";
import { orgWriter } from "../../src/writer/address";
import { send } from "../support/client";
import { codeGrant, token } from "../support/oauth";

const DAY = 86400_000;

// The Worker and its Durable Objects run in the tests' isolate, so a mocked clock reaches them.
afterEach(() => {
  vi.useRealTimers();
});

const refresh = (client: { clientId: string; clientSecret: string }, refreshToken: string) =>
  token(client, { grant_type: "refresh_token", refresh_token: refreshToken });

/** Freezes the clock `ms` after `start` for the Worker, its writers and the test. */
const at = (start: number, ms: number) => vi.setSystemTime(start + ms);

describe("refresh-token rotation with a grace period", () => {
  it("gives a client that retries with the previous token after a lost response new tokens, not a revoked grant", async () => {
    const { client, tokens } = await codeGrant();
    const start = Date.now();
    at(start, 0);
    const lost = await refresh(client, tokens.refresh_token);
    expect(lost.status).toBe(200);
    at(start, 10_000);
    const retry = await refresh(client, tokens.refresh_token);
    expect(retry.status).toBe(200);
    expect(retry.body.refresh_token).not.toBe(lost.body.refresh_token);
    expect((await send("GET", "/scim/v2/Users", retry.body.access_token)).status).toBe(200);
    // The lost token was replaced: it is unknown now, and presenting it revokes nothing.
    expect((await refresh(client, lost.body.refresh_token)).body.error).toBe("invalid_grant");
    const next = await refresh(client, retry.body.refresh_token);
    expect(next.status).toBe(200);
    expect((await send("GET", "/scim/v2/Users", next.body.access_token)).status).toBe(200);
  });

  it("revokes the grant when the previous token comes back after the grace period", async () => {
    const { client, tokens } = await codeGrant();
    const start = Date.now();
    at(start, 0);
    const rotated = await refresh(client, tokens.refresh_token);
    expect(rotated.status).toBe(200);
    at(start, 30_001);
    expect((await refresh(client, tokens.refresh_token)).body.error).toBe("invalid_grant");
    expect((await refresh(client, rotated.body.refresh_token)).body.error).toBe("invalid_grant");
    expect((await send("GET", "/scim/v2/Users", rotated.body.access_token)).status).toBe(401);
  });

  it("accepts a retry at the end of the grace period, and retries never extend it", async () => {
    const { client, tokens } = await codeGrant();
    const start = Date.now();
    at(start, 0);
    expect((await refresh(client, tokens.refresh_token)).status).toBe(200);
    at(start, 20_000);
    expect((await refresh(client, tokens.refresh_token)).status).toBe(200);
    at(start, 30_000);
    const last = await refresh(client, tokens.refresh_token);
    expect(last.status).toBe(200);
    // 15 s after the last retry, but 35 s after the rotation.
    at(start, 35_000);
    expect((await refresh(client, tokens.refresh_token)).body.error).toBe("invalid_grant");
    expect((await send("GET", "/scim/v2/Users", last.body.access_token)).status).toBe(401);
  });

  it("revokes the grant when the previous token comes back after its successor was used, even within the grace period", async () => {
    const { client, tokens } = await codeGrant();
    const start = Date.now();
    at(start, 0);
    const second = await refresh(client, tokens.refresh_token);
    at(start, 1_000);
    const third = await refresh(client, second.body.refresh_token);
    expect(third.status).toBe(200);
    at(start, 2_000);
    expect((await refresh(client, tokens.refresh_token)).body.error).toBe("invalid_grant");
    expect((await refresh(client, third.body.refresh_token)).body.error).toBe("invalid_grant");
  });

  it("is REFRESH_GRACE_SECONDS, 30 by default, from 0 to 60 seconds; a value outside it is refused, naming the variable", () => {
    const withSeconds = (value: string | undefined) => () => configOf({ REFRESH_GRACE_SECONDS: value }).refreshGraceSeconds;
    expect(env.REFRESH_GRACE_SECONDS).toBe("30");
    expect(withSeconds("30")()).toBe(30);
    expect(withSeconds("0")()).toBe(0);
    expect(withSeconds("45")()).toBe(45);
    expect(withSeconds(undefined)()).toBe(30);
    for (const bad of ["600", "-5", "soon"]) expect(withSeconds(bad)).toThrow(/^REFRESH_GRACE_SECONDS must be a whole number from 0 to 60/);
  });
});

describe("refresh-token idle expiry", () => {
  it(`ends a refresh token unused for ${REFRESH_IDLE_DAYS} days without revoking its grant; each rotation starts a new period`, async () => {
    const { admin, client, tokens } = await codeGrant();
    const writer = orgWriter(env, admin.orgId);
    const issuedAt = Date.now();
    const rotate = async (refreshToken: string, now: number) => {
      const result = await writer.rotateRefresh(admin.orgId, await sha256Hex(refreshToken), client.clientId, now, 30);
      return result.ok ? { ok: true as const, refreshToken: result.refreshToken, grantId: result.grant.id } : { ...result };
    };

    const renewed = await rotate(tokens.refresh_token, issuedAt + (REFRESH_IDLE_DAYS - 1) * DAY);
    expect(renewed.ok).toBe(true);
    if (!renewed.ok) return;
    // Nearly two periods after the first token's issue, but within the renewed token's own period.
    const again = await rotate(renewed.refreshToken, issuedAt + (2 * REFRESH_IDLE_DAYS - 2) * DAY);
    expect(again.ok).toBe(true);
    if (!again.ok) return;

    const expired = await rotate(again.refreshToken, issuedAt + 3 * REFRESH_IDLE_DAYS * DAY);
    expect(expired).toMatchObject({ ok: false, error: "invalid_grant", description: expect.stringContaining("expired") });
    const grant = await env.DB.prepare("SELECT revoked_at FROM oauth_grants WHERE id = ?").bind(renewed.grantId).first<{ revoked_at: string | null }>();
    expect(grant?.revoked_at).toBeNull();
    // The grant still stands: its access tokens keep working.
    expect((await send("GET", "/scim/v2/Users", tokens.access_token)).status).toBe(200);
  });
});
