import { describe, expect, it } from "vitest";
import { json, OPERATOR, send } from "../support/client";
import { verifiedAdmin } from "../support/world";

describe("names that are not domains on the public internet", () => {
  it("are refused as claims of a read & write admin, with the reason", async () => {
    const admin = await verifiedAdmin();
    for (const [domain, why] of [
      ["printer.local", "special-use name"],
      ["db.internal", "special-use name"],
      ["app.localhost", "special-use name"],
      ["10.1.2.3", "IP address"],
    ]) {
      const r = await send("POST", "/api/domains", admin.token, { domain });
      expect(r.status, domain).toBe(400);
      expect(await json(r)).toEqual({
        error: "invalid_domain",
        message: expect.stringContaining(`"${domain}" is ${why === "IP address" ? "an" : "a"} ${why}`),
      });
    }
    expect((await json(await send("GET", "/api/domains", admin.token))).domains).toHaveLength(1);
  });

  it("are refused as domains of an operator-created organization, with the reason", async () => {
    const r = await send("POST", "/api/operator/organizations", OPERATOR, { name: "Intranet", domains: ["intranet.localhost"] });
    expect(r.status).toBe(400);
    expect(await json(r)).toEqual({ error: "invalid_domain", message: expect.stringContaining('"intranet.localhost" is a special-use name') });
  });

  it("make a sign-up e-mail address invalid", async () => {
    const r = await send("POST", "/api/accounts", "", { email: "ada@printer.local", password: "correct horse battery staple" });
    expect(r.status).toBe(400);
    expect((await json(r)).error).toBe("invalid_email");
  });
});
