import { describe, expect, it } from "vitest";
import { call, json } from "../support/client";

const hasNull = (v: unknown): boolean => v === null || (typeof v === "object" && Object.values(v as object).some(hasNull));

describe("discovery", () => {
  it("publishes /Schemas as a ListResponse with full attribute definitions and no nulls", async () => {
    const r = await call("/scim/v2/Schemas");
    expect(r.status).toBe(200);
    const body = await json(r);
    expect(body.schemas).toEqual(["urn:ietf:params:scim:api:messages:2.0:ListResponse"]);
    expect(body.totalResults).toBe(3);
    expect(body.Resources.map((s: { id: string }) => s.id)).toEqual([
      "urn:ietf:params:scim:schemas:core:2.0:User",
      "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User",
      "urn:ietf:params:scim:schemas:core:2.0:Group",
    ]);
    expect(hasNull(body)).toBe(false);
    const user = body.Resources[0];
    const userName = user.attributes.find((a: { name: string }) => a.name === "userName");
    expect(userName).toEqual({
      name: "userName",
      type: "string",
      multiValued: false,
      description: expect.any(String),
      required: true,
      caseExact: false,
      mutability: "readWrite",
      returned: "default",
      uniqueness: "server",
    });
    const emails = user.attributes.find((a: { name: string }) => a.name === "emails");
    expect(emails).toMatchObject({ type: "complex", multiValued: true });
    expect(emails.subAttributes.map((a: { name: string }) => a.name)).toEqual(["value", "display", "type", "primary"]);
    for (const attr of user.attributes) {
      for (const key of ["name", "type", "multiValued", "required", "caseExact", "mutability", "returned", "uniqueness"]) {
        expect(attr, `${attr.name}.${key}`).toHaveProperty(key);
      }
    }
    const enterprise = await json(await call("/scim/v2/Schemas/urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"));
    expect(enterprise.attributes.map((a: { name: string }) => a.name)).toEqual([
      "employeeNumber",
      "costCenter",
      "organization",
      "division",
      "department",
      "manager",
    ]);
    expect((await call("/scim/v2/Schemas/urn:nope")).status).toBe(404);
  });

  it("publishes ResourceTypes and ServiceProviderConfig", async () => {
    const types = await json(await call("/scim/v2/ResourceTypes"));
    expect(types.totalResults).toBe(2);
    expect(types.Resources[0]).toMatchObject({
      id: "User",
      endpoint: "/Users",
      schema: "urn:ietf:params:scim:schemas:core:2.0:User",
      schemaExtensions: [{ schema: "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User", required: false }],
    });
    expect((await json(await call("/scim/v2/ResourceTypes/Group"))).endpoint).toBe("/Groups");
    const config = await json(await call("/scim/v2/ServiceProviderConfig"));
    expect(config).toMatchObject({
      patch: { supported: true },
      bulk: { supported: false, maxPayloadSize: 1048576 },
      filter: { supported: true, maxResults: 200 },
      sort: { supported: true },
      etag: { supported: true },
      changePassword: { supported: false },
    });
    expect(config.authenticationSchemes[0].type).toBe("oauthbearertoken");
  });
});
