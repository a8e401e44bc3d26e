/** SCIM resource schemas (RFC 7643 section 8.7): one description used by /Schemas, filters, PATCH and parsing. */

export const CORE_USER = "urn:ietf:params:scim:schemas:core:2.0:User";
export const ENTERPRISE_USER = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
export const CORE_GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group";
export const LIST_RESPONSE = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
export const PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
export const ERROR_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:Error";

export type AttributeType = "string" | "boolean" | "dateTime" | "reference" | "complex" | "binary";
type Mutability = "readOnly" | "readWrite" | "immutable" | "writeOnly";
type Returned = "always" | "never" | "default" | "request";

/** One attribute definition as /Schemas publishes it. */
export interface Attribute {
  name: string;
  type: AttributeType;
  multiValued: boolean;
  description: string;
  required: boolean;
  caseExact: boolean;
  mutability: Mutability;
  returned: Returned;
  uniqueness: "none" | "server" | "global";
  canonicalValues?: string[];
  referenceTypes?: string[];
  subAttributes?: Attribute[];
  /** The most characters a value may have; /Schemas states it in the description. */
  maxLength?: number;
  /** The most entries a multi-valued attribute may have. */
  maxEntries?: number;
}

export interface ResourceSchema {
  id: string;
  name: string;
  description: string;
  attributes: Attribute[];
}

type Options = Partial<Omit<Attribute, "name" | "type" | "description" | "maxEntries">> & {
  maxEntries?: number | "unbounded";
};

/**
 * Caps on what a client may write, far above real directory data (Entra allows 256 characters for a
 * displayName, 113 for a UPN, 128 for a job title), so one request cannot store or echo megabytes.
 */
export const LIMITS = {
  /** userName, displayName and externalId: names and identifiers. */
  name: 256,
  /** Any other string. */
  string: 1024,
  /** URLs: profileUrl, photos, $ref. */
  reference: 2048,
  /** Base64 certificates. */
  binary: 16 * 1024,
  /** Entries of a multi-valued attribute other than a group's members. */
  entries: 100,
};

const defaultMaxLength: Partial<Record<AttributeType, number>> = {
  string: LIMITS.string,
  reference: LIMITS.reference,
  binary: LIMITS.binary,
};

function attr(name: string, type: AttributeType, description: string, options: Options = {}): Attribute {
  const { maxLength: lengthOption, maxEntries: entriesOption, ...rest } = options;
  const a: Attribute = {
    name,
    type,
    multiValued: false,
    description,
    required: false,
    caseExact: false,
    mutability: "readWrite",
    returned: "default",
    uniqueness: "none",
    ...rest,
  };
  // Read-only attributes are never written by clients, so they need no cap.
  if (a.mutability === "readOnly") return a;
  const maxLength = lengthOption ?? defaultMaxLength[type];
  const maxEntries = !a.multiValued || entriesOption === "unbounded" ? undefined : (entriesOption ?? LIMITS.entries);
  return { ...a, ...(maxLength ? { maxLength } : {}), ...(maxEntries ? { maxEntries } : {}) };
}

const str = (name: string, description: string, options?: Options) => attr(name, "string", description, options);

/** The usual sub-attributes of a multi-valued attribute (RFC 7643 section 2.4). */
function multi(name: string, description: string, types: string[], valueType: AttributeType = "string"): Attribute {
  return attr(name, "complex", description, {
    multiValued: true,
    subAttributes: [
      attr("value", valueType, `The value of the ${name} entry.`),
      str("display", "A human-readable name, primarily used for display purposes."),
      str("type", `A label indicating the ${name} entry's function.`, { canonicalValues: types }),
      attr("primary", "boolean", "Indicates the primary entry; at most one entry may be primary."),
    ],
  });
}

const idAttribute = str("id", "Unique identifier assigned by the service provider.", {
  caseExact: true,
  mutability: "readOnly",
  returned: "always",
  uniqueness: "server",
});
const externalIdAttribute = str("externalId", "Identifier of the resource as defined by the provisioning client.", {
  caseExact: true,
  maxLength: LIMITS.name,
});

export const userSchema: ResourceSchema = {
  id: CORE_USER,
  name: "User",
  description: "User Account",
  attributes: [
    idAttribute,
    externalIdAttribute,
    str("userName", "Unique identifier for the User, typically the user principal name.", {
      required: true,
      uniqueness: "server",
      maxLength: LIMITS.name,
    }),
    attr("name", "complex", "The components of the user's real name.", {
      subAttributes: [
        str("formatted", "The full name, formatted for display."),
        str("familyName", "The family name of the User."),
        str("givenName", "The given name of the User."),
        str("middleName", "The middle name(s) of the User."),
        str("honorificPrefix", "The honorific prefix(es) of the User."),
        str("honorificSuffix", "The honorific suffix(es) of the User."),
      ],
    }),
    str("displayName", "The name of the User, suitable for display to end-users.", { maxLength: LIMITS.name }),
    str("nickName", "The casual way to address the user."),
    attr("profileUrl", "reference", "A URL to the User's online profile.", { referenceTypes: ["external"] }),
    str("title", "The user's title, such as Vice President."),
    str("userType", "The relationship between the organization and the user."),
    str("preferredLanguage", "The User's preferred written or spoken language."),
    str("locale", "The User's default location for localization."),
    str("timezone", "The User's time zone in the Olson time zone database format."),
    attr("active", "boolean", "The User's administrative status."),
    multi("emails", "Email addresses for the user.", ["work", "home", "other"]),
    multi("phoneNumbers", "Phone numbers for the User.", ["work", "home", "mobile", "fax", "pager", "other"]),
    multi("ims", "Instant messaging addresses for the User.", ["aim", "gtalk", "icq", "xmpp", "msn", "skype", "qq", "yahoo"]),
    multi("photos", "URLs of photos of the User.", ["photo", "thumbnail"], "reference"),
    attr("addresses", "complex", "A physical mailing address for this User.", {
      multiValued: true,
      subAttributes: [
        str("formatted", "The full mailing address, formatted for display."),
        str("streetAddress", "The full street address component."),
        str("locality", "The city or locality component."),
        str("region", "The state or region component."),
        str("postalCode", "The zip code or postal code component."),
        str("country", "The country name component."),
        str("type", "A label indicating the address's function.", { canonicalValues: ["work", "home", "other"] }),
        attr("primary", "boolean", "Indicates the primary address; at most one may be primary."),
      ],
    }),
    attr("groups", "complex", "A list of groups to which the user belongs.", {
      multiValued: true,
      mutability: "readOnly",
      subAttributes: [
        str("value", "The identifier of the User's group.", { mutability: "readOnly" }),
        attr("$ref", "reference", "The URI of the Group.", { mutability: "readOnly", referenceTypes: ["Group"] }),
        str("display", "A human-readable name of the group.", { mutability: "readOnly" }),
        str("type", "How the membership was derived.", { mutability: "readOnly", canonicalValues: ["direct"] }),
      ],
    }),
    multi("entitlements", "A list of entitlements for the User.", []),
    multi("roles", "A list of roles for the User.", []),
    multi("x509Certificates", "A list of certificates issued to the User.", [], "binary"),
  ],
};

export const enterpriseUserSchema: ResourceSchema = {
  id: ENTERPRISE_USER,
  name: "EnterpriseUser",
  description: "Enterprise User",
  attributes: [
    str("employeeNumber", "Numeric or alphanumeric identifier assigned to a person by the organization."),
    str("costCenter", "Identifies the name of a cost center."),
    str("organization", "Identifies the name of an organization."),
    str("division", "Identifies the name of a division."),
    str("department", "Identifies the name of a department."),
    attr("manager", "complex", "The User's manager.", {
      subAttributes: [
        str("value", "The id of the SCIM resource representing the User's manager."),
        attr("$ref", "reference", "The URI of the manager.", { referenceTypes: ["User"] }),
        str("displayName", "The displayName of the User's manager.", { mutability: "readOnly" }),
      ],
    }),
  ],
};

export const groupSchema: ResourceSchema = {
  id: CORE_GROUP,
  name: "Group",
  description: "Group",
  attributes: [
    idAttribute,
    externalIdAttribute,
    str("displayName", "A human-readable name for the Group.", { required: true, uniqueness: "server", maxLength: LIMITS.name }),
    attr("members", "complex", "A list of members of the Group.", {
      multiValued: true,
      // Groups grow by PATCH in any size; one request is bounded by the body limit.
      maxEntries: "unbounded",
      subAttributes: [
        str("value", "Identifier of the member of this Group.", { caseExact: true, mutability: "immutable" }),
        attr("$ref", "reference", "The URI of the member resource.", {
          mutability: "immutable",
          referenceTypes: ["User", "Group"],
        }),
        str("display", "A human-readable name of the member.", { mutability: "readOnly" }),
        str("type", "The type of the member.", { mutability: "immutable", canonicalValues: ["User", "Group"] }),
      ],
    }),
  ],
};

export const allSchemas = [userSchema, enterpriseUserSchema, groupSchema];

/** Finds an attribute by name, ignoring letter case (RFC 7643 section 2.1). */
export function findAttribute(list: Attribute[] | undefined, name: string): Attribute | undefined {
  const lower = name.toLowerCase();
  return list?.find((a) => a.name.toLowerCase() === lower);
}

export type ResourceKind = "User" | "Group";

/** Where an attribute reference lands: the schema holding it, the attribute and an optional sub-attribute. */
export interface ResolvedPath {
  schema: ResourceSchema;
  attribute: Attribute;
  sub?: Attribute;
}

/**
 * Resolves `name`, `name.sub` or `urn:...:name.sub` for a resource kind, case-insensitively.
 * Returns undefined for an attribute the schema does not have.
 */
export function resolvePath(kind: ResourceKind, path: string): ResolvedPath | undefined {
  const lower = path.toLowerCase();
  const candidates = kind === "User" ? [enterpriseUserSchema, userSchema] : [groupSchema];
  let schema: ResourceSchema | undefined;
  let rest = path;
  for (const s of candidates) {
    const urn = s.id.toLowerCase();
    if (lower.startsWith(`${urn}:`)) {
      schema = s;
      rest = path.slice(urn.length + 1);
      break;
    }
  }
  if (!schema) {
    if (lower.startsWith("urn:")) return undefined;
    schema = kind === "User" ? userSchema : groupSchema;
  }
  const [head, sub, ...extra] = rest.split(".");
  if (extra.length > 0 || head === undefined) return undefined;
  const isCore = schema === userSchema || schema === groupSchema;
  const attribute = findAttribute(schema.attributes, head) ?? (isCore && head.toLowerCase() === "meta" ? metaAttribute : undefined);
  if (!attribute) return undefined;
  if (sub === undefined) return { schema, attribute };
  const subAttribute = findAttribute(attribute.subAttributes, sub);
  return subAttribute ? { schema, attribute, sub: subAttribute } : undefined;
}

/** The `meta` attribute is common to all resources and filterable (RFC 7643 section 3.1). */
export const metaAttribute = attr("meta", "complex", "Resource metadata.", {
  mutability: "readOnly",
  subAttributes: [
    str("resourceType", "The name of the resource type.", { caseExact: true, mutability: "readOnly" }),
    attr("created", "dateTime", "When the resource was added.", { mutability: "readOnly" }),
    attr("lastModified", "dateTime", "When the resource was last updated.", { mutability: "readOnly" }),
    attr("location", "reference", "The URI of the resource.", { mutability: "readOnly" }),
    str("version", "The version of the resource.", { caseExact: true, mutability: "readOnly" }),
  ],
});
