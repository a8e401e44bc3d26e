// Single sign-on in a real browser against `npm run dev` and its dev SAML identity provider, which
// stands in for Entra on another site (localhost, the app on 127.0.0.1): an admin provisions a user over
// SCIM and turns single sign-on on; the user signs in identifier-first through the identity provider,
// then provisioning turns the user off, which ends the session and refuses the next sign-in.
import { mkdirSync } from "node:fs";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { devServer, launchChromium, openPage, projectRoot, verifiedAdmin } from "./dev-server";

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

const api = (method: string, route: string, body: unknown, bearer: string, type = "application/json") =>
  fetch(`${dev.base}${route}`, {
    method,
    headers: { authorization: `Bearer ${bearer}`, ...(body === undefined ? {} : { "content-type": type }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

/** Identifier-first sign-in on the app, then the dev identity provider's page; resolves with the ACS's answer. */
async function signInThroughIdp(page: Page, email: string, acsUrl: string) {
  await page.goto(`${dev.base}/login?service=%2Fme`);
  await page.getByLabel("E-mail").fill(email);
  await page.getByRole("button", { name: "Next" }).click();
  await page.waitForURL((url) => url.origin === new URL(dev.idpBase).origin && url.pathname === "/saml2");
  expect(await page.locator("h1").textContent()).toBe("Sign in");
  await page.getByLabel("E-mail", { exact: true }).fill(email);
  const acs = page.waitForResponse((r) => r.url() === acsUrl && r.request().method() === "POST");
  await page.getByRole("button", { name: "Sign in" }).click();
  return acs;
}

describe("Single sign-on in a browser", () => {
  it("signs a provisioned user in through the dev identity provider, and deprovisioning ends the session and refuses the next sign-in", async () => {
    const { domain, token } = await verifiedAdmin(dev, "sso");
    const userName = `grace@${domain}`;

    // Entra provisions the user over SCIM.
    const scimToken = ((await (await api("POST", "/api/organization/scim-tokens", { description: "Entra" }, token)).json()) as { token: string }).token;
    const provisioned = await api(
      "POST",
      "/scim/v2/Users",
      {
        schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"],
        userName,
        active: true,
        displayName: "Grace Hopper",
        emails: [{ value: userName, type: "work", primary: true }],
      },
      scimToken,
      "application/scim+json",
    );
    expect(provisioned.status).toBe(201);
    const { id: userId } = (await provisioned.json()) as { id: string };

    // The admin gives the app the identity provider's metadata URL (the Worker fetches it) and turns single sign-on on.
    const metadataUrl = `${dev.idpBase}/federationmetadata.xml`;
    const configured = await api("PUT", "/api/organization/identity-provider", { metadataUrl }, token);
    const idp = (await configured.json()) as {
      entityId: string;
      ssoUrl: string;
      metadataUrl: string;
      enabled: boolean;
      serviceProvider: { entityId: string; acsUrl: string };
    };
    expect(configured.status, JSON.stringify(idp)).toBe(200);
    expect(idp).toMatchObject({ entityId: `${dev.idpBase}/`, ssoUrl: `${dev.idpBase}/saml2`, metadataUrl, enabled: false });
    const { acsUrl } = idp.serviceProvider;
    expect(acsUrl).toMatch(new RegExp(`^${dev.base.replace(/\./g, "\\.")}/saml/[^/]+/acs$`));
    const enabled = await api("PATCH", "/api/organization/identity-provider", { enabled: true }, token);
    expect(enabled.status).toBe(200);
    expect(((await enabled.json()) as { enabled: boolean }).enabled).toBe(true);

    // The identity provider is another site: its response reaches the ACS as a cross-site form post.
    expect(new URL(dev.idpBase).hostname).not.toBe(new URL(dev.base).hostname);
    const page = await openPage(browser, { viewport: { width: 1024, height: 800 } });
    const accepted = await signInThroughIdp(page, userName, acsUrl);
    expect(accepted.status()).toBe(303);
    expect(await accepted.request().headerValue("sec-fetch-site")).toBe("cross-site");
    await page.waitForURL(`${dev.base}/me`);
    expect(await page.locator("h1").textContent()).toBe("Grace Hopper");
    expect(await page.locator("[data-field=userName]").textContent()).toBe(userName);
    const cookies = await page.context().cookies(dev.base);
    expect(cookies.find((c) => c.name === "edge_scim_session")).toMatchObject({ httpOnly: true, sameSite: "Lax" });
    expect(cookies.find((c) => c.name === "edge_scim_saml")).toMatchObject({ httpOnly: true, secure: true, sameSite: "None" });
    await page.screenshot({ path: path.join(shots, "sso-me.png"), fullPage: true });

    // Entra turns the user off: the session ends at once, and the identity provider's next response is refused.
    const deactivated = await api(
      "PATCH",
      `/scim/v2/Users/${userId}`,
      { schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], Operations: [{ op: "replace", path: "active", value: false }] },
      scimToken,
      "application/scim+json",
    );
    expect([200, 204]).toContain(deactivated.status);
    await page.reload();
    await page.waitForURL(`${dev.base}/login?service=%2Fme`);
    expect(await page.getByLabel("E-mail").isVisible()).toBe(true);

    const refused = await signInThroughIdp(page, userName, acsUrl);
    expect(refused.status()).toBe(403);
    await expect.poll(() => page.getByRole("alert").textContent()).toContain("administrator turned off your access");
    expect(new URL(page.url()).href).toBe(acsUrl);
    await page.screenshot({ path: path.join(shots, "sso-refused.png"), fullPage: true });
    await page.close();

    // The organization's sign-in log shows both, the refusal with its reason.
    const log = await api("GET", "/api/organization/sign-ins", undefined, token);
    expect(log.status).toBe(200);
    const { signIns } = (await log.json()) as { signIns: { userName: string | null; outcome: string; reason: string | null; method: string }[] };
    expect(signIns).toEqual([
      expect.objectContaining({ userName, outcome: "refused", reason: "deactivated", method: "sp" }),
      expect.objectContaining({ userName, outcome: "accepted", reason: null, method: "sp" }),
    ]);
  });
});
