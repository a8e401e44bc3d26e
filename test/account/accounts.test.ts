import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { browser, signedInAs } from "../support/browser-session";
import { call, json, newAccount, send } from "../support/client";

const login = (email: string, password: string, address = "203.0.113.7") =>
  call("/api/sessions", {
    method: "POST",
    headers: { "content-type": "application/json", "cf-connecting-ip": address },
    body: JSON.stringify({ email, password }),
  });

describe("accounts and sessions", () => {
  it("signs up with a PBKDF2 hash, signs in over the API with a Bearer token and no cookie, signs out", async () => {
    const email = `Ada.${crypto.randomUUID().slice(0, 6)}@Example.com`;
    const created = await send("POST", "/api/accounts", "", { email, password: "twelve chars!", name: "Ada" });
    expect(created.status).toBe(201);
    const { id } = await json(created);
    const row = await env.DB.prepare("SELECT password_hash FROM accounts WHERE id = ?").bind(id).first<{ password_hash: string }>();
    expect(row!.password_hash).toMatch(/^pbkdf2-sha256\$100000\$[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{44}$/);
    expect(row!.password_hash).not.toContain("twelve");

    const session = await login(email.toLowerCase(), "twelve chars!");
    expect(session.status).toBe(201);
    // The token is a secret: never cached; the API signs no browser in.
    expect(session.headers.get("cache-control")).toBe("no-store");
    expect(session.headers.get("set-cookie")).toBeNull();
    const { token, expiresAt } = await json(session);
    expect(Date.parse(expiresAt)).toBeGreaterThan(Date.now());
    const stored = await env.DB.prepare("SELECT token_hash FROM sessions WHERE account_id = ?").bind(id).first<{ token_hash: string }>();
    expect(stored!.token_hash).toMatch(/^[0-9a-f]{64}$/);

    const me = await json(await send("GET", "/api/me", token));
    expect(me).toEqual({ id, email, name: "Ada", organization: null, pendingInvitations: 0 });

    expect((await send("DELETE", "/api/sessions/current", token)).status).toBe(204);
    expect((await send("GET", "/api/me", token)).status).toBe(401);
  });

  it("signs a browser in only from the sign-in page, with a __Host- cookie over https", async () => {
    const account = await newAccount();
    const b = browser();
    const csrf = b.csrfOf(await (await b.get("/login")).text());
    const signedIn = await b.post("/login", { email: account.email, password: account.password }, csrf);
    expect(signedIn.status).toBe(303);
    const cookie = signedIn.headers.getSetCookie().find((c) => c.includes("edge_scim_session="))!;
    expect(cookie).toMatch(/^__Host-edge_scim_session=/);
    expect(cookie).toContain("HttpOnly");
    expect(cookie).toContain("SameSite=Lax");
    expect(cookie).toContain("Secure");
    expect(cookie).toContain("Path=/");
    expect(cookie).not.toMatch(/Domain=/i);
    const byCookie = await call("/api/me", { headers: { cookie: cookie.split(";")[0]! } });
    expect(byCookie.status).toBe(200);
  });

  it("refuses bad e-mails, short passwords and taken e-mails", async () => {
    expect((await send("POST", "/api/accounts", "", { email: "nope", password: "long enough pass" })).status).toBe(400);
    expect((await send("POST", "/api/accounts", "", { email: "a@com", password: "long enough pass" })).status).toBe(400);
    const short = await send("POST", "/api/accounts", "", { email: "short@example.com", password: "elevenchars" });
    expect(short.status).toBe(400);
    expect(await short.json()).toMatchObject({ error: "invalid_password" });
    const { email } = await newAccount();
    const taken = await send("POST", "/api/accounts", "", { email: email.toUpperCase(), password: "another long password" });
    expect(taken.status).toBe(409);
    expect((await send("POST", "/api/accounts", "", "{")).status).toBe(400);
  });

  it("answers unknown e-mail and wrong password the same way", async () => {
    const { email } = await newAccount();
    const wrong = await login(email, "wrong password!!", "198.51.100.1");
    const unknown = await login(`nobody-${crypto.randomUUID()}@example.com`, "wrong password!!", "198.51.100.2");
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(await wrong.json()).toEqual(await unknown.json());
  });

  it("slows a wrong-password streak down from one address and never locks the owner out from another", async () => {
    const { email, password } = await newAccount();
    const attacker = "192.0.2.10";
    // Every attempt at the same instant: the delays, not the machine's speed, decide.
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() });
    try {
      const codes = [];
      for (let i = 0; i < 5; i++) codes.push((await login(email, "not the password", attacker)).status);
      // Three free failures, the fourth costs a second, and the fifth comes too soon.
      expect(codes).toEqual([401, 401, 401, 401, 429]);
      const slowed = await login(email, password, attacker);
      expect(slowed.status).toBe(429);
      expect(slowed.headers.get("retry-after")).toBe("1");
      expect(await slowed.json()).toMatchObject({ error: "too_many_attempts" });
      // The owner, elsewhere, signs in at once.
      expect((await login(email, password, "198.51.100.99")).status).toBe(201);

      // The delays double from there and stop growing at a minute.
      const waits = [];
      for (let i = 0; i < 8; i++) {
        vi.setSystemTime(Date.now() + 60_000);
        expect((await login(email, "not the password", attacker)).status).toBe(401);
        waits.push(Number((await login(email, "not the password", attacker)).headers.get("retry-after")));
      }
      expect(waits).toEqual([2, 4, 8, 16, 32, 60, 60, 60]);
      // After the wait, the right password works from the attacker's address too.
      vi.setSystemTime(Date.now() + 60_000);
      expect((await login(email, password, attacker)).status).toBe(201);
    } finally {
      vi.useRealTimers();
    }
  });

  it("locks a client address that tries many e-mails", async () => {
    const { email, password } = await newAccount();
    const address = "192.0.2.200";
    for (let i = 0; i < 20; i++) await login(`spray${i}-${crypto.randomUUID()}@example.com`, "guess guess guess", address);
    expect((await login(email, password, address)).status).toBe(429);
    expect((await login(email, password, "192.0.2.201")).status).toBe(201);
  });

  it("clears a pair's failures after a successful sign-in", async () => {
    const { email, password } = await newAccount();
    for (let i = 0; i < 3; i++) await login(email, "not the password", "192.0.2.50");
    expect((await login(email, password, "192.0.2.50")).status).toBe(201);
    for (let i = 0; i < 3; i++) expect((await login(email, "not the password", "192.0.2.50")).status).toBe(401);
    expect((await login(email, password, "192.0.2.50")).status).toBe(201);
  });

  it("refuses cookie-authenticated changes from another site", async () => {
    const { cookie } = await signedInAs(await newAccount());
    const cross = await call("/api/domains", {
      method: "POST",
      headers: { cookie, origin: "https://evil.example", "content-type": "application/json" },
      body: "{}",
    });
    expect(cross.status).toBe(403);
    const same = await call("/api/domains", {
      method: "POST",
      headers: { cookie, origin: "https://scim.test", "content-type": "application/json" },
      body: "{}",
    });
    expect(same.status).toBe(201);
  });
});
