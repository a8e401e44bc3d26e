// The Organization Center in a real browser (Debian's chromium, driven by playwright-core) against
// `npm run dev` and its local DNS stub: sign up, publish the record, watch the page turn verified.
import { mkdirSync } from "node:fs";
import path from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { devServer, launchChromium, openPage, projectRoot } from "./dev-server";

const shots = path.join(projectRoot, "test-results");
const dev = devServer();
let browser: Browser;

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  await dev.start();
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await dev.dispose();
});

describe("Organization Center in a browser", () => {
  it("signs up by keyboard, verifies the domain live through the DNS stub, and creates a working SCIM token", async () => {
    const page = await openPage(browser, { viewport: { width: 1024, height: 900 } });
    const domain = `browser${Date.now().toString(36)}.example`;
    await page.goto(`${dev.base}/signup`);

    // Labels name every field, and the form is filled and sent from the keyboard alone.
    await page.getByLabel("Name").focus();
    await page.keyboard.type("Ada Browser");
    await page.keyboard.press("Tab");
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe("email");
    await page.keyboard.type(`ada@${domain}`);
    await page.keyboard.press("Tab");
    await page.keyboard.type("browser password 1");
    await page.keyboard.press("Enter");
    await page.waitForURL(`${dev.base}/dashboard`);

    const card = page.locator(`[data-domain="${domain}"]`);
    await expect.poll(() => card.locator("[data-field=status]").textContent()).toBe("pending");
    const record = await card.locator("code").filter({ hasText: "goto-verification-code=" }).first().textContent();
    expect(record).toMatch(/^goto-verification-code=[0-9a-f-]{36}$/);
    await page.screenshot({ path: path.join(shots, "dashboard-pending.png"), fullPage: true });

    // The page must not reload: a marker on the window survives until the status flips.
    await page.evaluate(() => ((window as unknown as { marker: string }).marker = "same page"));
    const published = await fetch(`${dev.dnsBase}/records`, { method: "POST", body: JSON.stringify({ name: domain, value: record }) });
    expect(published.status).toBe(201);
    expect((await fetch(`${dev.base}/__scheduled?cron=*/5+*+*+*+*`)).status).toBe(200);
    await expect.poll(() => card.locator("[data-field=status]").textContent()).toBe("verified");
    expect(await page.evaluate(() => (window as unknown as { marker?: string }).marker)).toBe("same page");
    await page.screenshot({ path: path.join(shots, "dashboard-verified.png"), fullPage: true });

    await page.goto(`${dev.base}/organization/tokens`);
    await page.getByLabel("Description").fill("Entra from the browser");
    await page.getByRole("button", { name: "Create token" }).click();
    const token = await page
      .locator("code")
      .filter({ hasText: /^scim_/ })
      .textContent();
    const scim = await fetch(`${dev.base}/scim/v2/Users?filter=userName+eq+%22nobody%22`, { headers: { authorization: `Bearer ${token}` } });
    expect(scim.status).toBe(200);
    expect(((await scim.json()) as { totalResults: number }).totalResults).toBe(0);

    // On a laptop, with every link of an organization's admin, the navigation shares the brand's row;
    // times read in the reader's zone (New York here), not UTC.
    const laptop = await browser.newContext({
      viewport: { width: 1280, height: 800 },
      timezoneId: "America/New_York",
      locale: "en-US",
      storageState: await page.context().storageState(),
    });
    const tokens = await openPage(laptop);
    await tokens.goto(`${dev.base}/organization/tokens`);
    const brand = await tokens.locator("header .brand").boundingBox();
    const nav = await tokens.locator("header nav").boundingBox();
    expect(await tokens.locator("header nav > *").count()).toBe(12);
    expect(nav!.y).toBe(brand!.y);
    const created = tokens.locator("time[datetime]").first();
    const newYork = new Intl.DateTimeFormat("en-US", {
      timeZone: "America/New_York",
      year: "numeric",
      month: "short",
      day: "numeric",
      hour: "numeric",
      minute: "2-digit",
      timeZoneName: "short",
    });
    const expected = newYork.format(new Date((await created.getAttribute("datetime"))!)).replace(/\s/g, " ");
    const shown = async () => (await created.textContent())!.replace(/\s/g, " ");
    await expect.poll(shown).not.toContain("UTC");
    const [local, hint] = (await shown()).split(" (");
    expect(local).toBe(expected);
    expect(hint).toMatch(/^(just now|\d+ min ago)\)$/);
    await tokens.screenshot({ path: path.join(shots, "tokens-laptop.png") });
    await laptop.close();

    // Provision through SCIM and see the rows appear in the log, the failure explained.
    const scimPost = (userName: string) =>
      fetch(`${dev.base}/scim/v2/Users`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/scim+json" },
        body: JSON.stringify({ userName, active: true, externalId: "grace" }),
      });
    expect((await scimPost(`grace@${domain}`)).status).toBe(201);
    expect((await scimPost(`GRACE@${domain}`)).status).toBe(409);
    await page.goto(`${dev.base}/organization/log`);
    await expect.poll(() => page.locator("tr[data-event]").count()).toBe(2);
    expect(await page.locator("main").textContent()).toContain(`userName "GRACE@${domain}" is already taken in this organization.`);
    await page.screenshot({ path: path.join(shots, "provisioning-log.png"), fullPage: true });
    await page.getByLabel("Status").selectOption("failure");
    await page.getByRole("button", { name: "Filter" }).click();
    await expect.poll(() => page.locator("tr[data-event]").count()).toBe(1);
    await page.goto(`${dev.base}/organization/summary`);
    expect(await page.locator("svg.chart rect").count()).toBeGreaterThan(0);
    await page.screenshot({ path: path.join(shots, "provisioning-summary.png"), fullPage: true });
    await page.close();
  });

  it("fits a phone screen", async () => {
    const page = await openPage(browser, { viewport: { width: 375, height: 740 } });
    await page.goto(`${dev.base}/signup`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: path.join(shots, "signup-phone.png"), fullPage: true });
    await page.close();
  });
});
