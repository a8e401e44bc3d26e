/** The `meta` attribute and ETag shared by every resource (RFC 7643 section 3.1, RFC 7644 section 3.14). */

/** The weak ETag of a resource version. */
export const etagOf = (version: number) => `W/"${version}"`;

interface Stamped {
  id: string;
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** `meta` for a stored row. */
export function metaOf(resourceType: "User" | "Group", row: Stamped, baseUrl: string) {
  return {
    resourceType,
    created: row.createdAt,
    lastModified: row.updatedAt,
    location: `${baseUrl}/${resourceType}s/${row.id}`,
    version: etagOf(row.version),
  };
}

/** Whether an If-Match header allows a write to a resource at `version` (RFC 7232 weak comparison). */
export function ifMatchAllows(header: string | undefined, version: number): boolean {
  if (header === undefined) return true;
  const current = String(version);
  return header.split(",").some((tag) => {
    const t = tag.trim();
    return t === "*" || t.replace(/^W\//, "").replace(/^"|"$/g, "") === current;
  });
}
