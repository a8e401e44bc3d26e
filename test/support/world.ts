/** The outside world as the Worker's own fetch sees it, for tests that go through HTTP routes. */
import { afterEach, vi } from "vitest";
import { fakeWorld, resolverWith, type FakeWorld } from "./outside";

/** Replaces the global fetch (the Worker runs in the test's isolate) with a fake world for this test. */
export function stubWorld(): FakeWorld & { publishTxt(name: string, value: string): void } {
  const world = fakeWorld();
  const records: Record<string, string[]> = {};
  // The resolvers of wrangler.toml's DOH_RESOLVERS.
  world.on("cloudflare-dns.com", resolverWith(records, true));
  world.on("dns.google", resolverWith(records, true));
  vi.spyOn(globalThis, "fetch").mockImplementation(world.fetch);
  const publishTxt = (name: string, value: string) => {
    records[name] ??= [];
    records[name].push(`"${value}"`);
  };
  return { ...world, publishTxt };
}

afterEach(() => {
  vi.restoreAllMocks();
});

/** An account that verified its e-mail domain and so administers a new organization. */
export async function verifiedAdmin() {
  const { newAccount, send } = await import("./client");
  const world = stubWorld();
  const admin = await newAccount();
  const claimed = (await (await send("POST", "/api/domains", admin.token)).json()) as { verificationCode: string };
  world.publishTxt(admin.domain, `goto-verification-code=${claimed.verificationCode}`);
  const verified = await send("POST", `/api/domains/${admin.domain}/verify`, admin.token);
  if (((await verified.json()) as { status: string }).status !== "verified") throw new Error("domain not verified");
  const me = (await (await send("GET", "/api/me", admin.token)).json()) as { organization: { id: string } };
  return { ...admin, orgId: me.organization.id, world };
}

/** Makes `account` an admin of `owner`'s organization the one way there is: invited, then accepting. */
export async function joinAsAdmin(owner: { token: string }, account: { token: string; email: string }, permission: "read" | "read-write") {
  const { send } = await import("./client");
  const invited = await send("POST", "/api/organization/admins", owner.token, { email: account.email, permission });
  if (invited.status !== 202) throw new Error(`not invited: ${invited.status} ${await invited.text()}`);
  const { invitation } = (await invited.json()) as { invitation: { id: string } };
  const accepted = await send("POST", `/api/invitations/${invitation.id}/accept`, account.token);
  if (accepted.status !== 200) throw new Error(`not accepted: ${accepted.status} ${await accepted.text()}`);
}
