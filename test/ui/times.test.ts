import { describe, expect, it } from "vitest";
import { agoText, leftText, utcText } from "../../src/ui/when";
import { entraUser, json, newAccount, send } from "../support/client";
import { signedInAs } from "../support/browser-session";
import { joinAsAdmin, verifiedAdmin } from "../support/world";

const MINUTE = 60_000;
const DAY = 86_400_000;
const ISO = /\d{4}-\d\d-\d\dT\d\d:\d\d/;

/** What a reader sees: the markup without its tags (attributes, where ISO belongs, go with them). */
const readable = (html: string) => html.replace(/<[^>]*>/g, "");

/** The `<time>` elements of a page, by their `datetime`. */
const times = (html: string) =>
  [...html.matchAll(/<time datetime="([^"]+)" title="([^"]+)"[^>]*>(.*?)<\/time>/g)].map(([, datetime, title, text]) => ({
    datetime,
    title,
    text: readable(text!),
  }));

describe("times on the pages", () => {
  it("reads a moment as UTC text and how far off it is", () => {
    expect(utcText(new Date("2026-12-10T06:30:32.329Z"))).toBe("10 Dec 2026, 06:30 UTC");
    expect(utcText(new Date("2027-01-02T23:05:00Z"))).toBe("2 Jan 2027, 23:05 UTC");
    expect(agoText(10 * DAY - 1000)).toBe("in 9 days");
    expect(agoText(-3 * MINUTE - 5000)).toBe("3 min ago");
    expect(agoText(-20_000)).toBe("just now");
    expect(agoText(50_000)).toBe("in 1 min");
    expect(agoText(-90 * MINUTE)).toBe("1 hour ago");
    expect(agoText(-30 * 60 * MINUTE)).toBe("1 day ago");
    expect(agoText(90 * DAY)).toBe("in 3 months");
    expect(agoText(365 * DAY - 1000)).toBe("in 1 year");
    expect(agoText(-800 * DAY)).toBe("2 years ago");
    expect(leftText(10 * DAY - 1000)).toBe("9 d 23 h left");
    expect(leftText(90 * MINUTE)).toBe("1 h 30 min left");
    expect(leftText(-1)).toBe("expired");
  });

  it("shows a pending claim's deadline and checks as <time> with a countdown, and words for checks that did not happen", async () => {
    const account = await newAccount();
    const claim = await json(await send("POST", "/api/domains", account.token));
    const { b } = await signedInAs(account);
    const html = await (await b.get("/dashboard")).text();
    const [deadline] = times(html);
    expect(deadline).toEqual({ datetime: claim.expiresAt, title: claim.expiresAt, text: utcText(new Date(claim.expiresAt)) });
    expect(html).toContain(`data-expires="${claim.expiresAt}">9 d 23 h left</span>`);
    expect(html).toMatch(/<span data-field="lastCheckedAt">not yet<\/span>/);
    expect(readable(html)).not.toMatch(ISO);
  });

  it("shows every time of the organization's pages as <time datetime> with a relative hint, never as raw ISO text", async () => {
    const admin = await verifiedAdmin();
    const scimToken = (await json(await send("POST", "/api/organization/scim-tokens", admin.token, { description: "Entra" }))).token;
    await send("POST", "/scim/v2/Users", scimToken, entraUser(`ann@${admin.domain}`));
    await send("POST", "/api/organization/admins", admin.token, { email: `bea@${admin.domain}`, permission: "read" });
    const reader = await newAccount();
    await joinAsAdmin(admin, reader, "read");
    const { b, csrf } = await signedInAs(admin);
    const secretShown = await (await b.post("/organization/scim", { name: "Entra" }, csrf)).text();
    expect(times(secretShown).map((t) => t.text)).toContainEqual(expect.stringMatching(/\(in 1 year\)$/));

    const tokens = await (await b.get("/organization/tokens")).text();
    const [created] = times(tokens);
    expect(created!.text).toMatch(/ UTC \(just now\)$/);
    expect(Date.now() - Date.parse(created!.datetime!)).toBeLessThan(MINUTE);
    expect(tokens).toMatch(/<td>never<\/td>/);

    // Each session: signed in just now, expiring hours or days ahead.
    const sessions = times(await (await b.get("/account")).text());
    expect(sessions).toHaveLength(4);
    expect(sessions.map((t) => t.text)).toEqual(
      [1, 2].flatMap(() => [expect.stringMatching(/UTC \(just now\)$/), expect.stringMatching(/UTC \(in \d+ (hours|days)\)$/)]),
    );

    const organization = times(await (await b.get("/organization")).text());
    expect(organization.map((t) => t.text)).toEqual([
      expect.stringMatching(/\(just now\)$/),
      expect.stringMatching(/\(just now\)$/),
      expect.stringMatching(/\(in [67] days\)$/),
    ]);

    const log = times(await (await b.get("/organization/log")).text());
    expect(log.length).toBeGreaterThan(0);
    expect(log.every((t) => t.text.endsWith("(just now)"))).toBe(true);

    for (const path of [
      "/dashboard",
      "/organization",
      "/organization/tokens",
      "/organization/log",
      "/organization/summary",
      "/organization/scim",
      "/organization/apps",
      "/account",
    ]) {
      const html = await (await b.get(path)).text();
      expect(times(html).length, path).toBeGreaterThan(0);
      expect(readable(html), path).not.toMatch(ISO);
      for (const t of times(html)) expect(t.datetime, path).toBe(new Date(t.datetime!).toISOString());
    }
  });
});
