/** What the Worker asks an organization's writer to do, and what it answers. */
import type { GroupRow, UserRow } from "../../db/schema";
import type { ScimError } from "../errors";

/** The HTTP request a write or failure came from, for the provisioning log. */
export interface RequestInfo {
  method: string;
  path: string;
  startedAt: number;
}

/** A SCIM write as the Worker sends it; `body` is the request's JSON text, parsed by the writer. */
export type ScimWrite =
  | { kind: "createUser"; body: string }
  | { kind: "replaceUser"; id: string; body: string; ifMatch?: string }
  | { kind: "patchUser"; id: string; body: string; ifMatch?: string; returnResource: boolean }
  | { kind: "deleteUser"; id: string; ifMatch?: string }
  | { kind: "createGroup"; body: string }
  | { kind: "replaceGroup"; id: string; body: string; ifMatch?: string }
  | { kind: "patchGroup"; id: string; body: string; ifMatch?: string; returnResource: boolean }
  | { kind: "deleteGroup"; id: string; ifMatch?: string };

/**
 * The outcome of a SCIM write: the stored row (absent after a delete) or a SCIM error. A PATCH
 * answers 204 with the row's ETag unless the client asked for the resource (RFC 7644 section 3.5.2).
 */
export type ScimWriteResult =
  | { ok: true; status: 200 | 201 | 204; user?: UserRow; group?: GroupRow }
  | { ok: false; error: ScimError; retryAfterSeconds?: number };

/** A failed SCIM request the Worker answered itself (bad JSON, unknown id, bad filter...). */
export interface FailedRequest {
  operation: string;
  // Null for a request about no resource (a refused token request).
  resourceType: "User" | "Group" | null;
  resourceId: string | null;
  status: number;
  detail: string;
}

/** A write whose body the writer has parsed. */
export type ParsedWrite<W extends ScimWrite = ScimWrite> = W extends { body: string } ? Omit<W, "body"> & { body: unknown } : W;
