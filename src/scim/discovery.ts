/** Discovery endpoints (RFC 7644 section 4): ServiceProviderConfig, ResourceTypes, Schemas. */
import { scimBaseOf } from "../shared/scim-base";
import { Hono } from "hono";
import type { AppEnv } from "../shared/app-env";
import { errorResponse, scimJson } from "./errors";
import { MAX_RESULTS } from "./list";
import { allSchemas, CORE_GROUP, CORE_USER, ENTERPRISE_USER, LIST_RESPONSE, type Attribute, type ResourceSchema } from "./schemas";

/** The largest request body accepted, as advertised in bulk.maxPayloadSize. */
export const MAX_PAYLOAD_BYTES = 1024 * 1024;

const list = (resources: unknown[]) => ({
  schemas: [LIST_RESPONSE],
  totalResults: resources.length,
  itemsPerPage: resources.length,
  startIndex: 1,
  Resources: resources,
});

/** 16384 as "16,384", whatever the runtime's locale data. */
const count = (n: number) => String(n).replace(/\B(?=(\d{3})+$)/g, ",");

/** The attribute's description with its caps, since RFC 7643 schemas have no field for them. */
function describe({ description, maxLength, maxEntries }: Attribute): string {
  const caps = [...(maxEntries ? [`At most ${count(maxEntries)} entries.`] : []), ...(maxLength ? [`At most ${count(maxLength)} characters.`] : [])];
  return [description, ...caps].join(" ");
}

/** An attribute as /Schemas publishes it: empty lists left out, never a null, caps in the description. */
function publish(a: Attribute): Record<string, unknown> {
  const { subAttributes, canonicalValues, referenceTypes, maxLength: _length, maxEntries: _entries, ...rest } = a;
  return {
    ...rest,
    description: describe(a),
    ...(canonicalValues?.length ? { canonicalValues } : {}),
    ...(referenceTypes?.length ? { referenceTypes } : {}),
    ...(subAttributes?.length ? { subAttributes: subAttributes.map(publish) } : {}),
  };
}

function schemaResource(s: ResourceSchema, base: string) {
  return {
    schemas: ["urn:ietf:params:scim:schemas:core:2.0:Schema"],
    id: s.id,
    name: s.name,
    description: s.description,
    attributes: s.attributes.map(publish),
    meta: { resourceType: "Schema", location: `${base}/Schemas/${s.id}` },
  };
}

function resourceTypes(base: string) {
  return [
    {
      schemas: ["urn:ietf:params:scim:schemas:core:2.0:ResourceType"],
      id: "User",
      name: "User",
      endpoint: "/Users",
      description: "User Account",
      schema: CORE_USER,
      schemaExtensions: [{ schema: ENTERPRISE_USER, required: false }],
      meta: { resourceType: "ResourceType", location: `${base}/ResourceTypes/User` },
    },
    {
      schemas: ["urn:ietf:params:scim:schemas:core:2.0:ResourceType"],
      id: "Group",
      name: "Group",
      endpoint: "/Groups",
      description: "Group",
      schema: CORE_GROUP,
      meta: { resourceType: "ResourceType", location: `${base}/ResourceTypes/Group` },
    },
  ];
}

function serviceProviderConfig(base: string) {
  return {
    schemas: ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],
    documentationUri: "https://github.com/edge-scim/edge-scim#readme",
    patch: { supported: true },
    bulk: { supported: false, maxOperations: 0, maxPayloadSize: MAX_PAYLOAD_BYTES },
    filter: { supported: true, maxResults: MAX_RESULTS },
    changePassword: { supported: false },
    sort: { supported: true },
    etag: { supported: true },
    authenticationSchemes: [
      {
        type: "oauthbearertoken",
        name: "OAuth Bearer Token",
        description: "A SCIM token of the organization, or an OAuth 2.0 access token, as a Bearer token.",
        primary: true,
      },
    ],
    meta: { resourceType: "ServiceProviderConfig", location: `${base}/ServiceProviderConfig` },
  };
}

export const discovery = new Hono<AppEnv>()
  .get("/ServiceProviderConfig", (c) => scimJson(serviceProviderConfig(scimBaseOf(c.req.url))))
  .get("/ResourceTypes", (c) => scimJson(list(resourceTypes(scimBaseOf(c.req.url)))))
  .get("/ResourceTypes/:id", (c) => {
    const found = resourceTypes(scimBaseOf(c.req.url)).find((r) => r.id.toLowerCase() === c.req.param("id").toLowerCase());
    return found ? scimJson(found) : errorResponse({ status: 404, detail: `No resource type ${c.req.param("id")}.` });
  })
  .get("/Schemas", (c) => scimJson(list(allSchemas.map((s) => schemaResource(s, scimBaseOf(c.req.url))))))
  .get("/Schemas/:id", (c) => {
    const found = allSchemas.find((s) => s.id.toLowerCase() === c.req.param("id").toLowerCase());
    return found ? scimJson(schemaResource(found, scimBaseOf(c.req.url))) : errorResponse({ status: 404, detail: `No schema ${c.req.param("id")}.` });
  });
