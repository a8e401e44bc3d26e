// The Authorize flow in a real browser against `npm run dev`: an operator registers the client with
// `npm run oauth:client`, the admin signs in identifier-first, consents or denies.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { devServer, launchChromium, openPage, verifiedAdmin } from "./dev-server";

// Entra's redirect URI stands in for a local page the test serves itself, so the browser lands somewhere.
const dev = devServer();
let browser: Browser;
let client: { clientId: string; clientSecret: string };
let callback: string;

beforeAll(async () => {
  await dev.start();
  callback = `${dev.base}/healthz`;
  const printed = execFileSync(process.execPath, ["scripts/oauth-client.mjs", "--name", "Microsoft Entra ID", "--redirect-uri", callback, "--url", dev.base], {
    cwd: dev.checkout,
  }).toString();
  client = JSON.parse(printed.slice(0, printed.lastIndexOf("}") + 1));
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await dev.dispose();
});

async function signInIdentifierFirst(page: Page, who: { email: string; password: string }) {
  await page.goto(`${dev.base}/oauth/authorize?response_type=code&client_id=${client.clientId}&redirect_uri=${encodeURIComponent(callback)}&state=s-123`);
  await page.getByLabel("User name").fill(who.email);
  await page.getByRole("button", { name: "Next" }).click();
  await page.getByLabel("Password").fill(who.password);
  await page.getByRole("button", { name: "Sign In" }).click();
}

describe("Authorize in a browser", () => {
  it("signs in identifier-first, consents, and lands on the client with a working code", async () => {
    const who = await verifiedAdmin(dev, "allow");
    const page = await openPage(browser);
    await signInIdentifierFirst(page, who);
    await expect.poll(() => page.locator("h1").textContent()).toBe("Allow access?");
    expect(await page.locator("main").textContent()).toContain(`Microsoft Entra ID wants to manage users and groups of ${who.domain}`);
    await page.getByRole("button", { name: "Allow" }).click();
    await page.waitForURL((url) => url.href.startsWith(callback));
    const landed = new URL(page.url());
    expect(landed.searchParams.get("state")).toBe("s-123");
    expect(landed.searchParams.get("iss")).toBe(dev.base);
    const code = landed.searchParams.get("code")!;
    const tokenAnswer = await fetch(`${dev.base}/oauth/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", authorization: `Basic ${btoa(`${client.clientId}:${client.clientSecret}`)}` },
      body: new URLSearchParams({ grant_type: "authorization_code", code, redirect_uri: callback }).toString(),
    });
    const { access_token } = (await tokenAnswer.json()) as { access_token: string };
    const test = await fetch(`${dev.base}/scim/v2/Users?filter=userName+eq+%22${crypto.randomUUID()}%22`, {
      headers: { authorization: `Bearer ${access_token}` },
    });
    expect(test.status).toBe(200);
    await page.close();
  });

  it("returns access_denied when the admin denies, and shows a wrong password without revealing the account", async () => {
    const who = await verifiedAdmin(dev, "deny");
    const page = await openPage(browser);
    await signInIdentifierFirst(page, { email: who.email, password: "not the password" });
    await expect.poll(() => page.getByRole("alert").textContent()).toBe("The user name or password is not correct.");
    await page.getByLabel("Password").fill(who.password);
    await page.getByRole("button", { name: "Sign In" }).click();
    await page.getByRole("button", { name: "Deny" }).click();
    await page.waitForURL((url) => url.href.startsWith(callback));
    const landed = new URL(page.url());
    expect(landed.searchParams.get("error")).toBe("access_denied");
    expect(landed.searchParams.get("state")).toBe("s-123");
    expect(landed.searchParams.has("code")).toBe(false);
    await page.close();
  });

  it("registers clients with npm run oauth:client using the token in .dev.vars", () => {
    expect(client.clientId).toMatch(/^[0-9a-f-]{36}$/);
    expect(readFileSync(path.join(dev.checkout, ".dev.vars"), "utf8")).toContain("OPERATOR_TOKEN=");
  });
});
