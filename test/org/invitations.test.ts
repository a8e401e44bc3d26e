import { createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import worker from "../../src/index";
import { entraUser, json, newAccount, OPERATOR, send } from "../support/client";
import { joinAsAdmin, verifiedAdmin } from "../support/world";

const invite = (owner: { token: string }, email: string, permission: "read" | "read-write" = "read") =>
  send("POST", "/api/organization/admins", owner.token, { email, permission });

/** Runs the cron once, a second after now. */
const cron = () => worker.scheduled(createScheduledController({ scheduledTime: Date.now() + 1000, cron: "*/5 * * * *" }), env);

const auditOf = async (orgId: string) =>
  (await env.DB.prepare("SELECT actor, action FROM audit_events WHERE org_id = ? ORDER BY seq").bind(orgId).all<{ actor: string; action: string }>()).results;

describe("admin invitations", () => {
  it("make nobody an admin until the invited account accepts", async () => {
    const owner = await verifiedAdmin();
    const invitee = await newAccount();
    const invited = await invite(owner, invitee.email.toUpperCase(), "read-write");
    expect(invited.status).toBe(202);
    const { invitation } = await json(invited);
    expect(invitation).toMatchObject({ email: invitee.email.toUpperCase(), permission: "read-write" });
    expect(Date.parse(invitation.expiresAt) - Date.now()).toBeGreaterThan(7 * 24 * 3600 * 1000 - 60_000);

    // Not an admin yet: no organization, no access to it.
    expect((await json(await send("GET", "/api/me", invitee.token))).organization).toBeNull();
    expect((await send("GET", "/api/organization", invitee.token)).status).toBe(404);
    expect((await json(await send("GET", "/api/organization", owner.token))).admins).toHaveLength(1);
    expect((await json(await send("GET", "/api/organization/invitations", owner.token))).invitations).toEqual([
      expect.objectContaining({ id: invitation.id, permission: "read-write" }),
    ]);

    // The invitee sees it, and accepting is what makes it an admin.
    const me = await json(await send("GET", "/api/me", invitee.token));
    expect(me.pendingInvitations).toBe(1);
    const mine = (await json(await send("GET", "/api/invitations", invitee.token))).invitations;
    expect(mine).toEqual([expect.objectContaining({ id: invitation.id, organization: { id: owner.orgId, name: owner.domain }, permission: "read-write" })]);
    const accepted = await send("POST", `/api/invitations/${invitation.id}/accept`, invitee.token);
    expect(accepted.status).toBe(200);
    expect((await json(accepted)).organization).toMatchObject({ id: owner.orgId, permission: "read-write" });
    expect((await json(await send("GET", "/api/me", invitee.token))).organization).toMatchObject({ id: owner.orgId, permission: "read-write" });
    // Once only.
    expect((await send("POST", `/api/invitations/${invitation.id}/accept`, invitee.token)).status).toBe(404);
    expect((await json(await send("GET", "/api/organization/invitations", owner.token))).invitations).toEqual([]);
    expect((await auditOf(owner.orgId)).map((a) => a.action)).toEqual(["organization.create", "domain.verify", "admin.invite", "admin.accept"]);
    expect((await auditOf(owner.orgId)).at(-1)!.actor).toBe(`account:${invitee.id}`);
  });

  it("answer the same whether or not the e-mail has an account, and reach someone who signs up later", async () => {
    const owner = await verifiedAdmin();
    const existing = await newAccount();
    const laterEmail = `later-${crypto.randomUUID().slice(0, 8)}@${owner.domain}`;
    const a = await invite(owner, existing.email);
    const b = await invite(owner, laterEmail);
    expect(a.status).toBe(b.status);
    const shape = (body: Record<string, any>) => Object.keys(body.invitation).sort();
    expect(shape(await json(a))).toEqual(shape(await json(b)));

    const later = await newAccount(laterEmail);
    const [open] = (await json(await send("GET", "/api/invitations", later.token))).invitations;
    expect((await send("POST", `/api/invitations/${open.id}/accept`, later.token)).status).toBe(200);
    expect((await json(await send("GET", "/api/me", later.token))).organization.id).toBe(owner.orgId);
  });

  it("can be accepted or declined only by the invited account", async () => {
    const owner = await verifiedAdmin();
    const invitee = await newAccount();
    const stranger = await newAccount();
    const { invitation } = await json(await invite(owner, invitee.email));
    expect((await send("POST", `/api/invitations/${invitation.id}/accept`, stranger.token)).status).toBe(404);
    expect((await send("POST", `/api/invitations/${invitation.id}/decline`, stranger.token)).status).toBe(404);
    expect((await send("POST", `/api/invitations/${invitation.id}/accept`, owner.token)).status).toBe(404);
    expect((await json(await send("GET", "/api/invitations", stranger.token))).invitations).toEqual([]);

    expect((await send("POST", `/api/invitations/${invitation.id}/decline`, invitee.token)).status).toBe(204);
    expect((await send("POST", `/api/invitations/${invitation.id}/accept`, invitee.token)).status).toBe(404);
    expect((await json(await send("GET", "/api/organization", owner.token))).admins).toHaveLength(1);
  });

  it("can be withdrawn by a read & write admin, and expire after 7 days", async () => {
    const owner = await verifiedAdmin();
    const first = await newAccount();
    const second = await newAccount();
    const { invitation: withdrawn } = await json(await invite(owner, first.email));
    expect((await send("DELETE", `/api/organization/invitations/${withdrawn.id}`, owner.token)).status).toBe(204);
    expect((await send("DELETE", `/api/organization/invitations/${withdrawn.id}`, owner.token)).status).toBe(404);
    expect((await send("POST", `/api/invitations/${withdrawn.id}/accept`, first.token)).status).toBe(404);

    const { invitation } = await json(await invite(owner, second.email));
    vi.useFakeTimers({ toFake: ["Date"], now: Date.parse(invitation.expiresAt) });
    try {
      // Sessions last 12 hours, so the invitee signs in again a week later.
      const session = await json(await send("POST", "/api/sessions", "", { email: second.email, password: second.password }));
      expect((await json(await send("GET", "/api/invitations", session.token))).invitations).toEqual([]);
      expect((await send("POST", `/api/invitations/${invitation.id}/accept`, session.token)).status).toBe(404);
    } finally {
      vi.useRealTimers();
    }
    expect((await json(await send("GET", "/api/me", second.token))).organization).toBeNull();
  });

  it("are refused while the invited account has a pending claim of its own, saying why", async () => {
    const attacker = await verifiedAdmin();
    const { world } = attacker;
    const victim = await newAccount();
    const claimed = await json(await send("POST", "/api/domains", victim.token));
    const { invitation } = await json(await invite(attacker, victim.email));
    const refused = await send("POST", `/api/invitations/${invitation.id}/accept`, victim.token);
    expect(refused.status).toBe(409);
    const body = await json(refused);
    expect(body.error).toBe("pending_claim");
    expect(body.message).toContain(victim.domain);
    expect(body.message).toContain("Withdraw");

    // The victim's claim verifies into the victim's own organization, and the attacker's tokens cannot provision it.
    world.publishTxt(victim.domain, `goto-verification-code=${claimed.verificationCode}`);
    await cron();
    const me = await json(await send("GET", "/api/me", victim.token));
    expect(me.organization).toMatchObject({ name: victim.domain, permission: "read-write" });
    expect(me.organization.id).not.toBe(attacker.orgId);
    expect((await json(await send("GET", `/api/domains/${victim.domain}`, victim.token))).status).toBe("verified");
    const attackerToken = (await json(await send("POST", "/api/organization/scim-tokens", attacker.token, {}))).token;
    const provisioned = await send("POST", "/scim/v2/Users", attackerToken, entraUser(`ceo@${victim.domain}`));
    expect(provisioned.status).toBe(400);
    const attackerView = await json(await send("GET", "/api/organization", attacker.token));
    expect(attackerView.domains.map((d: { domain: string }) => d.domain)).not.toContain(victim.domain);

    // Now an admin of its own organization, the victim cannot be drawn into the attacker's either.
    const again = await send("POST", `/api/invitations/${invitation.id}/accept`, victim.token);
    expect(again.status).toBe(409);
    expect((await json(again)).error).toBe("already_admin");
  });

  it("are accepted once the invited account withdraws its own claim", async () => {
    const owner = await verifiedAdmin();
    const invitee = await newAccount();
    await send("POST", "/api/domains", invitee.token);
    const { invitation } = await json(await invite(owner, invitee.email));
    expect((await send("POST", `/api/invitations/${invitation.id}/accept`, invitee.token)).status).toBe(409);
    expect((await send("DELETE", `/api/domains/${invitee.domain}`, invitee.token)).status).toBe(204);
    expect((await send("DELETE", `/api/domains/${invitee.domain}`, invitee.token)).status).toBe(404);
    expect((await send("POST", `/api/invitations/${invitation.id}/accept`, invitee.token)).status).toBe(200);
  });

  it("to an existing admin answer 409, and permissions change without an invitation", async () => {
    const owner = await verifiedAdmin();
    const reader = await newAccount();
    await joinAsAdmin(owner, reader, "read");
    expect((await invite(owner, reader.email, "read-write")).status).toBe(409);
    const promoted = await send("PATCH", `/api/organization/admins/${reader.id}`, owner.token, { permission: "read-write" });
    expect(promoted.status).toBe(200);
    expect((await json(promoted)).admins).toEqual(expect.arrayContaining([expect.objectContaining({ accountId: reader.id, permission: "read-write" })]));
    expect((await send("PATCH", `/api/organization/admins/${reader.id}`, owner.token, { permission: "owner" })).status).toBe(400);
    expect((await send("PATCH", `/api/organization/admins/${crypto.randomUUID()}`, owner.token, { permission: "read" })).status).toBe(404);
  });
});

describe("leaving an organization", () => {
  it("is open to any admin, read-only ones included, but never to the last read & write admin", async () => {
    const owner = await verifiedAdmin();
    const reader = await newAccount();
    await joinAsAdmin(owner, reader, "read");
    // A read-only admin cannot remove others, but can leave.
    expect((await send("DELETE", `/api/organization/admins/${owner.id}`, reader.token)).status).toBe(403);
    expect((await send("DELETE", `/api/organization/admins/${reader.id}`, reader.token)).status).toBe(204);
    expect((await json(await send("GET", "/api/me", reader.token))).organization).toBeNull();
    // Free again: it may claim its own domain.
    expect((await send("POST", "/api/domains", reader.token)).status).toBe(201);

    const last = await send("DELETE", `/api/organization/admins/${owner.id}`, owner.token);
    expect(last.status).toBe(409);
    expect((await json(last)).message).toContain("read & write");
    const demote = await send("PATCH", `/api/organization/admins/${owner.id}`, owner.token, { permission: "read" });
    expect(demote.status).toBe(409);
  });
});

describe("domain settlement", () => {
  it("settles a claim into the organization that made it, and the writer's userName policy learns it at once", async () => {
    const owner = await verifiedAdmin();
    const { world } = owner;
    const { token } = await json(await send("POST", "/api/organization/scim-tokens", owner.token, {}));
    const sub = `eu.${owner.domain}`;
    // The writer caches the policy that refuses the subdomain...
    expect((await send("POST", "/scim/v2/Users", token, entraUser(`a@${sub}`))).status).toBe(400);
    const claimed = await json(await send("POST", "/api/domains", owner.token, { domain: sub }));
    world.publishTxt(sub, `goto-verification-code=${claimed.verificationCode}`);
    // ...and the cron's verification, not only "Verify now", reaches it.
    await cron();
    expect((await json(await send("GET", `/api/domains/${sub}`, owner.token))).status).toBe("verified");
    expect((await send("POST", "/scim/v2/Users", token, entraUser(`a@${sub}`))).status).toBe(201);
  });

  it("ends a race between an acceptance and the invitee's own verification in one clear answer", async () => {
    const owner = await verifiedAdmin();
    const { world } = owner;
    const invitee = await newAccount();
    const claimed = await json(await send("POST", "/api/domains", invitee.token));
    const { invitation } = await json(await invite(owner, invitee.email));
    world.publishTxt(invitee.domain, `goto-verification-code=${claimed.verificationCode}`);
    const [accepted, verified] = await Promise.all([
      send("POST", `/api/invitations/${invitation.id}/accept`, invitee.token),
      send("POST", `/api/domains/${invitee.domain}/verify`, invitee.token),
    ]);
    // Whichever ran first, the claim settles into the invitee's own organization and the acceptance is refused.
    expect(accepted.status).toBe(409);
    expect(["pending_claim", "already_admin"]).toContain((await json(accepted)).error);
    expect(verified.status).toBe(200);
    expect((await json(verified)).status).toBe("verified");
    expect((await json(await send("GET", "/api/me", invitee.token))).organization).toMatchObject({ name: invitee.domain, permission: "read-write" });
  });

  it("answers concurrent operator creations of one domain with one 201 and clear 409s, never a 503", async () => {
    const domain = `race-${crypto.randomUUID().slice(0, 8)}.example.com`;
    const answers = await Promise.all(
      Array.from({ length: 6 }, (_, i) => send("POST", "/api/operator/organizations", OPERATOR, { name: `Racer ${i}`, domains: [domain] })),
    );
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses).toEqual([201, 409, 409, 409, 409, 409]);
    for (const a of answers.filter((a) => a.status === 409)) expect((await json(a)).message).toContain("Already verified by another organization");
  });
});
