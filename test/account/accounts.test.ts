import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, json, newAccount, send } from "../support/client";

const login = (email: string, password: string, address = "203.0.113.7") =>
  call("/api/sessions", {
    method: "POST",
    headers: { "content-type": "application/json", "cf-connecting-ip": address },
    body: JSON.stringify({ email, password }),
  });

describe("accounts and sessions", () => {
  it("signs up with a PBKDF2 hash, signs in with a token and an HttpOnly cookie, signs out", async () => {
    const email = `Ada.${crypto.randomUUID().slice(0, 6)}@Example.com`;
    const created = await send("POST", "/api/accounts", "", { email, password: "twelve chars!", name: "Ada" });
    expect(created.status).toBe(201);
    const { id } = await json(created);
    const row = await env.DB.prepare("SELECT password_hash FROM accounts WHERE id = ?").bind(id).first<{ password_hash: string }>();
    expect(row!.password_hash).toMatch(/^pbkdf2-sha256\$100000\$[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{44}$/);
    expect(row!.password_hash).not.toContain("twelve");

    const session = await login(email.toLowerCase(), "twelve chars!");
    expect(session.status).toBe(201);
    const { token, expiresAt } = await json(session);
    expect(Date.parse(expiresAt)).toBeGreaterThan(Date.now());
    const cookie = session.headers.get("set-cookie")!;
    expect(cookie).toMatch(/^edge_scim_session=/);
    expect(cookie).toContain("HttpOnly");
    expect(cookie).toContain("SameSite=Lax");
    expect(cookie).toContain("Secure");
    const stored = await env.DB.prepare("SELECT token_hash FROM sessions WHERE account_id = ?").bind(id).first<{ token_hash: string }>();
    expect(stored!.token_hash).toMatch(/^[0-9a-f]{64}$/);

    const me = await json(await send("GET", "/api/me", token));
    expect(me).toEqual({ id, email, name: "Ada", organization: null });
    const byCookie = await call("/api/me", { headers: { cookie: cookie.split(";")[0]! } });
    expect(byCookie.status).toBe(200);

    expect((await send("DELETE", "/api/sessions/current", token)).status).toBe(204);
    expect((await send("GET", "/api/me", token)).status).toBe(401);
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

  it("locks an e-mail after repeated failures, even against the right password, with Retry-After", async () => {
    const { email, password } = await newAccount();
    for (let i = 0; i < 5; i++) expect((await login(email, "not the password", `192.0.2.${i}`)).status).toBe(401);
    const locked = await login(email, password, "192.0.2.99");
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await locked.json()).toMatchObject({ error: "too_many_attempts" });
  });

  it("locks a client address that tries many e-mails", async () => {
    const { email, password } = await newAccount();
    const address = "192.0.2.200";
    for (let i = 0; i < 20; i++) await login(`spray${i}-${crypto.randomUUID()}@example.com`, "guess guess guess", address);
    expect((await login(email, password, address)).status).toBe(429);
    expect((await login(email, password, "192.0.2.201")).status).toBe(201);
  });

  it("clears an e-mail's failures after a successful sign-in", async () => {
    const { email, password } = await newAccount();
    for (let i = 0; i < 4; i++) await login(email, "not the password", "192.0.2.50");
    expect((await login(email, password, "192.0.2.50")).status).toBe(201);
    for (let i = 0; i < 4; i++) expect((await login(email, "not the password", "192.0.2.50")).status).toBe(401);
    expect((await login(email, password, "192.0.2.50")).status).toBe(201);
  });

  it("refuses cookie-authenticated changes from another site", async () => {
    const { email, password } = await newAccount();
    const cookie = (await login(email, password, "192.0.2.77")).headers.get("set-cookie")!.split(";")[0]!;
    const cross = await call("/api/domains", { method: "POST", headers: { cookie, origin: "https://evil.example", "content-type": "application/json" }, body: "{}" });
    expect(cross.status).toBe(403);
    const same = await call("/api/domains", { method: "POST", headers: { cookie, origin: "https://scim.test", "content-type": "application/json" }, body: "{}" });
    expect(same.status).toBe(201);
  });
});
