import { createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { pruneCredentials, pruneQueries } from "../../src/db/prune";
import { sha256Hex } from "../../src/shared/secrets";
import worker from "../../src/index";
import { newAccount } from "../support/client";
import { ENTRA_REDIRECT, codeGrant, token } from "../support/oauth";
import { verifiedAdmin } from "../support/world";

const DAY = 86400_000;
const iso = (ms: number) => new Date(ms).toISOString();

/** Which of `keys` are still rows of `table` (by `column`). */
async function kept(table: string, column: string, keys: string[]): Promise<string[]> {
  const rows = await env.DB.prepare(`SELECT ${column} AS k FROM ${table} WHERE ${column} IN (${keys.map(() => "?").join(",")})`)
    .bind(...keys)
    .all<{ k: string }>();
  return rows.results.map((r) => r.k).sort();
}

describe("the cron's credential pruning", () => {
  it("deletes expired sessions and keeps live ones", async () => {
    const account = await newAccount();
    const now = Date.now();
    const session = (id: string, expiresAt: number) =>
      env.DB.prepare("INSERT INTO sessions (id, account_id, token_hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?)").bind(
        id,
        account.id,
        crypto.randomUUID(),
        iso(now - DAY),
        iso(expiresAt),
      );
    const [expired, live] = [crypto.randomUUID(), crypto.randomUUID()];
    await env.DB.batch([session(expired, now - 1), session(live, now + 1)]);
    await pruneCredentials(env, new Date(now));
    expect(await kept("sessions", "id", [expired, live])).toEqual([live]);
  });

  it("keeps a used code until a day after its expiry, so its replay still revokes the grant", async () => {
    const { client, code, tokens } = await codeGrant();
    const hash = await sha256Hex(code);
    const { expires_at } = (await env.DB.prepare("SELECT expires_at FROM oauth_codes WHERE code_hash = ?").bind(hash).first<{ expires_at: string }>())!;
    const expiry = Date.parse(expires_at);
    await pruneCredentials(env, new Date(expiry + DAY - 1));
    expect(await kept("oauth_codes", "code_hash", [hash])).toEqual([hash]);
    const replay = await token(client, { grant_type: "authorization_code", code, redirect_uri: ENTRA_REDIRECT });
    expect(replay.body.error).toBe("invalid_grant");
    expect((await token(client, { grant_type: "refresh_token", refresh_token: tokens.refresh_token })).body.error).toBe("invalid_grant");
    await pruneCredentials(env, new Date(expiry + DAY + 1));
    expect(await kept("oauth_codes", "code_hash", [hash])).toEqual([]);
  });

  it("keeps a rotated refresh token for 30 days, for reuse detection, and deletes expired ones", async () => {
    const { client, tokens } = await codeGrant();
    const rotatedAt = Date.now();
    const next = await token(client, { grant_type: "refresh_token", refresh_token: tokens.refresh_token });
    expect(next.status).toBe(200);
    const [first, second] = await Promise.all([sha256Hex(tokens.refresh_token), sha256Hex(next.body.refresh_token)]);
    const { expires_at } = (await env.DB.prepare("SELECT expires_at FROM refresh_tokens WHERE token_hash = ?").bind(second).first<{ expires_at: string }>())!;

    await pruneCredentials(env, new Date(rotatedAt + 29 * DAY));
    expect(await kept("refresh_tokens", "token_hash", [first, second])).toEqual([first, second].sort());
    await pruneCredentials(env, new Date(rotatedAt + 31 * DAY));
    expect(await kept("refresh_tokens", "token_hash", [first, second])).toEqual([second]);
    await pruneCredentials(env, new Date(Date.parse(expires_at) - 1));
    expect(await kept("refresh_tokens", "token_hash", [second])).toEqual([second]);
    await pruneCredentials(env, new Date(Date.parse(expires_at) + 1));
    expect(await kept("refresh_tokens", "token_hash", [second])).toEqual([]);
  });

  it("deletes sign-in failure rows whose window started more than a day ago", async () => {
    const now = Date.now();
    const [old, recent] = [`test:old:${crypto.randomUUID()}`, `test:recent:${crypto.randomUUID()}`];
    const failure = (key: string, windowStart: number) =>
      env.DB.prepare("INSERT INTO login_failures (key, failures, window_start, locked_until) VALUES (?, 3, ?, NULL)").bind(key, iso(windowStart));
    await env.DB.batch([failure(old, now - DAY - 1), failure(recent, now - DAY + 60_000)]);
    await pruneCredentials(env, new Date(now));
    expect(await kept("login_failures", "key", [old, recent])).toEqual([recent]);
  });

  it("deletes invitations answered more than 30 days ago or expired more than 30 days ago, and keeps the rest", async () => {
    const admin = await verifiedAdmin();
    const now = Date.now();
    const invitation = (id: string, status: string, createdAt: number, expiresAt: number, respondedAt: number | null) =>
      env.DB.prepare(
        "INSERT INTO invitations (id, org_id, email, email_key, permission, invited_by, status, created_at, expires_at, responded_at) VALUES (?, ?, ?, ?, 'read', 'test', ?, ?, ?, ?)",
      ).bind(id, admin.orgId, `${id}@example.com`, `${id}@example.com`, status, iso(createdAt), iso(expiresAt), respondedAt === null ? null : iso(respondedAt));
    const ids = {
      acceptedLongAgo: `accepted-old-${crypto.randomUUID()}`,
      declinedRecently: `declined-new-${crypto.randomUUID()}`,
      revokedLongAgo: `revoked-old-${crypto.randomUUID()}`,
      expiredLongAgo: `expired-old-${crypto.randomUUID()}`,
      expiredRecently: `expired-new-${crypto.randomUUID()}`,
      pending: `pending-${crypto.randomUUID()}`,
    };
    await env.DB.batch([
      invitation(ids.acceptedLongAgo, "accepted", now - 45 * DAY, now - 38 * DAY, now - 44 * DAY),
      invitation(ids.declinedRecently, "declined", now - 35 * DAY, now - 28 * DAY, now - 29 * DAY),
      invitation(ids.revokedLongAgo, "revoked", now - 40 * DAY, now - 33 * DAY, null),
      invitation(ids.expiredLongAgo, "pending", now - 40 * DAY, now - 31 * DAY, null),
      invitation(ids.expiredRecently, "pending", now - 20 * DAY, now - 13 * DAY, null),
      invitation(ids.pending, "pending", now - DAY, now + 6 * DAY, null),
    ]);
    await pruneCredentials(env, new Date(now));
    expect(await kept("invitations", "id", Object.values(ids))).toEqual([ids.declinedRecently, ids.expiredRecently, ids.pending].sort());
  });

  it("deletes a bounded batch per table per run; later runs take the rest", async () => {
    const now = Date.now();
    const keys = Array.from({ length: 5 }, (_, i) => `test:batch:${i}:${crypto.randomUUID()}`);
    await env.DB.batch(
      keys.map((key) => env.DB.prepare("INSERT INTO login_failures (key, failures, window_start) VALUES (?, 1, ?)").bind(key, iso(now - 2 * DAY))),
    );
    const first = await pruneCredentials(env, new Date(now), 2);
    expect(first.loginFailures).toBe(2);
    for (const count of Object.values(first)) expect(count).toBeLessThanOrEqual(2);
    expect(await kept("login_failures", "key", keys)).toHaveLength(3);
    await pruneCredentials(env, new Date(now), 2);
    await pruneCredentials(env, new Date(now), 2);
    expect(await kept("login_failures", "key", keys)).toEqual([]);
  });

  it("finds what to delete through an index, for every table that has one", async () => {
    for (const query of pruneQueries(new Date())) {
      if (query.prunes === "invitations") continue;
      const plan = await env.DB.prepare(`EXPLAIN QUERY PLAN ${query.sql}`)
        .bind(...query.params)
        .all<{ detail: string }>();
      const details = plan.results.map((r) => r.detail);
      expect(
        details.some((d) => / USING (COVERING )?INDEX /.test(d)),
        `${query.prunes}: ${details.join("; ")}`,
      ).toBe(true);
      expect(
        details.filter((d) => /^SCAN /.test(d) && !/INDEX/.test(d)),
        `${query.prunes}: ${details.join("; ")}`,
      ).toEqual([]);
    }
  });

  it("runs as a duty of the cron", async () => {
    const account = await newAccount();
    const now = Date.now();
    const id = crypto.randomUUID();
    await env.DB.prepare("INSERT INTO sessions (id, account_id, token_hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?)")
      .bind(id, account.id, crypto.randomUUID(), iso(now - DAY), iso(now - 1))
      .run();
    await worker.scheduled(createScheduledController({ scheduledTime: now, cron: "*/5 * * * *" }), env);
    expect(await kept("sessions", "id", [id])).toEqual([]);
  });
});
