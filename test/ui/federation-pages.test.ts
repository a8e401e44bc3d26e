import { describe, expect, it } from "vitest";
import { json, newAccount, send } from "../support/client";
import { signedInAs } from "../support/browser-session";
import { joinAsAdmin, verifiedAdmin } from "../support/world";

/** What Entra's tenant would be: its token issuer and the object id of its provisioning service principal. */
function entraTenant() {
  return { issuer: `https://login.microsoftonline.com/${crypto.randomUUID()}/v2.0`, subject: crypto.randomUUID() };
}

const credentials = async (token: string) =>
  (await json(await send("GET", "/api/organization/federated-credentials", token))).credentials as Record<string, string>[];
const rowsOf = (html: string) => [...html.matchAll(/<tr data-credential="([^"]+)">([\s\S]*?)<\/tr>/g)].map((m) => ({ id: m[1]!, html: m[2]! }));
const postForms = (html: string) => html.match(/<form method="post"/g)?.length ?? 0;
const errorOf = (html: string) => html.match(/<p class="error" role="alert">([^<]*)<\/p>/)?.[1];

describe("workload identity federation on the SCIM connection page", () => {
  it("shows the organization's default audience and the token endpoint, each with a copy button", async () => {
    const admin = await verifiedAdmin();
    const { b } = await signedInAs(admin);
    const answer = await b.get("/organization/scim");
    expect(answer.status).toBe(200);
    const page = await answer.text();
    expect(page).toContain(">Workload identity federation</h2>");
    expect(page).toContain("federated credential");
    expect(page).toContain(`aria-label="Copy Audience"`);
    expect(page).toContain(`data-copy="api://scim.test/${admin.orgId}"`);
    expect(page).toContain(`data-copy="https://scim.test/oauth/token"`);
    expect(page).toContain("No federated credential yet.");
    // The form: the audience prefilled, the issuer showing Entra's form.
    expect(page).toContain('action="/organization/scim/federated-credentials"');
    expect(page).toContain(`name="audience" type="text" maxlength="512" value="api://scim.test/${admin.orgId}"`);
    expect(page).toContain('placeholder="https://login.microsoftonline.com/&lt;tenant-id&gt;/v2.0"');
    expect(page).toContain('href="/organization/log?operation=authenticate"');
  });

  it("adds a credential through the form, shows it in the table and the API, and removes it", async () => {
    const admin = await verifiedAdmin();
    const t = entraTenant();
    const { b, csrf } = await signedInAs(admin);
    const audience = `api://scim.test/${admin.orgId}`;

    const added = await b.post(
      "/organization/scim/federated-credentials",
      { name: " Entra provisioning ", issuer: t.issuer, subject: t.subject, audience },
      csrf,
    );
    expect(added.status).toBe(303);
    expect(added.headers.get("location")).toBe("/organization/scim#workload-identity-federation");

    const listed = await credentials(admin.token);
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ name: "Entra provisioning", issuer: t.issuer, subject: t.subject, audience });

    const page = await (await b.get("/organization/scim")).text();
    const rows = rowsOf(page);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.id).toBe(listed[0]!.id);
    expect(rows[0]!.html).toContain("<td>Entra provisioning</td>");
    expect(rows[0]!.html).toContain(`<code class="secret">${t.issuer}</code>`);
    expect(rows[0]!.html).toContain(`<code class="secret">${t.subject}</code>`);
    expect(rows[0]!.html).toContain(`<code class="secret">${audience}</code>`);
    expect(rows[0]!.html).toContain(`<time datetime="${new Date(listed[0]!.createdAt!).toISOString()}"`);
    expect(rows[0]!.html).toContain(`action="/organization/scim/federated-credentials/${listed[0]!.id}/remove"`);
    expect(rows[0]!.html).toContain('aria-label="Remove federated credential Entra provisioning"');
    expect(page).not.toContain("No federated credential yet.");

    const removed = await b.post(`/organization/scim/federated-credentials/${listed[0]!.id}/remove`, {}, csrf);
    expect(removed.status).toBe(303);
    expect(removed.headers.get("location")).toBe("/organization/scim#workload-identity-federation");
    expect(await credentials(admin.token)).toHaveLength(0);
    const after = await (await b.get("/organization/scim")).text();
    expect(rowsOf(after)).toHaveLength(0);
    expect(after).toContain("No federated credential yet.");
    // Removed already: said so, nothing else changes.
    const again = await b.post(`/organization/scim/federated-credentials/${listed[0]!.id}/remove`, {}, csrf);
    expect(again.status).toBe(404);
    expect(errorOf(await again.text())).toContain("No such federated credential");
  });

  it("takes the organization's default audience when the field is left empty", async () => {
    const admin = await verifiedAdmin();
    const t = entraTenant();
    const { b, csrf } = await signedInAs(admin);
    const added = await b.post("/organization/scim/federated-credentials", { name: "Entra", issuer: t.issuer, subject: t.subject, audience: "" }, csrf);
    expect(added.status).toBe(303);
    expect((await credentials(admin.token))[0]).toMatchObject({ audience: `api://scim.test/${admin.orgId}` });
  });

  it("refuses a plain-http issuer with the reason, storing nothing and keeping what was typed", async () => {
    const admin = await verifiedAdmin();
    const subject = crypto.randomUUID();
    const { b, csrf } = await signedInAs(admin);
    const issuer = "http://login.microsoftonline.com/tenant/v2.0";
    const answer = await b.post(
      "/organization/scim/federated-credentials",
      { name: "Entra", issuer, subject, audience: `api://scim.test/${admin.orgId}` },
      csrf,
    );
    expect(answer.status).toBe(400);
    const page = await answer.text();
    expect(errorOf(page)).toBe("The issuer must be https (plain http only on a loopback host, for development).");
    expect(page).toContain(`value="${issuer}"`);
    expect(page).toContain(`value="${subject}"`);
    expect(await credentials(admin.token)).toHaveLength(0);

    // Other refusals the API makes, in the page's words.
    const missing = await b.post("/organization/scim/federated-credentials", { name: "Entra", issuer: "", subject, audience: "" }, csrf);
    expect(missing.status).toBe(400);
    expect(errorOf(await missing.text())).toContain("issuer");
    const noSubject = await b.post(
      "/organization/scim/federated-credentials",
      { name: "Entra", issuer: entraTenant().issuer, subject: " ", audience: "" },
      csrf,
    );
    expect(noSubject.status).toBe(400);
    expect(errorOf(await noSubject.text())).toContain("subject");
    const noName = await b.post("/organization/scim/federated-credentials", { name: "", issuer: entraTenant().issuer, subject, audience: "" }, csrf);
    expect(noName.status).toBe(400);
    expect(errorOf(await noName.text())).toContain("name");
    expect(await credentials(admin.token)).toHaveLength(0);
  });

  it("refuses the same issuer, subject and audience twice with 409 and the reason", async () => {
    const admin = await verifiedAdmin();
    const t = entraTenant();
    const { b, csrf } = await signedInAs(admin);
    const form = { name: "Entra", issuer: t.issuer, subject: t.subject, audience: `api://scim.test/${admin.orgId}` };
    expect((await b.post("/organization/scim/federated-credentials", form, csrf)).status).toBe(303);
    const twice = await b.post("/organization/scim/federated-credentials", { ...form, name: "Entra again" }, csrf);
    expect(twice.status).toBe(409);
    const page = await twice.text();
    expect(errorOf(page)).toContain("issuer, subject and audience exists already");
    expect(page).toContain('value="Entra again"');
    expect(rowsOf(page)).toHaveLength(1);
    expect(await credentials(admin.token)).toHaveLength(1);
  });

  it("shows a read-only admin the values and the table, but no form or button", async () => {
    const admin = await verifiedAdmin();
    const t = entraTenant();
    const created = await send("POST", "/api/organization/federated-credentials", admin.token, { name: "Entra", issuer: t.issuer, subject: t.subject });
    expect(created.status).toBe(201);
    const { id } = await json(created);
    const reader = await newAccount();
    await joinAsAdmin(admin, reader, "read");
    const { b, csrf } = await signedInAs(reader);

    const page = await (await b.get("/organization/scim")).text();
    expect(page).toContain(`data-copy="api://scim.test/${admin.orgId}"`);
    expect(page).toContain(`data-copy="https://scim.test/oauth/token"`);
    const rows = rowsOf(page);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.html).toContain(t.issuer);
    expect(rows[0]!.html).toContain(t.subject);
    expect(rows[0]!.html).not.toContain("Remove");
    expect(page).toContain("Your admin role has read permission only.");
    expect(page).not.toContain('action="/organization/scim/federated-credentials"');
    expect(page).not.toContain('name="issuer"');
    // The one form is the navigation's Sign out.
    expect(postForms(page)).toBe(1);

    expect((await b.post("/organization/scim/federated-credentials", { name: "Mine", issuer: entraTenant().issuer, subject: "x" }, csrf)).status).toBe(403);
    expect((await b.post(`/organization/scim/federated-credentials/${id}/remove`, {}, csrf)).status).toBe(403);
    expect(await credentials(admin.token)).toHaveLength(1);
  });
});
