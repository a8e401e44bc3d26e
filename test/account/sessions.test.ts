import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { signedInAs } from "../support/browser-session";
import { call, json, newAccount, send } from "../support/client";

const signIn = async (email: string, password: string, userAgent: string) => {
  const r = await call("/api/sessions", {
    method: "POST",
    headers: { "content-type": "application/json", "user-agent": userAgent, "cf-connecting-ip": "203.0.113.40" },
    body: JSON.stringify({ email, password }),
  });
  return (await json(r)).token as string;
};

describe("sessions", () => {
  it("are listed with their client, and each can be ended from another", async () => {
    const account = await newAccount();
    const laptop = await signIn(account.email, account.password, "Laptop browser");
    const phone = await signIn(account.email, account.password, "Phone browser");
    const listed = (await json(await send("GET", "/api/sessions", laptop))).sessions as { id: string; userAgent: string; current: boolean }[];
    expect(listed).toHaveLength(3);
    expect(listed.filter((s) => s.current)).toEqual([expect.objectContaining({ userAgent: "Laptop browser" })]);
    expect(JSON.stringify(listed)).not.toContain(phone);
    const phoneSession = listed.find((s) => s.userAgent === "Phone browser")!;
    expect((await send("DELETE", `/api/sessions/${phoneSession.id}`, laptop)).status).toBe(204);
    expect((await send("GET", "/api/me", phone)).status).toBe(401);
    expect((await send("GET", "/api/me", laptop)).status).toBe(200);

    // Another account's session cannot be ended, or even confirmed to exist.
    const other = await newAccount();
    const laptopId = listed.find((s) => s.current)!.id;
    expect((await send("DELETE", `/api/sessions/${laptopId}`, other.token)).status).toBe(404);
    expect((await send("GET", "/api/me", laptop)).status).toBe(200);
  });

  it("end everywhere at once: sign out everywhere", async () => {
    const account = await newAccount();
    const second = await signIn(account.email, account.password, "Second");
    expect((await send("DELETE", "/api/sessions", second)).status).toBe(204);
    expect((await send("GET", "/api/me", second)).status).toBe(401);
    expect((await send("GET", "/api/me", account.token)).status).toBe(401);
    const left = await env.DB.prepare("SELECT count(*) AS n FROM sessions WHERE account_id = ?").bind(account.id).first<{ n: number }>();
    expect(left!.n).toBe(0);
  });
});

describe("password change", () => {
  it("needs the current password, ends every other session, and the old password stops working", async () => {
    const account = await newAccount();
    const other = await signIn(account.email, account.password, "Other");
    const wrong = await send("POST", "/api/me/password", account.token, { currentPassword: "not my password", newPassword: "a brand new password" });
    expect(wrong.status).toBe(401);
    expect((await send("POST", "/api/me/password", account.token, { currentPassword: account.password, newPassword: "short" })).status).toBe(400);
    const changed = await send("POST", "/api/me/password", account.token, { currentPassword: account.password, newPassword: "a brand new password" });
    expect(changed.status).toBe(200);
    expect(await json(changed)).toEqual({ endedSessions: 1 });
    expect((await send("GET", "/api/me", other)).status).toBe(401);
    expect((await send("GET", "/api/me", account.token)).status).toBe(200);
    expect((await send("POST", "/api/sessions", "", { email: account.email, password: account.password })).status).toBe(401);
    expect((await send("POST", "/api/sessions", "", { email: account.email, password: "a brand new password" })).status).toBe(201);
  });

  it("is offered on the Account page with the sessions, and sign out everywhere signs this browser out too", async () => {
    const account = await newAccount();
    const { b, csrf } = await signedInAs(account);
    const page = await (await b.get("/account")).text();
    expect(page).toContain("Where you are signed in");
    expect(page).toContain("(this browser)");
    expect(page).toContain('action="/account/password"');
    const changed = await b.post("/account/password", { currentPassword: account.password, newPassword: "page changed password" }, csrf);
    expect(changed.status).toBe(200);
    expect(await changed.text()).toContain("Password changed");
    expect((await send("GET", "/api/me", account.token)).status).toBe(401);
    const out = await b.post("/account/sessions/end-all", {}, csrf);
    expect(out.headers.get("location")).toBe("/login");
    expect((await b.get("/account")).headers.get("location")).toBe("/login");
  });
});
