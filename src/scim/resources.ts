/** /Users and /Groups: reads from D1, writes through the organization's writer. */
import { Hono, type Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { ScimEnv } from "./auth";
import { drizzle, type DrizzleD1Database } from "drizzle-orm/d1";
import { orgWriter } from "../writer/address";
import type { GroupRow, UserRow } from "../db/schema";
import type { FailedRequest, ScimWrite, ScimWriteResult } from "./writes/commands";
import type { JsonObject } from "./attributes";
import { MAX_PAYLOAD_BYTES } from "./discovery";
import { scimBaseOf } from "../shared/scim-base";
import { clip, errorResponse, scimJson, type ScimError } from "./errors";
import { findGroup, listGroups, membersOfGroups } from "./groups/read";
import { renderGroup } from "./groups/document";
import { readListQuery, type ListQuery } from "./list";
import { etagOf } from "./meta";
import { project, readProjection, wants, type Projection } from "./projection";
import { LIST_RESPONSE, type ResourceKind } from "./schemas";
import { findUser, groupsOfUsers, listUsers } from "./users/read";
import { renderUser } from "./users/document";

type Ctx = Context<ScimEnv>;
type Row = UserRow | GroupRow;

/** How each resource kind is read and rendered. */
interface Reader {
  find(db: DrizzleD1Database, orgId: string, id: string): Promise<Row | undefined>;
  list(db: DrizzleD1Database, orgId: string, query: ListQuery, base: string): Promise<{ total: number; resources: JsonObject[] }>;
  render(db: DrizzleD1Database, rows: Row[], projection: Projection, base: string): Promise<JsonObject[]>;
}

const readers: Record<ResourceKind, Reader> = {
  User: {
    find: findUser,
    // A list reads its page, total and the page's groups in one round trip.
    async list(db, orgId, query, base) {
      const { rows, total, groups } = await listUsers(db, orgId, query, wants("User", query.projection, "groups"));
      return { total, resources: rows.map((r) => renderUser(r, base, groups?.get(r.id))) };
    },
    async render(db, rows, projection, base) {
      const groups = wants("User", projection, "groups")
        ? await groupsOfUsers(
            db,
            rows.map((r) => r.id),
          )
        : undefined;
      return rows.map((r) => renderUser(r as UserRow, base, groups?.get(r.id)));
    },
  },
  Group: {
    find: findGroup,
    async list(db, orgId, query, base) {
      const { rows, total } = await listGroups(db, orgId, query);
      return { total, resources: await this.render(db, rows, query.projection, base) };
    },
    async render(db, rows, projection, base) {
      // excludedAttributes=members must not pay for loading members.
      const members = wants("Group", projection, "members")
        ? await membersOfGroups(
            db,
            rows.map((r) => r.id),
          )
        : undefined;
      return rows.map((r) => renderGroup(r as GroupRow, base, members?.get(r.id)));
    },
  },
};

const writerOf = (c: Ctx) => orgWriter(c.env, c.var.orgId);

const requestInfo = (c: Ctx) => ({ method: c.req.method, path: new URL(c.req.url).pathname, startedAt: c.var.startedAt });

/** Answers a SCIM error the Worker found itself, and logs it through the organization's writer. */
async function refuse(c: Ctx, error: ScimError, failure: Omit<FailedRequest, "status" | "detail">): Promise<Response> {
  await writerOf(c).recordFailure(c.var.orgId, requestInfo(c), { ...failure, status: error.status, detail: error.detail });
  return errorResponse(error);
}

async function renderOne(c: Ctx, kind: ResourceKind, row: Row, status: number, projection: Projection, extra: Record<string, string> = {}) {
  const db = drizzle(c.env.DB);
  const [resource] = await readers[kind].render(db, [row], projection, scimBaseOf(c.req.url));
  return scimJson(project(kind, resource!, projection), status, { etag: etagOf(row.version), ...extra });
}

/** Sends a write to the writer and turns its answer into a SCIM response. */
async function write(c: Ctx, kind: ResourceKind, command: ScimWrite): Promise<Response> {
  const result: ScimWriteResult = await writerOf(c).scim(c.var.orgId, requestInfo(c), command);
  if (!result.ok) {
    return errorResponse(result.error, result.retryAfterSeconds ? { "retry-after": String(result.retryAfterSeconds) } : {});
  }
  const row = result.user ?? result.group;
  if (result.status === 204 || !row) return c.body(null, 204, row ? { etag: etagOf(row.version) } : {});
  const location = `${scimBaseOf(c.req.url)}/${kind}s/${row.id}`;
  return renderOne(c, kind, row, result.status, projectionOf(c), result.status === 201 ? { location } : {});
}

const projectionOf = (c: Ctx) => readProjection(c.req.query("attributes"), c.req.query("excludedAttributes"));

/** Whether a PATCH asks for the resource back (RFC 7644 section 3.5.2): it names attributes. */
const wantsResource = (c: Ctx) => {
  const p = projectionOf(c);
  return p.attributes !== undefined || p.excluded !== undefined;
};

/** The routes of one resource kind. */
function resourceRoutes(kind: ResourceKind) {
  const reader = readers[kind];
  const routes = new Hono<ScimEnv>();
  routes.use(
    bodyLimit({
      maxSize: MAX_PAYLOAD_BYTES,
      onError: () => errorResponse({ status: 413, detail: `The request body is larger than ${MAX_PAYLOAD_BYTES} bytes.` }),
    }),
  );

  routes.get("/", async (c) => {
    const query = readListQuery(kind, c.req.query());
    if (!query.ok) return refuse(c, query.error, { operation: "query", resourceType: kind, resourceId: null });
    const db = drizzle(c.env.DB);
    const { total, resources } = await reader.list(db, c.var.orgId, query.value, scimBaseOf(c.req.url));
    return scimJson(
      {
        schemas: [LIST_RESPONSE],
        totalResults: total,
        itemsPerPage: resources.length,
        startIndex: query.value.startIndex,
        Resources: resources.map((r) => project(kind, r, query.value.projection)),
      },
      200,
    );
  });

  routes.get("/:id", async (c) => {
    const id = c.req.param("id");
    const row = await reader.find(drizzle(c.env.DB), c.var.orgId, id);
    if (!row) return refuse(c, { status: 404, detail: `${kind} ${clip(id)} not found.` }, { operation: "read", resourceType: kind, resourceId: id });
    return renderOne(c, kind, row, 200, projectionOf(c));
  });

  // The JSON text goes to the writer as it came (scim+json or plain JSON); the writer parses it.
  const withBody = (make: (c: Ctx, body: string) => ScimWrite) => async (c: Ctx) => write(c, kind, make(c, await c.req.text()));
  const ifMatch = (c: Ctx) => {
    const h = c.req.header("if-match");
    return h === undefined ? {} : { ifMatch: h };
  };

  routes.post(
    "/",
    withBody((_c, body) => ({ kind: `create${kind}`, body })),
  );
  routes.put(
    "/:id",
    withBody((c, body) => ({ kind: `replace${kind}`, id: c.req.param("id")!, body, ...ifMatch(c) })),
  );
  routes.patch(
    "/:id",
    withBody((c, body) => ({ kind: `patch${kind}`, id: c.req.param("id")!, body, returnResource: wantsResource(c), ...ifMatch(c) })),
  );
  routes.delete("/:id", (c) => write(c, kind, { kind: `delete${kind}`, id: c.req.param("id"), ...ifMatch(c) }));
  return routes;
}

export const users = resourceRoutes("User");
export const groups = resourceRoutes("Group");
